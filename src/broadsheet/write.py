"""Output: write every file into a fresh folder, then swap it in for the old site.

A build that fails or is interrupted never leaves a half-written site/: readers (and the next
build) see either the previous site or the new one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


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


def safe_join(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that would land outside root."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not rel:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return root.joinpath(*pure.parts)


def write_tree(
    files: Iterable[tuple[str, bytes | Path]],
    output: Path,
    finalize: Callable[[Path], None] | None = None,
) -> WriteResult:
    """Write (relative path, bytes or a file to copy) pairs as the new `output` folder.

    `finalize(staging)` runs on the complete new folder before it replaces the old one (the
    search index is built there, so it always matches the pages it is published with).
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.new-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    count = size = 0
    seen: set[str] = set()
    try:
        staging.mkdir()
        for rel, payload in files:
            if rel in seen:
                raise OutputError(f"two pages would be written to {rel}")
            seen.add(rel)
            target = safe_join(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(payload, Path):
                shutil.copyfile(payload, target)
                size += target.stat().st_size
            else:
                target.write_bytes(payload)
                size += len(payload)
            count += 1
        if finalize is not None:
            finalize(staging)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteResult(count, size)


def _swap(staging: Path, output: Path) -> None:
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    if old.exists():
        shutil.rmtree(old)
