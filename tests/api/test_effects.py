"""Effect statistics, settlements and their pages through the API (issue #16): the stats
endpoint and its Excel export in the caller's scope, head office settles, a branch sees the
entries of the conversions it takes part in (another branch nothing), every request leaves
an audit record, and a branch analyst's console cannot read the ledger.

The bank of ``conftest.SEED`` plus ``test_campaigns.MORE``; customer CB (branch BB)
supplies target T0; campaign CMP-F of owner BA over T0…T9; RM-A converts T0 (a loan of
1,000,000 CNY on 2026-11-15) through CB, so BB introduced it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.access.users import UserStore
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from tests.api.conftest import auth
from tests.api.test_campaigns import MORE

pytestmark = pytest.mark.api

INTRO = """
MATCH (t:Company {id: 'T0'}), (cb:Company {id: 'CB'}), (ho:Branch {id: 'HO'})
CREATE (cb)-[:SUPPLIES {amount: 1.0e6, share: 0.1}]->(t)
CREATE (:Branch {id: 'BC', name: '广州分行', level: 'branch'})-[:PART_OF]->(ho)
"""


@pytest.fixture
def converted(api: TestClient, bank: GraphClient, keys: dict[str, str],
              api_settings: Settings) -> dict[str, str]:  # fmt: skip
    bank.console(MORE, allow_write=True)
    bank.console(INTRO, allow_write=True)
    store = UserStore(api_settings)
    k = {**keys, "mgr_c": store.add("mgr_c", "manager", "BC"),
         "analyst_b": store.add("analyst_b", "analyst", "BB")}  # fmt: skip
    body = {"name": "分润测试", "owner_branch": "BA", "source": "ids", "id": "CMP-F",
            "ids": [f"T{i}" for i in range(10)], "control_share": 0.3, "seed": 3,
            "start": "2026-11-01", "end": "2027-01-31"}  # fmt: skip
    r = api.post("/api/v1/campaigns", json=body, headers=auth(k["admin"]))
    assert r.status_code == 201, r.text
    mine = api.get("/api/v1/tasks", params={"campaign": "CMP-F"}, headers=auth(k["admin"]))
    tasks = {t["company_id"]: t["id"] for t in mine.json()}
    assert "T0" in tasks
    touch = {"task_id": tasks["T0"], "at": "2026-11-14T10:00:00+08:00", "channel": "introduction",
             "outcome": "converted", "path": ["CB", "T0"]}  # fmt: skip
    assert api.post("/api/v1/touches", json=touch, headers=auth(k["admin"])).status_code == 201
    bank.console("MATCH (t:Company {id: 'T0'}), (p:Product {code: 'LOAN'}) CREATE (t)"
                 "-[:HOLDS_PRODUCT {balance: 1.0e6, since: date('2026-11-15')}]->(p)",
                 allow_write=True)  # fmt: skip
    r = api.post("/api/v1/campaigns/CMP-F/conversions", headers=auth(k["admin"]))
    assert r.status_code == 200, r.text
    return k


def test_stats_in_scope_excel_and_audit(
    api: TestClient, converted: dict[str, str], api_settings: Settings
) -> None:
    k = converted
    r = api.get("/api/v1/campaigns/CMP-F/stats", headers=auth(k["analyst_a"]))
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["treatment"]["n"] + s["control"]["n"] == 10 and s["treatment"]["k"] == 1
    assert s["booked_value"] == 1.0e6
    by_path = {g["key"]: g["converted"] for g in s["breakdowns"]["path_type"]}
    assert by_path["existing_customer"] == 1
    rec = next(AuditLog(api_settings).read(limit=1, newest_first=True))
    assert (rec["user"], rec["endpoint"], rec["status"]) == (
        "analyst_a", "/api/v1/campaigns/CMP-F/stats", 200)  # fmt: skip
    # another branch's RM and manager see nothing of it
    for who in ("rm_b", "mgr_c"):
        assert api.get("/api/v1/campaigns/CMP-F/stats", headers=auth(k[who])).status_code == 404
        assert api.get("/ui/campaigns/CMP-F/stats", headers=auth(k[who])).status_code == 404
    r = api.get("/api/v1/campaigns/CMP-F/stats", params={"by": "colour"}, headers=auth(k["admin"]))
    assert r.status_code == 422
    x = api.get("/api/v1/campaigns/CMP-F/stats.xlsx", headers=auth(k["admin"]))
    assert x.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert [c.value for c in wb["by_channel"][1]][:2] == ["key", "targets"]
    page = api.get("/ui/campaigns/CMP-F/stats", headers=auth(k["admin"]))
    assert page.status_code == 200 and "observational" in page.text and "<svg" in page.text


def test_settlement_scoped_per_branch(
    api: TestClient, converted: dict[str, str], bank: GraphClient
) -> None:
    k = converted
    url = "/api/v1/settlements/2026-11"
    assert api.post(url, headers=auth(k["analyst_a"])).status_code == 403
    r = api.post(url, headers=auth(k["admin"]))
    assert r.status_code == 200, r.text
    assert {e["branch"]: e["cents"] for e in r.json()["entries"]} == {
        "BA1": 750_000, "BB": 450_000, "BA": 300_000}  # fmt: skip
    # BB took part (its customer introduced): it sees the conversion's entries and path
    bb = api.get(url, headers=auth(k["rm_b"])).json()
    assert len(bb["entries"]) == 3 and bb["entries"][0]["explanation"]["path"] == ["CB", "T0"]
    assert {(t["payer"], t["payee"]) for t in bb["transfers"]} == {("BA1", "BB")}
    # BA took part too, but the path through BB's customer is masked for it
    ba = api.get(url, headers=auth(k["rm_a"])).json()
    assert len(ba["entries"]) == 3 and ba["entries"][0]["explanation"]["path"] == ["•", "T0"]
    # BC took no part: nothing, in JSON, CSV and Excel alike
    bc = api.get(url, headers=auth(k["mgr_c"])).json()
    assert bc["entries"] == [] and bc["transfers"] == []
    csv = api.get(url + "/entries.csv", headers=auth(k["mgr_c"]))
    assert csv.status_code == 200 and csv.text.count("\n") == 1
    xl = api.get(url + "/settlement.xlsx", headers=auth(k["admin"]))
    wb = openpyxl.load_workbook(io.BytesIO(xl.content))
    assert wb["entries"].max_row == 4 and wb["transfers"].max_row == 3
    # closed: posting again is refused, nothing changes
    assert api.post(url + "/close", headers=auth(k["admin"])).json()["status"] == "closed"
    again = api.post(url, headers=auth(k["admin"]))
    assert again.status_code == 409 and "closed" in again.text
    assert (
        api.post("/api/v1/settlements/2026-10/close", headers=auth(k["admin"])).status_code == 404
    )
    assert api.get("/api/v1/settlements/2026-13", headers=auth(k["admin"])).status_code == 422
    page = api.get("/ui/effects", params={"month": "2026-11"}, headers=auth(k["admin"]))
    assert page.status_code == 200 and 'id="gx-matrix"' in page.text
    # a branch analyst's raw Cypher cannot read the ledger (internal labels are fenced)
    for q in ("MATCH (e:LedgerEntry) RETURN e.cents", "MATCH (x:SettlementTransfer) RETURN x"):
        r = api.post("/api/v1/cypher", json={"query": q}, headers=auth(k["analyst_b"]))
        assert r.status_code == 403, r.text


def test_pooled_stats_across_campaigns_are_scoped(api: TestClient, converted: dict) -> None:
    k = converted
    one = api.get("/api/v1/campaigns/CMP-F/stats", headers=auth(k["analyst_a"])).json()
    r = api.get("/api/v1/effects/stats", headers=auth(k["analyst_a"]))
    assert r.status_code == 200, r.text
    pooled = r.json()
    # one campaign in scope: the pooled treatment arm is that campaign's, with no uplift
    assert pooled["campaign_id"] == "ALL" and pooled["funnel"] == one["funnel"]
    assert (pooled["treatment"]["k"], pooled["treatment"]["n"]) == (1, one["treatment"]["n"])
    assert pooled["control"] is None and pooled["uplift"] is None
    assert [(g["key"], g["converted"]) for g in pooled["breakdowns"]["campaign"]] == [("CMP-F", 1)]
    named = api.get("/api/v1/effects/stats", params={"campaign": ["CMP-F"], "by": "channel"},
                    headers=auth(k["analyst_a"])).json()  # fmt: skip
    assert set(named["breakdowns"]) == {"channel", "campaign"}
    # another branch's RM and manager: no campaign in scope, and not this one by name
    for who in ("rm_b", "mgr_c"):
        assert api.get("/api/v1/effects/stats", headers=auth(k[who])).status_code == 404
        r = api.get("/api/v1/effects/stats", params={"campaign": "CMP-F"}, headers=auth(k[who]))
        assert r.status_code == 404
