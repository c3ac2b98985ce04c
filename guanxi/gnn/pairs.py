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

import functools
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


def _entries(m: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``m.indices`` / ``m.data`` of the entries of ``rows``, and for each the
    index into ``rows`` it belongs to (no row is copied)."""
    per = np.diff(m.indptr)[rows]
    first = m.indptr[rows]
    return np.repeat(first - np.cumsum(per) + per, per) + np.arange(per.sum()), np.repeat(
        np.arange(len(rows)), per
    )


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
        deg = np.diff(a.indptr)  # every entry is 1: a row's length is the degree
        self.degree = deg
        inv = np.where(deg > 0, 1 / np.maximum(deg, 1), 0)
        a.sort_indices()  # looked up by column (``_shared``)
        self._aa_weight = np.where(deg > 1, 1 / np.log(np.maximum(deg, 2)), 0)
        self._ra_weight = inv
        nohub = (deg <= hub_degree).astype(np.float64)
        self._walk = {"p3": (a @ sp.diags(nohub)).tocsr(),
                      "ra3": (a @ sp.diags(nohub * inv)).tocsr()}  # fmt: skip

    @functools.cached_property
    def frp(self) -> np.ndarray:
        """Unit-length FastRP embeddings of the projection (the ``fastrp`` baseline), made
        when first asked: no decoder input reads them, and at 1M companies they cost ~1 GB
        kept and ~3 GB while made, for every projection (training and write-back alike)."""
        frp = fastrp(self.adj, dim=64)
        return frp / np.maximum(np.linalg.norm(frp, axis=1, keepdims=True), 1e-12)

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
        out[:, :3] = self._shared(u, v)
        for col, name in ((3, "p3"), (4, "ra3")) if three else ():
            out[:, col] = self._three(self._walk[name], self._walk["p3"], u, v, cut)
        return out

    def _shared(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``cn``, ``aa``, ``ra`` per pair: the neighbours of the end with fewer are looked up
        in the other end's row, so a hub's row is never copied (gathering it once per pair
        took 49 of 50 s on a page of a 7,000-person hub's pairs at 1M companies)."""
        a, deg = self.adj, self.degree
        swap = deg[u] < deg[v]
        big, small = np.where(swap, v, u), np.where(swap, u, v)
        idx, rows = _entries(a, small)
        w = a.indices[idx]
        hit = np.asarray(a[big[rows], w]).ravel() * a.data[idx]
        out = np.empty((len(u), 3))
        for j, weight in enumerate((None, self._aa_weight, self._ra_weight)):
            out[:, j] = np.bincount(rows, weights=hit if weight is None else hit * weight[w],
                                    minlength=len(u))  # fmt: skip
        return out

    @classmethod
    def _three(cls, b: sp.csr_matrix, a: sp.csr_matrix, u: np.ndarray, v: np.ndarray,
               cut: np.ndarray, budget: int = 20_000_000) -> np.ndarray:  # fmt: skip
        """``(B[u] @ B) · A[v]`` per pair, ``cut`` pairs without their own edge (class doc),
        in groups whose 2-hop products hold at most about ``budget`` entries together (a
        hub's row alone can hold millions: 4,096 pairs at once took the training process
        past the machine's memory at 1M companies).

        The score is the same read from either end (the weights sit on the middle nodes),
        so each pair is expanded from the end that costs less (an end's 2-hop row is made
        once for all its pairs; from the source always, a 7,165-person hub's page of the
        write-back at 1M companies ran past 8.5 min) and a cut pair then loses the walks
        through its own edge (:meth:`_own_walks`). ``a`` is read only where ``b`` has
        columns (the pattern of ``b`` serves)."""
        out = np.zeros(len(u))
        if not len(u):
            return out
        reach = np.diff(b.indptr).astype(np.float64)
        ends, at, pairs_of = np.unique(np.r_[u, v], return_inverse=True, return_counts=True)
        r = cls._reach(b, ends, reach)[at]  # per distinct end: a hub's row is long
        ru, rv = r[: len(u)], r[len(u) :]
        near = np.diff(a.indptr)
        swap = rv / pairs_of[at[len(u) :]] + near[u] < ru / pairs_of[at[: len(u)]] + near[v]
        x, y, cost = np.where(swap, v, u), np.where(swap, u, v), np.where(swap, rv, ru)
        f = np.argsort(x, kind="stable")
        x, y, cost = x[f], y[f], cost[f]
        cost[1:][x[1:] == x[:-1]] = 0.0  # a repeated end is expanded once
        for lo, hi in cls._groups(cost, budget):
            out[f[lo:hi]] = cls._three_free(b, x[lo:hi], a[y[lo:hi]])
        k = np.flatnonzero(cut)
        if len(k):
            out[k] = np.maximum(out[k] - cls._own_walks(b, a, u[k], v[k]), 0.0)
        return out

    @staticmethod
    def _reach(b: sp.csr_matrix, u: np.ndarray, reach: np.ndarray) -> np.ndarray:
        """Entries of each row of ``b[u] @ b`` at most (its size in a product)."""
        first = b[u]
        first.data = np.ones_like(first.data)
        return np.asarray(first @ reach).ravel()

    @staticmethod
    def _groups(cost: np.ndarray, budget: int) -> list[tuple[int, int]]:
        """Consecutive ``[lo, hi)`` spans of at least one pair and about ``budget`` cost."""
        total = np.cumsum(cost)
        spans, lo = [], 0
        while lo < len(cost):
            hi = max(lo + 1, int(np.searchsorted(total, total[lo] + budget, side="right")))
            spans.append((lo, hi))
            lo = hi
        return spans

    @staticmethod
    def _three_free(b: sp.csr_matrix, x: np.ndarray, last: sp.csr_matrix) -> np.ndarray:
        """``(B[x] @ B) · last`` per row, each distinct ``x`` expanded once and only the
        entries ``last`` holds looked up."""
        ends, at = np.unique(x, return_inverse=True)
        two = (b[ends] @ b).tocsr()
        two.sort_indices()
        per = np.diff(last.indptr)
        hit = np.asarray(two[np.repeat(at, per), last.indices]).ravel()
        rows = np.repeat(np.arange(len(x)), per)
        val = np.bincount(rows, weights=hit * last.data, minlength=len(x))
        return np.maximum(val, 0.0)

    @staticmethod
    def _own_walks(b: sp.csr_matrix, a: sp.csr_matrix, u: np.ndarray, v: np.ndarray
                   ) -> np.ndarray:  # fmt: skip
        """What leaving the edge u-v out takes from ``(B[u] @ B) · A[v]`` (class Notes):
        with ``B'[u] = B[u] - b_uv e_v`` the cut score is ``(B[u] @ B) · A[v]
        - b_uv (B[v] · A[v]) - (B[u] @ B)[u] + b_uv B[v, u]``, so a cut pair costs its free
        score (expanded from its cheaper end) and three reads of single rows, where making
        ``(B'[u] @ B)`` for every cut pair took ~0.3 s of each training step at 1M companies
        (hubs two steps away)."""
        buv = np.asarray(b[u, v]).ravel()
        through_v = np.asarray(b[v].multiply(a[v]).sum(1)).ravel()
        back_vu = np.asarray(b[v, u]).ravel()
        idx, owner = _entries(b, u)
        back = np.asarray(b[b.indices[idx], u[owner]]).ravel() * b.data[idx]
        round_trip = np.bincount(owner, weights=back, minlength=len(u))
        return buv * through_v + round_trip - buv * back_vu

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
