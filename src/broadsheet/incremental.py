"""What one build leaves for the next, so a rebuild redoes only what changed.

After every successful build, `.broadsheet-cache/build/<output>/` records:

- the *settings digest*: the configuration, the registry, every theme file, the build options
  and Broadsheet's own code. Any change there and nothing below is trusted;
- each content file's size, modification time and parse result, so an unchanged file is
  neither read again nor parsed;
- each published output tree's *manifest*: for every file, the digest of the page data it was
  rendered from and the digest of its bytes. A page whose data digest is unchanged is not
  rendered again; a file whose bytes are unchanged is not written again (publish.py).

When nothing at all changed (same settings, same files with the same sizes and times, the same
output folder) the build stops after checking, and reports what the last one reported.

The state is a cache: unreadable, foreign or stale state is ignored, and the build is a full
one. Removing `.broadsheet-cache/` forces one.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import io
import itertools
import os
import pickle
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from broadsheet.load import read_ahead
from broadsheet.model import Article, Problem

#: Bump when the state's shape changes; older state is then ignored.
STATE_FORMAT = 2
STATE_FILE = "state.pickle"
#: The output trees' manifests, in a file of their own: a build saves them several times
#: (publish.py) and the rest of the state, larger, once at its end.
TREES_FILE = "trees.pickle"
#: The last resolution of the archive (ResolutionMemo).
RESOLUTION_FILE = "resolution.pickle"
#: Each article's line of site/api/articles.json, by the digest of what it shows (plan.py).
API_LINES_FILE = "api-articles.pickle"
#: Jinja's compiled templates, kept between builds (compiled_templates_dir).
TEMPLATES_DIR = "templates"

#: A content file as the file system describes it: (size, mtime_ns, inode). Equal stats are
#: taken to mean equal content, as make, rsync and Pelican's mtime check assume.
FileStat = tuple[int, int, int]
#: A published tree's identity: (device, inode) of its folder.
TreeId = tuple[int, int]
#: relative path → (digest of what it was made from, digest of its bytes, size)
Manifest = dict[str, tuple[bytes, bytes, int]]


@dataclass(frozen=True)
class ParsedFile:
    """A content file's parse, reusable while the file's stat and content hash are unchanged."""

    stat: FileStat
    content_hash: str
    article: Article | None
    problems: tuple[Problem, ...]
    #: (digest of what they were found from, the article's entities): resolve.article_entities
    #: depends on the registry, the body text, the front matter's names and the mentions only
    entities: tuple[bytes, Any] | None = None


@dataclass(frozen=True)
class ResolutionMemo:
    """What the last resolution made (resolve.resolve_with_links), so that a build whose
    change does not touch what resolution decides links the changed articles alone
    (build.resolve_reusing). Saved with the parse results it was made from."""

    basis: bytes  #: digest of the code and the registry it was made under
    order: bytes  #: digest of the articles' source paths and bylines, in the order resolved
    decisions: Any  #: resolve.Decisions: the entities, problems and each name's entity
    authors: dict[str, Any]  #: Archive.authors
    #: source path → (entities key of the article's entities then, its resolve.Links)
    articles: dict[str, tuple[bytes, Any]]


@dataclass(frozen=True)
class UnitRecord:
    """What one plan unit (plan.PlanUnit) made last time: the digest of its inputs and, for
    each of its pages, (output path, page kind, its sitemap entry or None, source digest; None
    only while the page is being rendered, see build.with_sources)."""

    inputs: bytes | None
    pages: tuple[tuple[str, str, tuple[str, Any] | None, bytes | None], ...]


@dataclass
class BuildState:
    settings: bytes = b""
    #: the manifest of every complete output tree Broadsheet knows, by folder identity: the
    #: published site and the spare copy it swaps with (see publish.py)
    trees: dict[TreeId, Manifest] = field(default_factory=dict)
    #: the last build's file listing (content path → stat), problems and summary
    files: dict[str, FileStat] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)
    #: plan unit key → what it made, for the published site's manifest
    units: dict[str, UnitRecord] = field(default_factory=dict)
    #: when the last build started (time.time_ns()): a file modified since may have changed
    #: without its size or time showing it (timestamps are coarse), so its stat is not trusted
    started_ns: int = 0


def digest(data: bytes) -> bytes:
    """128 bits of SHA-256: where the CPU has SHA instructions (x86 since ~2017-19, ARMv8),
    OpenSSL's SHA-256 is about twice as fast as BLAKE2b, and a cold build hashes every page
    it writes and the pickle of every page it renders."""
    return hashlib.sha256(data).digest()[:16]


def object_digest(value: Any) -> bytes:
    """A digest of any picklable value: equal digests mean equal data.

    Pickled without its memo ("fast" mode), so what is shared does not count: a page made
    here and the same page after a trip to a worker process (where strings that were one
    object are two) digest alike. Values must not contain themselves (none of ours do).
    """
    return Fingerprints()(value)


class Fingerprints:
    """object_digest of value after value, with one pickler and buffer for all of them: the
    same digests, ~0.7 µs a value less than a pickler made for each (a build digests the inputs
    of every plan unit, tens of thousands of values). Not for use from two threads at once."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._pickler = pickle.Pickler(self._buffer, protocol=5)
        # no memo: shared and unshared equal objects pickle alike, nothing is kept between values
        self._pickler.fast = True

    def __call__(self, value: Any) -> bytes:
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._pickler.dump(value)
        with buffer.getbuffer() as view:  # (released before the next value resizes the buffer)
            return digest(view)


