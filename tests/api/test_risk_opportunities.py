"""Groups, circles, inherited risk and opportunities through the API and the CLI, on the
bank of tests/api/conftest.py (CA: BA1's customer, CB: BB's) plus, below: SA supplies CA and
SB supplies CB (non-customers); CA controls CA2 (60 %) and CP (30 % against CB's 25 %); CB and
SB guarantee each other; CA's loan matures inside the window. A caller of another branch sees
nothing of an opportunity, an exposure or an inherited risk that rests on the other
branch's customers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from guanxi.access.users import UserStore
from guanxi.cli import app
from guanxi.config import Settings, get_settings
from guanxi.errors import InvalidData
from guanxi.graph.client import GraphClient
from guanxi.loaders.risk_flags import load_flags
from guanxi.scoring.risk_graph import run_groups, run_risk
from tests.api.conftest import auth

MORE = """
MATCH (ca:Company {id: 'CA'}), (cb:Company {id: 'CB'})
CREATE (sa:Company {id: 'SA', name: '甲供应商有限公司', industry: '制造'})
CREATE (sb:Company {id: 'SB', name: '乙供应商有限公司', industry: '制造'})
CREATE (ca2:Company {id: 'CA2', name: '甲科技子公司', industry: '软件'})
CREATE (sa)-[:SUPPLIES {share: 0.4, amount: 1.0e6}]->(ca)
CREATE (sb)-[:SUPPLIES {share: 0.3, amount: 2.0e6}]->(cb)
CREATE (ca)-[:HOLDS_SHARES {pct: 60.0}]->(ca2)
CREATE (cb)-[:GUARANTEES {amount: 500.0}]->(sb)
CREATE (sb)-[:GUARANTEES {amount: 700.0}]->(cb)
WITH ca
MATCH (ca)-[h:HOLDS_PRODUCT]->(:Product {code: 'LOAN'})
SET h.since = date('2024-06-01'), h.maturity = date() + duration({days: 30})
"""
CB_MARKS = ("CB", "SB", "RM-B", "李经理", "乙制造", "乙供应商")
runner = CliRunner()


@pytest.fixture
def world(bank: GraphClient, tmp_path: Path) -> GraphClient:
    bank.console(MORE, allow_write=True)
    run_groups(bank)
    flags = tmp_path / "flags.csv"
    flags.write_text("company_id,kind,severity,since,note\nSB,default,1.0,2024-05-01,逾期\n",
                     encoding="utf-8")  # fmt: skip
    assert load_flags(bank, flags) == 1
    run_risk(bank)
    return bank


@pytest.fixture
def api(api_settings: Settings, world: GraphClient) -> Iterator[TestClient]:
    from guanxi.api.app import create_app

    with TestClient(create_app(api_settings)) as tc:
        yield tc


def _ids(body: dict) -> set[str]:
    return {o["company_id"] for o in body["items"]}


def test_opportunities_stay_in_the_callers_branch(api: TestClient, keys: dict) -> None:
    a = api.get("/api/v1/opportunities", headers=auth(keys["rm_a"])).json()
    b = api.get("/api/v1/opportunities", headers=auth(keys["rm_b"])).json()
    admin = api.get("/api/v1/opportunities", headers=auth(keys["admin"])).json()
    assert {("supply_chain", "SA"), ("group_extension", "CA2"), ("product_maturity", "CA")} <= {
        (o["rule"], o["company_id"]) for o in a["items"]}  # fmt: skip
    assert {o["branch_id"] for o in a["items"]} <= {"BA", "BA1"}
    assert {o["rm_id"] for o in a["items"]} == {"RM-A"}
    text = json.dumps(a["items"], ensure_ascii=False)
    assert not [m for m in CB_MARKS if m in text]
    assert ("supply_chain", "SB") in {(o["rule"], o["company_id"]) for o in b["items"]}
    assert "SA" not in _ids(b) and "CA2" not in _ids(b)
    assert _ids(a) | _ids(b) == _ids(admin)
    sb = next(o for o in b["items"] if o["company_id"] == "SB")
    assert sb["risk"]["circle_kind"] == "mutual" and sb["risk"]["review"] is True
    assert "为本行客户乙制造有限公司供货，占采购额30%" in sb["reasons"][0]["text"]


def test_opportunities_refuse_other_branches_and_unknown_rules(api: TestClient, keys: dict) -> None:
    r = api.get("/api/v1/opportunities", params={"branch": "BB"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 403
    r = api.get("/api/v1/opportunities", params={"rule": "nope"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 404 and "supply_chain" in r.json()["message"]
    one = {"rule": "product_maturity", "as_of": "2000-01-01"}  # nothing due in that window
    r = api.get("/api/v1/opportunities", params=one, headers=auth(keys["rm_a"]))
    assert r.status_code == 200 and r.json()["items"] == []
    rules = api.get("/api/v1/opportunities/rules", headers=auth(keys["rm_a"])).json()
    assert len(rules) == 8 and all(r["scoring"] and r["reason"] for r in rules)


def test_groups_circles_and_risk_mask_exposure(api: TestClient, keys: dict) -> None:
    ga = api.get("/api/v1/groups", params={"company_id": "CA2"}, headers=auth(keys["rm_a"]))
    gb = api.get("/api/v1/groups", params={"company_id": "CA2"}, headers=auth(keys["rm_b"]))
    (a,), (b,) = ga.json()["groups"], gb.json()["groups"]
    assert [m["id"] for m in a["members"]] == ["CA", "CA2", "CP"]
    assert a["exposure"]["balance"] == 1.0e7 and a["hidden_members"] == 0
    assert b["exposure"]["balance"] == 0.0 and b["hidden_members"] == 1
    (c,) = api.get("/api/v1/circles", headers=auth(keys["rm_a"])).json()["circles"]
    assert c["members"] == ["CB", "SB"] and c["total_amount"] == 1200.0
    assert c["hidden_members"] == 1 and c["exposure"]["balance"] == 0.0
    assert c["exposure"]["guarantees_given"] == 1200.0  # public: summed for everyone
    ra = api.get("/api/v1/risk", headers=auth(keys["rm_a"])).json()["risk"]
    rb = api.get("/api/v1/risk", headers=auth(keys["rm_b"])).json()["risk"]
    assert "CB" not in {r["id"] for r in ra}
    assert {r["id"]: r["score"] for r in rb}["CB"] == pytest.approx(0.8)


def test_bad_flags_file_stores_nothing(world: GraphClient, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("company_id,kind,severity\nCA,watch,0.5\nNOPE,default,1\n", encoding="utf-8")
    with pytest.raises(InvalidData) as e:
        load_flags(world, bad)
    assert [(x.row, x.column, x.value) for x in e.value.errors] == [(3, "company_id", "NOPE")]
    n = world.run_text("t", "MATCH (f:RiskFlag) RETURN count(f) AS n")[0]["n"]
    assert n == 1  # only SB's, from the fixture


@pytest.fixture
def cli_users(world: GraphClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setenv("GUANXI_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv("GUANXI_AUDIT_DIR", str(tmp_path / "audit"))
    get_settings.cache_clear()
    store = UserStore(get_settings())
    store.add("rm_ba", "rm", "BA")
    store.add("rm_bb", "rm", "BB")
    yield
    get_settings.cache_clear()


def test_cli_answers_as_the_user(cli_users: None) -> None:
    def run(*args: str) -> dict:
        res = runner.invoke(app, [*args, "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    a = run("opportunities", "run", "--user", "rm_ba")
    assert _ids(a) and not [m for m in CB_MARKS if m in json.dumps(a, ensure_ascii=False)]
    b = run("opportunities", "run", "supply_chain", "--user", "rm_bb")
    assert _ids(b) == {"SB"}
    g = run("groups", "CA", "--user", "rm_bb")
    assert g["groups"][0]["hidden_members"] == 1 and g["groups"][0]["exposure"]["balance"] == 0
    assert "CB" not in {r["id"] for r in run("risk", "show", "--user", "rm_ba")["risk"]}
    res = runner.invoke(app, ["opportunities", "run", "--branch", "BB", "--user", "rm_ba"])
    assert res.exit_code != 0 and "outside your branch scope" in res.output


def test_contact_paths_show_the_targets_inherited_risk(api: TestClient, keys: dict) -> None:
    b = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["rm_b"])).json()
    assert b["target_risk"]["score"] == pytest.approx(0.8)
    a = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["rm_a"])).json()
    assert a["target_risk"] is None  # CB is BB's customer: its risk is not rm_a's to see


def test_risk_exclusion_lists_circle_customers_without_other_branches_paths(
    api: TestClient, keys: dict
) -> None:
    q = {"rule": "risk_exclusion"}
    b = api.get("/api/v1/opportunities", params=q, headers=auth(keys["rm_b"])).json()
    a = api.get("/api/v1/opportunities", params=q, headers=auth(keys["rm_a"])).json()
    assert [o["company_id"] for o in b["items"]] == ["CB"]
    assert b["items"][0]["risk"]["inherited"] == pytest.approx(0.8)
    assert a["items"] == []
