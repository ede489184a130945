"""Worker processes that take chunks of work over pipes, with no thread in the main process.

Each worker reads its chunks from a pipe of its own, in the order they were sent, and writes
each result back on another. The main process writes a chunk and reads the results that are
ready in the same thread that plans the work.

(concurrent.futures' process pool moves every chunk and result through threads of the main
process: a queue feeder and a result reader for each worker. On a 10,000-article build those
threads took 3.4 s of CPU, most of it handing the interpreter lock back and forth with the
thread planning the pages, which is what the workers wait on.)

A chunk goes out with one write when the pipe has room for it; pipes are widened to 1 MB
where the system allows, so that a chunk (~0.1-0.5 MB) can wait in the pipe for a busy
worker. When the pipe is full, the main process reads results while it waits to write (a
worker may be waiting to write one), so neither side ever waits on the other for good.
POSIX only (workers.make_pool runs everything in one process elsewhere).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

R = TypeVar("R")

#: A message is its length (8 bytes, big-endian), then its bytes; an empty one asks the worker
#: to stop.
_HEADER = struct.Struct("!Q")
#: Pipe capacity asked for: Linux's limit for unprivileged processes (pipe-max-size).
PIPE_SIZE = 1 << 20


class Job(Generic[R]):
    """A chunk sent to a worker: its result, once the worker has sent it back."""

    __slots__ = ("_finished", "_ok", "_pool", "_value")

    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._finished = False
        self._ok = False
        self._value: Any = None

    def done(self) -> bool:
        """Whether the result is back (results ready to be read are read first)."""
        if not self._finished:
            self._pool.collect(block=False)
        return self._finished

    def result(self) -> R:
        """The result, waiting for it; the worker's exception is raised here."""
        while not self._finished:
            self._pool.collect(block=True)
        if not self._ok:
            raise self._value
        return self._value  # type: ignore[no-any-return]

    def _finish(self, ok: bool, value: Any) -> None:
        self._finished, self._ok, self._value = True, ok, value


@dataclass
class _Worker:
    process: BaseProcess
    to_worker: Connection  #: the main process's end of the chunks' pipe (non-blocking)
    from_worker: Connection  #: its end of the results' pipe
    jobs: deque[Job[Any]] = field(default_factory=deque)  #: in flight, oldest first


