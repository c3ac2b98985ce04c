"""The party graph as arrays: every company, person and RM by index (sorted ids), every
party relationship deduplicated as :class:`~guanxi.scoring.projection.LocalGraph` does, its
noisy-OR term, and the adjacent pairs with their edge intimacy — built once from
:func:`~guanxi.scoring.projection.party_frames` frames for array scorers
(:mod:`guanxi.scoring.intimacy_arrays`) that must not hold a LocalGraph of millions of
relationships.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp

from guanxi.scoring.evidence_arrays import READS, relationship_terms
from guanxi.scoring.nominees import nominee_mask
from guanxi.scoring.projection import EDGE_PROPS, row_props

__all__ = ["PartyArrays", "party_arrays", "candidate_pairs"]

log = logging.getLogger(__name__)


@dataclass
class PartyArrays:
    """The party graph as arrays: ``ids`` sorted (index order is id order), per party
    ``label``, ``name``, ``nominee``; per relationship (deduplicated like LocalGraph: one per
    direction, type and role) ``src``, ``dst``, ``rel_type``, ``term`` (its noisy-OR term),
    ``columns`` (their properties; :meth:`evidence_props`); per adjacent pair (``code = lo·n + hi``,
    sorted) ``q`` = Π(1 - term), ``first`` (the position of its first relationship) and its
    relationships in order (offsets ``rel_ptr`` into ``rel_order``); ``adj`` the undirected
    structure."""

    ids: np.ndarray
    label: np.ndarray
    name: np.ndarray
    nominee: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    rel_type: np.ndarray
    columns: dict[str, np.ndarray]
    term: np.ndarray
    codes: np.ndarray
    q: np.ndarray
    first: np.ndarray
    rel_ptr: np.ndarray
    rel_order: np.ndarray
    adj: sp.csr_matrix

    def evidence_props(self, r: int) -> dict:
        """The properties of relationship ``r`` that its evidence reads
        (:data:`~guanxi.scoring.evidence_arrays.READS`) and that have a value, built on
        demand (a dict per relationship would cost ~250 B × 14M at 1M companies); batch
        intimacy asks this of every kept pair's relationships."""
        cols = self.columns
        return row_props(((c, cols[c]) for c in READS.get(self.rel_type[r], ()) if c in cols), r)

    @property
    def n(self) -> int:
        return len(self.ids)

    def pair_pos(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the pairs (a, b) in ``codes`` and whether they are adjacent."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        c = lo.astype(np.int64) * self.n + hi
        pos = np.searchsorted(self.codes, c).clip(0, max(len(self.codes) - 1, 0))
        hit = self.codes[pos] == c if len(self.codes) else np.zeros(len(c), bool)
        return pos, hit


def party_arrays(nodes: pd.DataFrame, edges: pd.DataFrame, today: date) -> PartyArrays:
    """:class:`PartyArrays` from :func:`~guanxi.scoring.projection.party_frames` frames."""
    nodes = nodes.drop_duplicates("id", keep="first")
    ends = pd.Index(pd.unique(pd.concat([edges["source_id"], edges["target_id"]])))
    extra = ends.difference(pd.Index(nodes["id"]), sort=False).to_numpy(dtype=object)
    ids = np.sort(np.concatenate([nodes["id"].to_numpy(dtype=object), extra]))
    index = pd.Index(ids)
    at = index.get_indexer(nodes["id"])
    label = np.full(len(ids), "Unknown", dtype=object)
    name = np.full(len(ids), None, dtype=object)
    label[at] = nodes["label"].to_numpy(dtype=object)
    name[at] = nodes["name"].to_numpy(dtype=object)
    nominee = np.zeros(len(ids), bool)
    nominee[at] = nominee_mask(nodes["name"], nodes.get("nominee"))
    s = index.get_indexer(edges["source_id"])
    t = index.get_indexer(edges["target_id"])
    role = edges["role"] if "role" in edges else pd.Series(None, index=edges.index)
    key = pd.DataFrame(
        {"s": s, "t": t, "r": edges["rel_type"].to_numpy(), "o": role.fillna("\0").to_numpy()}
    )
    keep = (s != t) & ~key.duplicated(keep="first").to_numpy()
    s, t = s[keep], t[keep]  # column by column: edges[keep] would copy the whole frame
    columns = {c: edges[c].to_numpy(dtype=object)[keep] for c in EDGE_PROPS if c in edges}
    types = edges["rel_type"].to_numpy(dtype=object)[keep]
    term = relationship_terms(types, columns, today)
    n = len(ids)
    code = np.minimum(s, t).astype(np.int64) * n + np.maximum(s, t)
    order = np.argsort(code, kind="stable")
    codes, starts = np.unique(code[order], return_index=True)
    q = np.multiply.reduceat(1.0 - term[order], starts) if len(order) else np.ones(0)
    first = order[starts] if len(order) else np.zeros(0, int)
    lo, hi = codes // n, codes % n
    adj = sp.csr_matrix(
        (np.ones(2 * len(codes), bool), (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n)
    )
    adj.sort_indices()
    return PartyArrays(
        ids,
        label,
        name,
        nominee,
        s,
        t,
        types,
        columns,
        term,
        codes,
        q,
        first,
        np.r_[starts, len(order)],
        order,
        adj,
    )


def candidate_pairs(pa: PartyArrays, hub_cap: int, batch: int = 1 << 24) -> np.ndarray:
    """Codes (sorted, unique) of adjacent pairs and of pairs sharing a neighbour that is not
    nominee-like and has 2..``hub_cap`` neighbours.

    The pairs of the shared neighbours are made ``batch`` at a time, each batch deduplicated
    and cut into ``BUCKETS`` ranges of codes; each range is then deduplicated on its own.
    A pair met through several neighbours is made several times: at 1M companies sorting all
    of them at once (with the sort's copies) took more memory than the machine had, and
    merging batch by batch into one sorted array took minutes."""
    deg = np.diff(pa.adj.indptr)
    ok = ~pa.nominee & (deg >= 2) & (deg <= hub_cap)
    top = np.int64(pa.n) * pa.n
    cuts = top * np.arange(1, BUCKETS) // BUCKETS
    buckets: list[list[np.ndarray]] = [[] for _ in range(BUCKETS)]

    def bucket(codes: np.ndarray) -> None:  # sorted codes into the ranges (copies: a
        at = np.r_[0, np.searchsorted(codes, cuts), len(codes)]  # range's are freed with it)
        for b in range(BUCKETS):
            if at[b + 1] > at[b]:
                buckets[b].append(codes[at[b] : at[b + 1]].copy())

    bucket(pa.codes)
    for d in np.unique(deg[ok]):
        i, j = np.triu_indices(d, 1)
        group = np.flatnonzero(ok & (deg == d))
        step = max(1, batch // len(i))
        for lo in range(0, len(group), step):
            nb = pa.adj.indices[pa.adj.indptr[group[lo : lo + step]][:, None] + np.arange(d)]
            bucket(np.unique((nb[:, i].astype(np.int64) * pa.n + nb[:, j]).ravel()))
    out = []
    for b in range(BUCKETS):
        parts, buckets[b] = buckets[b], []
        if parts:
            out.append(np.unique(np.concatenate(parts)))
        del parts
    return np.concatenate(out) if out else np.zeros(0, np.int64)


#: code ranges :func:`candidate_pairs` deduplicates one at a time
BUCKETS = 32
