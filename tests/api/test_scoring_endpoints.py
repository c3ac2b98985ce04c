"""Scoring through the API: contacts, paths, intimacy, ownership, recommendations,
prospects — and that an RM of branch A learns nothing internal about branch B."""

import json
from dataclasses import replace

from fastapi.testclient import TestClient

from tests.api.conftest import auth

B_SECRETS = ("RM-B", "李经理", "北京分行", '"BB"', "CASH", "现金管理")


def _leaks(payload: object) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    return [s for s in B_SECRETS if s in text]


def test_contacts_rank_the_chairman_with_reasons(api: TestClient, keys) -> None:
    r = api.get("/api/v1/companies/CA/contacts", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    body = r.json()
    assert body["company"] == "CA"
    assert body["contacts"][0]["id"] == "P-A"
    assert body["contacts"][0]["reasons"]


def test_contacts_of_b_company_hide_b_rm(api: TestClient, keys) -> None:
    r = api.get("/api/v1/companies/CB/contacts", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert r.json()["contacts"][0]["id"] == "P-B"
    assert _leaks(r.json()) == []
    # the admin sees the RM relationship behind the reason
    admin = api.get("/api/v1/companies/CB/contacts", headers=auth(keys["admin"])).json()
    assert any("李经理" in x for c in admin["contacts"] for x in c["reasons"])


def test_paths_for_rm_a_are_found_but_b_hops_are_masked(api: TestClient, keys) -> None:
    r = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    body = r.json()
    assert body["paths"], body["reason"]
    assert body["paths"][0]["hops"][0]["from"] == "RM-A"
    assert _leaks(body) == []


def test_paths_are_masked_from_the_hop_query_as_from_a_scope_read(
    api: TestClient, keys, monkeypatch
) -> None:
    """The parties' branches come with the live hops (one round trip); masking from them
    gives what masking from a separate scope.nodes_info read gives."""
    from guanxi.api.routers import paths as router

    client = api.app.state.client
    names: list[str] = []
    read = client.read
    monkeypatch.setattr(client, "read", lambda name, **kw: names.append(name) or read(name, **kw))
    get = lambda: api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["rm_a"]))  # noqa: E731
    one = get().json()
    assert "scoring.path_hops" in names and "scope.nodes_info" not in names
    assert any(h["masked"] for p in one["paths"] for h in p["hops"])
    real = router.contact_paths
    monkeypatch.setattr(  # drop the parties: mask_paths reads them itself
        router, "contact_paths", lambda *a, **kw: replace(real(*a, **kw), parties={})
    )
    names.clear()
    two = get().json()
    assert "scope.nodes_info" in names
    assert one == two


def test_paths_for_rm_a_drop_b_payment_evidence_on_public_hops(api: TestClient, keys) -> None:
    # CP→CB is a shareholding hop; its evidence also counts CB's payments to CP, a fact of
    # branch B (CB is B's customer): the admin sees it, RM-A does not, and the hop says so
    def hop(key: str) -> dict:
        body = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys[key])).json()
        hops = [h for p in body["paths"] for h in p["hops"]]
        return next(h for h in hops if (h["from"], h["to"]) == ("CP", "CB"))

    assert "payment" in {e["kind"] for e in hop("admin")["evidence"]}
    rm = hop("rm_a")
    assert [e["kind"] for e in rm["evidence"]] == ["shareholding"]
    assert rm["masked"] is True and "付款" not in rm["text"]


def test_paths_from_another_branch_rm_are_refused(api: TestClient, keys) -> None:
    r = api.get("/api/v1/paths", params={"to": "CB", "from": "RM-B"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 403


def test_admin_paths_can_use_any_rm(api: TestClient, keys) -> None:
    r = api.get("/api/v1/paths", params={"to": "CB"}, headers=auth(keys["admin"]))
    starts = {p["hops"][0]["from"] for p in r.json()["paths"]}
    assert "RM-B" in starts


def test_no_path_is_an_empty_list_with_a_reason(api: TestClient, keys) -> None:
    r = api.get("/api/v1/paths", params={"to": "CB", "max_hops": 1}, headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert r.json()["paths"] == []
    assert r.json()["reason"]


def test_intimacy_hides_other_branch_payment_evidence(api: TestClient, keys) -> None:
    admin = api.get(
        "/api/v1/intimacy", params={"a": "CB", "b": "CP"}, headers=auth(keys["admin"])
    ).json()
    assert any(e["kind"] == "payment" for e in admin["evidence"])
    rm = api.get(
        "/api/v1/intimacy", params={"a": "CB", "b": "CP"}, headers=auth(keys["rm_a"])
    ).json()
    assert not any(e["kind"] == "payment" for e in rm["evidence"])
    assert rm["masked_evidence"] >= 1
    r = api.get("/api/v1/intimacy", params={"a": "RM-B", "b": "P-B"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 403


def test_ownership_is_public(api: TestClient, keys) -> None:
    r = api.get("/api/v1/companies/CP/ownership", headers=auth(keys["rm_b"]))
    assert r.status_code == 200
    holders = {h["id"] for h in r.json()["holders"]}
    assert holders == {"CA", "CB"}


def test_recommendations_only_for_customers_in_scope(api: TestClient, keys) -> None:
    assert (
        api.get("/api/v1/companies/CB/recommendations", headers=auth(keys["rm_a"])).status_code
        == 403
    )
    r = api.get("/api/v1/companies/CA/recommendations", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert _leaks(r.json()) == [] or r.json()["products"] == []


def test_prospects_only_for_own_branches(api: TestClient, keys) -> None:
    assert (
        api.get(
            "/api/v1/prospects", params={"branch": "BB"}, headers=auth(keys["rm_a"])
        ).status_code
        == 403
    )
    r = api.get("/api/v1/prospects", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert set(r.json()["branches"]) <= {"BA", "BA1"}
