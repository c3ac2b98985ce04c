"""GNN pieces without a database: features, metrics, sampler, a tiny model that learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from guanxi.gnn.data import build_graph
from guanxi.gnn.evaluate import (
    auc,
    embed,
    evaluate_links,
    gnn_scorer,
    heuristic_scorers,
    hits_at_k,
    mrr,
)
from guanxi.gnn.features import FeatureSpec, company_features
from guanxi.gnn.pairs import PairFeatures
from guanxi.gnn.train import Plateau, TrainConfig, train


def test_metrics_by_hand() -> None:
    assert auc(np.array([3.0, 2.0]), np.array([1.0, 2.0])) == pytest.approx(0.875)
    assert hits_at_k(np.array([5.0, 0.05]), np.arange(60.0) / 100, k=50) == pytest.approx(0.5)
    assert mrr(np.array([1.0, 0.0]), np.array([[0.0, 0.5], [1.0, 1.0]])) == pytest.approx(
        (1.0 + 1 / 3) / 2
    )


def test_company_features_width_and_values() -> None:
    df = pd.DataFrame(
        {
            "id": ["a", "b"],
            "industry": ["x", None],
            "tags": ["high_tech;foo", None],
            "registered_capital": ["100", None],
            "founded": ["2010-01-01", None],
        }
    )
    x = company_features(df)
    assert x.shape == (2, FeatureSpec().company_dim)
    assert x[0, :64].sum() == 1 and x[1, :64].sum() == 0
    assert x[0, 96] == 1.0  # high_tech
    assert x[0, 104] == pytest.approx(np.log1p(100) / 20)


def test_pair_features_common_neighbours() -> None:
    # a-b, a-c, d-b, d-c: a and d share b and c
    edges = {("company", "r", "company"): np.array([[0, 0, 3, 3], [1, 2, 1, 2]])}
    pf = PairFeatures({"company": 4}, edges)
    cn, aa, ra = pf.scores("company", "company", np.array([0]), np.array([3]))[0, :3]
    assert cn == 2 and aa == pytest.approx(2 / np.log(2)) and ra == pytest.approx(1.0)


def _community_graph(n: int = 120, seed: int = 0):
    """Companies in 4 communities, dense inside; persons serving in one community each."""
    rng = np.random.default_rng(seed)
    comm = rng.integers(0, 4, n)
    comps = pd.DataFrame({"id": [f"C{i}" for i in range(n)], "industry": [f"ind{c}" for c in comm]})
    rows = []
    for _ in range(n * 4):
        a, b = rng.integers(0, n, 2)
        if comm[a] == comm[b] and a != b:
            rows.append((f"C{a}", "Company", f"C{b}", "Company", "SUPPLIES"))
    persons = pd.DataFrame({"id": [f"P{i}" for i in range(n)]})
    for p in range(n):
        c = rng.integers(0, 4)
        for b in rng.choice(np.nonzero(comm == c)[0], 3, replace=False):
            rows.append((f"P{p}", "Person", f"C{b}", "Company", "SERVES_AS"))
    edges = pd.DataFrame(
        rows, columns=["source_id", "source_label", "target_id", "target_label", "rel_type"]
    ).drop_duplicates()
    return comps, persons, edges


def test_tiny_model_learns_end_to_end() -> None:
    torch.set_num_threads(1)
    comps, persons, edges = _community_graph()
    held = edges.sample(frac=0.1, random_state=1)
    graph = build_graph(comps, persons, edges.drop(held.index))
    result = train(
        graph, TrainConfig(epochs=15, batch_size=64, hidden=32, out_dim=32, fanout=(5, 3), lr=1e-2)
    )
    assert result.losses[-1] < result.losses[0] * 0.9  # loss falls
    z = embed(result.model, graph.data)
    ets = {"__".join(e): e for e in graph.data.edge_types}
    positives = {}
    for rel, (st, dt) in (
        ("company__supplies__company", ("company", "company")),
        ("person__serves_as__company", ("person", "company")),
    ):
        part = held[held["rel_type"] == rel.split("__")[1].upper()]
        positives[rel] = (
            st,
            dt,
            graph.index(st, part["source_id"]),
            graph.index(dt, part["target_id"]),
        )
    scorers = {
        "gnn": gnn_scorer(result.model, z, result.pairs, ets),
        "common_neighbours": heuristic_scorers(result.pairs)["common_neighbours"],
    }
    res = evaluate_links(positives, {"company": 120, "person": 120}, scorers, n_neg=500)
    assert res["gnn"]["mean"]["auc"] > 0.65
    assert res["gnn"]["mean"]["auc"] > res["common_neighbours"]["mean"]["auc"]


def test_training_is_deterministic() -> None:
    torch.set_num_threads(1)
    comps, persons, edges = _community_graph(60, seed=3)
    graph = build_graph(comps, persons, edges)
    cfg = dict(epochs=2, batch_size=32, hidden=16, out_dim=16, fanout=(3, 2))
    a = train(graph, TrainConfig(**cfg)).losses
    b = train(graph, TrainConfig(**cfg)).losses
    assert a == b


def test_step_budget_stops_training_and_reports_progress() -> None:
    torch.set_num_threads(1)
    comps, persons, edges = _community_graph(60, seed=3)
    graph = build_graph(comps, persons, edges)
    seen: list[tuple[str, int, int]] = []
    cfg = dict(epochs=50, batch_size=16, hidden=16, out_dim=16, fanout=(3, 2), max_steps=7)
    result = train(graph, TrainConfig(**cfg), progress=lambda *a: seen.append(a))
    assert result.steps == 7 and len(result.losses) < 50
    assert seen == [("train", 1, 7)] * 7
    free = train(graph, TrainConfig(**{**cfg, "epochs": 2, "max_steps": None}))
    assert free.steps > 7 and len(free.losses) == 2


def test_plateau_stops_on_a_flat_window_mean_only() -> None:
    # falling by 5 % a window: never stops; flat after step 600: stops at the first check
    # whose window mean fell by less than 1 %; nothing before min_steps, off with window 0
    falling = Plateau(window=100, tol=0.01, min_steps=300)
    assert not any(falling.add(1.0 * 0.95 ** (i // 100)) for i in range(1000))
    flat = Plateau(window=100, tol=0.01, min_steps=300)
    stops = [i + 1 for i in range(1000) if flat.add(0.5 ** min(i // 100, 5))]
    assert stops and stops[0] == 700
    early = Plateau(window=100, tol=0.01, min_steps=500)
    assert [i + 1 for i in range(600) if early.add(0.3)] == [500, 600]
    off = Plateau(window=0, tol=0.01, min_steps=0)
    assert not any(off.add(0.3) for _ in range(500))
    # one noisy batch does not stop a run whose windows still fall
    noisy = Plateau(window=4, tol=0.01, min_steps=8)
    assert not any(noisy.add(x) for x in [1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 1.2])


def test_training_says_why_it_stopped() -> None:
    torch.set_num_threads(1)
    comps, persons, edges = _community_graph(60, seed=3)
    graph = build_graph(comps, persons, edges)
    cfg = dict(batch_size=16, hidden=16, out_dim=16, fanout=(3, 2), plateau_window=4,
               min_steps=8)  # fmt: skip
    # lr 0: the loss cannot fall, so the plateau stops the run at its first check
    flat = train(graph, TrainConfig(**cfg, epochs=50, lr=0.0, plateau_tol=0.5))
    assert (flat.stopped, flat.steps) == ("plateau", 8)
    capped = train(graph, TrainConfig(**cfg, epochs=50, max_steps=6))
    assert (capped.stopped, capped.steps) == ("budget", 6)
    off = train(graph, TrainConfig(**{**cfg, "plateau_window": 0}, epochs=2, lr=0.0,
                                   max_steps=None))  # fmt: skip
    assert off.stopped == "epochs" and off.steps > 8 and len(off.losses) == 2


def _two_type_pairs() -> PairFeatures:
    # 0 -r-> 1 only; 0 -r-> 2 and 0 -q-> 2; 0-3-4-1 a 3-path from 0 to 1
    edges = {
        ("company", "r", "company"): np.array([[0, 0, 3], [1, 2, 4]]),
        ("company", "q", "company"): np.array([[2, 0, 4], [0, 3, 1]]),
    }
    return PairFeatures({"company": 5}, edges)


def test_pair_link_flag_hides_the_predicted_type() -> None:
    pf = _two_type_pairs()
    r, q = ("company", "r", "company"), ("company", "q", "company")
    cols = pf.columns
    s, t = np.array([0, 0]), np.array([1, 2])
    link_r, link_q = cols.index("link_company__r__company"), cols.index("link_company__q__company")
    for_r = pf.scores("company", "company", s, t, r)
    assert for_r[:, link_r].tolist() == [0, 0]  # the predicted type never shows
    assert for_r[:, link_q].tolist() == [0, 1]  # 0-2 is also linked by q (reverse direction)
    for_q = pf.scores("company", "company", s, t, q)
    assert for_q[:, link_r].tolist() == [1, 1] and for_q[:, link_q].tolist() == [0, 0]


def test_features_for_several_types_from_one_scoring_match_and_are_symmetric() -> None:
    """learned_intimacy scores a pair once for all edge types and one orientation."""
    pf = _two_type_pairs()
    s, t = np.array([0, 0, 3, 1]), np.array([1, 2, 4, 4])
    raw = pf.scores("company", "company", s, t)
    for et in (("company", "r", "company"), ("company", "q", "company")):
        direct = pf.features("company", "company", s, t, et)
        assert torch.equal(pf.for_type(raw, et), direct)
        assert torch.equal(pf.features("company", "company", t, s, et), direct)


def test_leave_out_removes_only_the_pairs_own_relationship() -> None:
    pf = _two_type_pairs()
    r = ("company", "r", "company")
    s, t = np.array([0, 0]), np.array([1, 2])
    p3, ra3 = pf.columns.index("p3"), pf.columns.index("ra3")
    seen = pf.scores("company", "company", s, t, r)
    out = pf.scores("company", "company", s, t, r, leave_out=True)
    # 0-1 without its r edge: the only 3-path is 0-3-4-1 (degrees 2 and 2)
    assert out[0, p3] == 1 and out[0, ra3] == pytest.approx(1 / 4)
    assert seen[0, p3] > out[0, p3]  # walks through the edge itself are gone
    # 0-2 stays linked by q, so nothing is left out
    assert out[1].tolist() == seen[1].tolist()


def test_message_graph_recounts_degrees_without_dropped_edges() -> None:
    from guanxi.gnn.data import message_graph

    comps, persons, edges = _community_graph(40, seed=5)
    graph = build_graph(comps, persons, edges)
    data = graph.data
    et = ("person", "serves_as", "company")
    drop = {et: torch.ones(data[et].edge_index.shape[1], dtype=torch.bool)}
    mp = message_graph(data, drop)
    full = message_graph(data)
    # persons only serve in this graph: with every SERVES_AS gone their degree block is 0
    n_deg = 2 * len(data.edge_types)
    assert data["person"].x[:, -n_deg:].abs().sum() > 0
    assert mp["person"].x[:, -n_deg:].abs().sum() == 0
    assert torch.equal(full["person"].x, data["person"].x)  # nothing dropped, nothing changed


def test_closeness_counts_customers_but_never_the_company_itself() -> None:
    import scipy.sparse as sp

    from guanxi.gnn.propensity import closeness_features

    # companies 0-3 (offset 0), person 4: 0-1, 1-2, 0-4, 4-3; customers 1 and 3
    r, c = [0, 1, 0, 4], [1, 2, 4, 3]
    adj = sp.coo_matrix((np.ones(8), (r + c, c + r)), shape=(5, 5)).tocsr()
    customer = np.array([False, True, False, True])
    got = np.expm1(closeness_features(adj, 0, customer))
    # one hop: 0 sees 1; 1 none; 2 sees 1; 3 none. Two-hop walks to another customer:
    # 0 -> 4 -> 3; 1 -> 0 -> 1 is itself (not counted); 2 -> 1 -> 0 no; 3 -> 4 -> 0 no
    assert got[:, 0].tolist() == [1, 0, 1, 0]
    assert got[:, 1].tolist() == [1, 0, 0, 0]


def test_propensity_ranks_lookalikes_of_customers_first() -> None:
    from guanxi.gnn.propensity import fit_propensity

    rng = np.random.default_rng(3)
    x = rng.normal(size=(2000, 5))
    latent = 2.0 * x[:, 0] - 1.5 * x[:, 3]
    customer = latent + rng.logistic(size=2000) > 2.0
    p = fit_propensity(x, customer)
    assert p.shape == (2000,) and p.min() >= 0.0 and p.max() <= 1.0
    pool = ~customer
    top = np.argsort(-np.where(pool, p, -np.inf))[:100]
    # the 100 best-scored non-customers have a much higher latent propensity than the rest
    assert latent[top].mean() > latent[pool].mean() + 1.5
    assert (fit_propensity(x, np.zeros(2000, dtype=bool)) == 0).all()


def test_layerwise_embeddings_equal_the_whole_graph_forward() -> None:
    """``embed`` runs the encoder a layer and a chunk of destination nodes at a time (so 1M
    companies fit in memory); it must give what one forward pass over the whole graph
    gives, whatever the chunk (7: many chunks, some without edges; 10**6: one)."""
    from guanxi.gnn.data import message_graph

    torch.manual_seed(0)
    comps, persons, edges = _community_graph()
    graph = build_graph(comps, persons, edges)
    result = train(graph, TrainConfig(epochs=1, batch_size=64, hidden=16, out_dim=16))
    model = result.model.eval()
    mp = message_graph(graph.data)
    with torch.no_grad():
        whole = model.encoder(mp.x_dict, mp.edge_index_dict)
    for chunk in (7, 10**6):
        part = model.encoder.layerwise(mp.x_dict, mp.edge_index_dict, chunk=chunk)
        assert set(part) == set(whole)
        for t in whole:
            assert torch.allclose(part[t], whole[t], atol=1e-5), (t, chunk)
    z = embed(model, graph.data)
    assert all(torch.allclose(z[t], whole[t], atol=1e-5) for t in whole)


def test_three_path_features_do_not_depend_on_the_memory_budget() -> None:
    """``PairFeatures._three`` splits pairs by the size of their 2-hop products (hubs at 1M
    companies); the split must not change a value: a budget of 1 (one pair per product)
    against one product for all, on a graph with a hub and left-out direct links."""
    import scipy.sparse as sp

    from guanxi.gnn.pairs import PairFeatures

    rng = np.random.default_rng(5)
    n = 300
    r = np.r_[rng.integers(0, n, 1500), np.zeros(150, dtype=int)]  # node 0: a hub
    c = np.r_[rng.integers(0, n, 1500), rng.integers(1, n, 150)]
    pf = PairFeatures({"company": n}, {("company", "x", "company"): np.stack([r, c])})
    u, v = rng.integers(0, n, 400), rng.integers(0, n, 400)
    u[:20] = 0
    cut = rng.random(400) < 0.3
    for name in ("p3", "ra3"):
        b = pf._walk[name]
        whole = pf._three(b, pf.adj, u, v, cut, budget=10**12)
        assert np.allclose(pf._three(b, pf.adj, u, v, cut, budget=1), whole)
        assert np.allclose(pf._three(b, pf.adj, u, v, cut, budget=500), whole)
        assert whole.sum() > 0 and isinstance(b, sp.csr_matrix)
    full = pf.scores("company", "company", u, v)
    cheap = pf.scores("company", "company", u, v, three=False)
    assert np.array_equal(cheap[:, :3], full[:, :3]) and not cheap[:, 3:5].any()
    assert full[:, 3:5].any()


def test_three_path_features_of_repeated_sources_match_the_dense_product() -> None:
    """Pairs sharing a source (MRR's 100 targets per source, a node's pairs in the
    write-back) reuse that source's 2-hop row; each value is still ``(B[u] @ B) · A[v]``,
    checked against dense matrices, and FastRP is not made until the baseline asks."""
    rng = np.random.default_rng(11)
    n = 200
    r = np.r_[rng.integers(0, n, 900), np.zeros(80, dtype=int)]  # node 0: a hub
    c = np.r_[rng.integers(0, n, 900), rng.integers(1, n, 80)]
    pf = PairFeatures({"company": n}, {("company", "x", "company"): np.stack([r, c])})
    assert "frp" not in vars(pf)
    u = np.repeat(rng.integers(0, n, 30), 40)
    u[:40] = 0
    v = rng.integers(0, n, len(u))
    out = pf.scores("company", "company", u, v)
    a = pf.adj.toarray()
    for col, name in ((3, "p3"), (4, "ra3")):
        b = pf._walk[name].toarray()
        expect = np.maximum(((b[u] @ b) * a[v]).sum(1), 0.0)
        assert np.allclose(out[:, col], expect) and expect.sum() > 0
    # left out (training pairs): B'[u] = B[u] - b_uv e_v, then (B'[u] @ B) · A[v] less the
    # walks that come back to u, made here densely, one pair at a time
    cut = np.ones(len(u), dtype=bool)
    for name in ("p3", "ra3"):
        b = pf._walk[name].toarray()
        expect = []
        for x, y in zip(u, v, strict=True):
            first = b[x].copy()
            first[y] = 0.0
            two = first @ b
            expect.append(max(two @ a[y] - two[x], 0.0))
        got = pf._three(pf._walk[name], pf.adj, u, v, cut)
        assert np.allclose(got, expect) and not np.allclose(got, out[:, 3 if name == "p3" else 4])
    base = heuristic_scorers(pf)
    assert "frp" not in vars(pf)  # the baselines make it when the FastRP one is asked
    assert base["fastrp"]("company", "company", "x", u[:5], v[:5]).shape == (5,)
    assert pf.frp.shape == (n, 64) and "frp" in vars(pf)
