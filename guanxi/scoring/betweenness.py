"""Betweenness centrality on arrays: Brandes' algorithm per source on the arcs of its
shortest-path DAG (distances from scipy's breadth-first search), the hop-count
betweenness networkx computes — the same sampled pivots, the same normalisation — at a
fraction of its time and without a Python graph of millions of nodes (docs/scaling.md).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["pivots", "dependencies", "parallel_dependencies", "betweenness_arrays",
           "PARALLEL_WORK"]  # fmt: skip

log = logging.getLogger(__name__)


def pivots(n: int, k: int | None, seed: int = 7) -> np.ndarray:
    """The sources: all ``n`` nodes, or the ``k`` networkx samples with ``seed``
    (``random.Random(seed).sample(range(n), k)``)."""
    if k is None or k >= n:
        return np.arange(n)
    return np.asarray(random.Random(seed).sample(list(range(n)), k))


def dependencies(adj: sp.csr_matrix, sources: np.ndarray, batch: int | None = None) -> np.ndarray:
    """``sum_s delta_s(v)`` over ``sources`` on the undirected, unweighted graph ``adj``
    (symmetric structure; weights and the diagonal ignored).

    Notes
    -----
    Hop distances from a batch of sources come from scipy's breadth-first search (C); per
    source, the shortest-path DAG is the set of arcs ``u → v`` with ``d(v) = d(u) + 1``,
    sorted by level. Forward: ``sigma_v = sum sigma_u`` over its DAG arcs, level by level;
    backward (Brandes): ``delta_u += sigma_u / sigma_v · (1 + delta_v)``, deepest level
    first. Each source costs O(arcs); ``batch`` sources share one distance call (default:
    as many as keep the ``batch × n`` distances near 160 MB).
    """
    n = adj.shape[0]
    a = sp.csr_matrix(adj, dtype=np.float64, copy=True)
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    arcs = a.tocoo()
    r, c = arcs.row.astype(np.int64), arcs.col.astype(np.int64)
    b = batch or int(max(1, min(64, 2e7 // max(n, 1))))
    total = np.zeros(n)
    for lo in range(0, len(sources), b):
        src = np.asarray(sources[lo : lo + b])
        dist = csgraph.shortest_path(a, method="D", unweighted=True, indices=src)
        for s, d in zip(src, np.atleast_2d(dist), strict=True):
            du = d[r]
            ok = np.isfinite(du) & (d[c] == du + 1)
            lev = du[ok].astype(np.int64)
            o = np.argsort(lev, kind="stable")
            u, v, lev = r[ok][o], c[ok][o], lev[o]
            cuts = np.searchsorted(lev, np.arange((lev[-1] + 2) if len(lev) else 1))
            sigma = np.zeros(n)
            sigma[s] = 1.0
            for i in range(len(cuts) - 1):
                np.add.at(sigma, v[cuts[i] : cuts[i + 1]], sigma[u[cuts[i] : cuts[i + 1]]])
            delta = np.zeros(n)
            for i in range(len(cuts) - 2, -1, -1):
                uu, vv = u[cuts[i] : cuts[i + 1]], v[cuts[i] : cuts[i + 1]]
                np.add.at(delta, uu, sigma[uu] / sigma[vv] * (1.0 + delta[vv]))
            delta[s] = 0.0
            total += delta
    return total


#: Work (nodes × sources) from which the sources are split across processes: below it a
#: process's start costs more than it saves (1M companies: 4.2M nodes × 256 pivots, 17 min
#: on one core)
PARALLEL_WORK = 50_000_000


def parallel_dependencies(adj: sp.csr_matrix, sources: np.ndarray, workers: int) -> np.ndarray:
    """:func:`dependencies` with ``sources`` split across ``workers`` processes (spawned:
    no fork of a process with driver threads), the partial sums added in source order."""
    parts = [p for p in np.array_split(sources, workers) if len(p)]
    if len(parts) < 2:
        return dependencies(adj, sources)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=ctx) as pool:
        sums = list(pool.map(dependencies, [adj] * len(parts), parts))
    return np.sum(sums, axis=0)


def betweenness_arrays(
    adj: sp.csr_matrix, k: int | None = None, seed: int = 7, workers: int | None = None
) -> np.ndarray:
    """Normalised betweenness as ``networkx.betweenness_centrality(G, k, normalized=True,
    seed=seed)`` (networkx ≥ 3.5) gives it for the undirected graph of ``adj``: the
    dependency sum over the pivots divided by ``(n-1)(n-2)`` when exact; when sampled, by
    ``k(n-2)`` for a node that is no pivot and ``(k-1)(n-2)`` for a pivot (a pivot is never
    a source of a path through itself). ``workers``: processes for the sources (default:
    one per core when the work reaches :data:`PARALLEL_WORK`, else one)."""
    n = adj.shape[0]
    if n < 3:
        return np.zeros(n)
    src = pivots(n, k, seed)
    if workers is None:
        workers = (os.cpu_count() or 1) if n * len(src) >= PARALLEL_WORK else 1
    dep = parallel_dependencies(adj, src, workers) if workers > 1 else dependencies(adj, src)
    if len(src) == n:
        return dep / ((n - 1) * (n - 2))
    scale = np.full(n, 1.0 / (len(src) * (n - 2)))
    scale[src] = 1.0 / ((len(src) - 1) * (n - 2)) if len(src) > 1 else 0.0
    return dep * scale
