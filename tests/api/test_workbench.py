"""The workbench's endpoints against the seeded bank (tests/api/conftest.py): counts per type
and direction before expanding, a page of neighbours, the canvas of a shared view, the node
card with masked items named, the shortest public path, the page and its static files —
scoped by branch, masked, audited, and an RM of another branch sees nothing of branch BA."""

from __future__ import annotations

from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.config import Settings
from tests.api.conftest import auth

W = "/api/v1/workbench"


def _counts(api: TestClient, key: str, node: str) -> dict[tuple[str, str], int]:
    r = api.get(f"{W}/nodes/{node}/counts", headers=auth(key))
    assert r.status_code == 200, r.text
    return {(c["type"], c["direction"]): c["count"] for c in r.json()}


def test_counts_per_type_and_direction_by_scope(api: TestClient, keys) -> None:
    # CA: chairman P-A, 30% of CP, pays CP, BA1's customer managed by RM-A, holds LOAN
    bank = {("SERVES_AS", "in"): 1, ("HOLDS_SHARES", "out"): 1, ("PAYS", "out"): 1,
            ("CUSTOMER_OF", "out"): 1, ("MANAGES", "in"): 1,
            ("HOLDS_PRODUCT", "out"): 1}  # fmt: skip
    assert _counts(api, keys["admin"], "CA") == bank
    assert _counts(api, keys["rm_a"], "CA") == bank  # BA's RM: BA1 is in scope
    public = {("SERVES_AS", "in"): 1, ("HOLDS_SHARES", "out"): 1}
    assert _counts(api, keys["rm_b"], "CA") == public  # BB's RM: only public facts
    # CP for rm_b: both shareholders public; only CB's payment (BB's customer) is theirs
    assert _counts(api, keys["rm_b"], "CP") == {("HOLDS_SHARES", "in"): 2, ("PAYS", "in"): 1}


def test_neighbour_page_is_scoped_and_counts_what_it_left_out(api: TestClient, keys) -> None:
    r = api.get(f"{W}/nodes/CP/neighbours", params={"type": "PAYS", "direction": "in"},
                headers=auth(keys["rm_b"]))  # fmt: skip
    assert r.status_code == 200
    page = r.json()
    assert [n["id"] for n in page["nodes"]] == ["CB"] and page["hidden"] == 1
    edge = {"id": "CB>PAYS>CP", "source": "CB", "target": "CP", "type": "PAYS",
            "properties": {"amount": 7.0e6, "count": 20}, "intimacy": None}  # fmt: skip
    assert page["edges"][0] == edge
    assert page["next_offset"] is None
    r = api.get(f"{W}/nodes/CP/neighbours", params={"type": "HOLDS_SHARES", "direction": "in",
                "limit": 1}, headers=auth(keys["admin"]))  # fmt: skip
    assert len(r.json()["nodes"]) == 1 and r.json()["next_offset"] == 1
    r2 = api.get(f"{W}/nodes/CP/neighbours", params={"type": "HOLDS_SHARES", "direction": "in",
                 "limit": 1, "offset": 1}, headers=auth(keys["admin"]))  # fmt: skip
    assert {r.json()["nodes"][0]["id"], r2.json()["nodes"][0]["id"]} == {"CA", "CB"}


def test_bad_input_is_refused(api: TestClient, keys) -> None:
    h = auth(keys["admin"])
    r = api.get(f"{W}/nodes/CA/neighbours", params={"type": "LIKES"}, headers=h)
    assert r.status_code == 422 and "HOLDS_SHARES" in r.text  # the known types are listed
    r = api.get(f"{W}/nodes/CA/neighbours", params={"type": "PAYS", "direction": "up"}, headers=h)
    assert r.status_code == 422
    assert api.get(f"{W}/nodes/NOPE/counts", headers=h).status_code == 404
    assert api.get(f"{W}/path", params={"a": "CA", "b": "CA"}, headers=h).json()["nodes"] == []
    assert api.get(f"{W}/nodes/CA").status_code == 401