def entities_key(
    registry_digest: bytes, article: Article, mentions: Sequence[tuple[Any, ...]]
) -> bytes:
    """Everything resolve.article_entities reads: the registry (its digest), the article's body
    text and front matter names, and the extracted mentions. The text and names are those of
    the file's content (its path and content hash stand for them: the parse results they are
    compared with were made under the same parse settings, ParseStore.load), so the text, read on
    every build for every article, is not digested again."""
    return object_digest(
        (registry_digest, article.source_path, article.content_hash, tuple(map(tuple, mentions)))
    )


def compiled_templates_dir(folder: Path, code: bytes) -> Path:
    """Where Jinja keeps the templates it compiled, between builds: a folder for this version
    of Broadsheet's code (`code_digest`), which shapes how a template compiles (its filters,
    render.py's code generator), while Jinja checks only a template's source and Jinja's
    version. What other versions left there is removed."""
    root = folder / TEMPLATES_DIR
    current = root / code.hex()
    if root.is_dir():
        for entry in root.iterdir():
            if entry == current:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return current


def code_digest() -> bytes:
    """Broadsheet's own source files and the versions of the packages that shape its output:
    a changed renderer or Markdown library must not reuse old pages or parses."""
    root = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(package_versions()).encode())
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.digest()


#: Installed packages whose versions shape the output (Markdown and sanitising, templates,
#: feeds, slugs, dates, names, places, search): an upgrade must not reuse old results.
OUTPUT_PACKAGES = (
    "markdown",
    "nh3",
    "jinja2",
    "markupsafe",
    "feedgen",
    "python-slugify",
    "dateparser",
    "nameparser",
    "pycountry",
    "pyyaml",
    "python-frontmatter",
    "pagefind",
)


def package_versions() -> tuple[tuple[str, str], ...]:
    versions = []
    for name in OUTPUT_PACKAGES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, ""))
    return tuple(versions)


