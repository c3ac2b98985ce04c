"""Writes on a second thread while the caller computes the next batch (``guanxi score``).

Batch scoring alternates between computing a chunk (numpy, one core) and sending it to
Neo4j (the server's work, another core): one after the other, each waits for the other.
:class:`BackgroundWrites` runs the writes one at a time, in the order submitted, on one
thread, and lets at most ``depth`` of them wait, so memory stays bounded; a failed write is
raised in the caller at its next ``submit`` or at ``wait``, and nothing submitted after it
is run. With ``streams`` > 1 that many writes run at once, in no set order, for writes that
touch disjoint rows (a server waiting on its disk takes two transactions faster than one:
intimacy MERGEs at 1M companies, 23–26k/s from one stream, 31–37k/s from two,
``benchmarks/score_writes.py``). Two transactions that meet on a node can deadlock; the
server detects it, the driver retries the later one, and the retries are counted
(``lock_retries``) instead of warned about one by one.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

__all__ = ["DRIVER_RETRY_LOGGER", "BackgroundWrites"]

#: the logger the Neo4j driver warns on when it retries a transaction
DRIVER_RETRY_LOGGER = "neo4j.session"


class BackgroundWrites:
    """A queue of write calls run in order on one thread (or on ``streams`` threads at
    once); their results (row counts) are summed. Use as a context manager; :meth:`wait`
    returns the sum."""

    def __init__(self, depth: int = 2, streams: int = 1) -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, not {depth}")
        if not 1 <= streams <= depth:
            raise ValueError(f"streams must be between 1 and depth ({depth}), not {streams}")
        self._depth, self._streams = depth, streams
        #: transactions the driver retried after the server found two streams deadlocked
        self.lock_retries = 0
        self._pool = ThreadPoolExecutor(max_workers=streams, thread_name_prefix="guanxi-writes")
        self._pending: deque[Future[int]] = deque()
        self._failed = False
        self.total = 0

    def submit(self, fn: Callable[..., int], *args: Any, **kwargs: Any) -> None:
        """Queue ``fn(*args, **kwargs)``; blocks while ``depth`` writes are waiting."""
        while len(self._pending) >= self._depth:
            self._collect()
        self._pending.append(self._pool.submit(self._guarded, fn, args, kwargs))

    def _guarded(self, fn: Callable[..., int], args: tuple, kwargs: dict) -> int:
        if self._failed:  # an earlier write failed: the caller is told, this one is skipped
            return 0
        try:
            return fn(*args, **kwargs)
        except BaseException:
            self._failed = True
            raise

    def _collect(self) -> None:
        fut = self._pending.popleft()
        try:
            self.total += fut.result()
        except BaseException:
            for f in self._pending:  # nothing after a failed write runs
                f.cancel()
            self._pending.clear()
            raise

    def wait(self) -> int:
        """Wait for every queued write; returns the sum of their results so far."""
        while self._pending:
            self._collect()
        return self.total

    def __enter__(self) -> BackgroundWrites:
        if self._streams > 1:
            logging.getLogger(DRIVER_RETRY_LOGGER).addFilter(self._lock_retry)
        return self

    def _lock_retry(self, record: logging.LogRecord) -> bool:
        """Count the driver's "retried after a deadlock" warnings instead of showing them:
        two streams meeting on a node is expected, and the driver retries it."""
        if record.levelno == logging.WARNING and "DeadlockDetected" in record.getMessage():
            self.lock_retries += 1
            return False
        return True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.wait()
            else:
                for f in self._pending:
                    f.cancel()
        finally:
            self._pool.shutdown(wait=True)
            logging.getLogger(DRIVER_RETRY_LOGGER).removeFilter(self._lock_retry)
