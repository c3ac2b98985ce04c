"""Betweenness centrality on arrays: Brandes' algorithm run for a batch of sources at once
(level-synchronous breadth-first search as sparse × dense products), the hop-count
betweenness networkx computes — the same sampled pivots, the same normalisation — at a
fraction of its time and without a Python graph of millions of nodes (docs/scaling.md).
"""

from __future__ import annotations

import logging
import random

import numpy as np
import scipy.sparse as sp

__all__ = ["pivots", "dependencies", "betweenness_arrays"]

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
    Forward: ``sigma`` (shortest-path counts) level by level, ``next = A · frontier``; a node
    is reached at the first level where ``next > 0``. Backward (Brandes):
    ``delta_v = sum_{w: d(w) = d(v)+1, v~w} sigma_v / sigma_w (1 + delta_w)``. ``batch``
    sources share each product (default: as many as keep the ``n × batch`` arrays near
    160 MB). Each level multiplies only the rows next to its frontier, so a batch costs
    O(edges) rather than O(levels × edges).
    """
    n = adj.shape[0]
    a = sp.csr_matrix(adj, dtype=np.float64, copy=True)
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    b = batch or int(max(1, min(64, 2e7 // max(n, 1))))
    total = np.zeros(n)
    buf = np.zeros((n, b))
    for lo in range(0, len(sources), b):
        src = np.asarray(sources[lo : lo + b])
        k = len(src)
        cols = np.arange(k)
        dist = np.full((n, k), -1, np.int32)
        dist[src, cols] = 0
        sigma = np.zeros((n, k))
        sigma[src, cols] = 1.0
        levels = [np.unique(src)]
        while True:
            rows = levels[-1]
            buf[rows, :k] = np.where(dist[rows] == len(levels) - 1, sigma[rows], 0.0)
            near = np.unique(a[rows].indices)
            nxt = a[near] @ buf[:, :k]
            buf[rows, :k] = 0.0
            new = (nxt > 0) & (dist[near] < 0)
            hit = new.any(axis=1)
            if not hit.any():
                break
            near, new, nxt = near[hit], new[hit], nxt[hit]
            dist[near] = np.where(new, len(levels), dist[near])
            sigma[near] = np.where(new, nxt, sigma[near])
            levels.append(near)
        delta = np.zeros((n, k))
        for depth in range(len(levels) - 1, 0, -1):
            rows, up = levels[depth], levels[depth - 1]
            at = dist[rows] == depth
            buf[rows, :k] = np.where(at, (1.0 + delta[rows]) / np.where(at, sigma[rows], 1.0), 0)
            y = a[up] @ buf[:, :k]
            buf[rows, :k] = 0.0
            delta[up] += np.where(dist[up] == depth - 1, sigma[up] * y, 0.0)
        delta[src, cols] = 0.0
        total += delta.sum(axis=1)
    return total


def betweenness_arrays(adj: sp.csr_matrix, k: int | None = None, seed: int = 7) -> np.ndarray:
    """Normalised betweenness as ``networkx.betweenness_centrality(G, k, normalized=True,
    seed=seed)`` (networkx ≥ 3.5) gives it for the undirected graph of ``adj``: the
    dependency sum over the pivots divided by ``(n-1)(n-2)`` when exact; when sampled, by
    ``k(n-2)`` for a node that is no pivot and ``(k-1)(n-2)`` for a pivot (a pivot is never
    a source of a path through itself)."""
    n = adj.shape[0]
    if n < 3:
        return np.zeros(n)
    src = pivots(n, k, seed)
    dep = dependencies(adj, src)
    if len(src) == n:
        return dep / ((n - 1) * (n - 2))
    scale = np.full(n, 1.0 / (len(src) * (n - 2)))
    scale[src] = 1.0 / ((len(src) - 1) * (n - 2)) if len(src) > 1 else 0.0
    return dep * scale
