"""PageRank, betweenness and weighted degree against hand values and networkx."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from guanxi.scoring.centrality import betweenness, centrality_frame, pagerank, weighted_degree
from guanxi.scoring.projection import Projection


def star() -> Projection:
    edges = pd.DataFrame(
        {"source_id": ["c", "c", "c"], "target_id": ["a", "b", "d"], "weight": [1.0, 1.0, 2.0]}
    )
    return Projection.from_edges(edges)


def test_pagerank_matches_networkx_weighted() -> None:
    p = star()
    ours = pagerank(p.matrix) / len(p.ids)
    g = nx.from_scipy_sparse_array(p.matrix)
    ref = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-13, max_iter=5000)
    assert ours == pytest.approx([ref[i] for i in range(len(p.ids))], abs=1e-8)
    assert pagerank(p.matrix).mean() == pytest.approx(1.0)


def _random_graph(seed: int, n: int = 300) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    s, t = rng.integers(0, n - 20, 900), rng.integers(0, n - 20, 900)
    w = rng.uniform(0.1, 3.0, 900)
    # a bipartite star (eigenvalue -1 of P) and isolated (dangling) nodes at the end
    s = np.concatenate([s, [n - 20] * 5])
    t = np.concatenate([t, np.arange(n - 19, n - 14)])
    w = np.concatenate([w, np.ones(5)])
    return sp.csr_matrix((w, (s, t)), shape=(n, n))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_chebyshev_pagerank_equals_power_iteration_and_networkx(seed: int) -> None:
    a = _random_graph(seed)
    m = sp.csr_matrix(a + a.T)
    fast = pagerank(m)  # symmetric: Chebyshev
    power = pagerank(m, symmetric=False)
    g = nx.from_scipy_sparse_array(m)
    ref = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-14, max_iter=5000)
    n = m.shape[0]
    assert fast == pytest.approx(power, abs=1e-7)
    assert fast == pytest.approx(np.array([ref[i] for i in range(n)]) * n, abs=1e-7)
    assert fast.mean() == pytest.approx(1.0)


def test_directed_pagerank_uses_power_iteration_and_matches_networkx() -> None:
    m = _random_graph(4)  # not symmetric
    ours = pagerank(m)
    g = nx.from_scipy_sparse_array(m, create_using=nx.DiGraph)
    ref = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-14, max_iter=5000)
    assert ours == pytest.approx(np.array([ref[i] for i in range(m.shape[0])]) * 300, abs=1e-7)


def test_path_betweenness_exact_and_sampled() -> None:
    edges = pd.DataFrame({"source_id": ["a", "b", "c"], "target_id": ["b", "c", "d"]})
    p = Projection.from_edges(edges)
    bt = dict(zip(p.ids, betweenness(p.matrix), strict=True))
    # path a-b-c-d: b lies on (a,c),(a,d) -> 2 of 3 pairs
    assert bt["b"] == pytest.approx(2 / 3)
    assert bt["a"] == 0
    assert len(betweenness(p.matrix, exact_limit=2, pivots=4)) == 4


def test_weighted_degree_sums_parallel_edges() -> None:
    edges = pd.DataFrame({"source_id": ["a", "a"], "target_id": ["b", "b"], "weight": [1.0, 0.5]})
    p = Projection.from_edges(edges)
    assert weighted_degree(p.matrix) == pytest.approx([1.5, 1.5])
    df = centrality_frame(p)
    assert list(df.columns) == ["node_id", "pagerank", "betweenness", "weighted_degree"]
    assert np.allclose(df.pagerank, 1.0)
