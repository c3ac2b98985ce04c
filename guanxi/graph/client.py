"""``GraphClient``: the one gateway to Neo4j.

Every query is sent as ``neo4j.Query(text, metadata={"app": "guanxi", "query": name},
timeout=...)`` so the server's query log says who asked. Driver exceptions are
translated into guanxi errors here and only here.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

import neo4j
from guanxi.config import Settings, get_settings
from guanxi.errors import (
    ReadOnlyViolation,
)
from guanxi.graph.breaker import CircuitBreaker
from guanxi.graph.library import QueryLibrary, get_library
from guanxi.graph.translate import as_dict, translate_errors
from guanxi.graph.values import to_plain
from neo4j import GraphDatabase, Query, RoutingControl

__all__ = ["GraphClient", "ConsoleResult", "PlanGuard", "translate_errors"]

log = logging.getLogger(__name__)


#: ``guard(query_type, plan)`` raises to refuse an ad-hoc query before it runs.
PlanGuard = Callable[[str, "dict[str, Any] | None"], None]


class ConsoleResult(dict):
    """``{"columns": [...], "rows": [[...]], "truncated": bool}`` of an ad-hoc query."""


class GraphClient:
    """Runs named queries from the library against one Neo4j database.

    ``GraphClient.writes`` counts the write transactions this process has run (any client):
    in-process caches compare it to know that the graph may have changed under them.

    Connections time out after ``neo4j_connect_timeout_s``; a transiently failed transaction
    is retried for ``retry_s`` seconds (the API passes its short ``neo4j_retry_s``; the CLI
    and batch jobs keep ``neo4j_batch_retry_s``). A :class:`CircuitBreaker` makes every call
    fail at once with :class:`GraphUnavailable` for ``neo4j_breaker_s`` after the server was
    found unreachable, then lets one probe through; the driver reconnects by itself.
    """

    writes: int = 0

    def __init__(
        self,
        settings: Settings | None = None,
        library: QueryLibrary | None = None,
        driver: neo4j.Driver | None = None,
        *,
        retry_s: float | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.library = library or get_library()
        self.database = self.settings.neo4j_database
        self.retry_s = self.settings.neo4j_batch_retry_s if retry_s is None else retry_s
        self.breaker = CircuitBreaker(self.settings.neo4j_breaker_s, probe=self._probe)
        self._driver = driver
        self._driver_lock = threading.Lock()

    # -- connection ---------------------------------------------------------------
    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            s = self.settings
            with self._driver_lock, translate_errors("connect"):
                if self._driver is None:  # another thread may have built it meanwhile
                    self._driver = GraphDatabase.driver(
                        s.uri,
                        auth=(s.neo4j_user, s.password()),
                        user_agent="guanxi/0.1",
                        connection_timeout=s.neo4j_connect_timeout_s,
                        connection_acquisition_timeout=s.neo4j_acquire_timeout_s,
                        max_transaction_retry_time=self.retry_s,
                        max_connection_pool_size=50,
                        # planner notices (unknown label, cartesian product) are not errors
                        notifications_min_severity="OFF",
                    )
        return self._driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> None:
        """Raise :class:`GraphUnavailable` unless the server answers (at once while the
        circuit breaker is open)."""
        with self._call("verify connectivity"):
            self.driver.verify_connectivity()

    def _probe(self) -> None:
        """The breaker's background probe: one trivial read that bypasses the breaker (it
        returns only once the database answers queries, not just connections)."""
        with translate_errors("probe"):
            self.driver.execute_query(
                self._query("health.probe", "RETURN 1", 10),
                database_=self.database,
                routing_=RoutingControl.READ,
            )

    @contextmanager
    def _call(self, what: str) -> Iterator[None]:
        """One call to the server: through the circuit breaker, driver errors translated."""
        with self.breaker.guard(), translate_errors(what):
            yield

    def _query(self, name: str, text: str, timeout: float | None) -> Query:
        return Query(
            text,
            metadata={"app": "guanxi", "query": name},
            timeout=timeout if timeout is not None else self.settings.query_timeout_s,
        )

    # -- named queries ------------------------------------------------------------
    def read(
        self, name: str, *, timeout: float | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """Run a named read query; rows as plain dicts."""
        return self._run(name, self.library[name].text, params, RoutingControl.READ, timeout)

    def read_df(self, name: str, *, timeout: float | None = None, **params: Any) -> pd.DataFrame:
        """Run a named read query; rows as a DataFrame (columns as the query returns them)."""
        q = self.library[name]
        with self._call(repr(name)):
            return self.driver.execute_query(
                self._query(name, q.text, timeout),
                params,
                database_=self.database,
                routing_=RoutingControl.READ,
                result_transformer_=neo4j.Result.to_df,
            )

    def write(
        self, name: str, *, timeout: float | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """Run a named write query in one transaction; rows as plain dicts."""
        return self._run(name, self.library[name].text, params, RoutingControl.WRITE, timeout)

    def run_text(
        self,
        name: str,
        text: str,
        params: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run Cypher text built by a schema-driven builder function (labels and types from the
        schema, values as parameters) under ``name`` for the query log."""
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        return self._run(name, text, params or {}, routing, timeout)

    def _run(
        self,
        name: str,
        text: str,
        params: dict[str, Any],
        routing: RoutingControl,
        timeout: float | None,
    ) -> list[dict[str, Any]]:
        if routing == RoutingControl.WRITE:
            GraphClient.writes += 1
        with self._call(repr(name)):
            records, _, _ = self.driver.execute_query(
                self._query(name, text, timeout),
                params,
                database_=self.database,
                routing_=routing,
            )
        return [as_dict(r) for r in records]

    def write_batches(
        self,
        name: str,
        rows: Sequence[dict[str, Any]] | Iterable[dict[str, Any]],
        *,
        batch_size: int | None = None,
        on_batch: Callable[[int], None] | None = None,
        text: str | None = None,
        **params: Any,
    ) -> int:
        """Send ``rows`` as ``$rows`` to a named ``UNWIND $rows ...`` query, one transaction
        per batch. Returns the number of rows sent; ``on_batch(n)`` is called after each."""
        size = batch_size or self.settings.batch_size
        query_text = text if text is not None else self.library[name].text
        sent = 0
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            nonlocal sent
            if not batch:
                return
            self._run(name, query_text, {**params, "rows": batch}, RoutingControl.WRITE, None)
            sent += len(batch)
            if on_batch:
                on_batch(len(batch))
            batch.clear()

        for row in rows:
            batch.append(row)
            if len(batch) >= size:
                flush()
        flush()
        return sent

    # -- the analyst console ------------------------------------------------------
    def explain(
        self, text: str, params: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any] | None]:
        """The server's verdict on a query without running it: the query type (``r``,
        ``rw``, ``w`` or ``s``) and the plan (``operatorType``, ``args``, ``children``)."""
        with translate_errors("EXPLAIN"):
            _, summary, _ = self.driver.execute_query(
                self._query("console.explain", f"EXPLAIN {text}", 10),
                params or {},
                database_=self.database,
                routing_=RoutingControl.READ,
            )
        return summary.query_type or "r", summary.plan

    def console(
        self,
        text: str,
        params: dict[str, Any] | None = None,
        *,
        allow_write: bool = False,
        timeout: float | None = None,
        row_cap: int | None = None,
        max_bytes: int | None = None,
        guard: PlanGuard | None = None,
    ) -> ConsoleResult:
        """Run an ad-hoc query.

        ``EXPLAIN`` first: ``guard(query_type, plan)`` (the access layer's fence) may refuse
        it; without a guard a query the planner marks as writing (``rw``, ``w``, schema
        ``s``) raises :class:`ReadOnlyViolation` unless ``allow_write``. Reads run in a read
        transaction under ``timeout``. At most ``row_cap`` rows and about ``max_bytes`` of
        JSON come back; ``truncated`` says whether more existed.
        """
        params = params or {}
        cap = row_cap if row_cap is not None else self.settings.console_row_cap
        byte_cap = max_bytes if max_bytes is not None else self.settings.console_max_bytes
        tmo = timeout if timeout is not None else self.settings.console_timeout_s
        qtype, plan = self.explain(text, params)
        if guard is not None:
            guard(qtype, plan)
        elif qtype != "r" and not allow_write:
            raise ReadOnlyViolation(
                f"Refused: the query writes to the database (query type {qtype!r}); "
                "the console is read-only"
            )
        write = allow_write and guard is None
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS

        @neo4j.unit_of_work(timeout=tmo, metadata={"app": "guanxi", "query": "console"})
        def work(tx: neo4j.ManagedTransaction) -> ConsoleResult:
            result = tx.run(text, params)
            columns = list(result.keys())
            rows: list[list[Any]] = []
            size = 0
            truncated = False
            for record in result:
                if len(rows) >= cap or size > byte_cap:
                    truncated = True
                    break
                row = [to_plain(v) for v in record.values()]
                size += len(json.dumps(row, ensure_ascii=False, default=str))
                rows.append(row)
            return ConsoleResult(columns=columns, rows=rows, truncated=truncated)

        bookmarks = self.driver.execute_query_bookmark_manager  # a cluster: see our own writes
        with (
            translate_errors("console"),
            self.driver.session(
                database=self.database, default_access_mode=mode, bookmark_manager=bookmarks
            ) as session,
        ):
            if write:
                return session.execute_write(work)
            return session.execute_read(work)
