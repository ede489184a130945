"""The worker pool (pool.py): chunks over pipes, results in order, failures reported."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from broadsheet.pool import PIPE_SIZE
from broadsheet.workers import make_pool


@pytest.fixture
def pool():
    made = make_pool(2)
    assert made is not None
    yield made
    made.shutdown(cancel_futures=True)


def _echo(data: bytes) -> bytes:
    return data * 2


def _fail(message: str) -> None:
    raise ValueError(message)


def _unpicklable() -> object:
    return lambda: None


def _fail_unpicklably() -> None:
    exc = ValueError("a bad byline")
    exc.callback = lambda: None  # type: ignore[attr-defined]
    raise exc


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_each_worker_gives_its_results_back_in_the_order_sent(pool) -> None:
    jobs = [pool.submit_to(n % 2, _echo, bytes([n])) for n in range(40)]
    assert [job.result() for job in jobs] == [bytes([n]) * 2 for n in range(40)]


def test_chunks_and_results_larger_than_a_pipe_neither_side_waiting_for_good(pool) -> None:
    # Each chunk and each result is larger than a pipe holds, and several are in flight on
    # each worker: the workers block writing results that the main process reads only while
    # it waits to write the next chunk.
    big = [bytes([n]) * (PIPE_SIZE + 12345 * n) for n in range(8)]
    jobs = [pool.submit_to(n % 2, _echo, data) for n, data in enumerate(big)]
    assert [job.result() for job in jobs] == [data * 2 for data in big]


def test_an_exception_in_a_worker_is_raised_with_its_traceback(pool) -> None:
    job = pool.submit(_fail, "no such article")
    with pytest.raises(ValueError, match="no such article") as raised:
        job.result()
    notes = "".join(getattr(raised.value, "__notes__", []))
    assert "raised in a worker process" in notes and "_fail" in notes
    assert pool.submit(_echo, b"x").result() == b"xx"  # the worker goes on


def test_a_result_or_exception_that_cannot_be_pickled_is_reported(pool) -> None:
    with pytest.raises(Exception, match="Can't pickle") as raised:
        pool.submit(_unpicklable).result()
    assert "raised in a worker process" in "".join(getattr(raised.value, "__notes__", []))
    with pytest.raises(RuntimeError, match=r"in a worker process:(.|\n)*a bad byline"):
        pool.submit(_fail_unpicklably).result()


def test_a_worker_that_dies_breaks_the_pool_with_a_clear_error(pool) -> None:
    dying = pool.submit_to(0, _die)
    with pytest.raises(BrokenProcessPool, match=r"worker process .* stopped"):
        dying.result()
    with pytest.raises(BrokenProcessPool):
        pool.submit_to(1, _echo, b"x")


def test_shutdown_waits_for_the_chunks_in_flight() -> None:
    made = make_pool(2)
    assert made is not None
    jobs = [made.submit_to(n % 2, time.sleep, 0.2) for n in range(4)]
    made.shutdown()
    assert all(job.done() for job in jobs)


def test_shutdown_with_cancel_stops_the_workers_at_once() -> None:
    made = make_pool(2)
    assert made is not None
    made.submit_to(0, time.sleep, 30)
    started = time.monotonic()
    made.shutdown(cancel_futures=True)
    assert time.monotonic() - started < 10
