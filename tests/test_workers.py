"""workers.py: the pool, and objects many pages share sent to each worker once."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from broadsheet.load import read_source
from broadsheet.registry import Registry
from broadsheet.workers import (
    CHUNK,
    FORGET,
    IN_FLIGHT_PER_WORKER,
    WORKER_GC_THRESHOLDS,
    Packed,
    ParseTarget,
    SharedSender,
    ToParse,
    ToRead,
    _call_unpacked,
    _context,
    _Received,
    _received,
    make_pool,
    on_pool,
    ordered_map,
    ordered_map_sharing,
    parse_chunk,
)


@dataclass(frozen=True)
class Card:
    headline: str


@dataclass(frozen=True)
class Listing:
    url: str
    cards: tuple[Card, ...]


def _unpack_on(received: _Received, packed: Packed) -> object:
    """As a worker takes a chunk: after a trip through pickle, as the pool sends it."""
    return received.unpack(pickle.loads(pickle.dumps(packed)))


def test_a_shared_object_goes_to_each_worker_once() -> None:
    a, b = Card("A"), Card("B")
    sender = SharedSender(2, (Card,))
    first = sender.pack(0, [Listing("x/", (a, b)), Listing("y/", (a,))])
    assert [obj for _, obj in first.new] == [a, b]
    again = sender.pack(0, [Listing("z/", (b, a))])
    assert again.new == ()  # worker 0 has both
    other = sender.pack(1, [Listing("w/", (b,))])
    assert [obj for _, obj in other.new] == [b]  # worker 1 has none yet

    worker = _Received()
    assert _unpack_on(worker, first) == [Listing("x/", (a, b)), Listing("y/", (a,))]
    assert _unpack_on(worker, again) == [Listing("z/", (b, a))]
    # one object on the worker, however many pages hold it
    x, y = _unpack_on(worker, sender.pack(0, [Listing("x/", (a,)), Listing("y/", (a,))]))
    assert x.cards[0] is y.cards[0]


def test_objects_of_other_types_are_pickled_in_place() -> None:
    sender = SharedSender(1, (Card,))
    listing = Listing("x/", (Card("A"),))
    packed = sender.pack(0, [listing, "text", 3])
    assert [type(obj) for _, obj in packed.new] == [Card]
    assert _Received().unpack(packed) == [listing, "text", 3]


def test_past_the_limit_sharing_stops_and_workers_forget() -> None:
    cards = [Card(str(n)) for n in range(5)]
    sender = SharedSender(1, (Card,), limit=3)
    worker = _Received()
    _unpack_on(worker, sender.pack(0, [Listing("a/", tuple(cards[:2]))]))
    assert not sender.full
    _unpack_on(worker, sender.pack(0, [Listing("b/", tuple(cards[1:4]))]))
    assert sender.full and len(worker.objects) == 4
    # (what ordered_map_sharing sends each worker then; on a worker, _received() is the table)
    received = _received()
    received.objects.update(worker.objects)
    assert _call_unpacked(list, FORGET) == []
    assert received.objects == {}


def test_ordered_map_sharing_on_a_pool_gives_every_chunk_back_in_order() -> None:
    cards = [Card(f"story {n}") for n in range(40)]
    # 300 listings, ~10 chunks: each worker takes several and is sent each card once
    items = [Listing(f"page/{n}/", (cards[n % 40], cards[(n * 7) % 40])) for n in range(300)]
    items[5:7] = ["no card here", "nor here"]  # type: ignore[list-item]

    def listing(item: object) -> bool:
        return isinstance(item, Listing)

    pool = make_pool(2)
    assert pool is not None
    try:
        shared = list(ordered_map_sharing(pool, list, items, (Card,), listing))
        # sharing stops after the first chunks: the workers forget, and the rest go as they are
        stopped = list(ordered_map_sharing(pool, list, items, (Card,), listing, limit=20))
        plain = list(ordered_map(pool, list, items))
    finally:
        pool.shutdown()
    assert shared == stopped == plain == items


def test_the_pool_sends_a_chunk_to_the_worker_with_the_fewest_in_flight() -> None:
    pool = make_pool(2)
    assert pool is not None
    try:
        assert len(pool) == 2
        busy = pool.submit_to(0, time.sleep, 1.0)  # (far longer than the next line takes)
        assert pool.least_busy() == 1
        busy.result()
        assert pool.least_busy() == 0  # none in flight: the first
        assert pool.submit(sum, [1, 2]).result() == 3
    finally:
        pool.shutdown()


def _gc_threshold(_: object) -> tuple[int, ...]:
    return gc.get_threshold()


def test_workers_collect_cyclic_garbage_less_often_than_the_default() -> None:
    pool = make_pool(2)
    assert pool is not None
    try:
        for worker in range(len(pool)):
            assert pool.submit_to(worker, _gc_threshold, None).result() == WORKER_GC_THRESHOLDS
    finally:
        pool.shutdown()
    assert WORKER_GC_THRESHOLDS[0] > gc.get_threshold()[0]  # (this process: the default)


def test_workers_are_forked_from_the_build_unless_it_runs_threads() -> None:
    """Forked at once from a build that runs no other thread (its workers need not wait for a
    server to start and import); from the fork server where a thread runs (`serve`)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this system")
    alone = threading.active_count() == 1  # (no thread left running by an earlier test)
    assert _context().get_start_method() == ("fork" if alone else "forkserver")
    methods: list[str] = []
    thread = threading.Thread(target=lambda: methods.append(_context().get_start_method()))
    thread.start()
    thread.join()
    assert methods == ["forkserver"]


