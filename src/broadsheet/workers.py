"""Both cores for the two CPU-heavy stages of a cold build: parsing and rendering.

Work goes out in chunks to a pool of processes and comes back in submission order, so the
output does not depend on how many workers there are. At most a few chunks are in flight at
once: pages are rendered and written as a stream, never all held in memory. Small archives stay
in one process, where a pool would cost more than it saves.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from broadsheet.config import Config
from broadsheet.model import Article, Problem, Source, SourceError
from broadsheet.parse import parse_source
from broadsheet.plan import Page
from broadsheet.render import make_environment, render_page

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
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))


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


ParseResult = tuple[Article | None, tuple[Problem, ...]]


def parse_chunk(chunk: list[tuple[Source, bool, Any]]) -> list[ParseResult]:
    """Parse sources; a source that cannot be used comes back as (None, its problem)."""
    out: list[ParseResult] = []
    for source, allow_raw_html, zone in chunk:
        try:
            parsed = parse_source(source, allow_raw_html, zone)
        except SourceError as exc:
            out.append((None, (exc.problem,)))
            continue
        out.append((parsed.article, parsed.problems))
    return out


@functools.cache
def _environment(project: Path, config: Config) -> Any:
    """One Jinja environment per worker process (templates compile once per process)."""
    return make_environment(project, config)


def render_chunk(chunk: list[tuple[Page, Path, Config]]) -> list[tuple[str, bytes]]:
    return [
        (page.output, render_page(page, _environment(project, config), config))
        for page, project, config in chunk
    ]
