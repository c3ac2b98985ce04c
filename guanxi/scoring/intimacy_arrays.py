"""Batch intimacy on arrays: every pair up to two hops apart scored at once with sparse
matrices — the same pairs, scores and evidence as :func:`~guanxi.scoring.intimacy.
batch_intimacy` (which walks a :class:`~guanxi.scoring.projection.LocalGraph` pair by pair
and stays the reference the tests compare with), without building that graph.

The pair loop cost ~130 µs a pair in Python (7.1M pairs, 15 min at 100k companies) and the
LocalGraph ~3 KB a relationship; here the measure is computed per chunk of pairs with
scipy.sparse row products, and Python only assembles the evidence of the pairs kept
(docs/scaling.md, *Batch scoring at scale*).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from guanxi.records import Evidence
from guanxi.scoring.evidence import (
    WEIGHTS,
    edge_evidence,
    evidence_json,
    shared_evidence,
    shared_strength,
)
from guanxi.scoring.intimacy import HOP_DISCOUNT, summary_text
from guanxi.scoring.party_arrays import PartyArrays, candidate_pairs, party_arrays

__all__ = ["iter_intimacy", "intimacy_chunks", "array_intimacy", "IntimacyScorer"]

log = logging.getLogger(__name__)

#: shared-neighbour kinds per label of the pair: (kind, relationship type, the pair's ends
#: are the relationship's targets) — e.g. two companies share an executive when a person
#: SERVES_AS at both.
_SHARED = {
    "Company": (
        ("shared_executives", "SERVES_AS", True),
        ("shared_shareholders", "HOLDS_SHARES", True),
    ),
    "Person": (("colleagues", "SERVES_AS", False), ("co_holders", "HOLDS_SHARES", False)),
}
_COLS = ["source_id", "target_id", "source_label", "target_label", "score", "evidence", "text"]


def _kind_matrix(pa: PartyArrays, rel_type: str, ends_are_targets: bool) -> sp.csr_matrix:
    """party × neighbour indicator of ``rel_type`` (neighbour → party when the party is the
    target), nominee-like neighbours left out."""
    m = pa.rel_type == rel_type
    rows, cols = (pa.dst[m], pa.src[m]) if ends_are_targets else (pa.src[m], pa.dst[m])
    keep = ~pa.nominee[cols]
    out = sp.csr_matrix(
        (np.ones(int(keep.sum()), np.int8), (rows[keep], cols[keep])), shape=(pa.n, pa.n)
    )
    out.data[:] = 1
    return out


def _first_k(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """``m`` with only the first ``k`` stored entries of each row (indices sorted)."""
    pos = np.arange(m.nnz) - np.repeat(m.indptr[:-1], np.diff(m.indptr))
    out = m.copy()
    out.data = np.where(pos < k, out.data, 0).astype(out.data.dtype)
    out.eliminate_zeros()
    return out


def _best_via(
    pa: PartyArrays, w: sp.csr_matrix, a: np.ndarray, b: np.ndarray, via: sp.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair the best two-hop product ``w(a,x)·w(x,b)`` over intermediates not in ``via``
    and its ``x`` (-1 when none); ties go to the ``x`` met last in ``a``'s neighbour order,
    as the reference's depth-first walk does."""
    p = w[a].multiply(w[b]).tocsr()
    if via.nnz:
        p = (p - p.multiply(via)).tocsr()
    p.eliminate_zeros()
    coo = p.tocoo()
    best, arg = np.zeros(len(a)), np.full(len(a), -1)
    if coo.nnz:
        pos, _ = pa.pair_pos(a[coo.row], coo.col)
        o = np.lexsort((pa.first[pos], coo.data, coo.row))
        last = np.r_[coo.row[o][1:] != coo.row[o][:-1], True]
        best[coo.row[o][last]] = coo.data[o][last]
        arg[coo.row[o][last]] = coo.col[o][last]
    return best, arg


def iter_intimacy(
    nodes: pd.DataFrame, edges: pd.DataFrame, today: date | None = None, **kw: Any
) -> Iterator[pd.DataFrame]:
    """Intimacy of every pair of parties up to two hops apart, from
    :func:`~guanxi.scoring.projection.party_frames` frames (:func:`intimacy_chunks` over
    their :func:`~guanxi.scoring.party_arrays.party_arrays`)."""
    today = today or date.today()
    return intimacy_chunks(party_arrays(nodes, edges, today), today, **kw)


