"""Both cores for the CPU-heavy stages of a cold build: parsing, extraction and rendering.

Work goes out in chunks to a pool of processes and comes back in submission order, so the
output does not depend on how many workers there are. At most a few chunks are in flight at
once: pages are rendered and written as a stream, never all held in memory. Small archives stay
in one process, where a pool would cost more than it saves.

A worker that renders a page also digests its data and writes its file into the tree being
published (publish.place), so neither the page's bytes nor that work pass through the main
process, which is left to plan the next pages.

The main process chooses the worker each chunk goes to (pool.py), so it knows which worker
takes which chunk: an object many pages hold (an article's card is on the page of every entity
it names) is then sent to each worker once and named by a number after that
(ordered_map_sharing).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import io
import multiprocessing
import os
import pickle
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from broadsheet.config import Config
from broadsheet.incremental import (
    FileStat,
    ParsedFile,
    ParseRecord,
    digest,
    entities_key,
    object_digest,
)
from broadsheet.load import read_source
from broadsheet.model import Mention, Problem, Source, SourceError
from broadsheet.parse import needs_extraction, parse_source
from broadsheet.plan import Page
from broadsheet.pool import Job, Pool
from broadsheet.publish import Entry, Payload, Placed, Reuse, place
from broadsheet.registry import Registry
from broadsheet.render import make_environment, render_page
from broadsheet.resolve import article_entities

T = TypeVar("T")
R = TypeVar("R")

#: Below this many articles or pages one process is faster than starting a pool.
PARALLEL_THRESHOLD = 300
CHUNK = 32
#: Chunks in flight per worker: enough that a worker has pages queued while the main process
#: plans pages slow to plan (an article's, a page of cards) and does not wait on it, few enough
#: to bound memory (a chunk is ~0.5 MB pickled). With 2, the workers of a cold build of 10,000
#: articles were runnable ~1.75 of the time the pages were rendered (of 2), with 6 ~1.95.
IN_FLIGHT_PER_WORKER = 6


def worker_count(requested: int | None = None) -> int:
    """Workers to use: as requested, else one per core (at most 4: the stages are short)."""
    if requested is not None:
        return max(1, requested)
    return max(1, min(4, os.cpu_count() or 1))


def make_pool(workers: int) -> Pool | None:
    """A pool of worker processes (pool.py), or None for one worker, and on systems other
    than POSIX ones."""
    if workers <= 1 or os.name != "posix":
        return None
    keep_large_blocks_apart()
    return Pool(workers, _context(), initializer=prepare_worker)


def make_helper() -> Pool | None:
    """One worker process beside a build that parses and renders in the main process (a
    rebuild of a large archive after a few edits), for work the main process can hand off and
    take the answer of later (plan.Elsewhere: the related lists, counted again on every
    rebuild, ~0.2 s of 10,000 articles). Started before the main process loads the last
    build's state (build.build), it shares little of the main process's memory; a build that
    turns out to have nothing to do, or to need a pool, lets it go (~6 ms). None where
    make_pool would be."""
    if os.name != "posix":
        return None
    return Pool(1, _context(), initializer=prepare_worker)


def _context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from this process, which has imported what they run,
    when it runs no other thread (a build from the command line); else (`serve` builds from a
    thread, and forking a process with running threads is unsafe) forked from a server process
    that has imported it (this module, with Markdown, Jinja and the rest), so that each worker
    does not import it again (~0.2 s); spawned where neither can be."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        # (no server to wait for: the workers of a cold build start parsing ~0.2 s sooner)
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def start_worker_server() -> None:
    """Start the server workers are forked from, if they will be (_context), now, while the
    build reads its content, rather than when the first worker is needed (it takes ~0.3 s to
    start and import)."""
    context = _context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


#: A worker's thresholds for the cyclic garbage collector (see prepare_worker)
WORKER_GC_THRESHOLDS = (20_000, 50, 100)


def prepare_worker() -> None:
    """Set up a worker process as it starts: keep_large_blocks_apart, and collect cyclic
    garbage less often. With the default thresholds (700, 10, 10) a worker ran ~1,400
    collections a cold build of 10,000 articles, ~0.45 s each worker, some of them full ones
    that scanned every card and feed entry it keeps (ordered_map_sharing); with these, ~90,
    ~0.04 s, and as much garbage collected (a render leaves a few cycles, which still go
    every 20,000 allocations)."""
    keep_large_blocks_apart()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


#: glibc's mallopt parameters: the size from which blocks get their own memory mapping, and
#: the free space at the top of the heap from which it is given back to the system.
_M_MMAP_THRESHOLD = -3
_M_TRIM_THRESHOLD = -1
_MMAP_THRESHOLD = 128 * 1024
#: For a worker running the spaCy model: glibc's largest mmap threshold, trim at twice it.
_MODEL_MMAP_THRESHOLD = 32 * 1024 * 1024


def keep_large_blocks_apart() -> None:
    """Fix glibc's mmap threshold (on Linux; elsewhere nothing is done).

    glibc raises the threshold to the size of the largest mapped block freed so far, after which
    the pickled chunks going to and from the workers (~0.5 MB each) are carved from the heap
    and leave it fragmented: a cold build of 3,000 articles peaked at 354 MB in the main
    process instead of 198 MB. With a fixed threshold such blocks are mapped, and unmapped when
    freed."""
    _mallopt((_M_MMAP_THRESHOLD, _MMAP_THRESHOLD))


def keep_large_blocks_for_reuse() -> None:
    """Undo keep_large_blocks_apart for a worker that runs the spaCy model (Linux only).

    The model allocates and frees arrays of megabytes per batch; mapped one by one (and their
    pages faulted in again each time), extraction took 15% longer (14.8 s against 12.9 s for
    300 BBC articles). Kept in the heap instead, they are reused."""
    _mallopt(
        (_M_MMAP_THRESHOLD, _MODEL_MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, 2 * _MODEL_MMAP_THRESHOLD)
    )


def _mallopt(*settings: tuple[int, int]) -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt  # glibc; musl has none
    except (OSError, AttributeError):
        return
    for parameter, value in settings:
        mallopt(parameter, value)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def on_pool(pool: Pool, function: Callable[..., R], *args: Any) -> Callable[[], R]:
    """function(*args) on the least busy worker; what it returns, when asked for, waiting for
    it if need be (plan.Elsewhere)."""
    return pool.submit(function, *args).result


def ordered_map(
    pool: Pool | None, function: Callable[[list[T]], list[R]], items: Iterable[T]
) -> Iterator[R]:
    """function over chunks of items, results in input order, a bounded number in flight."""
    for results in ordered_chunks(pool, function, items):
        yield from results


def ordered_chunks(
    pool: Pool | None, function: Callable[[list[T]], R], items: Iterable[T]
) -> Iterator[R]:
    """function over chunks of items: what it returns for each chunk, in input order, a
    bounded number in flight."""
    if pool is None:
        for chunk in _chunks(items, CHUNK):
            yield function(chunk)
        return
    pending: deque[Job[R]] = deque()
    for chunk in _chunks(items, CHUNK):
        worker = pool.worker_with_room(IN_FLIGHT_PER_WORKER)
        pending.append(pool.submit_to(worker, function, chunk))
        yield from _finished(pending)
    while pending:
        yield pending.popleft().result()


def _finished(pending: deque[Job[R]]) -> Iterator[R]:
    """The results of the chunks at the head of `pending` that are done, in order.

    Results are taken as they come, not by waiting on the oldest chunk: waiting on it while
    another worker had finished its chunks left that worker idle (a quarter of the time, on
    each worker, when rendering 10,000 articles' pages)."""
    while pending and pending[0].done():
        yield pending.popleft().result()


#: Shared objects a worker is sent at most. An entity page lists articles from anywhere in the
#: archive, so sharing pays only while every card and feed entry fits (2 an article, ~2 KB): past
#: this many, as in an archive of 100,000 articles, the workers drop them and sharing stops.
SHARED_LIMIT = 30_000


@dataclass(frozen=True)
class Packed:
    """A chunk pickled with its shared objects named by number (`new`: those the worker has not
    been sent yet, with their numbers)."""

    new: tuple[tuple[int, Any], ...]
    data: bytes


class SharedSender:
    """The main process's side of ordered_map_sharing: numbers the shared objects and knows
    which worker has been sent which."""

    def __init__(self, workers: int, types: tuple[type, ...], limit: int = SHARED_LIMIT) -> None:
        self._types = frozenset(types)
        self.limit = limit
        #: id(object) → (its number, the object): kept, so that its id is not reused
        self._numbers: dict[int, tuple[int, Any]] = {}
        self._sent: list[set[int]] = [set() for _ in range(workers)]

    @property
    def full(self) -> bool:
        return len(self._numbers) >= self.limit

    def pack(self, worker: int, chunk: list[Any]) -> Packed:
        buffer = io.BytesIO()
        pickler = _SharingPickler(buffer, self._types, self._numbers, self._sent[worker])
        pickler.dump(chunk)
        return Packed(tuple(pickler.new), buffer.getvalue())


class _SharingPickler(pickle.Pickler):
    """Pickles each object of `types` as a call of _shared with its number (numbered on
    first sight), collecting in `new` those the worker (`sent`) has not been sent yet.

    reducer_override, not persistent_id: the pickler asks it only of objects that are not of
    its own types (str, int, tuple, list, dict and a few more), where persistent_id is a call
    for every object, and pages whose objects are all strings and tuples (an article's) cost
    nothing more to pickle than without sharing."""

    def __init__(
        self,
        file: io.BytesIO,
        types: frozenset[type],
        numbers: dict[int, tuple[int, Any]],
        sent: set[int],
    ) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.types, self.numbers, self.sent = types, numbers, sent
        self.new: list[tuple[int, Any]] = []

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) not in self.types:
            return NotImplemented
        known = self.numbers.get(id(obj))
        if known is None:
            known = self.numbers[id(obj)] = (len(self.numbers), obj)
        if known[0] not in self.sent:
            self.sent.add(known[0])
            self.new.append(known)
        return _shared, (known[0],)