def files_digest(folders: Iterable[Path]) -> bytes:
    """Every file under `folders` (theme templates and static files), by path and content."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        h.update(str(folder).encode())
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    h.update(path.relative_to(folder).as_posix().encode())
                    h.update(path.read_bytes())
    return h.digest()


def settings_digest(*parts: Any) -> bytes:
    return object_digest((STATE_FORMAT, *parts))


def stat_key(st: os.stat_result) -> FileStat:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def tree_id(path: Path) -> TreeId | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while (as it was, after), and what it would find
    then frozen (gc.freeze: left out of later collections until build.fewer_collections ends).

    Loading the parse results makes millions of objects, and every few hundred made start a
    collection that, now and then, walks every object of the build: most of the time of a
    large load, and much of a dump's. Turned back on, the collector would still walk all of
    them once, as young objects (0.1 s of a one-edit rebuild at 10,000 articles); frozen, they
    are not walked. Nothing is left uncollected: objects still go when unreferenced, cycles
    once unfrozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as f, _collector_paused():
            version, value = pickle.load(f)
    except Exception:  # a cache: anything unreadable is simply not used
        return None
    return value if version == STATE_FORMAT else None


def _write(path: Path, value: Any) -> None:
    """Write atomically: a killed build leaves the previous file or this one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temp.open("wb") as f, _collector_paused():
        pickle.dump((STATE_FORMAT, value), f, protocol=5)
    os.replace(temp, path)


def load_state(folder: Path) -> BuildState:
    """The last build's state, or an empty one when there is none usable. The parse results,
    large, are in a file of their own, read only when something changed (ParseStore).

    The manifests (TREES_FILE) are always the latest saved. They carry the `started_ns` of the
    build that saved them: when that is not the build the rest of the state comes from, a build
    stopped after saving them, and its summary cannot say the site is up to date."""
    state = _read(folder / STATE_FILE)
    state = state if isinstance(state, BuildState) else BuildState()
    trees = _read(folder / TREES_FILE)
    if isinstance(trees, tuple) and len(trees) == 2 and isinstance(trees[1], dict):
        token, state.trees = trees
        if token != state.started_ns:
            state.summary = {}
    else:
        state.trees, state.summary = {}, {}
    return state


def save_trees(folder: Path, trees: dict[TreeId, Manifest], started_ns: int) -> None:
    """Save the output trees' manifests alone, for the build that started at `started_ns`
    (load_state)."""
    _write(folder / TREES_FILE, (started_ns, trees))


#: The parse results: files of results in this folder, each written once, and an index naming
#: the file holding each content file's parse (ParseStore).
PARSED_DIR = "parsed"
PARSED_INDEX = "parsed-index.pickle"
#: Results a file holds when the main process writes them (a worker's are one chunk of its
#: parsing: workers.CHUNK).
SAVED_PER_FILE = 256

#: (content path, its parse): what a file of parse results holds, a list of them
ParseRecord = tuple[str, ParsedFile]


