"""Publishing a build: bring a spare copy of the site up to date, then swap it in.

A rebuild after a small change should write a small number of files, yet readers must still
see the old site or the new one whole (write.py explains the swap). So Broadsheet keeps two
complete copies: the published `site/` and a spare (in `.broadsheet-cache/spare/`, on the same
file system). A build writes into the spare only the files whose bytes differ from what the
spare holds, deletes what is no longer wanted, and then the two folders trade names in one
system call. The old site becomes the next build's spare.

What each copy holds is known from its *manifest* (incremental.py), looked up by the folder's
identity (device and inode), so a copy that was changed behind Broadsheet's back, or replaced,
or left half-updated by a killed build is never trusted: it is deleted and written in full.

Where no spare can be kept (none asked for, or the cache on another file system than the output)
every build writes a fresh folder beside the output and deletes the previous site.

A file taken over unchanged from the published site is a hard link to it, not a copy (made
anew only where the file system has no links): the two copies share the bytes of every file
that did not change, so the spare costs no disk space and making it costs no copying. For that
to be safe a file in a tree is never written in place: new bytes go to a new file that then
replaces the old name, so the other copy keeps what it had.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from broadsheet.incremental import Manifest, TreeId, digest, tree_id
from broadsheet.write import (
    OutputError,
    WriteResult,
    inside,
    prepare_output,
    remove_path,
    safe_join,
    staging_dir,
    swap_in,
)


@dataclass(frozen=True)
class Reuse:
    """A file whose bytes are the ones it has in the published site (known by their digest)."""

    digest: bytes
    size: int


#: What a file is made of: new bytes, a file to copy (the theme's static files), or the bytes
#: it already has in the published site.
Payload = bytes | Path | Reuse
#: A manifest entry: (digest of what the file was made from, digest of its bytes, size).
Entry = tuple[bytes, bytes, int]
#: A file put in place in the tree being updated: (relative path, its entry, 1 if written).
Placed = tuple[str, Entry, int]
#: Puts every file of the new site into a tree, given the tree, the published site (where
#: reused files are copied from) and what the tree already holds.
Placer = Callable[[Path, Path, Manifest], Iterable[Placed]]


@dataclass(frozen=True)
class Published:
    result: WriteResult
    #: the manifests of the trees now on disk, by folder identity (published and spare)
    trees: dict[TreeId, Manifest]
    written: int  #: files whose bytes had to be written into the tree that became the site
    manifest: Manifest  #: the published site's


class StaleSite(Exception):
    """The published site lacks a file the manifest says it has (changed by hand): the caller
    should build again in full."""


def _inside(rel: str, folders: Sequence[str]) -> bool:
    return rel.split("/", 1)[0] in folders


def _delete(tree: Path, rels: Iterable[str]) -> None:
    """Delete files of the tree, and the folders they leave empty."""
    for rel in sorted(rels):
        target = safe_join(tree, rel)
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != tree:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def _same_file_system(spare: Path, output: Path) -> bool:
    spare.parent.mkdir(parents=True, exist_ok=True)
    return os.stat(spare.parent).st_dev == os.stat(output.parent).st_dev


def _prepare(tree: Path, trees: dict[TreeId, Manifest]) -> Manifest:
    """The folder to update, ready, and what it holds: its manifest when it is a tree in
    `trees`, else it is made anew and holds nothing."""
    known = trees.get(tree_id(tree)) if os.path.lexists(tree) else None
    if known is None:
        remove_path(tree)
        tree.mkdir(parents=True)
        return {}
    return dict(known)


def publish(
    place_files: Placer,
    output: Path,
    spare: Path | None,
    trees: dict[TreeId, Manifest],
    record: Callable[[dict[TreeId, Manifest]], None],
    generated: Sequence[str] = (),
    finalize: Callable[[Path], None] | None = None,
) -> Published:
    """Make `output` hold exactly the files `place_files(tree, output, what the tree holds)` puts
    into the tree being updated (with `place`, maybe on worker processes) and reports as it goes.
    `spare`: where the spare copy lives (None: none is kept). `trees`: known
    manifests; `record(trees)` persists them and is called before the spare is changed and
    before the swap, so a build killed at any moment leaves no copy with a wrong manifest.

    `finalize(tree)` writes the folders named in `generated` (the search index) from the
    complete tree; it runs only when some other file differs from the published site's, else
    those folders are brought over from the published site as they are.
    """
    output = prepare_output(output)
    live_id = tree_id(output) if output.is_dir() else None
    live: Manifest = dict(trees.get(live_id, {})) if live_id else {}
    if spare is not None and not _same_file_system(spare, output):
        spare = None  # an exchange needs both folders on one file system
    tree = spare if spare is not None else staging_dir(output)
    # Nothing trusted about the folder being changed: forget its manifest first.
    record({k: v for k, v in trees.items() if k == live_id})
    have = _prepare(tree, trees if spare is not None else {})
    manifest: Manifest = {}
    written = 0
    try:
        for rel, entry, wrote in place_files(tree, output, have):
            if rel in manifest:
                raise OutputError(f"two pages would be written to {rel}")
            if _inside(rel, generated):
                raise OutputError(f"{rel} is inside a folder the build generates")
            manifest[rel] = entry
            written += wrote
        _delete(tree, (rel for rel in have.keys() - manifest.keys() if not _inside(rel, generated)))
        written += _generated(tree, output, manifest, have, live, generated, finalize)
        new_id = tree_id(tree)
        assert new_id is not None
        before_swap = {new_id: manifest, **({live_id: live} if live_id and live else {})}
        record(before_swap)
        swap_in(tree, output, keep_previous=spare is not None)
    except BaseException:
        remove_path(tree)
        raise
    now: dict[TreeId, Manifest] = {}
    out_id = tree_id(output)
    if out_id:
        now[out_id] = manifest
    spare_id = tree_id(spare) if spare is not None and spare.exists() else None
    if spare_id and live:
        now[spare_id] = live
    if now != before_swap:  # (with a spare, the folders trade names and keep their identities)
        record(now)
    pages = [e for rel, e in manifest.items() if not _inside(rel, generated)]
    return Published(WriteResult(len(pages), sum(e[2] for e in pages)), now, written, manifest)


def place(
    tree: Path,
    output: Path,
    rel: str,
    source: bytes,
    payload: Payload,
    had: Entry | None,
) -> Placed:
    """Put one file in the tree being updated, unless it already holds those bytes (`had`, its
    entry there). A Reuse payload is linked (or copied) from the published site `output`."""
    if isinstance(payload, Reuse):
        if had is not None and had[1] == payload.digest:
            return rel, (source, payload.digest, payload.size), 0
        # Strings, not Paths: the first build after a cold one links every file of the site.
        target = os.path.join(tree, inside(rel))
        try:
            _link_or_copy(os.path.join(output, rel), target, replace=had is not None)
        except FileNotFoundError as exc:
            raise StaleSite(f"{rel} is missing from the published site") from exc
        return rel, (source, payload.digest, payload.size), 1
    data = payload.read_bytes() if isinstance(payload, Path) else payload
    file_digest = digest(data)
    if had is not None and had[1] == file_digest:
        return rel, (source, file_digest, len(data)), 0
    target = os.path.join(tree, inside(rel))
    if had is None:  # a name the tree does not hold: nothing shared to keep apart
        write_new_file(target, data)
    else:
        temporary = _temporary(target)
        write_new_file(temporary, data)
        os.replace(temporary, target)
    return rel, (source, file_digest, len(data)), 1


#: os.open flags for a file written whole (O_BINARY: no newline translation on Windows).
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_new_file(path: str, data: bytes) -> None:
    """Write `data` as the file at `path`, making its folder when missing.

    A cold build writes tens of thousands of files, so this is plain os calls: Path.write_bytes
    costs three more system calls per file (fstat, ioctl, lseek), and a mkdir before each
    file, when most folders exist already, one or two more."""
    try:
        fd = os.open(path, _WRITE_FLAGS, 0o666)
    except FileNotFoundError:
        make_folder(os.path.dirname(path))
        fd = os.open(path, _WRITE_FLAGS, 0o666)
    try:
        with memoryview(data) as view:
            done = 0
            while done < len(view):
                done += os.write(fd, view[done:])
    finally:
        os.close(fd)


def make_folder(folder: str) -> None:
    """Make a missing folder: one mkdir where its parent exists (a page's folder, most
    often), else os.makedirs, which first looks at each parent in Python."""
    try:
        os.mkdir(folder)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:
        pass


def _temporary(target: str) -> str:
    """A name beside `target` for a file that will replace it (no page is named like it)."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.broadsheet-new")


