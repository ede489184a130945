"""Both cores for the CPU-heavy stages of a cold build: parsing, extraction and rendering.

Work goes out in chunks to a pool of processes and comes back in submission order, so the
output does not depend on how many workers there are. At most a few chunks are in flight at
once: pages are rendered and written as a stream, never all held in memory. Small archives stay
in one process, where a pool would cost more than it saves.

A worker that renders a page also digests its data and writes its file into the tree being
published (publish.place), so neither the page's bytes nor that work pass through the main
process, which is left to plan the next pages.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from broadsheet.config import Config
from broadsheet.incremental import digest, entities_key, object_digest
from broadsheet.model import Article, Mention, Problem, Source, SourceError
from broadsheet.parse import needs_extraction, parse_source
from broadsheet.plan import Page
from broadsheet.publish import Entry, Payload, Placed, Reuse, place
from broadsheet.registry import Registry
from broadsheet.render import make_environment, render_page
from broadsheet.resolve import article_entities

T = TypeVar("T")
R = TypeVar("R")

#: Below this many articles or pages one process is faster than starting a pool.
PARALLEL_THRESHOLD = 300
CHUNK = 32
#: Chunks in flight per worker: enough to keep every core busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


def worker_count(requested: int | None = None) -> int:
    """Workers to use: as requested, else one per core (at most 4: the stages are short)."""
    if requested is not None:
        return max(1, requested)
    return max(1, min(4, os.cpu_count() or 1))


def make_pool(workers: int) -> Executor | None:
    """A process pool, or None for one worker. "forkserver" rather than "fork": `serve` builds
    from a thread, and forking a process with running threads is unsafe."""
    if workers <= 1:
        return None
    keep_large_blocks_apart()
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=keep_large_blocks_apart,
    )


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


def ordered_map(
    pool: Executor | None, function: Callable[[list[T]], list[R]], items: Iterable[T], workers: int
) -> Iterator[R]:
    """function over chunks of items, results in input order, a bounded number in flight."""
    if pool is None:
        for chunk in _chunks(items, CHUNK):
            yield from function(chunk)
        return
    pending: deque[Future[list[R]]] = deque()
    for chunk in _chunks(items, CHUNK):
        pending.append(pool.submit(function, chunk))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield from pending.popleft().result()
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


#: (the article or None, problems, (entities_key, its entities) when no model is needed)
ParseResult = tuple[Article | None, tuple[Problem, ...], tuple[bytes, Any] | None]


def parse_chunk(chunk: list[tuple[ParseTarget, Source]]) -> list[ParseResult]:
    """Parse sources; a source that cannot be used comes back as (None, its problem). An
    article the model will not read (its front matter lists every kind, or extraction is off)
    also gets its entities (resolve.article_entities) here, on the worker."""
    out: list[ParseResult] = []
    for target, source in chunk:
        try:
            parsed = parse_source(source, target.allow_raw_html, target.zone)
        except SourceError as exc:
            out.append((None, (exc.problem,), None))
            continue
        article = parsed.article
        entities = None
        if article.text is not None and not (target.extract_entities and needs_extraction(article)):
            key = entities_key(target.registry_digest, article, ())
            entities = key, article_entities(article, article.text, (), target.registry)
        out.append((article, parsed.problems, entities))
    return out


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
def _environment(project: Path, config: Config) -> Any:
    """One Jinja environment per worker process (templates compile once per process)."""
    return make_environment(project, config)


@dataclass(frozen=True)
class PageTarget:
    """Where the pages of a build go, and what makes their source digests."""

    project: Path
    config: Config
    settings: bytes  #: the build's settings digest (incremental.settings_digest)
    tree: Path  #: the tree being updated (publish.publish)
    output: Path  #: the published site, where reused files are copied from


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
                environment = _environment(target.project, target.config)
            payload = render_page(page, environment, target.config)
        out.append(place(target.tree, target.output, page.output, source, payload, had))
    return out
