"""Campaigns end to end (issue #15): a campaign from the prospect list with a 20 % control
arm → tasks with paths → touches through the API and a CSV → a conversion loaded as a new
CUSTOMER_OF → the funnel; a second RM cannot see or edit the first RM's tasks, another
branch sees nothing, a bad touch file is rejected with row errors and nothing written.

The bank of ``conftest.SEED`` plus ten prospects T0…T9 in 上海 supplying customer CA, each
with a chairman PT<i>; RM-A (user rm_a) knows PT0…PT4; RM-A2 (user rm_a2) works at BA1
too; manager mgr_a heads BA."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from guanxi.access.users import UserStore
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.loaders.load import load
from tests.api.conftest import auth

MORE = """
MATCH (ba1:Branch {id: 'BA1'}) SET ba1.region = '上海'
WITH ba1
MATCH (rma:RelationshipManager {id: 'RM-A'}) SET rma.user = 'rm_a'
CREATE (:RelationshipManager {id: 'RM-A2', name: '赵经理', user: 'rm_a2'})-[:WORKS_AT]->(ba1)
WITH rma
MATCH (ca:Company {id: 'CA'})
UNWIND range(0, 9) AS i
CREATE (t:Company {id: 'T' + i, name: '目标' + i, region: '上海', tags: ['high_tech'],
                   industry: CASE WHEN i % 2 = 0 THEN '软件' ELSE '制造' END})
CREATE (p:Person {id: 'PT' + i, name: '联系人' + i})
CREATE (p)-[:SERVES_AS {role: 'chairman', since: date('2015-01-01')}]->(t)
CREATE (t)-[:SUPPLIES {amount: 1.0e6, share: 0.3}]->(ca)
FOREACH (_ IN CASE WHEN i < 5 THEN [1] ELSE [] END |
  CREATE (rma)-[:KNOWS {strength: 0.7, since: date('2020-01-01')}]->(p))