def _shared(number: int) -> Any:
    """The shared object this process was sent under `number` (see _SharingPickler): the name
    a packed chunk calls, which _Received.unpack answers from its own table."""
    return _received().objects[number]


class _SharedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, objects: dict[int, Any]) -> None:
        super().__init__(file)
        self.objects = objects

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_shared":
            return self.objects.__getitem__
        return super().find_class(module, name)


class _Received:
    """A worker's side: the shared objects it has been sent, by number."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}

    def unpack(self, packed: Packed) -> Any:
        self.objects.update(packed.new)
        return _SharedUnpickler(io.BytesIO(packed.data), self.objects).load()


@functools.cache
def _received() -> _Received:
    """The shared objects this worker process has been sent (one table per process)."""
    return _Received()


#: Sent to each worker when the main process stops sharing: the objects it was sent can go.
FORGET = None


def _call_unpacked(
    function: Callable[[list[T]], list[R]], chunk: list[T] | Packed | None
) -> list[R]:
    if chunk is FORGET:
        _received().objects.clear()
        return []
    return function(_received().unpack(chunk) if isinstance(chunk, Packed) else chunk)


def ordered_map_sharing(
    pool: Pool,
    function: Callable[[list[T]], list[R]],
    items: Iterable[T],
    shared_types: tuple[type, ...],
    shares: Callable[[T], bool],
    limit: int = SHARED_LIMIT,
) -> Iterator[R]:
    """ordered_map on a pool, with each object of `shared_types` sent to a worker only the
    first time a chunk it takes holds it; after that the object is named by a number. A
    chunk none of whose items `shares` objects is sent as it is (naming costs a call for every
    object of a type other than pickle's own), and so is every chunk once `limit` objects have
    been numbered."""
    sender: SharedSender | None = SharedSender(len(pool), shared_types, limit)
    call = functools.partial(_call_unpacked, function)
    pending: deque[Job[list[R]]] = deque()
    for chunk in _chunks(items, CHUNK):
        if sender is not None and sender.full:
            sender = None
            pending.extend(pool.submit_to(w, call, FORGET) for w in range(len(pool)))
        worker = pool.worker_with_room(IN_FLIGHT_PER_WORKER)
        message: list[T] | Packed = chunk
        if sender is not None and any(map(shares, chunk)):
            message = sender.pack(worker, chunk)
        pending.append(pool.submit_to(worker, call, message))
        for results in _finished(pending):
            yield from results
    while pending:
        yield from pending.popleft().result()


@dataclass(frozen=True)
class ParseTarget:
    """What parsing depends on, and what an article's entities depend on besides itself."""

    allow_raw_html: bool
    zone: Any
    extract_entities: bool
    registry: Registry
    registry_digest: bytes


@dataclass(frozen=True)
class ToRead:
    """A content file for the worker to read (load.read_source) before parsing it: on a first
    build nothing is known of it that reading it in the main process would check first, and
    there the reading (~30 µs a file) and its text's trip through the pipe would be the main
    process's work while the workers parse."""

    file: Path
    project: Path


@dataclass(frozen=True)
class ToParse:
    """A content file to parse: its path in the project (the key of its parse), its stat, the
    source (or the file, for the worker to read) and the problems of reading it here."""

    rel: str
    stat: FileStat
    given: Source | ToRead
    read_problems: tuple[Problem, ...] = ()


def parse_chunk(chunk: list[tuple[ParseTarget, ToParse]]) -> bytes:
    """Parse sources, reading those given as ToRead first: the list of their ParseRecords
    (content path, ParsedFile), pickled, as the parse cache keeps them (incremental.ParseStore).
    A source that cannot be read or used comes back with content hash "" (when it could not
    be read), no article and its problems. An article the model will not read (its front
    matter lists every kind, or extraction is off) also gets its entities
    (resolve.article_entities) here, on the worker."""
    out: list[ParseRecord] = []
    for target, item in chunk:
        out.append((item.rel, _parsed_file(target, item)))
    return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


def _parsed_file(target: ParseTarget, item: ToParse) -> ParsedFile:
    read_problems = item.read_problems
    try:
        if isinstance(item.given, ToRead):
            source, found = read_source(item.given.file, item.given.project)
            read_problems = (*read_problems, *found)
        else:
            source = item.given
    except SourceError as exc:
        return ParsedFile(item.stat, "", None, (*read_problems, exc.problem))
    try:
        parsed = parse_source(source, target.allow_raw_html, target.zone)
    except SourceError as exc:
        return ParsedFile(item.stat, source.content_hash, None, (*read_problems, exc.problem))
    article = parsed.article
    entities = None
    if article.text is not None and not (target.extract_entities and needs_extraction(article)):
        key = entities_key(target.registry_digest, article, ())
        entities = key, article_entities(article, article.text, (), target.registry)
    return ParsedFile(
        item.stat, source.content_hash, article, (*read_problems, *parsed.problems), entities
    )


@functools.cache
def _pipeline(model_name: str) -> Any:
    """One spaCy pipeline per worker process, loaded on its first extraction chunk."""
    from broadsheet import extract  # spaCy is imported only where extraction runs

    keep_large_blocks_for_reuse()
    return extract.load_pipeline(model_name)


def extract_chunk(chunk: list[tuple[str, str]], nlp: Any = None) -> list[tuple[Mention, ...]]:
    """Mentions in each (model name, text). `nlp`: the loaded pipeline, else one per process
    (on a worker). One process and the workers take the same chunks (build.extract_all), so
    the model sees the same batches and the mentions are the same."""
    from broadsheet import extract

    if not chunk:
        return []
    if nlp is None:
        nlp = _pipeline(chunk[0][0])
    return extract.extract_mentions([text for _, text in chunk], nlp)


@functools.cache
def _environment(project: Path, config: Config, compiled: Path | None) -> Any:
    """One Jinja environment per worker process (templates compile once per process)."""
    return make_environment(project, config, compiled)


@dataclass(frozen=True)
class PageTarget:
    """Where the pages of a build go, and what makes their source digests."""

    project: Path
    config: Config
    settings: bytes  #: the build's settings digest (incremental.settings_digest)
    tree: Path  #: the tree being updated (publish.publish)
    output: Path  #: the published site, where reused files are copied from
    compiled: Path | None = None  #: where compiled templates are kept between builds


#: A page to render and place: the target, the page, its entry in the published site's
#: manifest and in the tree's (None where there is none).
PageJob = tuple[PageTarget, Page, Entry | None, Entry | None]


def source_digest(page: Page, settings: bytes) -> bytes:
    """What a page's file is made from: equal digests give equal bytes (render.py is
    deterministic under equal settings). A page whose planner knew it carries it (its
    `source`, made under these settings)."""
    if page.source is not None:
        return page.source
    return digest(settings + object_digest(page))


def render_and_place(chunk: list[PageJob], env: jinja2.Environment | None = None) -> list[Placed]:
    """Render each page whose data differs from what its published file was made from, and
    put every file in the tree (publish.place). `env`: the Jinja environment, else one per
    process (on a worker)."""
    out: list[Placed] = []
    environment = env
    for target, page, published, had in chunk:
        source = source_digest(page, target.settings)
        payload: Payload
        if published is not None and published[0] == source:
            payload = Reuse(published[1], published[2])
        else:
            if environment is None:
                # looked up once a chunk (a build's jobs share one target): the lookup hashes
                # the whole Config, ~10 µs
                environment = _environment(target.project, target.config, target.compiled)
            payload = render_page(page, environment, target.config)
        out.append(place(target.tree, target.output, page.output, source, payload, had))
    return out
