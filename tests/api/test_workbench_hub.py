"""Expanding around a hub (issue 23): the seeded bank (tests/api/conftest.py) plus 500
parallel payments from CA to CP. Counts stay exact per scope, a page of neighbours counts
neighbours (CP once, at most PER_PAIR of its 501 payments sent, the rest counted as folded),
and the page's query expands only the asked type, so the 500 payments cost a page of
shareholdings nothing (the query shape is pinned with PROFILE: work, not timings)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from guanxi.graph.client import GraphClient
from guanxi.scoring.neighbours import HIDDEN_PROPS, PER_PAIR, neighbours_query
from tests.api.conftest import auth

W = "/api/v1/workbench"
PARALLEL = 500


def _hub(bank: GraphClient) -> None:
    bank.console(
        "MATCH (a:Company {id: 'CA'}), (p:Company {id: 'CP'}) UNWIND range(1, $n) AS i "
        "CREATE (a)-[:PAYS {amount: toFloat(i), count: 1}]->(p)",
        {"n": PARALLEL},
        allow_write=True,
    )


def _plan(node: dict) -> list[dict]:
    return [node, *(x for c in node.get("children", []) for x in _plan(c))]


def test_parallel_payments_are_counted_and_folded(api: TestClient, keys, bank) -> None:
    _hub(bank)
    r = api.get(f"{W}/nodes/CA/counts", headers=auth(keys["admin"])).json()
    counts = {(c["type"], c["direction"]): c["count"] for c in r}
    assert counts[("PAYS", "out")] == PARALLEL + 1 and counts[("HOLDS_SHARES", "out")] == 1
    page = api.get(f"{W}/nodes/CA/neighbours", params={"type": "PAYS", "direction": "out"},
                   headers=auth(keys["admin"])).json()  # fmt: skip
    assert [n["id"] for n in page["nodes"]] == ["CP"]
    assert len(page["edges"]) == PER_PAIR and page["folded"] == PARALLEL + 1 - PER_PAIR
    assert page["hidden"] == 0 and page["next_offset"] is None
    # BB's RM sees none of CA's payments: all counted as hidden, none as folded, no count
    other = api.get(f"{W}/nodes/CA/neighbours", params={"type": "PAYS", "direction": "out"},
                    headers=auth(keys["rm_b"])).json()  # fmt: skip
    assert other["nodes"] == [] and other["edges"] == []
    assert other["hidden"] == PARALLEL + 1 and other["folded"] == 0
    assert ("PAYS", "out") not in {
        (c["type"], c["direction"])
        for c in api.get(f"{W}/nodes/CA/counts", headers=auth(keys["rm_b"])).json()
    }


def test_a_page_expands_only_its_type(api: TestClient, keys, bank) -> None:
    _hub(bank)
    page = api.get(f"{W}/nodes/CA/neighbours", params={"type": "HOLDS_SHARES", "direction": "out"},
                   headers=auth(keys["admin"])).json()  # fmt: skip
    assert [n["id"] for n in page["nodes"]] == ["CP"] and page["edges"][0]["properties"] == {
        "pct": 30.0
    }
    text = neighbours_query(bank, "HOLDS_SHARES")
    params = {"key": "CA", "direction": "out", "skip": 0, "limit": 50, "per_pair": PER_PAIR,
              "hidden": list(HIDDEN_PROPS), "with_branches": True}  # fmt: skip
    with bank.driver.session(database=bank.database) as s:
        res = s.run("PROFILE " + text, params)
        rows = list(res)
        ops = _plan(res.consume().profile)
    assert len(rows) == 1
    expands = [o for o in ops if o["operatorType"].startswith("Expand")]
    # the one expansion from CA names its type: the 501 payments are never read
    hub = [o for o in expands if "HOLDS_SHARES" in o["args"].get("Details", "")]
    assert hub and all(o.get("rows", 0) <= 2 for o in hub)
    assert sum(o.get("dbHits", 0) for o in ops) < PARALLEL  # Expand(All) would cost > 1,000


def test_an_unknown_type_is_refused_before_any_query(bank) -> None:
    import pytest

    from guanxi.errors import QueryError

    with pytest.raises(QueryError, match="LIKES"):
        neighbours_query(bank, "LIKES")
    with pytest.raises(ValueError):  # never formatted into the text: schema names only
        from guanxi.graph.schema import quote

        quote("PAYS]-() DETACH DELETE (a")


def test_warming_runs_every_type_once_and_writes_nothing(bank) -> None:
    from guanxi.scoring.workbench_plans import warm_plans

    before = bank.console("MATCH (n) RETURN count(n), COUNT { ()-->() }")["rows"]
    assert warm_plans(bank) > 10
    assert bank.console("MATCH (n) RETURN count(n), COUNT { ()-->() }")["rows"] == before


def test_workers_starting_together_warm_once(bank, tmp_path) -> None:
    """API workers of one server: the one holding the lock warms, the others skip."""
    import fcntl

    from guanxi.scoring.workbench_plans import warm_once

    lock = tmp_path / "plans" / "x.lock"
    assert warm_once(bank, lock) > 10  # alone: it warms (and lets go of the lock)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another worker is warming
        assert warm_once(bank, lock) is None
    assert warm_once(bank, lock) > 10
