"""The contact-path index: every party and the edge intimacy of every adjacent pair, in memory.

Fetching a target's 4-hop neighbourhood from Neo4j level by level cost 0.5–1.3 s per request
at 10k companies while the search on it took 4 ms. The index holds the party graph as a CSR
(about 420k parties and 1.2M adjacent pairs at 100k companies: ~60 MB of arrays), built from
three queries once per process and rebuilt when the graph version changes (the stamp that
loads and batch scoring leave, plus the node and relationship counts: ``admin.graph_version``,
checked on every request). Only the search uses it: the hops of the paths found are re-read
from Neo4j and explained from live data.

:meth:`PathIndex.ball` cuts the search graph for one target (breadth-first from the target,
vectorised per level); :func:`guanxi.scoring.contact_paths.find_paths` searches it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from guanxi.scoring.evidence import edge_evidence
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.projection import EDGE_PROPS, party_frames

__all__ = ["PathIndex", "Ball", "BallArrays", "get_index", "cached", "clear_index", "LABELS"]

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
    #: ``introductions`` for this version of the graph (the head office stands for every RM)
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
        s = edges["source_id"].map(pos)
        t = edges["target_id"].map(pos)
        ok = (s.notna() & t.notna()).to_numpy()
        s, t = s.to_numpy()[ok].astype(np.int64), t.to_numpy()[ok].astype(np.int64)
        n = len(ids)
        degree = np.bincount(s, minlength=n) + np.bincount(t, minlength=n)
        # 1 - prod(1 - w s) per unordered pair, from each relationship's evidence
        cols = [c for c in EDGE_PROPS if c in edges.columns]
        sub = edges.loc[ok, ["rel_type", *cols]]
        keep = np.ones(len(sub), dtype=np.float64)
        for i, row in enumerate(sub.itertuples(index=False, name=None)):
            props = {c: v for c, v in zip(cols, row[1:], strict=True) if v is not None and v == v}
            ev = edge_evidence(row[0], props, today)
            if ev is not None:
                keep[i] = 1.0 - min(1.0, ev.weight * ev.strength)
        a, b = np.minimum(s, t), np.maximum(s, t)
        pair = a * n + b
        uniq, inv = np.unique(pair[a != b], return_inverse=True)
        miss = np.ones(len(uniq))
        np.multiply.at(miss, inv, keep[a != b])
        ua, ub, w = uniq // n, uniq % n, 1.0 - miss
        src, dst = np.concatenate([ua, ub]), np.concatenate([ub, ua])
        ww = np.concatenate([w, w]).astype(np.float32)
        order = np.lexsort((dst, src))
        src, dst, ww = src[order], dst[order], ww[order]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        kc: dict[int, dict[int, float]] = defaultdict(dict)
        for c, p, sc in zip(
            key_contacts.get("company_id", []),
            key_contacts.get("person_id", []),
            key_contacts.get("score", []),
            strict=True,
        ):
            if c in pos and p in pos:
                kc[pos[c]][pos[p]] = max(float(sc or 0.0), 0.0)
        for c, people in kc.items():  # relative to the company's top key contact
            top = max(people.values())
            kc[c] = {p: (v / top if top > 0 else 1.0) for p, v in people.items()}
        return cls(
            version,
            ids,
            pos,
            label,
            names,
            nominee,
            bank,
            degree.astype(np.int32),
            indptr,
            dst.astype(np.int32),
            ww,
            dict(kc),
            today,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def ball_arrays(
        self,
        target: str,
        origin_ids: list[str] | np.ndarray | None,
        max_hops: int,
        expand_cap: int = 300,
    ) -> BallArrays:
        """:meth:`ball` as index arrays, without building dictionaries (the search's fast
        path: :func:`guanxi.scoring.contact_paths.search`); ``origin_ids`` may be given as
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
        k = _ranges(starts, counts)
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
        return self.indices[_ranges(starts, ends - starts)].astype(np.int64)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each pair, vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return np.arange(total, dtype=np.int64) + offsets


# -- the per-process cache ---------------------------------------------------------------
_LOCK = threading.Lock()
_INDEX: dict[str, PathIndex] = {}
_CHECKED: dict[str, tuple[float, int | None]] = {}  # key -> (monotonic time, writes) of a check
_CHECKING: set[str] = set()  # keys whose version a caller is reading now


def _version(client) -> tuple:
    r = client.read("admin.graph_version")[0]
    return (r["stamp"], r["nodes"], r["relationships"])


def _build(client, version: tuple) -> PathIndex:
    t0 = time.perf_counter()
    nodes, edges = party_frames(client)
    kc = pd.DataFrame(
        client.read("scoring.key_contact_scores", timeout=client.settings.batch_timeout_s)[0][
            "rows"
        ],
        columns=["company_id", "person_id", "score"],
    )
    ix = PathIndex.from_frames(nodes, edges, kc, version)
    ix.id_rank()  # 0.3 s at 100k: with the build, not on (every thread of) the first search
    log.info(
        "contact-path index: %d parties, %d pairs in %.1fs",
        len(ix),
        len(ix.indices) // 2,
        time.perf_counter() - t0,
    )
    return ix


def _key(client) -> str:
    return f"{client.settings.uri}/{client.database}"


def get_index(client) -> PathIndex:
    """The index for ``client``'s database: built on first use and rebuilt, under a lock
    (concurrent callers wait for the one build), whenever the graph version has changed.

    The version is read at most every ``path_index_check_s`` seconds (a query per request
    was a tenth of a contact-path request's cost), and again at once after any write by
    this process (``GraphClient.writes``): another process's load or scoring run is seen
    within that many seconds, this process's own at once. When the interval is up, one
    caller reads the version while the others go on with the index they have (a server's
    threads all found it due together, ~10 extra queries a second at 150 requests/s).
    """
    key = _key(client)
    writes = getattr(type(client), "writes", None)
    now = time.monotonic()
    with _LOCK:
        ix, seen = _INDEX.get(key), _CHECKED.get(key)
        fresh = seen is not None and writes is not None and seen[1] == writes
        if (
            ix is not None
            and fresh
            and (now - seen[0] < client.settings.path_index_check_s or key in _CHECKING)
        ):
            return ix
        _CHECKING.add(key)
    try:
        version = _version(client)
        with _LOCK:
            ix = _INDEX.get(key)
            if ix is None or ix.version != version:
                ix = _INDEX[key] = _build(client, version)
            _CHECKED[key] = (now, writes)
            return ix
    finally:
        with _LOCK:
            _CHECKING.discard(key)


def cached(client) -> PathIndex | None:
    """The index already built for ``client``'s database, if any (no query, no build)."""
    with _LOCK:
        return _INDEX.get(_key(client))


def clear_index() -> None:
    """Forget every cached index (tests, after a wipe in the same process)."""
    with _LOCK:
        _INDEX.clear()
        _CHECKED.clear()
        _CHECKING.clear()
