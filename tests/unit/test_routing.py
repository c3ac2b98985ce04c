"""Routing URIs and read/write routing (issue #21): reads go out as read transactions.

A fake driver records how ``GraphClient`` sends each call: ``routing_`` of
``execute_query`` and the session's ``default_access_mode`` plus ``execute_read`` /
``execute_write`` of the console. On a cluster (``neo4j://``) the driver sends read
transactions to secondaries and read replicas, write transactions to the primary.
A source scan checks that every named query the code reads is read-only and every
named query it writes does write, so no read travels through a write transaction.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

import neo4j
from guanxi.config import URI_SCHEMES, Settings
from guanxi.graph.client import GraphClient
from guanxi.graph.library import get_library
from neo4j import RoutingControl

ROOT = Path(__file__).resolve().parents[2]


class FakeSession:
    def __init__(self, log: list[tuple[str, Any]], mode: str, bookmark_manager: Any) -> None:
        self.log, self.mode = log, mode
        log.append(("session", mode))
        log.append(("bookmarks", bookmark_manager))

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute_read(self, work: Any) -> str:
        self.log.append(("execute_read", self.mode))
        return "read"

    def execute_write(self, work: Any) -> str:
        self.log.append(("execute_write", self.mode))
        return "write"


class FakeDriver:
    """Records the routing of every call instead of talking to a server."""

    execute_query_bookmark_manager = object()

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def execute_query(self, query: Any, params: Any = None, **kw: Any) -> Any:
        self.log.append((query.metadata["query"], kw["routing_"]))
        if kw.get("result_transformer_") is not None:
            return "frame"
        return [], SimpleNamespace(query_type="r", plan=None), []

    def session(self, *, database: str, default_access_mode: str, bookmark_manager: Any):
        return FakeSession(self.log, default_access_mode, bookmark_manager)

    def close(self) -> None:
        pass


@pytest.fixture
def fake() -> tuple[GraphClient, FakeDriver]:
    drv = FakeDriver()
    s = Settings(neo4j_uri="neo4j://db.example:7687", neo4j_password="pw", neo4j_breaker_s=0)
    return GraphClient(s, driver=drv), drv


def test_reads_are_read_transactions(fake: tuple[GraphClient, FakeDriver]) -> None:
    client, drv = fake
    client.read("admin.counts")
    client.read_df("admin.counts")
    client.run_text("schema.await", "CALL db.awaitIndexes(300)")
    assert drv.log == [
        ("admin.counts", RoutingControl.READ),
        ("admin.counts", RoutingControl.READ),
        ("schema.await", RoutingControl.READ),
    ]


def test_writes_are_write_transactions(fake: tuple[GraphClient, FakeDriver]) -> None:
    client, drv = fake
    client.write("load.delete_rels", rows=[])
    client.write_batches("load.delete_rels", [{"id": "a"}, {"id": "b"}], batch_size=1)
    client.run_text("schema.x", "CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.id)", write=True)
    assert [m for _, m in drv.log] == [RoutingControl.WRITE] * 4


def test_console_reads_in_a_read_session(fake: tuple[GraphClient, FakeDriver]) -> None:
    client, drv = fake
    assert client.console("MATCH (n) RETURN count(n)") == "read"
    assert drv.log == [
        ("console.explain", RoutingControl.READ),
        ("session", neo4j.READ_ACCESS),
        ("bookmarks", FakeDriver.execute_query_bookmark_manager),
        ("execute_read", neo4j.READ_ACCESS),
    ]
    drv.log.clear()
    assert client.console("CREATE (:X)", allow_write=True) == "write"
    assert ("session", neo4j.WRITE_ACCESS) in drv.log
    assert ("execute_write", neo4j.WRITE_ACCESS) in drv.log


@pytest.mark.parametrize("scheme", URI_SCHEMES)
def test_every_driver_scheme_is_accepted(scheme: str) -> None:
    s = Settings(neo4j_uri=f"{scheme}://db.example:7687")
    assert s.uri == f"{scheme}://db.example:7687"
    assert s.external
    assert s.routing is scheme.startswith("neo4j")


@pytest.mark.parametrize(
    "uri", ["http://db.example:7474", "db.example:7687", "neo4j://", "bolt+x://db.example"]
)
def test_other_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValidationError, match="is not a Neo4j URI"):
        Settings(neo4j_uri=uri)


def test_local_server_is_direct_bolt() -> None:
    s = Settings(neo4j_uri="", bolt_port=7999)
    assert (s.uri, s.external, s.routing) == ("bolt://127.0.0.1:7999", False, False)


# -- every named read is read-only, every named write writes -------------------------------
WRITES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|FOREACH|LOAD\s+CSV)\b|apoc\.(create|refactor|"
    r"periodic|merge)|gds\.[\w.]+\.write\b",
    re.IGNORECASE,
)


def _writes(text: str) -> bool:
    """Whether a query changes the database (GDS catalog procedures run in read mode)."""
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))
    return bool(WRITES.search(body))


def _named_calls() -> list[tuple[str, int, str, str]]:
    calls = []
    for path in sorted((ROOT / "guanxi").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("read", "read_df", "write", "write_batches"):
                continue
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
                calls.append((path.name, node.lineno, node.func.attr, arg.value))
    return calls


def test_named_reads_are_read_only_and_writes_write() -> None:
    lib = get_library()
    calls = [c for c in _named_calls() if c[3] in lib]
    assert len(calls) > 100  # the scan does see the code's queries
    wrong = [
        f"{f}:{line} {how}({name!r})"
        for f, line, how, name in calls
        if _writes(lib[name].text) != how.startswith("write")
    ]
    assert wrong == []


def test_the_write_detector() -> None:
    assert _writes("MATCH (n) SET n.x = 1")
    assert _writes("CALL apoc.periodic.iterate('a', 'b', {})")
    assert not _writes("// SET in a comment\nMATCH (n) RETURN n.offset AS created")
    assert not _writes("CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName")
