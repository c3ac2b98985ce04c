"""Yen k shortest loopless paths with a hop limit, and the contact-path search."""

import math
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from guanxi.scoring.path_index import PathIndex
from guanxi.scoring.path_search import PathConfig, hub_factor
from guanxi.scoring.path_search import search as fast_search
from guanxi.scoring.yen import constrained_dijkstra, yen_k_shortest
from tests.oracles.paths import find_paths

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


NODES = [
    ("rm", "RelationshipManager", "王经理", True),
    ("P", "Person", "张三", False),
    ("T", "Company", "目标", False),
    ("H", "Company", "香港中央结算有限公司", False),
    ("Q", "Person", "李四", False),
]
EDGES = [
    ("rm", "P", "KNOWS", {"strength": 0.8}),
    ("P", "T", "SERVES_AS", {"role": "chairman"}),
    ("rm", "H", "MANAGES", {}),
    ("H", "T", "HOLDS_SHARES", {"pct": 30.0}),
    ("rm", "Q", "KNOWS", {"strength": 0.5}),
    ("Q", "T", "SERVES_AS", {"role": "director"}),
]


def bank_index(nodes=NODES, edges=EDGES, key_contacts=()) -> PathIndex:
    n = pd.DataFrame(nodes, columns=["id", "label", "name", "customer"]).assign(nominee=False)
    e = pd.DataFrame([{"source_id": a, "target_id": b, "rel_type": t, **p} for a, b, t, p in edges])
    kc = pd.DataFrame(list(key_contacts), columns=["company_id", "person_id", "score"])
    return PathIndex.from_frames(n, e, kc, today=date(2024, 1, 1))


def search(ix: PathIndex, k: int = 5, cfg: PathConfig = PathConfig(), origins=None):
    """The reference search on the Ball, checked against the array fast path."""
    ref = find_paths(ix.ball("T", origins, cfg.max_hops), "T", k, cfg)
    fast = fast_search(ix, "T", origins, k, cfg)
    assert [f.nodes for f in fast] == [f.nodes for f in ref]
    assert [f.score for f in fast] == pytest.approx([f.score for f in ref], rel=1e-9)
    return ref


def test_fast_search_equals_the_reference_on_a_random_network() -> None:
    rng = np.random.default_rng(5)
    labels = rng.choice(["Company", "Person", "RelationshipManager"], 300, p=[0.5, 0.45, 0.05])
    nodes = [(f"N{i}", lab, f"名{i}", lab == "Company" and rng.random() < 0.2)
             for i, lab in enumerate(labels)]  # fmt: skip
    kinds = [
        ("KNOWS", lambda: {"strength": float(rng.random())}),
        ("SERVES_AS", lambda: {"role": str(rng.choice(["chairman", "director", "cfo"]))}),
        ("HOLDS_SHARES", lambda: {"pct": float(rng.uniform(1, 60))}),
        ("SUPPLIES", lambda: {"amount": float(rng.uniform(1e6, 1e9)), "share": 0.3}),
    ]
    edges = []
    for _ in range(900):
        a, b = rng.choice(300, 2, replace=False)
        kind, props = kinds[rng.integers(len(kinds))]
        edges.append((f"N{a}", f"N{b}", kind, props()))
    companies = [n for n, lab, _, _ in nodes if lab == "Company"]
    people = [n for n, lab, _, _ in nodes if lab == "Person"]
    kc = [(c, p, float(rng.random())) for c in companies[:60] for p in rng.choice(people, 2)]
    ix = bank_index(nodes, edges, kc)
    rms = [n for n, lab, _, _ in nodes if lab == "RelationshipManager"][:3]
    found = 0
    for target in [n for n, _, _, _ in nodes[:120]]:
        for origins in (None, rms):
            for cfg in (PathConfig(), PathConfig(max_hops=3, mega_hub=8, hub_ref=3)):
                ref = find_paths(ix.ball(target, origins, cfg.max_hops), target, 4, cfg)
                fast = fast_search(ix, target, origins, 4, cfg)
                assert [f.nodes for f in fast] == [f.nodes for f in ref], target
                assert [f.score for f in fast] == pytest.approx([f.score for f in ref], rel=1e-9)
                found += len(ref)
    assert found > 300  # the comparison covered many real paths


def test_index_strength_is_noisy_or_of_the_pair() -> None:
    ix = bank_index(edges=[*EDGES, ("P", "T", "HOLDS_SHARES", {"pct": 50.0})])
    p, t = ix.pos["P"], ix.pos["T"]
    row = ix.indices[ix.indptr[p] : ix.indptr[p + 1]].tolist()
    w = float(ix.strength[ix.indptr[p] + row.index(t)])
    assert w == pytest.approx(1 - (1 - 0.9 * 1.0) * (1 - 0.9 * 1.0), rel=1e-6)
    assert ix.degree[p] == 3 and ix.degree[t] == 4


