"""Partner-list matches (PSI, docs/privacy.md) as the API shows them: the tag is public, the
match behind it (who matched, against whom, protocol, false-positive rate) is the bank's
and visible only within the organisation that ran it (its subtree) and to head office."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from guanxi.errors import InvalidData
from guanxi.graph.client import GraphClient
from guanxi.psi.tag import tag_matches
from guanxi.records.psi import MatchResult

from .conftest import auth


def _tag(db: GraphClient, org: str) -> None:
    res = MatchResult(
        server="http://partner", protocol="openmined-psi 2.0.6 ECDH P-256", reveal=True,
        candidates=3, size=2, fpr=1e-9, bytes_sent=0, bytes_received=0,
        matched_ids=("CA", "CB"),
    )  # fmt: skip
    tag_matches(db, res, "high_tech_register", "科技局", ingested_by=org)


def test_the_match_is_seen_by_its_organisation_only(api: TestClient, bank, keys) -> None:
    _tag(bank, "BA")  # the Shanghai branch ran it
    # the tag itself is a public property: everybody sees it
    for who in ("rm_a", "rm_b", "admin"):
        prof = api.get("/api/v1/companies/CB", headers=auth(keys[who])).json()["profile"]
        assert prof["tags"] == ["high_tech_register"]
    # the provenance: BA's subtree and head office
    for who in ("rm_a", "analyst_a", "admin"):
        [m] = api.get("/api/v1/companies/CB", headers=auth(keys[who])).json()["partner_lists"]
        assert m["partner"] == "科技局" and m["tag"] == "high_tech_register"
        assert m["fpr"] == 1e-9 and m["protocol"].startswith("openmined-psi")
        assert m["org"] == "BA" and m["matched_at"]
    # Beijing's RM sees its own customer CB's tag, not who matched it or against whom
    body = api.get("/api/v1/companies/CB", headers=auth(keys["rm_b"])).text
    assert "科技局" not in body and "openmined" not in body and '"partner_lists":[]' in body


def test_network_shows_the_list_within_scope(api: TestClient, bank, keys) -> None:
    _tag(bank, "BA")
    lid = "科技局/high_tech_register"

    def seen(who: str) -> tuple[set[str], list[dict]]:
        net = api.get("/api/v1/network/CB", headers=auth(keys[who])).json()
        edges = [e for e in net["edges"] if e["type"] == "MATCHED_IN"]
        return {n["id"] for n in net["nodes"]}, edges

    nodes, edges = seen("rm_a")
    assert lid in nodes
    [e] = edges
    assert e["properties"]["fpr"] == 1e-9 and "openmined" in e["properties"]["protocol"]
    nodes, edges = seen("rm_b")
    assert lid not in nodes and edges == []
    # expanding the list itself: its organisation sees the matched companies, others 404
    r = api.get(f"/api/v1/network/{lid}", headers=auth(keys["rm_a"]))
    assert {n["id"] for n in r.json()["nodes"]} == {lid, "CA", "CB"}
    assert api.get(f"/api/v1/network/{lid}", headers=auth(keys["rm_b"])).status_code == 404


def test_saved_query_lists_matches_in_scope(api: TestClient, bank, keys) -> None:
    _tag(bank, "BA")
    q = "/api/v1/queries/partner_matches"
    body = api.post(q, json={"params": {}}, headers=auth(keys["analyst_a"])).json()
    rows = [dict(zip(body["columns"], r, strict=True)) for r in body["rows"]]
    # CA is a customer of BA1 (in BA's subtree), CB of Beijing: not BA's customer
    assert {r["company"]: r["customer"] for r in rows} == {"CA": True, "CB": False}
    assert {r["org"] for r in rows} == {"BA"}
    rows = api.post(q, json={"params": {"tag": "other"}}, headers=auth(keys["analyst_a"]))
    assert rows.json()["rows"] == []


def test_an_unknown_org_is_refused(bank: GraphClient) -> None:
    with pytest.raises(InvalidData, match="BR99"):
        _tag(bank, "BR99")
    assert bank.run_text("t", "MATCH (l:PartnerList) RETURN count(l) AS n") == [{"n": 0}]
