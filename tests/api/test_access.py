"""Branch scoping: an RM of branch A never sees branch B's bank-internal facts."""

from fastapi.testclient import TestClient

from tests.api.conftest import auth


def test_requests_without_or_with_a_bad_key_are_401(api: TestClient, keys) -> None:
    assert api.get("/api/v1/companies", params={"q": "有限"}).status_code == 401
    r = api.get("/api/v1/companies", params={"q": "有限"}, headers=auth("gx_nope"))
    assert r.status_code == 401
    assert r.json()["error"] == "AuthenticationFailed"
    assert r.json()["request_id"]


def test_search_finds_public_companies_for_everyone(api: TestClient, keys) -> None:
    r = api.get("/api/v1/companies", params={"q": "有限公司"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    assert {c["id"] for c in r.json()} == {"CA", "CB", "CP"}


def test_detail_shows_own_customer_facts(api: TestClient, keys) -> None:
    d = api.get("/api/v1/companies/CA", headers=auth(keys["rm_a"])).json()
    assert d["in_scope"] is True
    assert [c["branch_id"] for c in d["customer_of"]] == ["BA1"]
    assert [p["code"] for p in d["products"]] == ["LOAN"]
    assert [c["id"] for c in d["counterparties"]] == ["CP"]
    assert [m["id"] for m in d["managed_by"]] == ["RM-A"]


def test_rm_of_a_cannot_see_b_customers_products_or_flows(api: TestClient, keys) -> None:
    d = api.get("/api/v1/companies/CB", headers=auth(keys["rm_a"])).json()
    # public facts stay visible
    assert [e["id"] for e in d["executives"]] == ["P-B"]
    # bank-internal facts of branch B do not
    assert d["in_scope"] is False
    assert d["customer_of"] == []
    assert d["products"] == []
    assert d["counterparties"] == []
    assert d["managed_by"] == []


def test_admin_sees_everything(api: TestClient, keys) -> None:
    d = api.get("/api/v1/companies/CB", headers=auth(keys["admin"])).json()
    assert [c["branch_id"] for c in d["customer_of"]] == ["BB"]
    assert [p["code"] for p in d["products"]] == ["CASH"]


def test_ego_network_hides_other_branch_facts(api: TestClient, keys) -> None:
    r = api.get("/api/v1/network/CP", params={"depth": 3}, headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    net = r.json()
    ids = {n["id"] for n in net["nodes"]}
    types = {(e["source"], e["type"], e["target"]) for e in net["edges"]}
    assert {"CP", "CA", "CB", "P-A", "P-B"} <= ids  # public neighbourhood
    assert {"RM-A", "BA1"} <= ids  # own branch
    assert not ({"RM-B", "BB"} & ids)  # never branch B's RM or branch
    assert ("CA", "PAYS", "CP") in types
    assert ("CB", "PAYS", "CP") not in types
    assert ("CB", "HOLDS_PRODUCT", "CASH") not in types
    assert not any(e["type"] == "KNOWS" and e["source"] == "RM-B" for e in net["edges"])


def test_rm_b_node_is_not_found_for_rm_a(api: TestClient, keys) -> None:
    r = api.get("/api/v1/network/RM-B", headers=auth(keys["rm_a"]))
    assert r.status_code == 404


def test_ego_network_of_a_lone_node_and_of_an_unknown_id(api: TestClient, bank, keys) -> None:
    bank.console(
        "CREATE (:Company {id: 'CZ', name: '孤立公司'}) "
        "WITH 1 AS x MATCH (p:Person {id: 'P-A'}), (c:Company {id: 'CA'}) "
        "CREATE (p)-[:HOLDS_SHARES {pct: 5.0, source: 'h.csv', load_id: 'L1', "
        "loaded_at: datetime(), ingested_by: 'HO'}]->(c)",
        allow_write=True,
    )
    h = auth(keys["admin"])
    net = api.get("/api/v1/network/CZ", headers=h).json()
    assert net["nodes"] == [{"id": "CZ", "label": "Company", "name": "孤立公司", "level": 0}]
    assert net["edges"] == [] and net["truncated"] is False
    assert api.get("/api/v1/network/NOPE", headers=h).status_code == 404
    edges = api.get("/api/v1/network/CA", headers=h).json()["edges"]
    held = [e for e in edges if e["type"] == "HOLDS_SHARES" and e["source"] == "P-A"]
    # provenance is not shown; the recording organisation is
    assert held == [{"source": "P-A", "target": "CA", "type": "HOLDS_SHARES",
                     "properties": {"pct": 5.0, "ingested_by": "HO"}}]  # fmt: skip


def test_ego_network_cap_truncates_and_says_so(api: TestClient, keys) -> None:
    r = api.get("/api/v1/network/CP", params={"depth": 2, "cap": 2}, headers=auth(keys["admin"]))
    net = r.json()
    assert len(net["nodes"]) == 2
    assert net["truncated"] is True


def test_ego_network_rejects_bad_depth_and_types(api: TestClient, keys) -> None:
    h = auth(keys["admin"])
    assert api.get("/api/v1/network/CP", params={"depth": 4}, headers=h).status_code == 422
    r = api.get("/api/v1/network/CP", params={"types": "OWNS"}, headers=h)
    assert r.status_code == 422
    r = api.get("/api/v1/network/CP", params={"types": "SERVES_AS"}, headers=h)
    assert r.status_code == 200
    assert {e["type"] for e in r.json()["edges"]} <= {"SERVES_AS"}


def test_rm_cannot_run_cypher(api: TestClient, keys) -> None:
    r = api.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=auth(keys["rm_a"]))
    assert r.status_code == 403


def test_analyst_runs_read_only_cypher(api: TestClient, keys, bank) -> None:
    h = auth(keys["analyst_a"])
    r = api.post(
        "/api/v1/cypher", json={"query": "MATCH (c:Company) RETURN count(c) AS n"}, headers=h
    )
    assert r.json() == {"columns": ["n"], "rows": [[3]], "truncated": False}
    r = api.post("/api/v1/cypher", json={"query": "MATCH (c:Company) DETACH DELETE c"}, headers=h)
    assert r.status_code == 403
    assert r.json()["error"] == "ReadOnlyViolation"
    assert bank.console("MATCH (c:Company) RETURN count(c)")["rows"] == [[3]]


def test_saved_queries_by_name(api: TestClient, keys) -> None:
    h = auth(keys["analyst_a"])
    names = {q["name"] for q in api.get("/api/v1/queries", headers=h).json()}
    assert "top_holders" in names
    r = api.post("/api/v1/queries/top_holders", json={"params": {"company": "CP"}}, headers=h)
    assert r.status_code == 200
    assert [row[0] for row in r.json()["rows"]] == ["CA", "CB"]
    assert api.post("/api/v1/queries/nope", json={}, headers=h).status_code == 404
