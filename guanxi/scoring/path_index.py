"""The contact-path index: every party and the edge intimacy of every adjacent pair, in memory.

Fetching a target's 4-hop neighbourhood from Neo4j level by level cost 0.5–1.3 s per request
at 10k companies while the search on it took 4 ms. The index holds the party graph as a CSR
(about 420k parties and 1.2M adjacent pairs at 100k companies: ~60 MB of arrays), built from
three queries once per process (:mod:`guanxi.scoring.path_index_build` computes the arrays)
and rebuilt when the graph version changes (:mod:`guanxi.scoring.path_index_cache`). Only the
search uses it: the hops of the paths found are re-read from Neo4j and explained from live
data.

:meth:`PathIndex.ball_arrays` cuts the search graph for one target (breadth-first from the
target, vectorised per level) and :func:`guanxi.scoring.path_search.search` searches it;
:meth:`PathIndex.ball` gives the same graph as dictionaries, for reading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from guanxi.scoring.csr import ranges
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.path_index_build import pair_csr, relative_key_contacts

__all__ = ["PathIndex", "Ball", "BallArrays", "LABELS", "COMPANY", "PERSON", "RM"]

log = logging.getLogger(__name__)

#: Party labels, in the order of their codes in :attr:`PathIndex.label`.
LABELS = ("Company", "Person", "RelationshipManager")
COMPANY, PERSON, RM = 0, 1, 2


@dataclass
class Ball:
    """The search graph around one target: node ids with attributes, directed arcs
    ``u → v`` (towards the target) with the hop's edge intimacy, the origins, and the
    target's key contacts with their score relative to its top key contact (0–1]."""

    nodes: dict[str, dict[str, Any]]
    arcs: dict[str, dict[str, float]]
    origins: set[str]
    key_contacts: dict[str, float]


@dataclass
class BallArrays:
    """A :class:`Ball` as positions in the index: the ``target``, the ``members``, the hop
    ``level`` from the target and the ``is_origin`` mask (both index-sized), and the arcs
    ``src → dst`` (towards the target) with their edge intimacy ``weight``."""

    target: int
    members: np.ndarray
    level: np.ndarray
    is_origin: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray


