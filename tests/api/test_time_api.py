"""Time through the API: change events, the bank-wide feed, ownership and the network as
of a date, on the small bank of conftest after a snapshot of CP's holders on 2024-06-30
(CA's stake 30 → 40, CB left, 张三 entered with 10)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from guanxi.graph.client import GraphClient
from guanxi.loaders import load_frames
from tests.api.conftest import auth

SNAP = pd.DataFrame({
    "holder_id": ["CA", "P-A"], "holder_type": ["Company", "Person"],
    "company_id": ["CP", "CP"], "pct": ["40", "10"],
})  # fmt: skip


@pytest.fixture
def timed(bank: GraphClient) -> GraphClient:
    load_frames(bank, {"shareholdings": SNAP}, snapshot=pd.Timestamp("2024-06-30").date())
    return bank


def test_company_changes_and_feed(timed: GraphClient, api: TestClient, keys) -> None:
    r = api.get("/api/v1/companies/CP/changes", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    got = {(e["kind"], e["party"], e["before"], e["after"]) for e in r.json()}
    assert got == {("stake_changed", "CA", 30.0, 40.0), ("holder_left", "CB", 25.0, None),
                   ("holder_entered", "P-A", None, 10.0)}  # fmt: skip
    assert all(e["date"] == "2024-06-30" and e["prev_date"] is None for e in r.json())
    # public facts: a caller of the other branch sees the same events, and nothing internal
    other = api.get("/api/v1/companies/CP/changes", headers=auth(keys["rm_b"])).json()
    assert other == r.json()
    feed = api.get("/api/v1/changes", params={"since": "2024-01-01", "kind": "holder_left"},
                   headers=auth(keys["rm_b"])).json()  # fmt: skip
    assert [(e["company"], e["party"]) for e in feed] == [("CP", "CB")]
    assert api.get("/api/v1/changes", params={"since": "2024-07-01"},
                   headers=auth(keys["rm_a"])).json() == []  # fmt: skip
    bad = api.get("/api/v1/changes", params={"since": "2024-01-01", "kind": "nope"},
                  headers=auth(keys["rm_a"]))  # fmt: skip
    assert bad.status_code == 422 and "holder_left" in bad.text  # names the known kinds
    assert api.get("/api/v1/changes", headers=auth(keys["rm_a"])).status_code == 422
    assert api.get("/api/v1/companies/NOPE/changes", headers=auth(keys["rm_a"])).status_code == 404


def test_ownership_and_network_as_of(timed: GraphClient, api: TestClient, keys) -> None:
    h = auth(keys["rm_a"])

    def holders(as_of: str | None) -> dict:
        params = {"as_of": as_of} if as_of else {}
        res = api.get("/api/v1/companies/CP/ownership", params=params, headers=h).json()
        return {o["id"]: o["direct"] for o in res["holders"]}

    assert holders("2024-06-29") == {"CA": 30.0, "CB": 25.0}
    assert holders("2024-06-30") == holders(None) == {"CA": 40.0, "P-A": 10.0}

    def edges(node: str, as_of: str | None) -> set:
        params = {"as_of": as_of} if as_of else {}
        net = api.get(f"/api/v1/network/{node}", params=params, headers=h).json()
        return {(e["source"], e["target"], e["type"]) for e in net["edges"]}

    before = edges("CP", "2024-01-01")
    assert ("CB", "CP", "HOLDS_SHARES") in before and ("P-A", "CP", "HOLDS_SHARES") not in before
    now = edges("CP", None)
    assert ("CB", "CP", "HOLDS_SHARES") not in now and ("P-A", "CP", "HOLDS_SHARES") in now
    assert not {t for _, _, t in now} & {"HELD_SHARES", "SERVED_AS"}
    # as of a date, CB's bank relationships stay hidden from the other branch's RM
    past_cb = edges("CB", "2024-01-01")
    assert ("CB", "CP", "HOLDS_SHARES") in past_cb
    assert not {t for _, _, t in past_cb} & {"CUSTOMER_OF", "MANAGES", "PAYS", "HOLDS_PRODUCT"}


def test_paths_as_of_use_the_relationships_of_that_date(
    timed: GraphClient, api: TestClient, keys
) -> None:
    h = auth(keys["admin"])

    def routes(as_of: str | None) -> set:
        params = {"to": "CP", "from": "RM-A", **({"as_of": as_of} if as_of else {})}
        res = api.get("/api/v1/paths", params=params, headers=h)
        assert res.status_code == 200, res.text
        paths = res.json()["paths"]
        return {(p["hops"][0]["from"], *(x["to"] for x in p["hops"])) for p in paths}

    assert ("RM-A", "P-A", "CP") in routes(None)  # 张三 holds CP since the snapshot
    past = routes("2024-01-01")
    assert past and ("RM-A", "P-A", "CP") not in past
    assert ("RM-A", "P-A", "CA", "CP") in past


def test_cli_changes_and_bad_dates(timed: GraphClient) -> None:
    from typer.testing import CliRunner

    from guanxi.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["changes", "CP", "--since", "2024-06-30", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert {e["kind"] for e in body["changes"]} == {
        "stake_changed",
        "holder_left",
        "holder_entered",
    }
    res = runner.invoke(app, ["changes", "CP", "--since", "2024-13-01"])
    assert res.exit_code == 1 and "--since" in res.output and "YYYY-MM-DD" in res.output
    assert runner.invoke(app, ["changes"]).exit_code == 1  # the feed needs --since
    res = runner.invoke(app, ["ownership", "CP", "--as-of", "2024-06-29", "--json"])
    assert {h["id"] for h in json.loads(res.stdout)["holders"]} == {"CA", "CB"}


def test_fenced_console_reads_history_and_changes(timed: GraphClient) -> None:
    from guanxi.access.console import run_console
    from tests.api.test_console_fence import FENCED, FOREIGN

    past = run_console(
        timed, FENCED, "MATCH (x)-[h:HELD_SHARES]->(c:Company) RETURN x.id, h.pct, h.valid_to"
    )
    assert sorted((r[0], r[1], str(r[2])) for r in past["rows"]) == [
        ("CA", 30.0, "2024-06-30"), ("CB", 25.0, "2024-06-30")
    ]  # fmt: skip
    changes = run_console(timed, FENCED, "MATCH (c:Change) RETURN c.kind, c.party_id")
    assert len(changes["rows"]) == 3
    assert not any(f in json.dumps(past | changes, ensure_ascii=False) for f in FOREIGN)


def test_contacts_and_network_page_as_of(timed: GraphClient, api: TestClient, keys) -> None:
    h = auth(keys["rm_a"])

    def contacts(as_of: str | None) -> dict:
        params = {"k": 10, **({"as_of": as_of} if as_of else {})}
        res = api.get("/api/v1/companies/CP/contacts", params=params, headers=h).json()
        return {c["id"]: " ".join(c["reasons"]) for c in res["contacts"]}

    now, past = contacts(None), contacts("2024-01-01")
    # 张三 chairs CA (the controlling holder) on both dates; holds 10 % of CP only since
    assert "持股10.00%" in now["P-A"] and "持股" not in past["P-A"]
    assert "控股股东" in past["P-A"]
    page = api.get("/ui/network/CP", params={"as_of": "2024-01-01"}, headers=h)
    assert page.status_code == 200
    assert (
        'type="date" name="as_of" value="2024-01-01"' in page.text
        and "as of 2024-01-01" in page.text
    )
    assert api.get("/ui/network/CP", params={"as_of": "nope"}, headers=h).status_code == 422
