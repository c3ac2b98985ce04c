"""The console from the CLI: `guanxi cypher --user`, `guanxi query`, and their audit records.

The bank of tests/api/conftest.py: CA is BA1's customer, CB is BB's.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from guanxi.access.audit import AuditLog
from guanxi.cli import app
from guanxi.config import Settings

runner = CliRunner()


def _json(args: list[str]) -> tuple[int, dict]:
    res = runner.invoke(app, [*args, "--json"])
    return res.exit_code, json.loads(res.stdout) if res.stdout.strip() else {}


def test_cypher_as_a_branch_analyst_is_fenced(cli_settings: Settings) -> None:
    code, body = _json(["cypher", "MATCH (b:Branch) RETURN b.id", "--user", "ana_ba"])
    assert code == 2
    assert body["error"] == "ConsoleRefused" and "Branch" in body["message"]
    code, body = _json(
        ["cypher", "MATCH (c:Company) RETURN c.id ORDER BY c.id", "--user", "ana_ba"]
    )
    assert code == 0 and body["rows"] == [["CA"], ["CB"], ["CP"]]
    # the operator (no --user) is not fenced
    code, body = _json(["cypher", "MATCH (b:Branch) RETURN count(b)"])
    assert code == 0 and body["rows"] == [[4]]


def test_cypher_user_must_exist_and_may_not_write(cli_settings: Settings) -> None:
    res = runner.invoke(app, ["cypher", "RETURN 1", "--user", "nobody"])
    assert res.exit_code != 0 and "nobody" in res.output
    res = runner.invoke(app, ["cypher", "RETURN 1", "--user", "ana_ba", "--write"])
    assert res.exit_code != 0
    code, body = _json(["cypher", "RETURN 1", "--user", "rm_ba"])
    assert code == 2 and "may not run Cypher" in body["message"]


def test_saved_queries_take_the_users_scope(cli_settings: Settings) -> None:
    res = runner.invoke(app, ["query", "--json"])
    listed = {q["name"]: q for q in json.loads(res.stdout)}
    assert listed["customers_per_branch"]["reads"] == "internal"
    assert listed["customers_per_branch"]["params"] == []
    code, body = _json(["query", "customers_per_branch", "--user", "ana_ba"])
    assert code == 0 and [r[0] for r in body["rows"]] == ["BA1"]
    code, body = _json(["query", "customers_per_branch", "--user", "ana_ho"])
    assert code == 0 and sorted(r[0] for r in body["rows"]) == ["BA1", "BB"]
    code, body = _json(
        ["query", "customers_per_branch", "-p", 'branches=["BB"]', "--user", "ana_ba"]
    )
    assert code == 2 and "come from your scope" in body["message"]
    code, body = _json(["query", "top_holders", "-p", "company=CP", "--user", "ana_ba"])
    assert code == 0 and {r[0] for r in body["rows"]} == {"CA", "CB"}


def test_every_cli_console_run_is_audited(cli_settings: Settings) -> None:
    runner.invoke(app, ["cypher", "MATCH (b:Branch) RETURN b.id", "--user", "ana_ba"])
    runner.invoke(app, ["query", "customers_per_branch", "--user", "ana_ba"])
    runner.invoke(app, ["cypher", "MATCH (p:Person {phone: '13800000002'}) RETURN p.name"])
    records = [r for r in AuditLog(cli_settings).read() if r["kind"] == "cli"]
    assert [(r["user"], r["method"], r["status"]) for r in records[:2]] == [
        ("ana_ba", "cypher", 403),
        ("ana_ba", "query", 200),
    ]
    assert records[1]["query"] == "analyst.customers_per_branch" and records[1]["rows"] == 1
    assert records[2]["user"].startswith("operator:") and records[2]["status"] == 200
    assert "13800000002" not in (cli_settings.audit_path / "audit.jsonl").read_text()
    assert AuditLog(cli_settings).verify().ok
