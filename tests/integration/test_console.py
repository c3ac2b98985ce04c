"""The analyst console (`guanxi cypher`) and `guanxi db status|init` against the real Neo4j."""

import json

import pytest
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.errors import QueryTimeout, ReadOnlyViolation
from guanxi.graph.client import GraphClient

runner = CliRunner()


def count(client: GraphClient, label: str = "X") -> int:
    return client.console(f"MATCH (n:{label}) RETURN count(n) AS c")["rows"][0][0]


def test_return_1_as_json(db: GraphClient) -> None:
    res = runner.invoke(app, ["cypher", "RETURN 1 AS x", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"columns": ["x"], "rows": [[1]], "truncated": False}


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:X)",
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:X {id: 1}) RETURN n",
        "CREATE INDEX x_a IF NOT EXISTS FOR (n:X) ON (n.a)",
        "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    ],
)
def test_writes_are_refused_with_exit_2_and_nothing_changes(db: GraphClient, query: str) -> None:
    db.console("CREATE (:X {id: 0})", allow_write=True)
    res = runner.invoke(app, ["cypher", query])
    assert res.exit_code == 2, res.output
    assert "read-only" in res.output
    assert count(db) == 1
    assert not any(
        r["name"] == "x_a"
        for r in db.console("SHOW INDEXES YIELD name")["rows"]
        if isinstance(r, dict)
    )


def test_write_flag_allows_writes(db: GraphClient) -> None:
    res = runner.invoke(app, ["cypher", "CREATE (n:X {id: $id})", "-p", "id=7", "--write"])
    assert res.exit_code == 0, res.output
    assert count(db) == 1


def test_row_cap_truncates_and_says_so(db: GraphClient) -> None:
    res = runner.invoke(
        app, ["cypher", "UNWIND range(1, 10) AS i RETURN i", "--json", "--limit", "3"]
    )
    body = json.loads(res.stdout)
    assert body == {"columns": ["i"], "rows": [[1], [2], [3]], "truncated": True}


def test_params_are_passed_not_formatted(db: GraphClient) -> None:
    res = runner.invoke(
        app,
        [
            "cypher",
            "RETURN $name AS n, $k + 1 AS k",
            "-p",
            "name=') RETURN 1 //",
            "-p",
            "k=41",
            "--json",
        ],
    )
    assert json.loads(res.stdout)["rows"] == [["') RETURN 1 //", 42]]


def test_syntax_error_is_a_query_error(db: GraphClient) -> None:
    res = runner.invoke(app, ["cypher", "RETRUN 1", "--json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["error"] == "QueryError"


def test_timeout_cancels_a_long_query(db: GraphClient) -> None:
    with pytest.raises(QueryTimeout):
        db.console(
            "UNWIND range(1, 200000000) AS i WITH i WHERE i = -1 RETURN count(*) AS c",
            timeout=0.5,
        )


def test_console_api_refuses_writes_directly(db: GraphClient) -> None:
    with pytest.raises(ReadOnlyViolation, match="query type 'w'"):
        db.console("CREATE (:X)")


def test_status_json_reports_a_community_5x_with_plugins(db: GraphClient) -> None:
    res = runner.invoke(app, ["db", "status", "--json"])
    assert res.exit_code == 0, res.output
    st = json.loads(res.stdout)
    assert {"uri", "version", "edition", "running", "gds_procedures", "apoc_procedures"} <= set(st)
    assert st["running"] is True
    assert int(st["version"].split(".")[0]) >= 5
    assert st["edition"] == "community"
    assert st["gds_procedures"] > 0
    assert st["apoc_procedures"] > 0


def test_db_init_is_idempotent(db: GraphClient) -> None:
    first = runner.invoke(app, ["db", "init"])
    assert first.exit_code == 0, first.output
    n1 = len(db.console("SHOW CONSTRAINTS")["rows"]) + len(db.console("SHOW INDEXES")["rows"])
    second = runner.invoke(app, ["db", "init"])
    assert second.exit_code == 0, second.output
    n2 = len(db.console("SHOW CONSTRAINTS")["rows"]) + len(db.console("SHOW INDEXES")["rows"])
    assert n1 == n2
    names = {r[0] for r in db.console("SHOW CONSTRAINTS YIELD name")["rows"]}
    assert {"company_id_key", "person_id_key", "product_code_key"} <= names


def test_unsendable_parameter_is_a_query_error(db: GraphClient) -> None:
    from guanxi.errors import QueryError

    with pytest.raises(QueryError, match="parameter cannot be sent"):
        db.console("RETURN $x AS x", {"x": 2**63})
