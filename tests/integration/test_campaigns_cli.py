"""``guanxi campaign|touch|reminders`` against the real database, and the outcome simulator:
a campaign from a CSV of ids, a bad touch file refused with exit 4 and nothing written, a
simulated campaign whose touches, conversions and ground truth agree, reminders and the
per-branch digest."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guanxi.campaigns.simulate import TrueEffects, conversion_probability
from guanxi.cli import app
from guanxi.graph.client import GraphClient
from tests.api.conftest import SEED
from tests.api.test_campaigns import MORE

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout


def test_cli_campaign_simulate_and_reminders(db: GraphClient, tmp_path: Path) -> None:
    db.console(SEED, allow_write=True)
    db.console(MORE, allow_write=True)
    ids = tmp_path / "targets.csv"
    ids.write_text("id,reason\n" + "".join(f"T{i},list\n" for i in range(10)) + "CA,customer\n")
    start = str(date.today() - timedelta(days=30))
    code, out = _cli("campaign", "create", "--name", "sim", "--branch", "BA", "--ids", str(ids),
                     "--id", "CMP-S", "--start", start, "--control", "0.3", "--json")  # fmt: skip
    assert code == 0, out
    made = json.loads(out)
    assert made["targets"] == 10 and made["customers_left_out"] == 1 and made["control"] == 3

    # after the tasks were made: a new chairman at one target, and RM-A meets the
    # chairman of another whose captured path did not start at RM-A
    rows = db.console(
        "MATCH (t:Task)-[:ABOUT]->(c) RETURN c.id, t.path_ids[0] ORDER BY c.id"
    )["rows"]  # fmt: skip
    treated = [c for c, _ in rows]
    cold = [c for c, o in rows if o != "RM-A" and c in {f"T{i}" for i in range(5, 10)}]
    db.console(
        "MATCH (t:Company {id: $a}) CREATE (:Person {id: 'PNEW', name: '新董事长'})"
        "-[:SERVES_AS {role: 'chairman', since: date()}]->(t) WITH 1 AS x "
        "MATCH (r:RelationshipManager {id: 'RM-A'}), (p:Person {id: 'P' + $b}) "
        "CREATE (r)-[:KNOWS {strength: 1.0, last_contact: date()}]->(p)",
        {"a": treated[0], "b": cold[0]},
        allow_write=True,
    )
    code, out = _cli("reminders", "--branch", "BA", "--json")
    items = json.loads(out)["items"]
    changed = [i for i in items if i["kind"] == "facts_changed"]
    assert [(i["company_id"], i["detail"]["who"]) for i in changed] == [(treated[0], "PNEW")]
    assert cold[0] in {i["company_id"] for i in items if i["kind"] == "stronger_path"}

    bad = tmp_path / "bad.csv"
    bad.write_text("task_id,at,channel,outcome\nCMP-S:T1,2025-13-01,visit,meeting\n")
    code, out = _cli("touch", "import", str(bad), "--json")
    assert code == 4 and json.loads(out)["errors"][0]["column"] == "at"
    assert db.console("MATCH (x:Touch) RETURN count(x)")["rows"][0][0] == 0

    truth_file = tmp_path / "ground_truth.json"
    truth_file.write_text(json.dumps({"links": []}))
    code, out = _cli("campaign", "simulate", "CMP-S", "--seed", "3", "--truth", str(truth_file))
    assert code == 0, out
    data = json.loads(truth_file.read_text())
    assert data["links"] == []  # the generator's truth is kept
    truth = data["campaigns"]["CMP-S"]
    assert len(truth["targets"]) == 10
    p0 = truth["p_control"]
    assert p0 == pytest.approx(conversion_probability(TrueEffects(), False, None, 0, 0))
    treat = [t for t in truth["targets"] if t["arm"] == "treatment"]
    assert truth["ate_itt"] == pytest.approx(sum(t["p"] - p0 for t in treat) / len(treat))
    converted = {t["company"] for t in truth["targets"] if t["converted"]}
    rows = db.console(
        "MATCH (v:Conversion)-[:FOR]->(:Campaign {id: 'CMP-S'}) MATCH (v)-[:OF]->(c) RETURN c.id"
    )["rows"]
    assert {r[0] for r in rows} == converted
    touched = db.console(
        "MATCH (:Touch)-[:ON]->(t:Task)-[:ABOUT]->(c) RETURN DISTINCT c.id"
    )["rows"]  # fmt: skip
    assert {r[0] for r in touched} == {t["company"] for t in treat if t["worked"]}

    code, out = _cli("reminders", "--branch", "BA", "--days", "1", "--json")
    assert code == 0, out
    assert json.loads(out)["branch"] == "BA"
    code, out = _cli("reminders", "--digest", str(tmp_path / "digest"))
    assert code == 0, out
    code, out = _cli("campaign", "show", "CMP-S", "--json")
    stages = {s["stage"]: s["count"] for s in json.loads(out)["funnel"]["stages"]}
    assert stages["targets"] == 7 and stages["converted"] == len(
        converted & {t["company"] for t in treat}
    )