def _link_or_copy(source: str, target: str, *, replace: bool) -> None:
    """Make `target` the file `source` is: a hard link where the file system has them, else a
    copy, making the folder of `target` when missing (FileNotFoundError: `source` is).
    With `replace`, the old `target` is replaced, never written over."""
    made = _temporary(target) if replace else target
    with contextlib.suppress(FileNotFoundError):
        os.unlink(made)
    try:
        _link_or_copy_once(source, made)
    except FileNotFoundError:
        # the folder of `target` is new (tried first: most folders exist), or `source` is gone
        make_folder(os.path.dirname(made))
        _link_or_copy_once(source, made)
    if replace:
        os.replace(made, target)


def _link_or_copy_once(source: str, made: str) -> None:
    try:
        os.link(source, made)
    except FileNotFoundError:
        raise
    except OSError:  # no hard links here (or across devices): copy the bytes
        shutil.copyfile(source, made)


def _generated(
    tree: Path,
    output: Path,
    manifest: Manifest,
    have: Manifest,
    live: Manifest,
    generated: Sequence[str],
    finalize: Callable[[Path], None] | None,
) -> int:
    """Fill the `generated` folders: from the published site when every other file is as it is
    there, else by running `finalize` on the tree. Their files join the manifest."""
    if not generated:
        if finalize is not None:
            finalize(tree)
        return 0
    inside = {rel: e for rel, e in live.items() if _inside(rel, generated)}
    others = {rel: e[1] for rel, e in live.items() if rel not in inside}
    if inside and others == {rel: e[1] for rel, e in manifest.items()}:
        written = 0
        for rel, entry in inside.items():
            reuse = Reuse(entry[1], entry[2])
            _, _, wrote = place(tree, output, rel, entry[0], reuse, have.get(rel))
            manifest[rel] = entry
            written += wrote
        _delete(tree, (rel for rel in have.keys() - inside.keys() if _inside(rel, generated)))
        return written
    for folder in generated:
        remove_path(tree / folder)
    if finalize is None:
        return 0
    finalize(tree)
    written = 0
    for folder in generated:
        base = tree / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                file_digest = digest(data)
                manifest[path.relative_to(tree).as_posix()] = (file_digest, file_digest, len(data))
                written += 1
    return written
