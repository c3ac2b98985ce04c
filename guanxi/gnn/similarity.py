"""The lookalike vector: a company's profile beside what its network says about it.

"A company like this one" is partly its own profile (industry, region, tags, size) and
partly its place in the network: the kinds of firms it buys from and sells to (its
position in a supply chain), the portfolios of its investors and who they are. The
vector behind the ``company_embedding`` index is a concatenation of blocks, each reduced
(PCA / truncated SVD), made unit length and weighted, then L2-normalised as a whole:

==========  ======  ======  ==============================================================
block       width   weight  what it encodes
==========  ======  ======  ==============================================================
profile     24      1.3     own attributes (feature spec without degrees and centrality)
position    8       1.5     supply-chain position (:func:`chain_position`)
suppliers   6       0.6     mean profile of its suppliers (``SUPPLIES`` into it)
buyers      6       0.6     mean profile of its buyers (``SUPPLIES`` out of it)
investors   6       0.6     mean portfolio profile of its holders (what else they hold)
holders     6       0.6     truncated SVD of the idf-weighted company × holder incidence
network     8       0.3     PCA of the trained GNN embedding (zeros before any training)
==========  ======  ======  ==============================================================

Widths and weights were chosen on the synthetic 3k network of ``benchmarks/lookalikes.py``
(docs/gnn.md has the table).

Because the blocks are disjoint slices of one unit vector, the cosine of two companies is
the sum of the blocks' dot products, so each block's share of a lookalike's score is exact
(``gnn.lookalikes`` computes it from :data:`BLOCKS`). A block with nothing to say (no
suppliers, no holders) is all zeros and adds nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

if TYPE_CHECKING:  # no torch at import: apps.py (the API's lookalikes) reads BLOCKS only
    from guanxi.gnn.data import GraphData

__all__ = ["BLOCKS", "WEIGHTS", "block_slices", "profile_matrix", "mean_over", "reduce_block",
           "combine_blocks", "network_blocks", "lookalike_vectors"]  # fmt: skip

log = logging.getLogger(__name__)

#: (block, width) in the order of the stored vector; widths sum to the index's 64.
BLOCKS: tuple[tuple[str, int], ...] = (
    ("profile", 24), ("position", 8), ("suppliers", 6), ("buyers", 6), ("investors", 6),
    ("holders", 6), ("network", 8),
)  # fmt: skip
_W = dict(BLOCKS)
#: weight of each block (its length in the concatenation before the final normalisation)
WEIGHTS: dict[str, float] = {
    "profile": 1.3, "position": 1.5, "suppliers": 0.6, "buyers": 0.6, "investors": 0.6,
    "holders": 0.6, "network": 0.3,
}  # fmt: skip


def block_slices() -> list[dict[str, object]]:
    """``[{kind, start, end}]`` of :data:`BLOCKS` (``end`` exclusive), for the query."""
    out, at = [], 0
    for name, width in BLOCKS:
        out.append({"kind": name, "start": at, "end": at + width})
        at += width
    return out


def profile_matrix(graph: GraphData) -> np.ndarray:
    """The company attribute block of the feature spec: industry, region, tags, size, R&D,
    founded, flags (no centrality, no degree statistics)."""
    return graph.data["company"].x.numpy()[:, : graph.spec.company_dim - 2].astype(np.float64)


def mean_over(src: np.ndarray, dst: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values[src]`` per ``dst`` node (``n`` rows; zeros where none).

    Examples
    --------
    >>> mean_over(np.array([0, 1]), np.array([2, 2]), np.array([[1.0], [3.0]]), 3)[:, 0]
    array([0., 0., 2.])
    """
    # a sparse product, not ``np.add.at`` over ``values[src]``, which copied every holding's
    # row: with it the lookalike vectors of 1M companies peaked at 15.3 GB (docs/gnn.md)
    pick = sp.csr_matrix((np.ones(len(src)), (dst, src)), shape=(n, len(values)))
    out = np.asarray(pick @ values, dtype=np.float64)
    out /= np.maximum(np.bincount(dst, minlength=n), 1)[:, None]
    return out