def test_contact_path_strength_and_nominee_cannot_carry() -> None:
    found = search(bank_index(), origins=["rm"])
    assert [f.nodes for f in found] == [("rm", "P", "T"), ("rm", "Q", "T")]
    s_knows = 0.8 * (0.5 + 0.5)  # no last-contact date: recency 1
    i1, i2 = 0.9 * s_knows, 0.9 * 1.0
    assert found[0].score == pytest.approx(i1 * 0.85 * i2 * 0.85, rel=1e-6)


def test_bank_wide_origins_are_rms_and_customers() -> None:
    nodes = [*NODES, ("C", "Company", "客户甲", True)]
    edges = [*EDGES, ("C", "T", "SUPPLIES", {"amount": 5e8, "share": 0.5})]
    ball = bank_index(nodes, edges).ball("T", None, 4)
    assert ball.origins == {"rm", "C"}
    found = find_paths(ball, "T", 5)
    partner = next(f for f in found if f.nodes == ("C", "T"))
    w_supply = 0.7 * (1 - math.exp(-10))  # saturate(5e8, 5e7)
    assert partner.score == pytest.approx(w_supply * 0.85 * PathConfig().partner_factor, rel=1e-6)
    assert found[0].nodes[-2] == "P"  # a person path beats the partner introduction


def test_key_contacts_win_the_last_hop() -> None:
    # Q (director) is the stored top key contact, P (chairman) is not a key contact at all
    ix = bank_index(key_contacts=[("T", "Q", 0.9)])
    found = search(ix, origins=["rm"])
    assert found[0].nodes == ("rm", "Q", "T")
    cfg = PathConfig()
    p_path = next(f for f in found if f.nodes == ("rm", "P", "T"))
    assert p_path.score == pytest.approx(0.9 * 0.8 * 0.85 * 0.9 * 0.85 * cfg.person_factor)


def test_key_contacts_weigh_by_their_score_relative_to_the_top() -> None:
    # P (chairman, key-contact score 0.8) and Q (director, 0.4): P's last hop counts 1,
    # Q's (0.4/0.8)^2 = 0.25 of its intimacy
    ix = bank_index(key_contacts=[("T", "P", 0.8), ("T", "Q", 0.4)])
    assert ix.ball("T", ["rm"], 4).key_contacts == {"P": 1.0, "Q": 0.5}
    found = {f.nodes: f.score for f in search(ix, origins=["rm"])}
    s_p = 0.9 * 0.8 * 0.85 * 0.9 * 0.85
    s_q = 0.9 * 0.5 * 0.85 * 0.9 * 0.6 * 0.85 * 0.25  # a director's seniority is 0.6
    assert found[("rm", "P", "T")] == pytest.approx(s_p, rel=1e-6)
    assert found[("rm", "Q", "T")] == pytest.approx(s_q, rel=1e-6)


def test_hop_limit_and_unexpanded_hubs() -> None:
    # rm -> A -> B -> C -> D -> T is 5 hops: nothing within 4
    nodes = [
        ("rm", "RelationshipManager", "r", True),
        *[(x, "Person", x, False) for x in "ABCD"],
        ("T", "Company", "t", False),
    ]
    chain = ["rm", "A", "B", "C", "D", "T"]
    edges = [(a, b, "KNOWS", {"strength": 1.0}) for a, b in zip(chain, chain[1:], strict=False)]
    assert search(bank_index(nodes, edges), origins=["rm"]) == []
    assert len(search(bank_index(nodes, edges), cfg=PathConfig(max_hops=5), origins=["rm"])) == 1


def test_hub_penalty() -> None:
    assert hub_factor(10, 30) == 1.0
    assert hub_factor(120, 30) == pytest.approx(0.5)
    cfg = PathConfig(hub_ref=1)
    ix = bank_index()
    base = search(ix, 1, origins=["rm"])[0].score
    assert search(ix, 1, cfg, origins=["rm"])[0].score == pytest.approx(base * math.sqrt(1 / 2))


