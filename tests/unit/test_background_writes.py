"""BackgroundWrites (guanxi/graph/background.py): writes run in order on one thread, at
most ``depth`` wait, their counts are summed, and a failure reaches the caller and stops
what was queued after it."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from guanxi.graph.background import DRIVER_RETRY_LOGGER, BackgroundWrites


def test_writes_run_in_order_on_one_thread_and_are_summed() -> None:
    seen: list[tuple[int, str]] = []

    def write(i: int) -> int:
        time.sleep(0.002 * (5 - i % 5))  # later ones faster: order must still hold
        seen.append((i, threading.current_thread().name))
        return i

    with BackgroundWrites(depth=2) as w:
        for i in range(12):
            w.submit(write, i)
            assert len(w._pending) <= 2
    assert w.total == sum(range(12))
    assert [i for i, _ in seen] == list(range(12))
    assert len({name for _, name in seen}) == 1 and seen[0][1] != threading.current_thread().name


def test_a_failed_write_is_raised_and_stops_the_rest() -> None:
    ran: list[int] = []
    gate = threading.Event()

    def write(i: int) -> int:
        gate.wait(1)
        ran.append(i)
        if i == 1:
            raise RuntimeError("Neo4j said no")
        return 1

    w = BackgroundWrites(depth=3)
    with pytest.raises(RuntimeError, match="said no"), w:
        for i in range(3):
            w.submit(write, i)
        gate.set()
        w.wait()
    assert ran == [0, 1] and w.total == 1


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BackgroundWrites(depth=0)
    with pytest.raises(ValueError, match="between 1 and depth"):
        BackgroundWrites(depth=2, streams=3)


def test_two_streams_write_at_once_and_every_write_is_summed() -> None:
    both = threading.Barrier(2, timeout=5)  # passes only when two writes run together
    names: set[str] = set()

    def write(i: int) -> int:
        names.add(threading.current_thread().name)
        if i < 2:
            both.wait()
        return i

    with BackgroundWrites(depth=3, streams=2) as w:
        for i in range(10):
            w.submit(write, i)
            assert len(w._pending) <= 3
    assert w.total == sum(range(10)) and len(names) == 2


def test_deadlock_retries_of_two_streams_are_counted_not_warned(caplog) -> None:
    """Two streams may deadlock on a node; the driver retries and warns on
    ``neo4j.session``: those warnings are counted while the streams run, others pass."""
    driver = logging.getLogger(DRIVER_RETRY_LOGGER)

    def write(i: int) -> int:
        driver.warning("Transaction failed and will be retried in 1s (%s)",
                       "{neo4j_code: Neo.TransientError.Transaction.DeadlockDetected}")  # fmt: skip
        if i == 0:
            driver.warning("Transaction failed and will be retried in 1s (ServiceUnavailable)")
        return 1

    with caplog.at_level(logging.WARNING, logger=DRIVER_RETRY_LOGGER):
        with BackgroundWrites(depth=2, streams=2) as w:
            for i in range(3):
                w.submit(write, i)
        shown = [r.getMessage() for r in caplog.records]
        assert w.lock_retries == 3 and w.total == 3
        assert len(shown) == 1 and "ServiceUnavailable" in shown[0]
        write(1)  # after the block the driver's warnings are shown again
        assert len(caplog.records) == 2 and "DeadlockDetected" in caplog.records[-1].getMessage()