@dataclass
class PathIndex:
    """Parties (``ids``, ``label`` codes, ``nominee``, ``bank`` = RM or customer company,
    ``degree`` = party relationships) and the undirected CSR ``indptr``/``indices`` with
    ``strength`` = edge intimacy of the pair (noisy-OR over every relationship joining it)."""

    version: tuple
    ids: list[str]
    pos: dict[str, int]
    label: np.ndarray
    name: list[str | None]
    nominee: np.ndarray
    bank: np.ndarray
    degree: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    strength: np.ndarray
    key_contacts: dict[int, dict[int, float]]
    built_at: date
    #: per-process arrays computed once per parameter (masks, the id rank)
    _masks: dict[tuple, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: origin id → the positions of the parties it stands for, memoised by
    #: :mod:`guanxi.scoring.contact_paths` for this version of the graph (the head office
    #: stands for every RM)
    origins: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_frames(
        cls,
        nodes: pd.DataFrame,
        edges: pd.DataFrame,
        key_contacts: pd.DataFrame,
        version: tuple = (),
        today: date | None = None,
    ) -> PathIndex:
        """From the :func:`~guanxi.scoring.projection.party_frames` frames and the stored
        key contacts (company_id, person_id, score)."""
        today = today or date.today()
        ids = nodes["id"].astype(str).tolist()
        pos = {x: i for i, x in enumerate(ids)}
        code = {lab: i for i, lab in enumerate(LABELS)}
        label = np.array([code.get(x, COMPANY) for x in nodes["label"]], dtype=np.int8)
        names = [None if x is None or x != x else str(x) for x in nodes["name"]]
        flags = nodes["nominee"].fillna(False).astype(bool).tolist()
        nominee = np.array(
            [is_nominee(n, f) for n, f in zip(names, flags, strict=True)], dtype=bool
        )
        bank = (label == RM) | nodes["customer"].fillna(False).astype(bool).to_numpy()
        degree, indptr, indices, strength = pair_csr(edges, pos, len(ids), today)
        kc = relative_key_contacts(key_contacts, pos)
        return cls(version, ids, pos, label, names, nominee, bank, degree, indptr, indices,
                   strength, kc, today)  # fmt: skip

    def __len__(self) -> int:
        return len(self.ids)

    def ball_arrays(
        self,
        target: str,
        origin_ids: list[str] | np.ndarray | None,
        max_hops: int,
        expand_cap: int = 300,
    ) -> BallArrays:
        """:meth:`ball` as index arrays, without building dictionaries (what
        :func:`guanxi.scoring.path_search.search` runs on); ``origin_ids`` may be given as
        index positions (:meth:`positions`)."""
        t = self.pos[target]
        n = len(self.ids)
        if origin_ids is None:
            is_origin = self.bank
        else:
            is_origin = np.zeros(n, dtype=bool)
            is_origin[self.positions(origin_ids)] = True
        expandable = self.expandable(expand_cap)
        level = np.full(n, -1, dtype=np.int8)
        level[t] = 0
        frontier = np.array([t], dtype=np.int64)
        slot = np.empty(n, dtype=np.int64)  # dedupes a level without sorting (read where set)
        for d in range(1, max_hops + 1):
            if d > 1:
                frontier = frontier[expandable[frontier]]
            if not len(frontier):
                break
            nb = self._neighbours(frontier)
            nb = nb[level[nb] < 0]
            if d == max_hops:
                nb = nb[is_origin[nb]]
            seq = np.arange(len(nb))
            slot[nb] = seq
            nb = nb[slot[nb] == seq]
            level[nb] = d
            frontier = nb
        members = np.flatnonzero(level >= 0)
        inner = members[(level[members] < max_hops) & (expandable[members] | (members == t))]
        # arcs y -> x for every expanded x and each neighbour y of x in the ball
        starts, ends = self.indptr[inner], self.indptr[inner + 1]
        counts = ends - starts
        x = np.repeat(inner, counts)
        k = ranges(starts, counts)
        y = self.indices[k].astype(np.int64)
        w = self.strength[k]
        sel = (level[y] >= 0) & (~is_origin[x] | (x == t))
        x, y, w = x[sel], y[sel], w[sel]
        # a nominee or a node that is not expanded only starts a path (when an origin)
        carry = is_origin[y] | expandable[y] | (y == t)
        return BallArrays(t, members, level, is_origin, y[carry], x[carry], w[carry])

    def ball(
        self,
        target: str,
        origin_ids: list[str] | None,
        max_hops: int,
        expand_cap: int = 300,
    ) -> Ball:
        """The search graph for ``target``: nodes within ``max_hops`` hops, breadth-first from
        the target; nominees, RMs and nodes with more than ``expand_cap`` relationships are
        not expanded (the target always is), and the last level keeps only origins (RMs in
        ``origin_ids``, or every RM and customer company when it is None)."""
        b = self.ball_arrays(target, origin_ids, max_hops, expand_cap)
        t, members = b.target, b.members
        nodes = {
            self.ids[i]: {
                "label": LABELS[self.label[i]],
                "name": self.name[i],
                "nominee": bool(self.nominee[i]),
                "degree": int(self.degree[i]),
            }
            for i in members.tolist()
        }
        arcs: dict[str, dict[str, float]] = {}
        ids = self.ids
        for yi, xi, wi in zip(b.src.tolist(), b.dst.tolist(), b.weight.tolist(), strict=True):
            arcs.setdefault(ids[yi], {})[ids[xi]] = wi
        origins = {ids[i] for i in members[b.is_origin[members]].tolist() if i != t}
        kc = {ids[p]: r for p, r in self.key_contacts.get(t, {}).items()}
        return Ball(nodes, arcs, origins, kc)

    def positions(self, ids: list[str] | np.ndarray) -> np.ndarray:
        """Index positions of ``ids`` (unknown ids left out); an array of positions is
        returned as it is."""
        if isinstance(ids, np.ndarray):
            return ids
        return np.array([self.pos[o] for o in ids if o in self.pos], dtype=np.int64)

    def expandable(self, expand_cap: int = 300) -> np.ndarray:
        """Mask of the parties a search goes on from: not nominee-like, not an RM, at most
        ``expand_cap`` relationships (computed once per cap)."""
        key = ("expandable", expand_cap)
        if key not in self._masks:
            mask = ~self.nominee & (self.degree <= expand_cap) & (self.label != RM)
            mask.setflags(write=False)  # shared by every request
            self._masks[key] = mask
        return self._masks[key]

    def id_rank(self) -> np.ndarray:
        """Each party's rank in the order of the ids (code points, as Python compares
        strings), computed once: a search numbers a ball's nodes in this order so that
        integer tie-breaks agree with tie-breaks on the ids."""
        key = ("id_rank",)
        if key not in self._masks:
            n = len(self.ids)
            rank = np.empty(n, dtype=np.int64)
            rank[np.argsort(np.array(self.ids, dtype=str), kind="stable")] = np.arange(n)
            rank.setflags(write=False)
            self._masks[key] = rank
        return self._masks[key]

    def blocked(self, mega_hub: int) -> np.ndarray:
        """Mask of the parties that never carry a path: nominee-like or more than
        ``mega_hub`` relationships (computed once per limit)."""
        key = ("blocked", mega_hub)
        if key not in self._masks:
            mask = self.nominee | (self.degree > mega_hub)
            mask.setflags(write=False)
            self._masks[key] = mask
        return self._masks[key]

    def _neighbours(self, nodes: np.ndarray) -> np.ndarray:
        starts, ends = self.indptr[nodes], self.indptr[nodes + 1]
        return self.indices[ranges(starts, ends - starts)].astype(np.int64)
