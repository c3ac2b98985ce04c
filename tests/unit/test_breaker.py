"""The circuit breaker of the Neo4j gateway: open on GraphUnavailable, fail fast during the
cool-down, one probe after it, closed by a call that reaches the server."""

from __future__ import annotations

import threading
import time

import pytest

from guanxi.errors import GraphUnavailable, QueryError
from guanxi.graph.breaker import CircuitBreaker

COOL = 0.05


def _fail(breaker: CircuitBreaker) -> None:
    with pytest.raises(GraphUnavailable), breaker.guard():
        raise GraphUnavailable("Neo4j is not reachable: connection refused")


def test_a_failure_opens_and_calls_then_fail_without_running() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    with b.guard():
        pass
    assert not b.is_open
    _fail(b)
    assert b.is_open
    ran = []
    with pytest.raises(GraphUnavailable, match="connection refused"), b.guard():
        ran.append(1)
    assert ran == []


def test_after_the_cool_down_a_probe_that_succeeds_closes_it() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    _fail(b)
    time.sleep(COOL * 1.5)
    with b.guard():
        pass
    assert not b.is_open
    with b.guard():
        pass


def test_a_failed_probe_opens_it_for_another_cool_down() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    _fail(b)
    time.sleep(COOL * 1.5)
    _fail(b)  # the probe
    with pytest.raises(GraphUnavailable), b.guard():
        pass


def test_a_query_error_means_the_server_answered() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    _fail(b)
    time.sleep(COOL * 1.5)
    with pytest.raises(QueryError), b.guard():
        raise QueryError("syntax")
    assert not b.is_open


def test_an_unrelated_exception_ends_the_probe_without_a_verdict() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    _fail(b)
    time.sleep(COOL * 1.5)
    with pytest.raises(KeyError), b.guard():
        raise KeyError("x")
    assert b.is_open
    with b.guard():  # the next caller probes at once
        pass
    assert not b.is_open


def test_zero_cool_down_turns_it_off() -> None:
    b = CircuitBreaker(cooldown_s=0)
    _fail(b)
    assert not b.is_open
    with b.guard():
        pass


def test_only_one_of_many_threads_probes() -> None:
    b = CircuitBreaker(cooldown_s=COOL)
    _fail(b)
    time.sleep(COOL * 1.5)
    release = threading.Event()
    went_through: list[int] = []
    refused: list[int] = []
    lock = threading.Lock()

    def call(n: int) -> None:
        try:
            with b.guard():
                with lock:
                    went_through.append(n)
                release.wait(5)  # the probe is slow: the others arrive meanwhile
        except GraphUnavailable:
            with lock:
                refused.append(n)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while len(went_through) + len(refused) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(went_through) == 1 and len(refused) == 19
    release.set()
    for t in threads:
        t.join(5)
    assert not b.is_open
