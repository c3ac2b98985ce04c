"""Risk propagation: a flag on a party (default, litigation, a watch-list entry) spreads
along guarantees, control and supply dependence with a documented decay, and every party
reached gets an inherited-risk score with the path that explains it.

:func:`propagation_edges` turns the graph's facts into weighted, directed risk edges;
:func:`propagate` is the pure function (a max-product search from every flagged party).

Formula (docs/risk.md "Propagation"): a flag of severity ``s`` on party ``f`` gives party
``v`` the score ``s · Π w(e)`` over the edges of the path from ``f`` to ``v`` that makes it
largest, with at most ``max_hops`` edges; a party's inherited risk is the largest over all
flags, kept when at least ``floor``. Edge weights (risk flows *from* the first party *to*
the second):

* guarantee: borrower → guarantor, ``w = guarantee`` (0.8): the guarantor answers for the
  borrower's debt;
* control: controlled company ↔ controlling holder (> 50 %), ``w = control`` (0.6) both ways;
* supply: buyer → supplier and supplier → buyer, ``w = supply · share`` (0.5 × the
  supplier's share of the buyer's purchases): the more one depends on the other, the more
  its trouble is shared.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass

import pandas as pd

from guanxi.records import InheritedRisk, ScorerInfo

__all__ = ["Decay", "INFO", "VIA_ZH", "propagation_edges", "propagate"]

log = logging.getLogger(__name__)

VIA_ZH = {"guarantee": "担保", "control": "控股", "supply": "供应链"}


@dataclass(frozen=True)
class Decay:
    """Edge weights and the search's limits."""

    guarantee: float = 0.8
    control: float = 0.6
    supply: float = 0.5
    max_hops: int = 4
    floor: float = 0.05


INFO = ScorerInfo(
    name="risk",
    method="max-product path from flagged parties along guarantee, control, supply edges",
    config=Decay().__dict__,
    result="InheritedRisk",
)


def propagation_edges(
    guarantees: pd.DataFrame, control: pd.DataFrame, supply: pd.DataFrame, decay: Decay = Decay()
) -> pd.DataFrame:
    """Risk edges ``source_id`` → ``target_id`` with ``weight`` and ``via``.

    ``guarantees``: ``guarantor_id``, ``borrower_id``; ``control``: ``holder_id``,
    ``company_id`` (controlling stakes only); ``supply``: ``supplier_id``, ``buyer_id``,
    ``share`` (0–1).
    """
    g = pd.DataFrame({"source_id": guarantees["borrower_id"],
                      "target_id": guarantees["guarantor_id"], "weight": decay.guarantee,
                      "via": "guarantee"})  # fmt: skip
    c1 = pd.DataFrame({"source_id": control["company_id"], "target_id": control["holder_id"],
                       "weight": decay.control, "via": "control"})  # fmt: skip
    c2 = c1.rename(columns={"source_id": "target_id", "target_id": "source_id"})
    share = pd.to_numeric(supply["share"], errors="coerce").fillna(0.0).clip(0, 1)
    s1 = pd.DataFrame({"source_id": supply["buyer_id"], "target_id": supply["supplier_id"],
                       "weight": decay.supply * share, "via": "supply"})  # fmt: skip
    s2 = s1.rename(columns={"source_id": "target_id", "target_id": "source_id"})
    out = pd.concat([g, c1, c2[c1.columns], s1, s2[s1.columns]], ignore_index=True)
    out = out[(out["weight"] > 0) & (out["source_id"] != out["target_id"])]
    return out.sort_values("weight", ascending=False).drop_duplicates(["source_id", "target_id"])


def propagate(
    edges: pd.DataFrame,
    flags: pd.DataFrame,
    decay: Decay = Decay(),
    names: dict[str, str] | None = None,
) -> list[InheritedRisk]:
    """Inherited risk of every party reached from a flag.

    Parameters
    ----------
    edges : DataFrame
        From :func:`propagation_edges`.
    flags : DataFrame
        ``party_id``, ``kind``, ``severity`` (0–1).
    decay : Decay
    names : dict, optional
        Id → name, for the text.

    Returns
    -------
    list of InheritedRisk
        Flagged parties themselves included (path of one party), by score descending.

    Examples
    --------
    >>> e = pd.DataFrame({"source_id": ["A", "B"], "target_id": ["B", "C"],
    ...                   "weight": [0.8, 0.5], "via": ["guarantee", "supply"]})
    >>> f = pd.DataFrame({"party_id": ["A"], "kind": ["default"], "severity": [1.0]})
    >>> [(r.id, round(r.score, 2)) for r in propagate(e, f)]
    [('A', 1.0), ('B', 0.8), ('C', 0.4)]
    """
    names = names or {}
    adj: dict[str, list[tuple[str, float, str]]] = {}
    for s, t, w, v in edges[["source_id", "target_id", "weight", "via"]].itertuples(index=False):
        adj.setdefault(s, []).append((t, float(w), v))
    best: dict[str, float] = {}
    back: dict[str, tuple[str | None, str, str, str]] = {}  # node → (prev, via, source, kind)
    heap: list[tuple[float, str, int]] = []
    for p, k, sev in flags[["party_id", "kind", "severity"]].itertuples(index=False):
        sev = float(sev)
        if sev > best.get(p, 0.0):
            best[p] = sev
            back[p] = (None, "", p, str(k))
            heapq.heappush(heap, (-sev, p, 0))
    hops: dict[str, int] = {p: 0 for p in best}
    done: set[str] = set()
    while heap:
        neg, node, h = heapq.heappop(heap)
        if node in done or -neg < best.get(node, 0.0) - 1e-15:
            continue
        done.add(node)
        if h >= decay.max_hops:
            continue
        for t, w, via in adj.get(node, ()):
            score = -neg * w
            if score < decay.floor or t in done or score <= best.get(t, 0.0):
                continue
            best[t], hops[t] = score, h + 1
            back[t] = (node, via, back[node][2], back[node][3])
            heapq.heappush(heap, (-score, t, h + 1))
    out = []
    for node, score in best.items():
        path, via, cur = [node], [], node
        while back[cur][0] is not None:
            via.append(back[cur][1])
            cur = back[cur][0]
            path.append(cur)
        path.reverse()
        via.reverse()
        src, kind = back[node][2], back[node][3]
        text = _text(path, via, kind, score, names)
        out.append(InheritedRisk(node, score, src, kind, tuple(path), tuple(via), text))
    out.sort(key=lambda r: (-r.score, r.id))
    log.info("risk: %d flags reached %d parties", len(flags), len(out))
    return out


def _text(path: list[str], via: list[str], kind: str, score: float, names: dict) -> str:
    """``风险 0.48：甲公司(default) →担保→ 乙公司 →供应链→ 丙公司``."""
    parts = [f"{names.get(path[0], path[0])}({kind})"]
    for v, p in zip(via, path[1:], strict=True):
        parts.append(f"→{VIA_ZH.get(v, v)}→ {names.get(p, p)}")
    return f"传导风险 {score:.2f}：" + " ".join(parts)