class Pool:
    """Worker processes: a chunk goes to the worker with the fewest chunks in flight
    (`submit`), or to a chosen one (`submit_to`); each worker takes its chunks in the order
    they were sent. `initializer` runs in each worker as it starts."""

    def __init__(
        self, workers: int, context: BaseContext, initializer: Callable[[], None] | None = None
    ) -> None:
        self._workers: list[_Worker] = []
        self._broken = ""
        try:
            for _ in range(workers):
                self._workers.append(_start_worker(context, initializer))
        except BaseException:
            self.shutdown(cancel_futures=True)
            raise

    def __len__(self) -> int:
        return len(self._workers)

    def least_busy(self) -> int:
        """The worker with the fewest chunks in flight (the first of those, on a tie)."""
        self.collect(block=False)
        return min(range(len(self._workers)), key=lambda w: len(self._workers[w].jobs))

    def worker_with_room(self, most: int) -> int:
        """The least busy worker, once one has fewer than `most` chunks in flight: until
        then, wait for any chunk to finish."""
        worker = self.least_busy()
        while len(self._workers[worker].jobs) >= most:
            self.collect(block=True)
            worker = self.least_busy()
        return worker

    def submit_to(self, worker: int, fn: Callable[..., R], /, *args: Any) -> Job[R]:
        if self._broken:
            raise BrokenProcessPool(self._broken)
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        job: Job[R] = Job(self)
        chosen = self._workers[worker]
        chosen.jobs.append(job)
        self._send(chosen, _HEADER.pack(len(data)) + data)
        return job

    def submit(self, fn: Callable[..., R], /, *args: Any) -> Job[R]:
        return self.submit_to(self.least_busy(), fn, *args)

    def collect(self, block: bool, writable: int | None = None) -> None:
        """Read the results that are ready; with `block`, wait for one first (or, with
        `writable`, for that pipe to have room, whichever comes first)."""
        busy = {w.from_worker.fileno(): w for w in self._workers if w.jobs}
        if not busy and writable is None:
            return
        poller = select.poll()
        for fd in busy:
            poller.register(fd, select.POLLIN)
        if writable is not None:
            poller.register(writable, select.POLLOUT)
        for fd, _ in poller.poll(None if block else 0):
            if fd in busy:
                self._take_result(busy[fd])

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers: after their chunks in flight, or at once with `cancel_futures`
        (their results are then lost)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if not cancel_futures and not self._broken:
                with contextlib.suppress(OSError, BrokenProcessPool):
                    while worker.jobs:
                        self._take_result(worker)
                    self._send(worker, _HEADER.pack(0))
                    continue
            worker.process.terminate()
        for worker in workers:
            if wait:
                worker.process.join()
            worker.to_worker.close()
            worker.from_worker.close()

    def _send(self, worker: _Worker, message: bytes) -> None:
        fd = worker.to_worker.fileno()
        view = memoryview(message)
        while view:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                # The pipe is full: read results while waiting (the workers may be waiting
                # for the main process to read theirs).
                self.collect(block=True, writable=fd)
            except BrokenPipeError:
                self._break(f"a worker process (pid {worker.process.pid}) has stopped")
                raise BrokenProcessPool(self._broken) from None

    def _take_result(self, worker: _Worker) -> None:
        data = _read_message(worker.from_worker.fileno())
        if data is None:
            code = worker.process.exitcode
            self._break(f"a worker process (pid {worker.process.pid}) stopped, exit code {code}")
            return
        ok, value = pickle.loads(data)
        worker.jobs.popleft()._finish(ok, value)

    def _break(self, why: str) -> None:
        """A worker died: every chunk in flight fails, and the pool takes no more."""
        self._broken = why
        for worker in self._workers:
            while worker.jobs:
                worker.jobs.popleft()._finish(False, BrokenProcessPool(why))


def _start_worker(context: BaseContext, initializer: Callable[[], None] | None) -> _Worker:
    chunks_in, chunks_out = context.Pipe(duplex=False)
    results_in, results_out = context.Pipe(duplex=False)
    process = context.Process(
        target=_serve, args=(chunks_in, results_out, initializer), daemon=True
    )
    process.start()
    chunks_in.close()  # (the worker has its own copies now)
    results_out.close()
    for end in (chunks_out, results_in):
        _widen(end.fileno())
    os.set_blocking(chunks_out.fileno(), False)
    return _Worker(process, chunks_out, results_in)


def _widen(fd: int) -> None:
    """Ask for a pipe of PIPE_SIZE bytes (Linux); elsewhere, or if refused, it keeps its size."""
    import fcntl

    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)


def _serve(chunks: Connection, results: Connection, initializer: Callable[[], None] | None) -> None:
    """A worker: call each function sent with its arguments, and send back what it returned
    or raised, until asked to stop (or the main process has gone)."""
    if initializer is not None:
        initializer()
    fd_in, fd_out = chunks.fileno(), results.fileno()
    while data := _read_message(fd_in):
        fn, args = pickle.loads(data)
        try:
            reply = (True, fn(*args))
        except BaseException as exc:
            reply = (False, _carried(exc))
        try:
            out = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that cannot be pickled
            out = pickle.dumps((False, _carried(exc)), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(fd_out, _HEADER.pack(len(out)) + out)


def _carried(exc: BaseException) -> BaseException:
    """The exception to send back, with the worker's traceback in a note; a RuntimeError
    saying the same where the exception cannot be pickled."""
    where = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"(raised in a worker process)\n{where}")
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"in a worker process:\n{where}")
    return exc


def _read_message(fd: int) -> bytearray | None:
    """The next message on `fd`; None at the end of the pipe (the writer has gone)."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(fd, size) if size else bytearray()


def _read_exactly(fd: int, size: int) -> bytearray | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            return None
        got += n
    return buffer


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
