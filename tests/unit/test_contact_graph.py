"""ContactGraph (arrays) gives batch key contacts exactly what LocalGraph (dicts) gives:
the same neighbours in the same order, the same holdings, the same ranked contacts and
reasons, on a random network with the awkward cases in it (guanxi/scoring/contact_graph.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from guanxi.scoring.batch import graph_contacts
from guanxi.scoring.contact_graph import ContactGraph
from guanxi.scoring.projection import LocalGraph

ROLES = ["chairman", "director", "ceo", "cfo", "supervisor", "legal_rep"]
KINDS = [None, "direct", "deemed", "concert", "nominee"]


def _network(seed: int = 3, companies: int = 60, persons: int = 150, rms: int = 6):
    rng = np.random.default_rng(seed)
    cs = [f"C{i:03d}" for i in range(companies)]
    ps = [f"P{i:03d}" for i in range(persons)]
    rs = [f"R{i}" for i in range(rms)]
    nodes = pd.DataFrame(
        {
            "id": cs + ps + rs,
            "label": ["Company"] * companies + ["Person"] * persons + ["RelationshipManager"] * rms,
            "name": [f"公司{i}" for i in range(companies - 2)]
            + ["香港中央结算有限公司", "某某代持有限公司"]
            + [f"人{i}" for i in range(persons)]
            + [f"客户经理{i}" for i in range(rms)],
            "nominee": [None] * (companies - 1) + [True] + [False] * (persons + rms),
            "customer": [bool(x) for x in rng.random(companies) < 0.3] + [False] * (persons + rms),
        }
    )
    rows = []
    for _ in range(260):  # roles, some ended, some repeated (a parallel role is kept once)
        until = str(date(2020, 1, 1)) if rng.random() < 0.2 else None
        rows.append((rng.choice(ps), rng.choice(cs), "SERVES_AS", {"role": rng.choice(ROLES),
                                                                   "until": until}))  # fmt: skip
    for _ in range(220):  # persons and companies holding companies (chains, controllers)
        holder = rng.choice(ps) if rng.random() < 0.6 else rng.choice(cs)
        stake = {"pct": float(rng.integers(1, 60)), "kind": KINDS[rng.integers(5)]}
        rows.append((holder, rng.choice(cs), "HOLDS_SHARES", stake))
    for _ in range(200):  # who knows whom: RMs and persons
        a = rng.choice(rs) if rng.random() < 0.4 else rng.choice(ps)
        rows.append((a, rng.choice(ps), "KNOWS", {"strength": float(rng.random())}))
    rows += [
        ("P000", "P000", "KNOWS", {"strength": 0.9}),  # a self loop: left out
        ("P001", "C000", "SERVES_AS", {"role": "chairman"}),
        ("P001", "C000", "SERVES_AS", {"role": "chairman"}),  # parallel, same role: once
        ("X-ghost", "C001", "HOLDS_SHARES", {"pct": 40.0, "kind": "concert"}),  # no party
        ("P003", "C001", "HOLDS_SHARES", {"pct": 20.0, "kind": "concert"}),
        ("P002", "C002", "HOLDS_SHARES", {"pct": None}),
    ]
    edges = pd.DataFrame(
        [{"source_id": s, "target_id": t, "rel_type": r, **p} for s, t, r, p in rows]
    )
    return nodes, edges


def test_neighbours_holdings_and_nodes_are_the_local_graphs() -> None:
    nodes, edges = _network()
    ref, arr = LocalGraph.from_frames(nodes, edges), ContactGraph(nodes, edges)
    assert list(arr.nodes) == list(ref.nodes)
    assert [(n.id, n.label, n.name, n.nominee, n.customer) for n in arr.nodes.values()] == [
        (n.id, n.label, n.name, n.nominee, n.customer) for n in ref.nodes.values()
    ]
    assert arr.nodes["X-ghost"].label == "Unknown" and arr.nodes["C059"].nominee
    for pid in ref.nodes:
        assert arr.neighbours(pid) == ref.neighbours(pid), pid
        assert list(arr.neighbours(pid)) == list(ref.neighbours(pid)), pid
    assert list(arr.out_edges("HOLDS_SHARES")) == list(ref.out_edges("HOLDS_SHARES"))
    assert len(arr.neighbours("P001")["C000"]) == len(ref.neighbours("P001")["C000"]) == 1
    assert "P000" not in arr.neighbours("P000") and arr.neighbours("nobody") == {}


def test_batch_key_contacts_are_the_same_on_both() -> None:
    for seed in (3, 11):
        nodes, edges = _network(seed)
        pr = {x: 1.0 / (i + 1) for i, x in enumerate(nodes["id"])}
        today = date(2026, 12, 1)
        ref = graph_contacts(LocalGraph.from_frames(nodes, edges), pr, 5, today)
        arr = graph_contacts(ContactGraph(nodes, edges), pr, 5, today)
        assert len(ref) > 20
        assert list(arr) == list(ref)
        assert arr == ref


def test_contacts_ranked_one_by_one_with_a_small_reach_cache_are_the_same(monkeypatch) -> None:
    """Batch scoring ranks companies as it goes and keeps only the last persons' reach
    (guanxi/scoring/batch_contacts.py): a cache of 2 changes nothing, and the write rows
    are those contacts in order."""
    from guanxi.scoring import batch_contacts

    nodes, edges = _network(5)
    pr = {x: 1.0 / (i + 1) for i, x in enumerate(nodes["id"])}
    today = date(2026, 12, 1)
    ref = graph_contacts(ContactGraph(nodes, edges), pr, 5, today)
    monkeypatch.setattr(batch_contacts, "REACH_CACHE", 2)
    got = list(batch_contacts.iter_graph_contacts(ContactGraph(nodes, edges), pr, 5, today))
    assert len(got) > 20 and dict(got) == ref and [c for c, _ in got] == list(ref)
    rows = list(batch_contacts.contact_rows(got))
    assert len(rows) == sum(len(v) for v in ref.values())
    first = ref[next(iter(ref))][0]
    assert rows[0] == {"person_id": first.id, "company_id": next(iter(ref)), "rank": 1,
                       "score": round(first.score, 6), "reasons": list(first.reasons)}  # fmt: skip