def reduce_block(a: np.ndarray | sp.spmatrix, width: int, center: bool = True) -> np.ndarray:
    """``width`` principal directions of the non-empty rows, rows made unit length; empty
    rows (all zeros) stay zeros. ``center=False`` for sparse incidence (truncated SVD)."""
    dense = not sp.issparse(a)
    rows = np.asarray(abs(a).sum(1)).ravel() > 0
    out = np.zeros((a.shape[0], width))
    if rows.sum() <= 1:
        return out
    m = a[rows]
    k = min(width, min(m.shape) - 1)
    if dense:
        m = m - m.mean(0) if center else m
        vals, vecs = np.linalg.eigh(m.T @ m)
        proj = m @ vecs[:, ::-1][:, :k]
    elif k >= 1:
        u, s, _ = svds(m.astype(np.float64), k=k, random_state=0)
        proj = u * s
    else:
        return out
    out[rows, : proj.shape[1]] = proj
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return np.where(norm > 1e-12, out / np.maximum(norm, 1e-12), 0.0)


def combine_blocks(blocks: dict[str, np.ndarray], weights: dict[str, float] | None = None
                   ) -> np.ndarray:  # fmt: skip
    """``[w_b · block_b]`` in :data:`BLOCKS` order, L2-normalised (float32); missing blocks
    are zeros. Cosine of two results = Σ_b w_b² ⟨u_b, v_b⟩ / (‖u‖ ‖v‖)."""
    weights = weights or WEIGHTS
    n = len(next(iter(blocks.values())))
    parts = [weights.get(name, 0.0) * blocks[name] if name in blocks else np.zeros((n, width))
             for name, width in BLOCKS]  # fmt: skip
    v = np.hstack(parts)
    return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def chain_position(src: np.ndarray, dst: np.ndarray, n: int, hops: int = 3) -> np.ndarray:
    """Where a company sits in its supply chains: its supply in/out degrees (log1p and
    whether any), then ``hops`` rounds of appending the mean of that vector over its
    suppliers and over its buyers (a Weisfeiler-Lehman colour refinement, averaged).

    Examples
    --------
    >>> p = chain_position(np.array([0, 1]), np.array([1, 2]), 3, hops=1)
    >>> p[1, :4].tolist() == [np.log1p(1), np.log1p(1), 1.0, 1.0]  # in, out, has in/out
    True
    """
    ind, outd = np.bincount(dst, minlength=n), np.bincount(src, minlength=n)
    p = np.stack([np.log1p(ind), np.log1p(outd), ind > 0, outd > 0], axis=1).astype(float)
    for _ in range(hops):
        p = np.hstack([p, mean_over(src, dst, p, n), mean_over(dst, src, p, n)])
    return p


def network_blocks(graph: GraphData) -> dict[str, np.ndarray]:
    """The profile block and the four blocks read from the graph (all but ``network``)."""
    n = graph.data["company"].num_nodes
    prof = profile_matrix(graph)
    sup = graph.edge_index("SUPPLIES", "Company", "Company")
    blocks = {
        "profile": reduce_block(prof, _W["profile"]),
        "position": reduce_block(chain_position(sup[0], sup[1], n), _W["position"]),
        "suppliers": reduce_block(mean_over(sup[0], sup[1], prof, n), _W["suppliers"]),
        "buyers": reduce_block(mean_over(sup[1], sup[0], prof, n), _W["buyers"]),
    }
    # holders as one index space: companies first, persons after
    hc = graph.edge_index("HOLDS_SHARES", "Company", "Company")
    hp = graph.edge_index("HOLDS_SHARES", "Person", "Company")
    npers = graph.data["person"].num_nodes
    holder = np.concatenate([hc[0], hp[0] + n])
    held = np.concatenate([hc[1], hp[1]])
    # what each holder holds, one row per holder (not per node: 4.2M rows at 1M companies)
    holders, at = np.unique(holder, return_inverse=True)
    portfolio = mean_over(held, at, prof, len(holders))
    blocks["investors"] = reduce_block(mean_over(at, held, portfolio, n), _W["investors"])
    del portfolio
    if len(holder):
        # idf: a holder of many companies says less about each (custodians, state funds)
        deg = np.bincount(holder, minlength=n + npers)
        w = np.log1p(len(np.unique(held)) / np.maximum(deg[holder], 1))
        inc = sp.csr_matrix((w, (held, holder)), shape=(n, n + npers))
        blocks["holders"] = reduce_block(inc, _W["holders"], center=False)
    return blocks


def lookalike_vectors(graph: GraphData, z: np.ndarray | None = None,
                      weights: dict[str, float] | None = None) -> np.ndarray:  # fmt: skip
    """The company vectors behind the index (module doc); ``z``: GNN company embeddings."""
    blocks = network_blocks(graph)
    if z is not None:
        blocks["network"] = reduce_block(z.astype(np.float64), _W["network"])
    return combine_blocks(blocks, weights)
