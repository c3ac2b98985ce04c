"""Contact paths (联络路径): the top-k warm paths from the bank to a target.

The origin is an RM, a Branch (its RMs) or the whole bank (every RM and customer company).
:class:`~guanxi.scoring.path_index.PathIndex` cuts the target's neighbourhood (a
:class:`~guanxi.scoring.path_index.Ball`: hubs and nominees not expanded) from the in-memory
index; :func:`find_paths` is the pure search: hop costs are ``-log(intimacy × λ × hub(v))``
(× a last-hop factor into a company: its key contacts first, other people next, partner
companies last) and Yen's algorithm (:mod:`guanxi.scoring.yen`) returns k loopless paths
within the hop limit; :mod:`guanxi.scoring.introductions` explains them from live data.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from guanxi.errors import NotFound
from guanxi.scoring.path_index import COMPANY, PERSON, Ball, PathIndex
from guanxi.scoring.records import ScorerInfo
from guanxi.scoring.yen import yen_k_shortest

__all__ = ["PathConfig", "INFO", "BANK", "hub_factor", "last_hop_factor", "find_paths", "search",
           "Found"]  # fmt: skip

log = logging.getLogger(__name__)

BANK = "__bank__"


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


INFO = ScorerInfo(
    name="contact_paths",
    method="Yen k shortest loopless paths on -log(intimacy·λ·hub·last-hop factor) with a hop "
    "limit, on an in-memory index of edge intimacies",
    config={**PathConfig().__dict__, "k": 3},
    result="list[ContactPath]",
)


@dataclass(frozen=True)
class Found:
    """A raw path: its strength and node ids (without the virtual bank node)."""

    score: float
    nodes: tuple[str, ...]


def hub_factor(degree: int, ref: int) -> float:
    """1 up to ``ref`` relationships, then ``sqrt(ref / degree)``."""
    return 1.0 if degree <= ref else math.sqrt(ref / degree)


def last_hop_factor(ball: Ball, u: str, target_label: str, cfg: PathConfig) -> float:
    """The factor of a last hop ``u → target`` (see :class:`PathConfig`)."""
    if target_label != "Company":
        return 1.0
    label = ball.nodes[u]["label"]
    if label == "Company":
        return cfg.partner_factor
    if label != "Person":
        return 1.0
    if not ball.key_contacts:
        return 1.0
    rel = ball.key_contacts.get(u)
    if rel is None:
        return cfg.person_factor
    return rel**cfg.key_power


def find_paths(ball: Ball, target: str, k: int = 3, cfg: PathConfig = PathConfig()) -> list[Found]:
    """The ``k`` strongest loopless paths from any origin of ``ball`` to ``target``.

    Notes
    -----
    ``strength(path) = prod_hops I(u, v) × λ × hub(v)`` where ``I`` is the hop's edge
    intimacy, λ the per-hop penalty and ``hub(v)`` the degree penalty of each intermediate
    node; the last hop into a company target is multiplied by :func:`last_hop_factor`
    instead (people are whom an RM wants to reach, its decision makers most). Nominee-like
    nodes and nodes with more than ``mega_hub`` relationships never carry a path. Yen runs
    on costs ``-log`` of the factors from a virtual source joined to every origin at cost 0.
    """
    if target not in ball.nodes:
        raise NotFound(f"No party with id {target!r}")
    tlabel = ball.nodes[target]["label"]
    adj: dict[str, dict[str, float]] = {BANK: {o: 0.0 for o in sorted(ball.origins)}}
    for u, nbrs in ball.arcs.items():
        nu = ball.nodes[u]
        if u not in ball.origins and (nu["nominee"] or nu["degree"] > cfg.mega_hub):
            continue
        out = adj.setdefault(u, {})
        for v, w in nbrs.items():
            nv = ball.nodes[v]
            if v != target and (nv["nominee"] or nv["degree"] > cfg.mega_hub) or w <= 0:
                continue
            f = w * cfg.hop_penalty
            if v != target:
                f *= hub_factor(nv["degree"], cfg.hub_ref)
            else:
                f *= last_hop_factor(ball, u, tlabel, cfg)
            out[v] = -math.log(max(f, 1e-300))
    res = yen_k_shortest(adj, BANK, target, k, cfg.max_hops, virtual=BANK)
    return [Found(math.exp(-c), tuple(p[1:])) for c, p in res if len(p) > 2]


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
    """``find_paths(ix.ball(target, origin_ids, cfg.max_hops), target, k, cfg)`` with the
    same result, computed on the ball's arrays: hop costs are vectorised and only the arcs
    the search may use become dictionary entries (at 100k companies a ball has ~1.4k nodes
    at the median, 4.5k at p95, and building it as dictionaries cost as much as the search).
    Each node's hop distance and cheapest (hop-unlimited) cost to the target come from two
    C shortest-path runs on the reversed arcs: arcs that cannot finish within the hop limit
    are dropped, and the costs are an exact lower bound, so every Dijkstra of Yen's runs as
    A* (same paths; only exact ties may come out in another order).
    """
    if target not in ix.pos:
        raise NotFound(f"No party with id {target!r}")
    b = ix.ball_arrays(target, origin_ids, cfg.max_hops)
    t, u, v, w = b.target, b.src, b.dst, b.weight.astype(np.float64)
    blocked = ix.blocked(cfg.mega_hub)
    keep = ((b.is_origin[u] & (u != t)) | ~blocked[u]) & ((v == t) | ~blocked[v]) & (w > 0)
    u, v, w = u[keep], v[keep], w[keep]
    deg = ix.degree[v].astype(np.float64)
    factor = np.where(deg <= cfg.hub_ref, 1.0, np.sqrt(cfg.hub_ref / np.maximum(deg, 1.0)))
    last = v == t
    if last.any() and ix.label[t] == COMPANY:
        lu = u[last]
        lab = ix.label[lu]
        kc = ix.key_contacts.get(t, {})
        if kc:
            rel = np.array([kc.get(int(p), -1.0) for p in lu.tolist()])
            person = np.where(rel >= 0, np.maximum(rel, 0.0) ** cfg.key_power, cfg.person_factor)
        else:
            person = np.ones(len(lu))
        factor[last] = np.select([lab == COMPANY, lab == PERSON], [cfg.partner_factor, person], 1.0)
    elif last.any():
        factor[last] = 1.0
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