class ParseStore:
    """The parse results kept between builds, in `<state folder>/parsed/`.

    Each file there holds a list of ParseRecord, pickled, and is written once: on a first
    build, a chunk of results as the worker that parsed it pickled them (`keep`, as they come
    in), so the main process pickles nothing (saving them all took ~0.4 s of a 10,000-article
    build, the workers waiting); else, from `save`, the results that are new or changed. An
    index, written last, names the file holding each content file's parse: a build stopped
    before it leaves the last build's results as they were. A file none of whose results is
    current any more is deleted, and all are written again once stale results are more than a
    quarter of what is kept, or files too many. `token` (unique to the build, its start time)
    names its files."""

    def __init__(self, folder: Path, settings: bytes, token: int) -> None:
        self._folder = folder
        self._settings = settings
        self._names = (f"{token:x}-{n}.pickle" for n in itertools.count())
        #: content path → (the file holding its parse, that parse as loaded or kept)
        self._stored: dict[str, tuple[str, ParsedFile]] = {}
        self._sizes: dict[str, int] = {}  #: file → how many results it holds

    def load(self) -> dict[str, ParsedFile]:
        """The last build's parse of every content file (by path), as far as it is readable
        and was made under these parse settings."""
        index = _read(self._folder / PARSED_INDEX)
        if not (isinstance(index, tuple) and len(index) == 2 and index[0] == self._settings):
            return {}
        named: dict[str, str] = index[1]
        files = [self._folder / PARSED_DIR / name for name in sorted(set(named.values()))]
        read_ahead(files)
        for file in files:
            name = file.name
            records = _read_records(file)
            if records is None:
                continue
            self._sizes[name] = len(records)
            for rel, entry in records:
                if named.get(rel) == name:
                    self._stored[rel] = (name, entry)
        return {rel: entry for rel, (_, entry) in self._stored.items()}

    def keep(self, pickled: bytes, records: Sequence[ParseRecord]) -> None:
        """Keep new results, `records`, as `pickled` (their list, pickled)."""
        name = next(self._names)
        folder = self._folder / PARSED_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(pickled)  # (named by no index until `save`)
        self._sizes[name] = len(records)
        self._stored.update((rel, (name, entry)) for rel, entry in records)

    def save(self, parsed: Mapping[str, ParsedFile]) -> None:
        """Keep `parsed`, every content file's parse now: what is not kept as it is (loaded or
        kept unchanged since) is written to new files, then the index."""
        index: dict[str, str] = {}
        rest: list[ParseRecord] = []
        for rel, entry in parsed.items():
            stored = self._stored.get(rel)
            if stored is not None and stored[1] is entry:
                index[rel] = stored[0]
            else:
                rest.append((rel, entry))
        live = Counter(index.values())
        stale = sum(self._sizes[name] - count for name, count in live.items())
        if stale * 4 > len(parsed) or len(live) > len(parsed) // 16 + 64:
            index, rest = {}, list(parsed.items())
        folder = self._folder / PARSED_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(rest), SAVED_PER_FILE):
            part = rest[start : start + SAVED_PER_FILE]
            name = next(self._names)
            with (folder / name).open("wb") as f, _collector_paused():
                pickle.dump(part, f, protocol=5)
            index.update((rel, name) for rel, _ in part)
        _write(self._folder / PARSED_INDEX, (self._settings, index))
        # (the results can go once the build lets go of them: a store is saved once)
        self._stored.clear()
        self._sizes.clear()
        named = set(index.values())
        for file in folder.iterdir():
            if file.name not in named:
                file.unlink(missing_ok=True)
        # (where earlier versions kept them)
        for old in self._folder.glob("parsed-[0-9][0-9].pickle"):
            old.unlink(missing_ok=True)


def _read_records(path: Path) -> list[ParseRecord] | None:
    try:
        with path.open("rb") as f, _collector_paused():
            records = pickle.load(f)
    except Exception:  # a cache: anything unreadable is simply not used
        return None
    return records if isinstance(records, list) else None


def load_resolution(folder: Path) -> ResolutionMemo | None:
    memo = _read(folder / RESOLUTION_FILE)
    return memo if isinstance(memo, ResolutionMemo) else None


def save_resolution(folder: Path, memo: ResolutionMemo) -> None:
    _write(folder / RESOLUTION_FILE, memo)


def load_api_lines(folder: Path, settings: bytes) -> dict[bytes, str]:
    """The lines of site/api/articles.json the last build made under `settings`, by the
    digest of each article's inputs; empty when there are none."""
    saved = _read(folder / API_LINES_FILE)
    if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == settings:
        return saved[1]
    return {}


def save_api_lines(folder: Path, settings: bytes, lines: dict[bytes, str]) -> None:
    _write(folder / API_LINES_FILE, (settings, lines))


def save_state(folder: Path, state: BuildState) -> None:
    """Save the state but the manifests, which the build saved before, as they are, under its
    started_ns (save_trees: publish.publish records them last thing). A build stopped between
    the two is one whose summary is not trusted, see load_state. (Writing the manifests again
    here cost 0.03 s of a rebuild at 10,000 articles.)"""
    _write(folder / STATE_FILE, replace(state, trees={}))


def trusted(state: BuildState, stat: FileStat | None, previous: FileStat | None) -> bool:
    """The file is as the last build read it: same stat, and last modified before that build
    started (else a change within the file system's timestamp granularity could hide; git calls
    such entries "racily clean")."""
    return stat is not None and stat == previous and stat[1] < state.started_ns


def unchanged(state: BuildState, settings: bytes, files: Mapping[str, FileStat | None]) -> bool:
    """True when the last build's inputs are exactly these: same settings, same files."""
    return (
        bool(state.summary)
        and state.settings == settings
        and state.files.keys() == files.keys()
        and all(trusted(state, st, state.files[rel]) for rel, st in files.items())
    )
