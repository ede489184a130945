"""One build at a time per project.

`build.build` holds an exclusive lock on `<project>/.broadsheet-cache/build.lock` for its whole
run (flock on POSIX, msvcrt.locking on Windows). A second build of the same project started
meanwhile does not wait and does not touch anything: it fails at once with BuildLocked (an
OutputError, so the command line prints it and exits with 1).

The lock belongs to the open file, not to the file's existence: the operating system releases it
when the build ends in any way, a SIGKILL included, so a crashed build never leaves a stale lock.
The file stays behind (with the pid of the last build in it) and is harmless.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from broadsheet.cache import CACHE_DIR
from broadsheet.write import OutputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = "build.lock"

F = TypeVar("F", bound=Callable[..., Any])


class BuildLocked(OutputError):
    """Another build of this project holds the lock."""


def lock_path(project: Path) -> Path:
    return project / CACHE_DIR / LOCK_FILE


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"


@contextlib.contextmanager
def build_lock(project: Path) -> Iterator[Path]:
    """Hold the project's build lock, or raise BuildLocked at once."""
    path = lock_path(project)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot create the build lock {path}: {exc.strerror}") from exc
    try:
        if not _try_lock(fd):
            raise BuildLocked(
                f"another build of this project is running (pid {_holder(path)}); wait for it "
                f"or remove {path} if no build is running"
            )
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield path
    finally:
        os.close(fd)  # releases the lock


def locked(func: F) -> F:
    """Run `func(project, ...)` holding `project`'s build lock."""

    @functools.wraps(func)
    def run(project: Path, *args: Any, **kwargs: Any) -> Any:
        with build_lock(Path(project).resolve()):
            return func(project, *args, **kwargs)

    return run  # type: ignore[return-value]
