"""Yen k shortest loopless paths with a hop limit, and the contact-path search."""

import math
from datetime import date

import networkx as nx
import pytest

from guanxi.scoring.contact_paths import PathConfig, find_paths, hub_factor
from guanxi.scoring.projection import LocalGraph
from guanxi.scoring.yen import constrained_dijkstra, yen_k_shortest

ADJ = {
    "s": {"a": 1.0, "b": 2.0, "c": 5.0},
    "a": {"t": 3.0, "b": 0.5},
    "b": {"t": 1.0},
    "c": {"t": 0.1},
}


def test_yen_exact_paths() -> None:
    got = yen_k_shortest(ADJ, "s", "t", 4, 4)
    assert got == [
        (2.5, ["s", "a", "b", "t"]),
        (3.0, ["s", "b", "t"]),
        (4.0, ["s", "a", "t"]),
        (5.1, ["s", "c", "t"]),
    ]


def test_hop_limit_prefers_the_costlier_short_path() -> None:
    assert constrained_dijkstra(ADJ, "s", "t", 2) == (3.0, ["s", "b", "t"])
    assert yen_k_shortest(ADJ, "s", "t", 10, 2)[0] == (3.0, ["s", "b", "t"])
    assert all(len(p) <= 3 for _, p in yen_k_shortest(ADJ, "s", "t", 10, 2))


def test_yen_matches_networkx_on_a_random_graph() -> None:
    g = nx.gnp_random_graph(30, 0.2, seed=3, directed=True)
    for u, v in g.edges:
        g[u][v]["w"] = 1 + ((u * 7 + v * 13) % 10) / 10
    adj = {u: {v: g[u][v]["w"] for v in g[u]} for u in g}
    ours = yen_k_shortest(adj, 0, 29, 5, 30)
    ref = []
    for p in nx.shortest_simple_paths(g, 0, 29, weight="w"):
        ref.append(sum(g[a][b]["w"] for a, b in zip(p, p[1:], strict=False)))
        if len(ref) == 5:
            break
    assert [c for c, _ in ours] == pytest.approx(ref)


def test_no_path_within_limit_is_empty() -> None:
    assert yen_k_shortest(ADJ, "s", "t", 3, 1) == []


def bank_graph() -> LocalGraph:
    g = LocalGraph()
    for i, lab, name in [
        ("rm", "RelationshipManager", "王经理"),
        ("P", "Person", "张三"),
        ("T", "Company", "目标"),
        ("H", "Company", "香港中央结算有限公司"),
        ("Q", "Person", "李四"),
    ]:
        g.add_node(i, lab, name)
    g.add_edge("rm", "P", "KNOWS", {"strength": 0.8})
    g.add_edge("P", "T", "SERVES_AS", {"role": "chairman"})
    g.add_edge("rm", "H", "MANAGES", {})
    g.add_edge("H", "T", "HOLDS_SHARES", {"pct": 30.0})
    g.add_edge("rm", "Q", "KNOWS", {"strength": 0.5})
    g.add_edge("Q", "T", "SERVES_AS", {"role": "director"})
    return g


def test_contact_path_strength_and_nominee_cannot_carry() -> None:
    found = find_paths(bank_graph(), {"rm"}, "T", k=5, today=date(2024, 1, 1))
    assert [f.nodes for f in found] == [("rm", "P", "T"), ("rm", "Q", "T")]
    s_knows = 0.8 * (0.5 + 0.5)  # no last-contact date: recency 1
    i1, i2 = 0.9 * s_knows, 0.9 * 1.0
    assert found[0].score == pytest.approx(i1 * 0.85 * i2 * 0.85)


def test_hub_penalty() -> None:
    assert hub_factor(10, 30) == 1.0
    assert hub_factor(120, 30) == pytest.approx(0.5)
    cfg = PathConfig(hub_ref=1)
    g = bank_graph()
    base = find_paths(g, {"rm"}, "T", k=1)[0].score
    assert find_paths(g, {"rm"}, "T", k=1, cfg=cfg)[0].score == pytest.approx(
        base * math.sqrt(1 / 2)
    )
