"""Big files in parallel: worker processes parse and build rows of blocks while the main process writes."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from .profiles import RowMapper
from .readers import Block, RawTable, parse_block

from .readers import BlockLayout
from .rows import _RowBuilder, _Transformed, _transform


CHUNK_ROWS = 2_000
# Worker processes get the mapper, row builder and block layout by fork, not
# by pickling: profiles hold closures, and fork copies them for free.
_WORKER_JOB: tuple[RowMapper, _RowBuilder, BlockLayout | None] | None = None


def _chunks(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


PARALLEL_MIN_BYTES = 32 * 2**20


def _transform_in_worker(chunk: list[tuple[int, dict[str, Any]]]) -> _Transformed:
    mapper, build, _ = _WORKER_JOB
    return _transform(mapper, build, chunk)


@dataclass
class _BlockResult:
    transformed: _Transformed | None
    unfinished_line: int | None = None  # see BlockRecords
    failure: tuple[str, str | None] | None = None  # (problem, location) of an InputFileError


def _transform_block_in_worker(block: Block) -> _BlockResult:
    mapper, build, layout = _WORKER_JOB
    try:
        parsed = parse_block(layout, block)
    except InputFileError as exc:
        # An exception with several arguments does not survive pickling; the caller raises it again.
        return _BlockResult(None, failure=(exc.problem, exc.location))
    return _BlockResult(_transform(mapper, build, parsed.records), parsed.unfinished_line)


def _auto_workers(path: Path) -> int:
    """Two or more processes for big files; one for small ones, where start-up would dominate."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or path.stat().st_size < PARALLEL_MIN_BYTES:
        return 1
    return min(cores, 4)


def _transformed_chunks(mapper: RowMapper, build: _RowBuilder, table: RawTable,
                        head: list[tuple[int, dict[str, Any]]], rows: Iterator[tuple[int, dict[str, Any]]],
                        workers: int) -> Iterator[_Transformed]:
    """Chunks in file order. With several workers, this process only writes the
    database while the workers parse (CSV, JSON Lines), map, redact, classify and hash."""
    if workers <= 1:
        for chunk in _chunks(chain(head, rows), CHUNK_ROWS):
            yield _transform(mapper, build, chunk)
        return
    blocks = table.blocks()
    global _WORKER_JOB
    _WORKER_JOB = (mapper, build, table.block_layout)
    # Frozen objects are never scanned by the garbage collector: the workers
    # would otherwise walk (and, touching them, copy) everything this process
    # had loaded at each full collection. This process unfreezes at once.
    gc.freeze()
    try:
        with _workers_without_sigint(workers) as pool:
            gc.unfreeze()
            _WORKER_JOB = None
            if blocks is None:
                chunks = _chunks(chain(head, rows), CHUNK_ROWS)
                for _, pending in _read_ahead(pool, _transform_in_worker, chunks, in_flight=2 * workers):
                    yield pool.result(pending)
            else:
                table.close()  # the workers parse the file from its first data row again
                yield from _transformed_blocks(pool, table.path, blocks, in_flight=2 * workers)
    finally:
        gc.unfreeze()
        _WORKER_JOB = None


_POLL_SECONDS = 0.05


class _Workers:
    """A process pool, and Ctrl-C raised only where this process waits for it.

    While the pool runs, SIGINT only sets ``interrupted``; KeyboardInterrupt is
    raised here, at a wait or when the writer asks for the next chunk. Raised
    at any bytecode instead, it could land inside a lock's ``with`` in the
    pool's own bookkeeping, leave the lock held, and the result thread then
    blocked for good: terminate() waited on it and the import hung after Ctrl-C.
    """

    def __init__(self, pool) -> None:
        self.pool = pool
        self.interrupted = False

    def on_sigint(self, signum, frame) -> None:  # a signal handler: sets a flag, takes no lock
        self.interrupted = True

    def check(self) -> None:
        if self.interrupted:
            raise KeyboardInterrupt

    def submit(self, task: Callable[[Any], Any], item: Any):
        return self.pool.apply_async(task, (item,))

    def result(self, pending) -> Any:
        while not pending.ready():
            self.check()
            pending.wait(_POLL_SECONDS)
        self.check()
        return pending.get()


@contextlib.contextmanager
def _workers_without_sigint(workers: int) -> Iterator[_Workers]:
    """A fork pool whose workers never see Ctrl-C.

    The terminal sends SIGINT to the whole process group. A worker interrupted
    while it holds the pool's queue lock made terminate() hang (holding the
    database's write lock) and printed a traceback per worker; so the workers
    are forked with SIGINT blocked, and only this process handles it (see
    :class:`_Workers`): it stops the pool and rolls the import back. Blocked
    rather than ignored, so a Ctrl-C during the fork is delivered here right
    after, not lost.
    """
    in_main_thread = threading.current_thread() is threading.main_thread()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = _Workers(multiprocessing.get_context("fork").Pool(workers))
        # Python runs signal handlers in the main thread only, and only there can set them.
        previous = signal.signal(signal.SIGINT, pool.on_sigint) if in_main_thread else None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        yield pool
        pool.check()  # a Ctrl-C after the last chunk still stops the import
    finally:
        try:
            pool.pool.terminate()
            pool.pool.join()
        finally:
            if in_main_thread:
                signal.signal(signal.SIGINT, previous)


def _transformed_blocks(pool: _Workers, path: str, blocks: Iterator[Block], in_flight: int) -> Iterator[_Transformed]:
    """The workers' results for each block, in order; a record cut in two is parsed again whole."""
    carry: Block | None = None  # the start of a record the last block cut in two
    for block, pending in _read_ahead(pool, _transform_block_in_worker, blocks, in_flight):
        result = pool.result(pending)
        if carry is not None:
            # This block's worker started inside a record, so its result is void:
            # parse the block again behind the start of that record.
            block = carry.joined(block)
            result = pool.result(pool.submit(_transform_block_in_worker, block))
        if result.failure is not None:
            raise InputFileError(path, *result.failure)
        carry = None
        if result.unfinished_line is not None:
            carry = block.from_line(result.unfinished_line - block.first_line)
        yield result.transformed


_READ_DONE = object()


def _read_ahead(pool: _Workers, task: Callable[[Any], Any], items: Iterator[Any], in_flight: int) -> Iterator[tuple[Any, Any]]:
    """(item, the pool's pending result of task(item)) in order, while a thread reads ahead.

    Reading in a thread of its own keeps the workers fed while this thread
    writes the database (sqlite3 and psycopg let go of the GIL while the
    database works); without it the workers idled whenever the writer did.
    At most ``in_flight`` items are read ahead, so memory stays flat. A file
    that breaks while being read raises here, in the caller's thread, so the
    import transaction rolls back as before.
    """
    handed: queue.Queue = queue.Queue(maxsize=in_flight)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not hand_over((item, pool.submit(task, item))):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
            hand_over(exc)
            return
        hand_over(_READ_DONE)

    reader = threading.Thread(target=read, name="rca-import-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                handed_item = handed.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                pool.check()
                continue
            if handed_item is _READ_DONE:
                break
            if isinstance(handed_item, BaseException):
                raise handed_item
            yield handed_item
    finally:
        stop.set()
        reader.join()
