"""Output: write every file into a fresh folder, then swap it in for the old site.

A build that fails or is interrupted (even by SIGKILL or a power cut) never leaves a half-written
or missing site/: readers, web servers and the next build see either the previous site or the new
one, whole.

How. The new site is written to `.site.new-<pid>` beside `site/`. When every file is there,
the two folders trade names in one system call: `renameat2(RENAME_EXCHANGE)` on Linux,
`renamex_np(RENAME_SWAP)` on macOS. There is no instant at which `site/` is missing or mixed.
The old site, now under the staging name, is then deleted. `site/` stays a plain folder (not a
symlink), so copying it, `rsync`, zip, git and every static host treat it as before.

Where the exchange is not available (Windows; a file system that refuses it), `site/` is first
renamed aside to `.site.old-<pid>`, then the new folder renamed in. A build killed between those
two renames leaves the previous site under that name; the next build puts it back before it does
anything else (`recover`). Leftover `.site.new-*` / `.site.old-*` folders of killed builds are
deleted by the next build, which runs under the project's build lock (lock.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadsheet.incremental import Manifest
    from broadsheet.publish import Placed


class OutputError(Exception):
    pass


@dataclass(frozen=True)
class WriteResult:
    files: int
    bytes: int


def check_output_dir(output: Path, project: Path, content: Path) -> None:
    """Refuse output folders that would overwrite the project or its content."""
    out, proj, cont = output.resolve(), project.resolve(), content.resolve()
    if out == proj or out in proj.parents or cont == out or cont.is_relative_to(out):
        raise OutputError(
            f"output folder {output} would replace the project or its content: "
            "choose another output_dir"
        )


def inside(rel: str) -> str:
    """`rel`, a "/"-separated path, when it names a place inside a folder; else OutputError."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel or ".." in rel.split("/"):
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return rel


def safe_join(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that would land outside root."""
    return root.joinpath(*PurePosixPath(inside(rel)).parts)


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.new-{os.getpid()}"


def _leftovers(output: Path, kind: str) -> list[Path]:
    """`.site.new-*` or `.site.old-*` folders beside `output`, newest first."""
    prefix = f".{output.name}.{kind}-"
    try:
        found = [p for p in output.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.lstat().st_ctime_ns, p.name), reverse=True)


def remove_path(path: Path) -> None:
    """Delete a file, link or folder tree, whichever `path` is (nothing if it is missing)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def recover(output: Path) -> None:
    """Undo what an interrupted build left beside `output`.

    If `output` is missing but a previous site was set aside (a build killed between the two
    renames of the fallback swap), it is put back. Then every leftover staging or set-aside
    folder is deleted. Call only while holding the project's build lock.
    """
    output = output.absolute()
    old = _leftovers(output, "old")
    if old and not os.path.lexists(output):
        os.replace(old.pop(0), output)
    for path in old + _leftovers(output, "new"):
        remove_path(path)


def prepare_output(output: Path) -> Path:
    """The output folder to replace (absolute; a linked site/ is replaced where it points),
    after putting right what an interrupted build left beside it (`recover`)."""
    output = output.absolute()
    if output.is_symlink():
        output = output.resolve()  # a site/ the user linked elsewhere: replace what it points to
    if os.path.lexists(output) and not output.is_dir():
        raise OutputError(
            f"output folder {output} is a file: remove it or choose another output_dir"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    return output


def swap_in(new: Path, output: Path, keep_previous: bool = False) -> None:
    """Put the complete folder `new` at `output`, atomically where the OS allows. The previous
    site is deleted, or with `keep_previous` left at `new`'s name (publish.py's spare copy)."""
    if not os.path.lexists(output):
        os.replace(new, output)  # a rename onto a free name is atomic everywhere
        return
    if exchange(new, output):
        if not keep_previous:
            remove_path(new)  # now the previous site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.replace(output, old)
    os.replace(new, output)  # killed before this line: recover() restores `old`
    if keep_previous:
        os.replace(old, new)
    else:
        remove_path(old)


def write_tree(
    files: Iterable[tuple[str, bytes | Path]],
    output: Path,
    finalize: Callable[[Path], None] | None = None,
) -> WriteResult:
    """Write (relative path, bytes or a file to copy) pairs as the new `output` folder, in
    full, with no build state (publish.publish without a spare copy).

    `finalize(staging)` runs on the complete new folder before it replaces the old one (the
    search index is built there, so it always matches the pages it is published with).
    """
    from broadsheet.publish import place, publish  # publish builds on this module

    def place_files(tree: Path, output: Path, have: Manifest) -> Iterable[Placed]:
        return (place(tree, output, rel, b"", payload, None) for rel, payload in files)

    return publish(place_files, output, None, {}, lambda trees: None, finalize=finalize).result


# ---------------------------------------------------------------- atomic exchange

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc() if sys.platform in ("linux", "darwin") else None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap the names of two existing paths; False when the OS or file system
    cannot (then nothing was changed)."""
    if _LIBC is None:
        return False
    src, dst = os.fsencode(a), os.fsencode(b)
    if sys.platform == "linux":
        func = getattr(_LIBC, "renameat2", None)
        if func is None:
            return False
        result = func(_AT_FDCWD, src, _AT_FDCWD, dst, _RENAME_EXCHANGE)
    else:
        func = getattr(_LIBC, "renamex_np", None)
        if func is None:
            return False
        result = func(src, dst, _RENAME_SWAP)
    return result == 0