def test_on_pool_runs_a_function_on_a_worker_and_gives_its_result_when_asked() -> None:
    pool = make_pool(2)
    assert pool is not None
    try:
        result = on_pool(pool, _worker_pid_and_sum, 2, 3)
        assert result() == (result()[0], 5)
        assert result()[0] != os.getpid()
    finally:
        pool.shutdown()


def _worker_pid_and_sum(a: int, b: int) -> tuple[int, int]:
    return os.getpid(), a + b


def _stamp(chunk: list[str]) -> list[tuple[str, int, float, float]]:
    """(item, worker pid, start, end) for each item; a chunk holding "slow" takes a second."""
    start = time.monotonic()
    if "slow" in chunk:
        time.sleep(1.0)
    return [(item, os.getpid(), start, time.monotonic()) for item in chunk]


def test_a_worker_is_not_left_idle_behind_a_slow_chunk() -> None:
    items = ["slow"] + [f"item {n}" for n in range(CHUNK * 12 - 1)]
    pool = make_pool(2)
    assert pool is not None
    try:
        stamped = list(ordered_map(pool, _stamp, items))
    finally:
        pool.shutdown()
    assert [s[0] for s in stamped] == items  # in order, whatever finished first
    slow_pid, slow_end = stamped[0][1], stamped[0][3]
    other_chunks = {s[2] for s in stamped if s[1] != slow_pid and s[3] < slow_end}
    # waiting on the oldest chunk, the other worker took 2 chunks (the window) and idled
    assert len(other_chunks) >= 6


@dataclass(frozen=True)
class Planned:
    """A stand-in for a planned page, whose copies in this process can be counted."""

    number: int


def _numbers(chunk: list[Planned]) -> list[int]:
    return [page.number for page in chunk]


def test_pages_sent_to_the_workers_are_not_held_while_they_render() -> None:
    """Memory bounded by design: ordered_map_sharing (pages to render) holds at most the
    chunks it is making and sending, never every page planned, and every page's result comes
    back, in order, however many are in flight (IN_FLIGHT_PER_WORKER)."""
    import weakref

    alive: weakref.WeakSet[Planned] = weakref.WeakSet()
    total = CHUNK * (IN_FLIGHT_PER_WORKER * 2 + 10)

    def pages():  # type: ignore[no-untyped-def]
        for n in range(total):
            page = Planned(n)
            alive.add(page)
            yield page
            del page

    pool = make_pool(2)
    assert pool is not None
    held = []
    try:
        for given, n in enumerate(ordered_map_sharing(pool, _numbers, pages(), (Card,), bool)):
            assert n == given
            held.append(len(alive))
    finally:
        pool.shutdown()
    assert len(held) == total
    assert max(held) <= 2 * CHUNK


def test_a_file_the_worker_reads_parses_as_one_read_for_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    good = content / "good.md"
    good.write_text("---\nheadline: Budget passes\ndate: 2024-01-02\n---\nThe council met.\n")
    mangled = content / "mangled.md"
    mangled.write_bytes(b"---\nheadline: Caf\xe9 opens\n---\nA caf\xe9 opened.\n")
    target = ParseTarget(False, None, False, Registry(), b"")

    def parse_one(given, read_problems=()):
        item = ToParse("content/x.md", (1, 2, 3), given, read_problems)
        [(rel, entry)] = pickle.loads(parse_chunk([(target, item)]))
        assert rel == "content/x.md" and entry.stat == (1, 2, 3)
        return entry.content_hash, entry.article, entry.problems

    for file in (good, mangled):
        source, read_problems = read_source(file, tmp_path)
        content_hash, article, problems = parse_one(ToRead(file, tmp_path))
        _, article_read_here, all_problems = parse_one(source, tuple(read_problems))
        assert content_hash == source.content_hash
        assert article == article_read_here
        assert problems == all_problems
    assert any("UTF-8" in p.message for p in problems)  # (the mangled file's warning)
    content_hash, article, problems = parse_one(ToRead(content / "gone.md", tmp_path))
    assert (content_hash, article) == ("", None)
    assert "content/gone.md" in problems[0].path
