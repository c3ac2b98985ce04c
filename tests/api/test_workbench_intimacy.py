"""Edge width by intimacy (issue 23): an edge of the workbench carries the scored intimacy of
its two ends (their INTIMACY score, docs/scoring.md) where they have one, on a page of
neighbours and on a shared canvas alike, and null where they have none (the page then falls
back to a recorded strength and the legend says which)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import auth

W = "/api/v1/workbench"


def _score(bank) -> None:  # RM-A knows P-A (seeded); the scorer wrote 0.8 for the pair
    bank.console(
        "MATCH (r:RelationshipManager {id: 'RM-A'}), (p:Person {id: 'P-A'}) "
        "CREATE (r)-[:INTIMACY {score: 0.8, run_id: 'test'}]->(p)",
        allow_write=True,
    )


def test_page_and_canvas_edges_carry_the_scored_intimacy(api: TestClient, keys, bank) -> None:
    _score(bank)
    h = auth(keys["admin"])
    page = api.get(f"{W}/nodes/P-A/neighbours", params={"type": "KNOWS", "direction": "in"},
                   headers=h).json()  # fmt: skip
    assert [(e["source"], e["target"], e["intimacy"]) for e in page["edges"]] == [
        ("RM-A", "P-A", 0.8)
    ]
    page = api.get(f"{W}/nodes/P-A/neighbours", params={"type": "SERVES_AS", "direction": "out"},
                   headers=h).json()  # fmt: skip
    assert [e["intimacy"] for e in page["edges"]] == [None]  # P-A and CA are not scored
    view = api.post(f"{W}/canvas", json={"ids": ["RM-A", "P-A", "CA"]}, headers=h).json()
    got = {e["type"]: e["intimacy"] for e in view["edges"]}
    assert got == {"KNOWS": 0.8, "SERVES_AS": None, "MANAGES": None}
    # the INTIMACY relationship itself is never drawn or counted as a relationship
    counts = api.get(f"{W}/nodes/P-A/counts", headers=h).json()
    assert "INTIMACY" not in {c["type"] for c in counts}


def test_another_branch_sees_no_edge_and_so_no_score(api: TestClient, keys, bank) -> None:
    _score(bank)
    view = api.post(f"{W}/canvas", json={"ids": ["RM-A", "P-A"]},
                    headers=auth(keys["rm_b"])).json()  # fmt: skip
    assert view["edges"] == [] and view["missing"] == ["RM-A"]