def test_index_version_is_rechecked_after_the_interval_or_a_local_write(monkeypatch) -> None:
    from dataclasses import replace

    from guanxi.config import Settings
    from guanxi.scoring import path_index_cache as pi

    class FakeClient:
        writes = 0
        database = "neo4j"

        def __init__(self, check_s: float) -> None:
            self.settings = Settings(path_index_check_s=check_s, neo4j_uri="bolt://fake:1")
            self.version_reads = 0
            self.version = ("a", 1, 1)

        def read(self, name: str, **_):
            assert name == "admin.graph_version"
            self.version_reads += 1
            s, n, r = self.version
            return [{"stamp": s, "nodes": n, "relationships": r}]

    built = []
    monkeypatch.setattr(
        pi, "_build", lambda c, v: built.append(v) or replace(bank_index(), version=v)
    )
    clock = [100.0]
    monkeypatch.setattr(pi.time, "monotonic", lambda: clock[0])
    pi.clear_index()
    c = FakeClient(check_s=1.0)
    first = pi.get_index(c)
    assert pi.get_index(c) is first and c.version_reads == 1  # trusted within the interval
    clock[0] += 1.5
    pi.get_index(c)
    assert c.version_reads == 2 and len(built) == 1  # re-read, unchanged: not rebuilt
    c.version = ("b", 2, 2)
    FakeClient.writes += 1  # a write by this process: seen at once
    pi.get_index(c)
    assert c.version_reads == 3 and built == [("a", 1, 1), ("b", 2, 2)]
    every = FakeClient(check_s=0.0)
    pi.clear_index()
    for _ in range(3):
        pi.get_index(every)
    assert every.version_reads == 3
    pi.clear_index()


def test_one_caller_rechecks_the_version_while_the_others_use_the_index(monkeypatch) -> None:
    import threading
    from dataclasses import replace

    from guanxi.config import Settings
    from guanxi.scoring import path_index_cache as pi

    reading, release = threading.Event(), threading.Event()

    class SlowClient:
        writes = 0
        database = "neo4j"
        settings = Settings(path_index_check_s=1.0, neo4j_uri="bolt://slow:1")
        reads = 0

        def read(self, name: str, **_):
            SlowClient.reads += 1
            if SlowClient.reads > 1:  # the re-check: hold it until the others have run
                reading.set()
                assert release.wait(10)
            return [{"stamp": "a", "nodes": 1, "relationships": 1}]

    monkeypatch.setattr(pi, "_build", lambda c, v: replace(bank_index(), version=v))
    clock = [100.0]
    monkeypatch.setattr(pi.time, "monotonic", lambda: clock[0])
    pi.clear_index()
    c = SlowClient()
    first = pi.get_index(c)
    clock[0] += 5  # the check is due for everyone
    checker = threading.Thread(target=pi.get_index, args=(c,))
    checker.start()
    assert reading.wait(10)
    others = [pi.get_index(c) for _ in range(5)]  # do not wait for, nor repeat, the check
    release.set()
    checker.join(10)
    assert all(o is first for o in others) and SlowClient.reads == 2
    SlowClient.writes += 1  # after a write of its own a caller reads the version itself
    pi.get_index(c)
    assert SlowClient.reads == 3
    pi.clear_index()


def test_origin_ids_are_read_once_per_graph_version() -> None:
    from guanxi.errors import NotFound
    from guanxi.scoring import contact_paths as intro

    class Fake:
        reads = 0

        def read(self, name: str, origin: str) -> list[dict]:
            self.reads += 1
            return {"HO": [{"id": "RM2"}, {"id": "RM1"}, {"id": None}], "RM9": []}.get(origin, [])

    rms = [("RM1", "RelationshipManager", "甲", False), ("RM2", "RelationshipManager", "乙", False)]
    knows = [("RM1", "RM2", "KNOWS", {"strength": 0.5})]
    v1, v2 = bank_index(rms, knows), bank_index(rms, knows)  # two graph versions
    c = Fake()

    def origin_ids(ix: PathIndex, origin: str) -> list[str]:
        return sorted(ix.ids[i] for i in intro._origin_positions(c, ix, origin))

    assert origin_ids(v1, "HO") == ["RM1", "RM2"]
    assert origin_ids(v1, "HO") == ["RM1", "RM2"]
    assert c.reads == 1
    assert origin_ids(v2, "HO") == ["RM1", "RM2"]  # the graph changed
    assert c.reads == 2
    with pytest.raises(NotFound):
        intro._origin_positions(c, v2, "NOPE")


@pytest.mark.parametrize("seed", range(6))
def test_yen_with_a_hop_limit_matches_networkx_enumeration(seed: int) -> None:
    """k up to 12 with a hop limit (Lawler's shortcut skips spur nodes): the costs are the
    12 cheapest of every simple path within the limit, enumerated by networkx."""
    g = nx.gnp_random_graph(25, 0.25, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    for u, v in g.edges:
        g[u][v]["w"] = float(rng.integers(1, 6))  # small integers: many exact ties
    adj = {u: {v: g[u][v]["w"] for v in g[u]} for u in g}
    for hops in (2, 3, 4):
        ours = yen_k_shortest(adj, 0, 24, 12, hops)
        every = sorted(
            sum(g[a][b]["w"] for a, b in zip(p, p[1:], strict=False))
            for p in nx.all_simple_paths(g, 0, 24, cutoff=hops)
        )
        assert [c for c, _ in ours] == pytest.approx(every[:12])
        assert len({tuple(p) for _, p in ours}) == len(ours)
        assert all(len(p) - 1 <= hops for _, p in ours)