"""


@pytest.fixture
def more_keys(api_settings: Settings, keys: dict[str, str], bank: GraphClient) -> dict[str, str]:
    bank.console(MORE, allow_write=True)
    store = UserStore(api_settings)
    return {
        **keys,
        "rm_a2": store.add("rm_a2", "rm", "BA"),
        "mgr_a": store.add("mgr_a", "manager", "BA"),
    }


def _count(db: GraphClient, q: str) -> int:
    return db.console(q)["rows"][0][0]


def test_campaign_end_to_end(
    api: TestClient, bank: GraphClient, more_keys: dict[str, str], tmp_path: Path
) -> None:
    k = more_keys
    start = date.today() - timedelta(days=1)
    body = {"name": "科创贷 Q4", "owner_branch": "BA", "source": "prospects", "id": "CMP-T1",
            "source_options": {"k": 50}, "control_share": 0.2, "seed": 7, "capacity": 5,
            "start": str(start), "products": ["LOAN"]}  # fmt: skip
    assert api.post("/api/v1/campaigns", json=body, headers=auth(k["rm_a"])).status_code == 403
    r = api.post("/api/v1/campaigns", json=body, headers=auth(k["mgr_a"]))
    assert r.status_code == 201, r.text
    made = r.json()
    # T0..T9 and CP (near customers of BA1); customers CA, CB left out
    assert made["targets"] == 11 and made["control"] == 2 and made["treatment"] == 9
    assert made["tasks"] == 9 and made["with_path"] >= 9
    assert _count(bank, "MATCH (:Campaign)-[:TARGETS {arm: 'control'}]->(c) "
                        "WHERE EXISTS { (:Task)-[:ABOUT]->(c) } RETURN count(c)") == 0  # fmt: skip
    # the same seed draws the same control arm
    again = api.post("/api/v1/campaigns", json={**body, "id": "CMP-T2"}, headers=auth(k["mgr_a"]))
    arm = "MATCH (:Campaign {id: $c})-[:TARGETS {arm: 'control'}]->(x) RETURN x.id ORDER BY x.id"
    assert again.status_code == 201
    assert bank.console(arm, {"c": "CMP-T1"})["rows"] == bank.console(arm, {"c": "CMP-T2"})["rows"]
    bank.console("MATCH (c:Campaign {id: 'CMP-T2'}) DETACH DELETE c", allow_write=True)
    bank.console("MATCH (t:Task) WHERE t.id STARTS WITH 'CMP-T2' DETACH DELETE t", allow_write=True)

    mine = api.get("/api/v1/tasks", headers=auth(k["rm_a"])).json()
    theirs = api.get("/api/v1/tasks", headers=auth(k["rm_a2"])).json()
    assert {t["rm_id"] for t in mine} == {"RM-A"} and {t["rm_id"] for t in theirs} == {"RM-A2"}
    assert len(mine) + len(theirs) == 9 and max(len(mine), len(theirs)) <= 5  # capacity
    warm = [t for t in mine if t["assigned_by"] == "warm_path"]
    assert warm and warm[0]["approach"]["paths"][0]["node_ids"][0] == "RM-A"
    assert warm[0]["approach"]["paths"][0]["hops"][0]["text"]  # intimacy evidence
    # another branch sees nothing of it
    assert api.get("/api/v1/campaigns", headers=auth(k["rm_b"])).json() == []
    assert api.get("/api/v1/tasks", headers=auth(k["rm_b"])).json() == []
    assert api.get("/api/v1/campaigns/CMP-T1", headers=auth(k["rm_b"])).status_code == 404
    assert api.get("/api/v1/reminders", headers=auth(k["rm_b"])).json()["items"] == []

    mine.sort(key=lambda t: t["company_id"] == "CP")  # CP has no person in the seed
    tid, company = mine[0]["id"], mine[0]["company_id"]
    person = "P" + company
    strength = (
        "MATCH (:RelationshipManager {id: 'RM-A'})-[k:KNOWS]->(:Person {id: $p}) RETURN k.strength"
    )
    before = (bank.console(strength, {"p": person})["rows"] or [[0.0]])[0][0]
    touch = {"task_id": tid, "at": str(date.today()), "channel": "visit", "outcome": "meeting",
             "person_id": person, "note": "met the chairman"}  # fmt: skip
    # the second RM may neither see nor edit the first RM's task
    assert api.post("/api/v1/touches", json=touch, headers=auth(k["rm_a2"])).status_code == 422
    assert api.post("/api/v1/touches", json=touch, headers=auth(k["rm_b"])).status_code == 422
    assert _count(bank, "MATCH (x:Touch) RETURN count(x)") == 0
    r = api.post("/api/v1/touches", json=touch, headers=auth(k["rm_a"]))
    assert r.status_code == 201 and r.json()["written"] == 1, r.text
    after = bank.console(strength, {"p": person})["rows"][0][0]
    assert after == pytest.approx(before + 0.3 * (0.7 - before))  # towards a meeting's 0.7
    assert api.post("/api/v1/touches", json=touch, headers=auth(k["rm_a"])).json()["written"] == 0

    other = [t for t in mine if t["id"] != tid]
    csv = tmp_path / "crm_export.csv"
    csv.write_text(
        "task_id,person_id,at,channel,outcome,note\n"
        f"{other[0]['id']},{person},{date.today()}T10:00:00,phone,contacted,\n"
        f"{other[1]['id']},,{date.today()},WeChat,no_answer,\n",
        encoding="utf-8",
    )
    with csv.open("rb") as f:
        r = api.post("/api/v1/touches/import", files={"file": ("crm_export.csv", f)},
                     headers=auth(k["rm_a"]))  # fmt: skip
    assert r.status_code == 201 and r.json()["written"] == 2, r.text
    with csv.open("rb") as f:
        r = api.post("/api/v1/touches/import", files={"file": ("crm_export.csv", f)},
                     headers=auth(k["rm_a"]))  # fmt: skip
    assert r.json()["written"] == 0 and r.json()["existing"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "task_id,person_id,at,channel,outcome\n"
        f"{other[2]['id']},,{date.today()},visit,meeting\n"
        f"NO-SUCH-TASK,,{date.today()},visit,meeting\n"
        f"{other[2]['id']},,yesterday,visit,meeting\n"
        f"{theirs[0]['id']},,{date.today()},fax,won\n",
        encoding="utf-8",
    )
    with bad.open("rb") as f:
        r = api.post("/api/v1/touches/import", files={"file": ("bad.csv", f)},
                     headers=auth(k["rm_a"]))  # fmt: skip
    assert r.status_code == 422
    errs = {(e["file"], e["row"], e["column"]) for e in r.json()["errors"]}
    assert {("bad.csv", 3, "task_id"), ("bad.csv", 4, "at"), ("bad.csv", 5, "channel"),
            ("bad.csv", 5, "outcome"), ("bad.csv", 5, "task_id")} <= errs  # fmt: skip
    assert _count(bank, "MATCH (x:Touch) RETURN count(x)") == 3  # nothing of bad.csv

    # the target becomes a customer: a conversion linked to the campaign and the task
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "customers.csv").write_text(
        f"company_id,branch_id,since,business_line\n{company},BA1,{date.today()},corporate\n",
        encoding="utf-8",
    )
    load(bank, [folder])
    r = api.post("/api/v1/campaigns/CMP-T1/conversions", headers=auth(k["mgr_a"]))
    assert r.status_code == 200 and r.json()["conversions"] == 1, r.text
    assert _count(bank, "MATCH (v:Conversion)-[:VIA]->(t:Task {id: $t}) RETURN count(v)"
                  .replace("$t", repr(tid))) == 1  # fmt: skip
    view = api.get("/api/v1/campaigns/CMP-T1", headers=auth(k["mgr_a"])).json()
    funnel = {s["stage"]: s["count"] for s in view["funnel"]["stages"]}
    assert funnel == {"targets": 9, "tasked": 9, "touched": 3, "contacted": 2, "meeting": 1,
                      "interested": 0, "converted": 1}  # fmt: skip
    assert view["funnel"]["control_targets"] == 2
    assert {r["rm_id"]: r["tasks"] for r in view["per_rm"]} == {
        "RM-A": len(mine),
        "RM-A2": len(theirs),
    }
    # an RM's view of the campaign holds their own tasks only, and no control arm
    view_a2 = api.get("/api/v1/campaigns/CMP-T1", headers=auth(k["rm_a2"])).json()
    assert {t["rm_id"] for t in view_a2["tasks"]} == {"RM-A2"}
    assert view_a2["funnel"]["stages"][0]["count"] == len(theirs)
    # reassign by hand: managers only, inside their scope
    moves = {"moves": {theirs[0]["id"]: "RM-A"}}
    assert api.post("/api/v1/tasks/assign", json=moves, headers=auth(k["rm_a"])).status_code == 403
    assert api.post("/api/v1/tasks/assign", json={"moves": {theirs[0]["id"]: "RM-B"}},
                    headers=auth(k["mgr_a"])).status_code == 403  # fmt: skip
    assert api.post("/api/v1/tasks/assign", json=moves, headers=auth(k["mgr_a"])).json() == {
        "moved": 1
    }
    assert len(api.get("/api/v1/tasks", headers=auth(k["rm_a"])).json()) == len(mine) + 1
    reminders = api.get("/api/v1/reminders", params={"branch": "BA", "untouched_days": 1,
                        "today": str(date.today() + timedelta(days=40))},
                        headers=auth(k["mgr_a"])).json()  # fmt: skip
    kinds = reminders["counts"]
    assert kinds["overdue"] == 8 and kinds["untouched"] == 8  # 9 tasks, one done (converted)
    r = api.post("/api/v1/campaigns/CMP-T1/close", headers=auth(k["mgr_a"]))
    assert r.json()["status"] == "closed"
    assert api.post("/api/v1/touches", json={**touch, "at": "2030-01-01"},
                    headers=auth(k["rm_a"])).status_code == 422  # fmt: skip


def test_another_branch_sees_nothing_of_a_campaign(
    api: TestClient, api_settings: Settings, more_keys: dict[str, str], tmp_path: Path
) -> None:
    k = {**more_keys, "mgr_b": UserStore(api_settings).add("mgr_b", "manager", "BB")}
    body = {"name": "BA only", "owner_branch": "BA", "source": "ids", "id": "CMP-X",
            "ids": [f"T{i}" for i in range(10)], "control_share": 0.2}  # fmt: skip
    assert api.post("/api/v1/campaigns", json=body, headers=auth(k["mgr_a"])).status_code == 201
    assert api.post("/api/v1/campaigns", json={**body, "id": "CMP-Y"},
                    headers=auth(k["mgr_b"])).status_code == 403  # fmt: skip
    task = api.get("/api/v1/tasks", params={"campaign": "CMP-X"}, headers=auth(k["mgr_a"])).json()[
        0
    ]
    csv = tmp_path / "t.csv"
    csv.write_text(f"task_id,at,channel,outcome\n{task['id']},2025-01-02,visit,meeting\n")
    for who in ("rm_b", "mgr_b"):
        h = auth(k[who])
        assert api.get("/api/v1/campaigns", headers=h).json() == []
        assert api.get("/api/v1/campaigns/CMP-X", headers=h).status_code == 404
        assert api.post("/api/v1/campaigns/CMP-X/conversions", headers=h).status_code == 404
        assert api.post("/api/v1/campaigns/CMP-X/close", headers=h).status_code == 404
        assert api.get("/api/v1/tasks", params={"campaign": "CMP-X"}, headers=h).json() == []
        moves = {"moves": {task["id"]: "RM-B"}}
        assert api.post("/api/v1/tasks/assign", json=moves, headers=h).status_code in (403, 404)
        with csv.open("rb") as f:
            r = api.post("/api/v1/touches/import", files={"file": ("t.csv", f)}, headers=h)
        assert (
            r.status_code == 422 and r.json()["errors"][0]["reason"] == "no such task in your scope"
        )
        assert api.get("/api/v1/reminders", params={"branch": "BA"}, headers=h).status_code == 403
        assert "0 campaign(s)" in api.get("/ui/campaigns", headers=h).text
        assert api.get("/ui/campaigns/CMP-X", headers=h).status_code == 404
        page = api.get("/ui/tasks", headers=h).text
        assert "0 task(s)" in page and "T1" not in page


def test_campaign_from_an_opportunity_rule(
    api: TestClient, bank: GraphClient, more_keys: dict[str, str]
) -> None:
    """Source ``rule``: the supply-chain rule's results (T0…T9 supply BA1's customer CA)
    become the targets, each with the rule's reason; Beijing's manager gets none of them."""
    k = more_keys
    body = {"name": "链式拓客", "owner_branch": "BA", "source": "rule", "id": "CMP-R",
            "source_options": {"rule": "supply_chain"}, "control_share": 0.2,
            "seed": 3}  # fmt: skip
    r = api.post("/api/v1/campaigns", json=body, headers=auth(k["mgr_a"]))
    assert r.status_code == 201, r.text
    assert r.json()["targets"] == 10
    rows = bank.console(
        "MATCH (:Campaign {id: 'CMP-R'})-[t:TARGETS]->(c) RETURN c.id, t.reason ORDER BY c.id"
    )["rows"]
    assert [row[0] for row in rows] == [f"T{i}" for i in range(10)]
    assert all(row[1].startswith("supply_chain: ") for row in rows)
    bad = {**body, "id": "CMP-R2", "source_options": {}}
    assert api.post("/api/v1/campaigns", json=bad, headers=auth(k["mgr_a"])).status_code == 422
