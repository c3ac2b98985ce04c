"""The contact-path search: the ``k`` strongest warm paths from the bank to a target.

:func:`search` cuts the target's neighbourhood from the in-memory
:class:`~guanxi.scoring.path_index.PathIndex` (hubs and nominees not expanded), gives each
hop the cost ``-log(intimacy × λ × hub(v))`` (× a last-hop factor into a company: its key
contacts first, other people next, partner companies last; :func:`last_hop_factors`) and
runs Yen's algorithm (:mod:`guanxi.scoring.yen`) for k loopless paths within the hop limit.
:mod:`guanxi.scoring.contact_paths` explains the paths found from live data. The slower
dictionary version of the same search, on a :class:`~guanxi.scoring.path_index.Ball`, is
the oracle the tests check this one against (``tests/oracles/paths.py``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import overload

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from guanxi.errors import NotFound
from guanxi.scoring.path_index import COMPANY, PERSON, PathIndex
from guanxi.scoring.yen import yen_k_shortest

__all__ = ["PathConfig", "Found", "hub_factor", "last_hop_factors", "search"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PathConfig:
    """Search settings: hop penalty λ, hub reference degree (``hub(v) = sqrt(ref/deg)``
    above it), degree above which a node cannot carry a path, the hop limit, and the
    last-hop factors into a company target: from one of its stored key contacts
    ``(score / top key-contact score) ** key_power``, from another person ``person_factor``
    (1 when the target has no key contacts scored yet), from another company (an
    introduction by a partner) ``partner_factor``."""

    hop_penalty: float = 0.85
    hub_ref: int = 30
    mega_hub: int = 500
    max_hops: int = 4
    key_power: float = 2.0
    person_factor: float = 0.01
    partner_factor: float = 1e-4


@dataclass(frozen=True)
class Found:
    """A raw path: its strength and node ids (without the virtual bank node)."""

    score: float
    nodes: tuple[str, ...]


@overload
def hub_factor(degree: float, ref: float) -> float: ...
@overload
def hub_factor(degree: np.ndarray, ref: float) -> np.ndarray: ...
def hub_factor(degree: float | np.ndarray, ref: float) -> float | np.ndarray:
    """1 up to ``ref`` relationships, then ``sqrt(ref / degree)``; elementwise on arrays.

    Examples
    --------
    >>> hub_factor(120, 30)
    0.5
    """
    d = np.asarray(degree, dtype=np.float64)
    f = np.where(d <= ref, 1.0, np.sqrt(ref / np.maximum(d, 1.0)))
    return float(f) if f.ndim == 0 else f


def last_hop_factors(
    ix: PathIndex, target: int, sources: np.ndarray, cfg: PathConfig
) -> np.ndarray:
    """The factor of each last hop ``u → target`` for ``u`` in ``sources`` (index
    positions; see :class:`PathConfig`): 1 into a person or an RM; into a company, from a
    company ``partner_factor``, from one of its key contacts ``(score / top score) **
    key_power``, from another person ``person_factor`` (1 while the company has no key
    contacts scored), from an RM 1."""
    if ix.label[target] != COMPANY:
        return np.ones(len(sources))
    kc = ix.key_contacts.get(target, {})
    if kc:
        rel = np.array([kc.get(int(p), -1.0) for p in sources.tolist()], dtype=np.float64)
        person = np.where(rel >= 0, np.maximum(rel, 0.0) ** cfg.key_power, cfg.person_factor)
    else:
        person = np.ones(len(sources))
    lab = ix.label[sources]
    return np.select([lab == COMPANY, lab == PERSON], [cfg.partner_factor, person], 1.0)


class _Arcs:
    """The search graph's out-arcs by local node number, as Yen asks for them: ``get(u,
    default)`` and ``[u]`` give ``{v: cost}``. A ball has thousands of arcs and the A*
    searches expand a few hundred nodes, so each node's dictionary is built on first use
    (same contents and order as building them all: arcs keep their order within a source).
    ``first`` holds dictionaries known up front (the virtual source's)."""

    def __init__(self, n: int, u: np.ndarray, v: np.ndarray, cost: np.ndarray,
                 first: dict[int, dict[int, float]]) -> None:  # fmt: skip
        order = np.argsort(u, kind="stable")
        self._v, self._cost = v[order], cost[order]
        self._ptr = np.searchsorted(u[order], np.arange(n + 1)).tolist()
        self._n = n
        self._memo = dict(first)

    def get(self, node: int, default: dict[int, float] | None = None) -> dict[int, float] | None:
        out = self._memo.get(node)
        if out is None:
            if not 0 <= node < self._n:
                return default
            lo, hi = self._ptr[node], self._ptr[node + 1]
            out = self._memo[node] = dict(
                zip(self._v[lo:hi].tolist(), self._cost[lo:hi].tolist(), strict=True)
            )
        return out

    def __getitem__(self, node: int) -> dict[int, float]:
        out = self.get(node)
        if out is None:
            raise KeyError(node)
        return out


def search(
    ix: PathIndex, target: str, origin_ids: list[str] | np.ndarray | None, k: int = 3,
    cfg: PathConfig = PathConfig(),
) -> list[Found]:  # fmt: skip
    """The ``k`` strongest loopless paths from the origins (``origin_ids``: ids or index
    positions; None: every RM and customer company) to ``target``, strongest first.

    Notes
    -----
    ``strength(path) = prod_hops I(u, v) × λ × hub(v)`` where ``I`` is the hop's edge
    intimacy, λ the per-hop penalty and ``hub(v)`` the degree penalty (:func:`hub_factor`)
    of each intermediate node; the last hop into the target is multiplied by its
    :func:`last_hop_factors` instead (people are whom an RM wants to reach, a company's
    decision makers most). Nominee-like nodes and nodes with more than ``mega_hub``
    relationships never carry a path. Yen runs on costs ``-log`` of the factors from a
    virtual source joined to every origin at cost 0.

    The search graph is the target's ball (:meth:`PathIndex.ball_arrays`) as arrays: hop
    costs are vectorised and only the arcs the search may use become dictionary entries (at
    100k companies a ball has ~1.4k nodes at the median, 4.5k at p95, and building it as
    dictionaries cost as much as the search). Each node's hop distance and cheapest
    (hop-unlimited) cost to the target come from two C shortest-path runs on the reversed
    arcs: arcs that cannot finish within the hop limit are dropped, and the costs are an
    exact lower bound, so every Dijkstra of Yen's runs as A* (same paths as plain Dijkstra;
    only exact ties may come out in another order).

    Raises
    ------
    NotFound
        When no party has the id ``target``.
    """
    if target not in ix.pos:
        raise NotFound(f"No party with id {target!r}")
    b = ix.ball_arrays(target, origin_ids, cfg.max_hops)
    t, u, v, w = b.target, b.src, b.dst, b.weight.astype(np.float64)
    blocked = ix.blocked(cfg.mega_hub)
    keep = ((b.is_origin[u] & (u != t)) | ~blocked[u]) & ((v == t) | ~blocked[v]) & (w > 0)
    u, v, w = u[keep], v[keep], w[keep]
    factor = hub_factor(ix.degree[v], cfg.hub_ref)
    last = v == t
    if last.any():
        factor[last] = last_hop_factors(ix, t, u[last], cfg)
    cost = -np.log(np.maximum(w * cfg.hop_penalty * factor, 1e-300))
    # the ball's nodes numbered 0..n-1 in the order of their ids (Yen breaks exact ties by
    # comparing paths: numbers must compare as the ids do), the virtual source is n
    local, inv = np.unique(np.concatenate([u, v, [t]]), return_inverse=True)
    n = len(local)
    order = np.argsort(ix.id_rank()[local], kind="stable")
    local = local[order]
    renum = np.empty(n, dtype=np.int64)
    renum[order] = np.arange(n)
    inv = renum[inv]
    ul, vl, tl = inv[: len(u)], inv[len(u) : 2 * len(u)], int(inv[-1])
    # every node's hop distance and cheapest cost to the target (reversed arcs, in C): arcs
    # that cannot finish within the hop limit are dropped, the costs guide an A* search
    rev = sp.csr_matrix((cost, (vl, ul)), shape=(n, n))
    hops = csgraph.dijkstra(rev, indices=tl, unweighted=True, limit=cfg.max_hops)
    low = csgraph.dijkstra(rev, indices=tl)
    fine = hops[vl] + 1 <= cfg.max_hops
    near = np.flatnonzero(np.isfinite(hops))
    # origins beyond the hop limit could never start a path
    starts = near[b.is_origin[local[near]] & (local[near] != t)].tolist()
    adj = _Arcs(n, ul[fine], vl[fine], cost[fine], {n: dict.fromkeys(starts, 0.0)})
    near_l = near.tolist()
    hop = dict(zip(near_l, hops[near].astype(np.int64).tolist(), strict=True))
    lower = dict(zip(near_l, low[near].tolist(), strict=True))
    res = yen_k_shortest(adj, n, tl, k, cfg.max_hops, virtual=n, hop_dist=hop, lower=lower)
    ids, at = ix.ids, local.tolist()
    return [Found(math.exp(-c), tuple(ids[at[i]] for i in p[1:])) for c, p in res if len(p) > 2]
