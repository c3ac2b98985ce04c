"""Betweenness on arrays equals networkx's (exact and with sampled pivots)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from guanxi.scoring.betweenness import betweenness_arrays, dag_levels, dependencies


def _graph(seed: int, n: int = 120) -> sp.csr_matrix:
    g = nx.gnm_random_graph(n, 260, seed=seed)
    g.add_edges_from([(n - 1, n - 2), (5, 5)])  # a self loop is ignored
    m = nx.to_scipy_sparse_array(g, nodelist=range(n), format="csr")
    return sp.csr_matrix(m)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("k", [None, 17])
def test_equals_networkx(seed, k):
    m = _graph(seed)
    g = nx.from_scipy_sparse_array(sp.csr_matrix(m > 0, dtype=float))
    g.remove_edges_from(nx.selfloop_edges(g))
    ref = nx.betweenness_centrality(g, k=k, normalized=True, seed=7, weight=None)
    got = betweenness_arrays(m, k=k, seed=7)
    assert np.allclose(got, [ref[i] for i in range(m.shape[0])], rtol=1e-9, atol=1e-12)
    assert got.max() > 0


def test_hand_computed_path_and_square():
    # path 0-1-2-3: node 1 lies on (0,2), (0,3); node 2 on (0,3), (1,3) → 2 each, per ordered
    # pair both directions → dependency sums 4
    path = sp.csr_matrix(nx.to_scipy_sparse_array(nx.path_graph(4)))
    assert np.allclose(dependencies(path, np.arange(4)), [0, 4, 4, 0])
    # the square 0-1-2-3-0 from 0: two shortest paths to 2 (via 1 and via 3), each half
    sq = sp.csr_matrix(nx.to_scipy_sparse_array(nx.cycle_graph(4)))
    assert np.allclose(dependencies(sq, np.array([0])), [0, 0.5, 0, 0.5])


def test_dag_levels_are_the_shortest_path_arcs_of_each_hop():
    """Each level holds exactly the arcs u → v with d(v) = d(u) + 1 from the source, and a
    second component is never reached (its betweenness comes from its own pivots)."""
    g = nx.union(nx.gnm_random_graph(60, 150, seed=4), nx.path_graph(5), rename=("a", "b"))
    g = nx.convert_node_labels_to_integers(g)
    m = sp.csr_matrix(nx.to_scipy_sparse_array(g, nodelist=range(len(g)), format="csr"))
    ip, ix = m.indptr.astype(np.int64), m.indices.astype(np.int64)
    dist, slot = np.empty(len(g), dtype=np.int32), np.empty(len(g), dtype=np.int64)
    levels = dag_levels(ip, ix, 0, dist, slot)
    ref = nx.single_source_shortest_path_length(g, 0)
    assert {i: int(d) for i, d in enumerate(dist) if d >= 0} == ref
    want = {(u, v) for u, v in g.to_directed().edges if v in ref and ref[v] == ref[u] + 1}
    got = {(int(u), int(v)) for lu, lv in levels for u, v in zip(lu, lv, strict=True)}
    assert got == want
    assert all((dist[lu] == h).all() and (dist[lv] == h + 1).all()
               for h, (lu, lv) in enumerate(levels))  # fmt: skip
    assert (dist[60:] == -1).all()


def test_sources_split_across_processes_sum_to_the_one_process_figure():
    """The 2-process path (what 1M companies take: 4.2M nodes × 256 pivots) equals one
    process, for sampled and exact sources, and an uneven split (3 processes, 17 pivots)."""
    m = _graph(3)
    for k, workers in ((17, 2), (None, 2), (17, 3)):
        one = betweenness_arrays(m, k=k, seed=7, workers=1)
        split = betweenness_arrays(m, k=k, seed=7, workers=workers)
        assert one.max() > 0
        assert np.allclose(split, one, rtol=1e-12, atol=1e-15)
