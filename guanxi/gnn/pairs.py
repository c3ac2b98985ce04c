"""Pair features for the link decoder and the heuristic baselines, and FastRP.

:class:`PairFeatures` holds the undirected projection of all relationship types (nodes of
all types in one index space, ``offsets[t] + i``) and one adjacency per type, and scores
node pairs:

=================  ====================================================================
column             value for the pair (u, v)
=================  ====================================================================
``cn``             common neighbours ``|Γ(u) ∩ Γ(v)|``
``aa``             Adamic-Adar ``Σ_w 1 / log deg w``
``ra``             resource allocation ``Σ_w 1 / deg w``
``p3``             paths u-a-b-v of length 3 (a, b not hubs of degree > ``hub_degree``)
``ra3``            the same paths weighted ``1 / (deg a · deg b)``: the 3-step term of a
                   random walk (personalised PageRank) without the endpoints' degrees
``link_<type>``    1 when u and v are directly linked (either direction) by ``<type>``;
                   always 0 for the type being predicted
=================  ====================================================================

Leaving the pair's own edge out (``leave_out=True``, used for training pairs) scores the
pair as if the relationship of the predicted type between u and v did not exist, which is
how a held-out pair looks at evaluation: without it ``p3`` counts the walks through the
edge itself (median 9 on training KNOWS edges against 1 on held-out ones) and the decoder
learns a threshold no held-out pair reaches. CN, AA and RA do not change (u and v are not
their own common neighbours); ``p3`` and ``ra3`` are corrected exactly (Notes).
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

__all__ = ["PairFeatures", "fastrp", "BASE_COLUMNS"]

log = logging.getLogger(__name__)

BASE_COLUMNS = ("cn", "aa", "ra", "p3", "ra3")


def fastrp(adj: sp.csr_matrix, dim: int = 64, weights: tuple[float, ...] = (0.0, 1.0, 1.0, 1.0),
           seed: int = 7) -> np.ndarray:  # fmt: skip
    """FastRP embeddings (Chen et al. 2019, as in GDS): sparse random projection of the
    degree-normalised adjacency powers, each power L2-normalised, weighted and summed."""
    rng = np.random.default_rng(seed)
    n = adj.shape[0]
    s = 3.0
    r = rng.choice([np.sqrt(s), 0.0, -np.sqrt(s)], size=(n, dim),
                   p=[1 / (2 * s), 1 - 1 / s, 1 / (2 * s)]).astype(np.float32)  # fmt: skip
    deg = np.maximum(np.asarray(adj.sum(1)).ravel(), 1)
    norm = (sp.diags(1 / deg) @ adj).tocsr().astype(np.float32)
    # float32 throughout, updated in place: at 1M companies (4.2M nodes) a 64-d float64 copy
    # is 2.1 GB and the temporaries of the float64 version took the training process past
    # the machine's memory
    out = r * np.float32(weights[0])
    cur = r
    for w in weights[1:]:
        cur = norm @ cur
        cur /= np.maximum(np.linalg.norm(cur, axis=1, keepdims=True), np.float32(1e-12))
        out += np.float32(w) * cur
    return out


def _undirected(r: np.ndarray, c: np.ndarray, n: int) -> sp.csr_matrix:
    keep = r != c  # no self loops (dropped here: setdiag on the matrix took 7× the build)
    r, c = r[keep], c[keep]
    a = sp.coo_matrix((np.ones(len(r) * 2), (np.r_[r, c], np.r_[c, r])), shape=(n, n)).tocsr()
    a.data[:] = 1.0  # collapse multi-edges
    return a


class PairFeatures:
    """Neighbourhood features of node pairs on the undirected projection (module doc).

    Parameters
    ----------
    num_nodes : dict
        Node count per type.
    edges : dict
        ``(src, rel, dst) -> (2, E)`` index arrays (type-local).
    hub_degree : int
        Intermediates of higher degree are skipped by ``p3`` and ``ra3`` (cost bound).

    Notes
    -----
    With ``B = A · diag(c)`` (``c`` zero on hubs; 1 for ``p3``, ``1 / deg`` for ``ra3``)
    the score is ``(B[u] @ B) · A[v]``. Leaving the edge u-v out (``A' = A - E_uv``)
    changes only the first and the last factor: ``(B'[u] @ B) · A[v] - (B'[u] @ B)[u]``
    with ``B'[u] = B[u] - c_v e_v``, because the middle step never starts at u or v
    (``B'[u, u] = B'[u, v] = 0``). Degrees of u and v do not enter, so this is exact.
    """

    def __init__(
        self, num_nodes: dict[str, int], edges: dict[tuple, np.ndarray], hub_degree: int = 200
    ) -> None:
        self.offsets: dict[str, int] = {}
        n = 0
        for t in sorted(num_nodes):
            self.offsets[t] = n
            n += num_nodes[t]
        self.link_types: list[tuple[str, str, str]] = sorted(tuple(et) for et in edges)
        self.typed: dict[tuple, sp.csr_matrix] = {}
        rows, cols = [], []
        for et in self.link_types:
            ei = np.asarray(edges[et]).reshape(2, -1)
            r, c = ei[0] + self.offsets[et[0]], ei[1] + self.offsets[et[2]]
            self.typed[et] = _undirected(r, c, n)
            rows.append(r)
            cols.append(c)
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        a = _undirected(r, c, n)
        self.adj = a
        deg = np.asarray(a.sum(1)).ravel()
        self.degree = deg
        inv = np.where(deg > 0, 1 / np.maximum(deg, 1), 0)
        with np.errstate(divide="ignore"):
            self.adj_aa = (a @ sp.diags(np.where(deg > 1, 1 / np.log(np.maximum(deg, 2)), 0))
                           ).tocsr()  # fmt: skip
        self.adj_ra = (a @ sp.diags(inv)).tocsr()
        nohub = (deg <= hub_degree).astype(np.float64)
        self._walk = {"p3": (a @ sp.diags(nohub)).tocsr(),
                      "ra3": (a @ sp.diags(nohub * inv)).tocsr()}  # fmt: skip
        frp = fastrp(a, dim=64)
        self.frp = frp / np.maximum(np.linalg.norm(frp, axis=1, keepdims=True), 1e-12)

    @property
    def columns(self) -> list[str]:
        """Names of the :meth:`scores` columns."""
        return list(BASE_COLUMNS) + ["link_" + "__".join(et) for et in self.link_types]

    @property
    def dim(self) -> int:
        """Number of feature columns."""
        return len(BASE_COLUMNS) + len(self.link_types)

    def scores(self, src_type: str, dst_type: str, s: np.ndarray, t: np.ndarray,
               edge_type: tuple | None = None, leave_out: bool = False,
               three: bool = True) -> np.ndarray:  # fmt: skip
        """``(n, dim)`` raw features (module doc) for pairs ``(s[i], t[i])``.

        ``edge_type`` is the type being predicted: its ``link_`` column stays 0 and, with
        ``leave_out``, its relationship between the pair is removed before scoring.
        ``three=False`` leaves the three-path columns (``p3``, ``ra3``, the costly ones) 0,
        for a caller that reads only the others.
        """
        u = np.asarray(s, dtype=np.int64) + self.offsets[src_type]
        v = np.asarray(t, dtype=np.int64) + self.offsets[dst_type]
        nb = len(BASE_COLUMNS)
        out = np.zeros((len(u), self.dim))
        for j, et in enumerate(self.link_types):
            if et != (tuple(edge_type) if edge_type else None):
                out[:, nb + j] = np.asarray(self.typed[et][u, v]).ravel()
        # the pair's direct link disappears when only the predicted type made it
        cut = np.zeros(len(u), dtype=bool)
        if leave_out and edge_type is not None:
            cut = (np.asarray(self.adj[u, v]).ravel() > 0) & (out[:, nb:].sum(1) == 0)
        step = 4096
        for i in range(0, len(u), step):
            ub, vb, cb = u[i : i + step], v[i : i + step], cut[i : i + step]
            au, av = self.adj[ub], self.adj[vb]
            sl = slice(i, i + len(ub))
            out[sl, 0] = np.asarray(au.multiply(av).sum(1)).ravel()
            out[sl, 1] = np.asarray(au.multiply(self.adj_aa[vb]).sum(1)).ravel()
            out[sl, 2] = np.asarray(au.multiply(self.adj_ra[vb]).sum(1)).ravel()
            for col, name in ((3, "p3"), (4, "ra3")) if three else ():
                out[sl, col] = self._three(self._walk[name], ub, vb, av, cb)
        return out

    @classmethod
    def _three(cls, b: sp.csr_matrix, u: np.ndarray, v: np.ndarray, av: sp.csr_matrix,
               cut: np.ndarray, budget: int = 20_000_000) -> np.ndarray:  # fmt: skip
        """:meth:`_three_rows` over groups of pairs whose 2-hop products hold at most about
        ``budget`` entries together (a hub's row alone can hold millions: 4,096 pairs at once
        took the training process past the machine's memory at 1M companies)."""
        first = b[u]
        first.data = np.ones_like(first.data)  # at most this many entries per row of b[u] @ b
        cost = first @ np.diff(b.indptr).astype(np.float64)
        out = np.zeros(len(u))
        lo = 0
        while lo < len(u):
            hi = lo + 1 + int(np.searchsorted(np.cumsum(cost[lo + 1 :]), budget))
            out[lo:hi] = cls._three_rows(b, u[lo:hi], v[lo:hi], av[lo:hi], cut[lo:hi])
            lo = hi
        return out

    @staticmethod
    def _three_rows(b: sp.csr_matrix, u: np.ndarray, v: np.ndarray, av: sp.csr_matrix,
                    cut: np.ndarray) -> np.ndarray:  # fmt: skip
        first = b[u]
        k = np.flatnonzero(cut)
        if len(k):
            own = sp.csr_matrix((np.asarray(b[u[k], v[k]]).ravel(), (k, v[k])), shape=first.shape)
            first = first - own
        two = first @ b
        val = np.asarray(two.multiply(av).sum(1)).ravel()
        if len(k):
            val[k] -= np.asarray(two[k, u[k]]).ravel()
        return np.maximum(val, 0.0)

    def features(self, src_type: str, dst_type: str, s: np.ndarray, t: np.ndarray,
                 edge_type: tuple | None = None, leave_out: bool = False) -> Tensor:  # fmt: skip
        """The log-scaled decoder input for pairs (float32 tensor, ``dim`` columns)."""
        return self.scale(self.scores(src_type, dst_type, s, t, edge_type, leave_out))

    def for_type(self, raw: np.ndarray, edge_type: tuple) -> Tensor:
        """:meth:`features` of ``edge_type`` from ``scores(..., edge_type=None)`` of the same
        pairs: only the predicted type's ``link_`` column differs (it is 0). Lets a caller
        score one set of pairs for several edge types at the price of one."""
        raw = raw.copy()
        raw[:, len(BASE_COLUMNS) + self.link_types.index(tuple(edge_type))] = 0.0
        return self.scale(raw)

    @staticmethod
    def scale(raw: np.ndarray) -> Tensor:
        """Log-scale raw :meth:`scores` in place into the decoder input."""
        raw[:, 2] *= 10.0
        raw[:, 4] *= 100.0
        raw[:, :5] = np.log1p(raw[:, :5])
        return torch.from_numpy(raw.astype(np.float32))