def intimacy_chunks(
    pa: PartyArrays,
    today: date,
    *,
    progress: Callable[[int, int], None] | None = None,
    **kw: Any,
) -> Iterator[pd.DataFrame]:
    """Intimacy of every pair of parties of ``pa`` up to two hops apart, one frame per chunk
    of :class:`IntimacyScorer` (``kw``: its options), in the columns
    :func:`~guanxi.scoring.intimacy.batch_intimacy` returns; ``progress(done, total)``
    after each chunk."""
    scorer = IntimacyScorer(pa, today, **kw)
    kept = 0
    for lo, hi in scorer.spans:
        out = scorer.score(lo, hi)
        kept += len(out)
        if progress:
            progress(hi, scorer.candidates)
        yield out
    log.info("scored %d pairs, kept %d", scorer.candidates, kept)


class IntimacyScorer:
    """What batch intimacy sets up once: the candidate pairs of ``pa`` (every pair up to two
    hops apart; ``pairs``: the candidate codes to score instead, as
    :func:`~guanxi.scoring.party_arrays.candidate_pairs` gives them, e.g. a benchmark's
    sample), the weight and shared-neighbour matrices, and ``spans``: chunks of at most
    ``chunk`` candidates whose ends have about ``max_cost`` neighbours together at most (the
    rows of the sparse products: a hub's pairs, thousands of them each with the hub's
    thousands of neighbours, made one chunk of 10⁸ entries at 1M companies).
    :meth:`score` scores one chunk, so that chunks can be scored (and written) as they
    come, in any order and by several processes. Pairs kept score at least ``min_score``,
    and pairs not directly linked at least ``two_hop_min`` too (None: ``min_score``;
    docs/scaling.md)."""

    def __init__(
        self,
        pa: PartyArrays,
        today: date,
        *,
        hub_cap: int = 50,
        min_score: float = 0.05,
        two_hop_min: float | None = None,
        chunk: int = 500_000,
        max_cost: int = 16_000_000,
        pairs: np.ndarray | None = None,
    ) -> None:
        self.pa, self.today = pa, today
        self.min_score, self.two_hop_min = min_score, max(min_score, two_hop_min or 0.0)
        self.cand = candidate_pairs(pa, hub_cap) if pairs is None else pairs
        w = sp.csr_matrix((1.0 - pa.q, (pa.codes // pa.n, pa.codes % pa.n)), shape=(pa.n, pa.n))
        self.w = (w + w.T).tocsr() @ sp.diags((~pa.nominee).astype(float))
        self.kinds = {
            lab: [(k, _kind_matrix(pa, t, tg)) for k, t, tg in spec]
            for lab, spec in _SHARED.items()
        }
        deg = np.diff(pa.adj.indptr)
        self.spans = list(_bounds(self.cand, deg, pa.n, chunk, max_cost))

    @property
    def candidates(self) -> int:
        """The number of candidate pairs."""
        return len(self.cand)

    def score(self, lo: int, hi: int) -> pd.DataFrame:
        """The kept pairs of candidates ``lo … hi-1`` (a span), scored, with evidence."""
        c, n = self.cand[lo:hi], self.pa.n
        return _score_chunk(self.pa, self.w, self.kinds, c // n, c % n, self.today,
                            self.min_score, self.two_hop_min)  # fmt: skip


def _bounds(
    cand: np.ndarray, deg: np.ndarray, n: int, chunk: int, max_cost: int
) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the chunks of ``cand``: at most ``chunk`` pairs, split where the
    running sum of the ends' neighbours passes a multiple of ``max_cost``, so a chunk costs
    less than ``max_cost`` plus its first pair."""
    for lo in range(0, len(cand), chunk):
        c = cand[lo : lo + chunk]
        cost = np.cumsum(deg[c // n] + deg[c % n] + 1)
        cuts = np.searchsorted(cost, np.arange(max_cost, cost[-1], max_cost), side="right")
        at = np.unique(np.r_[0, cuts, len(c)])
        for a, b in zip(at[:-1], at[1:], strict=True):
            yield lo + int(a), lo + int(b)


def array_intimacy(
    nodes: pd.DataFrame, edges: pd.DataFrame, today: date | None = None, **kw: Any
) -> pd.DataFrame:
    """:func:`iter_intimacy` in one frame (what ``batch_intimacy`` returns)."""
    frames = list(iter_intimacy(nodes, edges, today, **kw))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_COLS)


def _score_chunk(
    pa: PartyArrays,
    w: sp.csr_matrix,
    kinds: dict,
    a: np.ndarray,
    b: np.ndarray,
    today: date,
    min_score: float,
    two_hop_min: float,
) -> pd.DataFrame:
    pos, hit = pa.pair_pos(a, b)
    p = np.where(hit, pa.q[pos], 1.0)
    same = pa.label[a] == pa.label[b]
    shared: list[tuple[str, np.ndarray, sp.csr_matrix]] = []
    via = sp.csr_matrix((len(a), pa.n), dtype=np.int8)
    for lab, spec in kinds.items():
        rows = np.flatnonzero(same & (pa.label[a] == lab))
        if not len(rows):
            continue
        pick = sp.csr_matrix(
            (np.ones(len(rows), np.int8), (rows, np.arange(len(rows)))), shape=(len(a), len(rows))
        )
        for kind, m in spec:
            s = (pick @ m[a[rows]].multiply(m[b[rows]])).tocsr()
            s.sort_indices()
            s.eliminate_zeros()
            cnt = np.diff(s.indptr)
            term = np.clip(WEIGHTS[kind] * shared_strength(kind, cnt), 0, 1)
            p = p * np.where(cnt > 0, 1.0 - term, 1.0)
            shared.append((kind, cnt, s))
            via = via + _first_k(s, 50)
    via = via.tocsr()
    via.data[:] = 1
    best, x = _best_via(pa, w, a, b, via)
    ind = HOP_DISCOUNT * best
    direct = 1.0 - p
    score = 1.0 - (1.0 - direct) * (1.0 - ind)
    keep = np.flatnonzero(score >= np.where(hit, min_score, two_hop_min))
    ka, kb = a[keep], b[keep]
    # Python values, not numpy scalars, for the per-pair loop (a fifth of its time)
    lists = [(kind, cnt.tolist(), m.indptr.tolist(), m.indices) for kind, cnt, m in shared]
    at = (ka, kb, np.where(hit, pos, -1)[keep], keep, x[keep], ind[keep])
    told = [
        _assemble(pa, ai, bi, pi, lists, i, xi, ii, today)
        for ai, bi, pi, i, xi, ii in zip(*(v.tolist() for v in at), strict=True)
    ]
    # object columns built whole: a frame of per-row dicts, its strings made Arrow and then
    # Python again for the driver, cost a tenth of the chunk (docs/scaling.md)
    cols = {
        "source_id": pa.ids[ka],
        "target_id": pa.ids[kb],
        "source_label": pa.label[ka],
        "target_label": pa.label[kb],
        "score": np.round(score[keep], 6),
        "evidence": np.array([e for e, _ in told], dtype=object),
        "text": np.array([t for _, t in told], dtype=object),
    }
    return pd.DataFrame({c: pd.Series(v, dtype=object if c != "score" else float)
                         for c, v in cols.items()}, columns=_COLS)  # fmt: skip


def _assemble(
    pa: PartyArrays,
    a: int,
    b: int,
    pos: int,
    shared: list,
    i: int,
    x: int,
    ind: float,
    today: date,
) -> tuple[str, str]:
    """The evidence (stored JSON) and the summary text of pair ``i`` = (``a``, ``b``);
    ``shared``: per kind ``(kind, counts, indptr, indices)`` of the chunk's shared
    neighbours."""
    items: list[Evidence] = []
    if pos >= 0:
        for r in pa.rel_order[pa.rel_ptr[pos] : pa.rel_ptr[pos + 1]].tolist():
            if (e := edge_evidence(pa.rel_type[r], pa.evidence_props(r), today)) is not None:
                items.append(e)
    found = []
    for rank, (kind, cnt, ptr, idx) in enumerate(shared):
        if cnt[i]:
            xs = idx[ptr[i] : ptr[i + 1]].tolist()
            found.append((xs[0], rank, kind, xs))
    for _, _, kind, xs in sorted(found, key=lambda f: (f[0], f[1])):
        names = [pa.name[v] or pa.ids[v] for v in xs]
        if (e := shared_evidence(kind, names, [pa.ids[v] for v in xs])) is not None:
            items.append(e)
    if ind > 0 and x >= 0:
        path = [pa.ids[a], pa.ids[x], pa.ids[b]]
        via_name = pa.name[x] or pa.ids[x]
        items.append(
            Evidence("indirect", {"path": path, "hops": 2}, f"经{via_name}间接关联(2跳)", ind, 1.0)
        )
    return evidence_json(items), summary_text(items)