def test_canvas_of_a_shared_view_is_rechecked_for_the_reader(api: TestClient, keys) -> None:
    ids = ["CA", "RM-A", "BA1", "P-A", "NOPE"]
    admin = api.post(f"{W}/canvas", json={"ids": ids}, headers=auth(keys["admin"])).json()
    assert sorted(n["id"] for n in admin["nodes"]) == ["BA1", "CA", "P-A", "RM-A"]
    assert admin["missing"] == ["NOPE"]
    types = sorted(e["type"] for e in admin["edges"])
    assert types == ["CUSTOMER_OF", "KNOWS", "MANAGES", "SERVES_AS", "WORKS_AT"]
    other = api.post(f"{W}/canvas", json={"ids": ids}, headers=auth(keys["rm_b"])).json()
    assert sorted(n["id"] for n in other["nodes"]) == ["CA", "P-A"]
    assert other["missing"] == ["RM-A", "BA1", "NOPE"]  # not told apart from "no such node"
    assert [e["type"] for e in other["edges"]] == ["SERVES_AS"]


def test_node_card_names_masked_items_and_hides_other_branches(api: TestClient, keys) -> None:
    admin = api.get(f"{W}/nodes/P-A", headers=auth(keys["admin"])).json()
    assert admin["profile"]["phone"] == "13800000001" and admin["masked"] == []
    rm = api.get(f"{W}/nodes/P-A", headers=auth(keys["rm_b"])).json()
    assert "phone" not in rm["profile"] and rm["masked"] == ["phone"]
    assert "13800000001" not in str(rm)
    assert {(c["type"], c["direction"]) for c in rm["counts"]} == {("SERVES_AS", "out")}
    assert api.get(f"{W}/nodes/RM-A", headers=auth(keys["rm_b"])).status_code == 404
    mine = api.get(f"{W}/nodes/RM-A", headers=auth(keys["rm_a"])).json()
    assert mine["label"] == "RelationshipManager" and mine["name"] == "王经理"


def test_search_by_fragment_id_and_stock_code(api: TestClient, keys, bank) -> None:
    bank.console("MATCH (c:Company {id: 'CP'}) SET c.stock_code = '600001'", allow_write=True)
    h = auth(keys["rm_b"])
    assert [x["id"] for x in api.get(f"{W}/search", params={"q": "科技"}, headers=h).json()] == [
        "CA"
    ]
    assert [x["id"] for x in api.get(f"{W}/search", params={"q": "600001"}, headers=h).json()] == [
        "CP"
    ]
    hits = api.get(f"{W}/search", params={"q": "张"}, headers=h).json()
    assert [(x["id"], x["label"]) for x in hits] == [("P-A", "Person")]


def test_public_path_uses_registry_facts_only(api: TestClient, keys) -> None:
    r = api.get(f"{W}/path", params={"a": "P-A", "b": "P-B"}, headers=auth(keys["rm_a"]))
    assert r.json()["nodes"] == ["P-A", "CA", "CP", "CB", "P-B"]
    assert r.json()["types"] == ["SERVES_AS", "HOLDS_SHARES", "HOLDS_SHARES", "SERVES_AS"]


def test_requests_are_audited(api: TestClient, keys, api_settings: Settings) -> None:
    api.post(f"{W}/canvas", json={"ids": ["CA", "RM-A"]}, headers=auth(keys["rm_b"]))
    [rec] = AuditLog(api_settings).read(limit=1, newest_first=True)
    assert (rec["user"], rec["endpoint"], rec["rows"], rec["status"]) == (
        "rm_b", f"{W}/canvas", 1, 200,
    )  # fmt: skip


def test_page_needs_a_key_and_static_files_are_served(api: TestClient, keys) -> None:
    assert api.get("/ui/workbench").status_code == 401
    page = api.get("/ui/workbench", headers=auth(keys["rm_a"])).text
    assert 'src="/ui/static/vis-network.min.js"' in page and "http" not in page.split("<body")[0]
    vis = api.get("/ui/static/vis-network.min.js")
    assert vis.status_code == 200 and "vis-network" in vis.text[:200]
    assert api.get("/ui/static/workbench.js").headers["content-type"].startswith("text/javascript")
    assert api.get("/ui/static/secrets.txt").status_code == 404
    nav = api.get("/ui/network/CA", headers=auth(keys["rm_a"])).text
    assert "/ui/workbench?n=CA" in nav  # the older pages link into the workbench
