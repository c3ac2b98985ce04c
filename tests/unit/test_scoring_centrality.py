"""PageRank, betweenness and weighted degree against hand values and networkx."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

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
