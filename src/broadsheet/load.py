"""Files → Source: find the articles under content/, read and decode them.

The only stage besides write.py that touches the file system for content.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from broadsheet.model import Problem, Source, SourceError

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",)
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES + TEXT_SUFFIXES


@dataclass(frozen=True)
class Loaded:
    sources: tuple[Source, ...]
    problems: tuple[Problem, ...]


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Bytes → text with "\\n" line ends and no BOM.

    Invalid UTF-8 is decoded with U+FFFD replacement characters and a warning naming the line,
    rather than skipping the article: the text is almost always right but for one byte pasted
    from another encoding, and an editor would rather fix one character than lose the article.
    """
    problems: list[Problem] = []
    if b"\x00" in data[:8192]:
        raise SourceError(
            path,
            "this is a binary file, not text: remove it from content/ "
            "or save the article as UTF-8 text",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                path,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); undecodable bytes were "
                "replaced with '\ufffd': re-save the file as UTF-8",
                line,
                None,
                "warning",
            )
        )
        text = data.decode("utf-8-sig", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, problems


def source_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def relative_path(path: Path, project: Path) -> str:
    """`path` relative to the project, "/"-separated, or the whole path when it is outside."""
    text, inside = os.fspath(path), os.path.join(os.fspath(project), "")
    if text.startswith(inside):  # the usual case, without pathlib's cost (twice per file)
        return text[len(inside) :].replace(os.sep, "/")
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else text


def read_source(file: Path, project: Path) -> tuple[Source, list[Problem]]:
    """One file → Source. Raises SourceError when the file cannot be used at all."""
    rel = relative_path(file, project)
    fmt = source_format(file)
    if fmt is None:
        raise SourceError(rel, "not an article: use .md for Markdown or .txt for raw text")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SourceError(rel, f"cannot be read: {exc.strerror}") from exc
    text, problems = decode(data, rel)
    digest = hashlib.sha256(data).hexdigest()
    return Source(path=rel, format=fmt, text=text, content_hash=digest), problems  # type: ignore[arg-type]


def _walk(content: Path) -> list[tuple[str, bool, os.stat_result | None]]:
    """(path relative to content/, "/"-separated; is a link; its lstat where it is a file and
    no link) for every candidate file under content/, in path order, skipping hidden files and
    folders. Links to folders are listed, never followed; discover reports them. Strings, not
    Paths: an archive has 100,000 files and every build lists them. (os.scandir, whose entries
    know without a system call whether they are links: os.walk and an islink per file cost an
    lstat each, and the build's stat of each file another.)"""
    found: list[tuple[str, bool, os.stat_result | None]] = []
    folders = [(os.fspath(content), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # (as os.walk: a folder that cannot be listed is passed over)
        for entry in entries:
            name = entry.name
            if name.startswith((".", "_")):
                continue
            is_link = entry.is_symlink()
            try:
                is_dir = entry.is_dir()  # (a link to a folder is one, as in os.walk)
            except OSError:
                is_dir = False
            if is_dir:
                if is_link:
                    found.append((prefix + name, True, None))
                else:
                    folders.append((entry.path, f"{prefix}{name}/"))
            elif name.lower().endswith(ARTICLE_SUFFIXES):
                try:
                    stat = None if is_link else entry.stat(follow_symlinks=False)
                except OSError:
                    stat = None
                found.append((prefix + name, is_link, stat))
    # the order of Paths: part by part
    return sorted(found, key=lambda item: item[0].split("/"))


def discover(project: Path, content_dir: str) -> tuple[list[Path], list[Problem]]:
    """Article files in content order, with notes about files that are skipped (see
    discover_with_stats)."""
    found, problems = discover_with_stats(project, content_dir)
    return [file for file, _ in found], problems


def discover_with_stats(
    project: Path, content_dir: str
) -> tuple[list[tuple[Path, os.stat_result | None]], list[Problem]]:
    """Article files in content order, each with its stat (None where it cannot be had), with
    notes about files that are skipped.

    A raw .txt beside a .md of the same name is skipped: that is what `broadsheet ingest` leaves,
    and the .md is the editor's reviewed version of it. Symlinks that point outside content/ are
    skipped so an article can never pull in a file from elsewhere on the machine.
    """
    content = (project / content_dir).resolve()
    problems: list[Problem] = []
    files: list[tuple[Path, os.stat_result | None]] = []
    if not content.is_dir():
        problems.append(
            Problem(
                content_dir,
                "the content folder does not exist: create it and put articles (.md or .txt) in it",
            )
        )
        return files, problems
    shown = Path(content_dir).as_posix()  # how problems name a file: content_dir/<below>
    base = project / content_dir
    for below, is_link, stat in _walk(content):
        rel = below if shown == "." else f"{shown}/{below}"
        if is_link and (content / below).is_dir():
            problems.append(
                Problem(
                    rel,
                    "skipped: a link to a folder; articles in linked folders are not read "
                    "(move or copy them into the content folder)",
                    severity="warning",
                )
            )
            continue
        if is_link and not (content / below).resolve().is_relative_to(content):
            problems.append(
                Problem(
                    rel, "skipped: a link to a file outside the content folder", severity="warning"
                )
            )
            continue
        if below.lower().endswith(TEXT_SUFFIXES) and any(
            (content / below).with_suffix(s).exists() for s in MARKDOWN_SUFFIXES
        ):
            problems.append(
                Problem(
                    rel,
                    "skipped: superseded by the Markdown file of the same "
                    "name (made by `broadsheet ingest`)",
                    severity="info",
                )
            )
            continue
        if is_link:  # (a link's own stat says nothing of the file it names)
            try:
                stat = os.stat(content / below)
            except OSError:
                stat = None
        files.append((base / below, stat))
    return files, problems


def load_sources(project: Path, content_dir: str) -> Loaded:
    files, problems = discover(project, content_dir)
    sources: list[Source] = []
    for file in files:
        try:
            source, found = read_source(file, project)
        except SourceError as exc:
            problems.append(exc.problem)
            continue
        problems.extend(found)
        sources.append(source)
    return Loaded(tuple(sources), tuple(problems))


def read_ahead(files: Sequence[Path]) -> None:
    """Ask the system to read `files` into memory now, without waiting for it (posix_fadvise
    WILLNEED; nothing where there is none), for files about to be read one after another.

    Files not read for a while may no longer be in memory (the first build after a restart, an
    archive left alone for hours), and each read then waits on the disk: the parse workers of a
    cold build of 10,000 articles whose files were not in memory took 1.1-1.2 s longer. Asked
    for all at once (~20 µs a file, here), the reads overlap and are mostly done before the
    files are read."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for file in files:
        try:
            fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)  # (a FIFO would block, else)
        except OSError:
            continue  # (the worker reading it reports the problem)
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)
