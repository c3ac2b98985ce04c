"""Intimacy (关系亲密度): how close two parties are, in [0, 1], always with evidence.

Direct evidence (relationships between the pair and shared neighbours) is combined by a
noisy-OR; the best indirect connection (up to ``max_hops``, with a per-hop discount) is one
more noisy-OR term. :func:`intimacy_score` is the pure measure on a
:class:`~guanxi.scoring.projection.LocalGraph`; :func:`intimacy_between` fetches the two
ego networks with one query; :func:`batch_intimacy` scores all pairs up to 2 hops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import pandas as pd

from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.records import Evidence, IntimacyResult, ScorerInfo
from guanxi.scoring.evidence import edge_evidence, evidence_json, noisy_or, shared_evidence
from guanxi.scoring.projection import LocalGraph, edge_props

__all__ = [
    "HOP_DISCOUNT",
    "INFO",
    "edge_intimacy",
    "pair_evidence",
    "best_indirect",
    "intimacy_score",
    "intimacy_between",
    "batch_intimacy",
    "summary_text",
]

log = logging.getLogger(__name__)

HOP_DISCOUNT = 0.5
INFO = ScorerInfo(
    name="intimacy",
    method="noisy-OR of weighted direct evidence, plus best indirect path × 0.5^(hops-1)",
    config={
        "hop_discount": HOP_DISCOUNT,
        "max_hops": 3,
        "batch_hops": 2,
        "hub_cap": 50,
        "min_score": 0.05,
    },
    result="IntimacyResult; INTIMACY {score, evidence, text, run_id}",
)


def summary_text(items: list[Evidence], limit: int = 3) -> str:
    """The short human line: the strongest items' texts joined by ``·``."""
    top = sorted(items, key=lambda e: -e.contribution)[:limit]
    return "·".join(e.text for e in top) if top else "无直接关联"


def edge_intimacy(g: LocalGraph, a: str, b: str, today: date) -> tuple[float, list[Evidence]]:
    """Intimacy from the relationships joining ``a`` and ``b`` only (the weight of a hop).

    Notes
    -----
    ``1 - prod(1 - w_i s_i)`` over the evidence of each relationship between the two.
    """
    items = [e for t, p, _ in g.edges_between(a, b) if (e := edge_evidence(t, p, today))]
    return noisy_or(items), items


def pair_evidence(g: LocalGraph, a: str, b: str, today: date) -> list[Evidence]:
    """All direct evidence about ``a`` and ``b``: their relationships plus shared
    executives / shareholders (two companies) or shared employers / holdings (two persons).
    Nominee-like neighbours never count as shared."""
    items = edge_intimacy(g, a, b, today)[1]
    la, lb = g.nodes[a].label, g.nodes[b].label
    if la != lb or la not in ("Company", "Person"):
        return items
    shared: dict[str, list[tuple[str, str]]] = {}
    na, nb = g.neighbours(a), g.neighbours(b)
    for x in sorted(set(na) & set(nb) - {a, b}):
        node = g.nodes[x]
        if node.nominee:
            continue
        ta = {(t, o) for t, _, o in na[x]}
        tb = {(t, o) for t, _, o in nb[x]}
        nm = node.name or x
        if la == "Company":
            if ("SERVES_AS", False) in ta and ("SERVES_AS", False) in tb:
                shared.setdefault("shared_executives", []).append((x, nm))
            if ("HOLDS_SHARES", False) in ta and ("HOLDS_SHARES", False) in tb:
                shared.setdefault("shared_shareholders", []).append((x, nm))
        else:
            if ("SERVES_AS", True) in ta and ("SERVES_AS", True) in tb:
                shared.setdefault("colleagues", []).append((x, nm))
            if ("HOLDS_SHARES", True) in ta and ("HOLDS_SHARES", True) in tb:
                shared.setdefault("co_holders", []).append((x, nm))
    for kind, found in shared.items():
        names, ids = [n for _, n in found], [i for i, _ in found]
        if (e := shared_evidence(kind, names, ids)) is not None:
            items.append(e)
    return items


def _paths(g: LocalGraph, a: str, b: str, max_hops: int) -> Iterator[list[str]]:
    """Loopless paths a → b of 2..max_hops hops through non-nominee intermediates."""
    target_nbrs = g.neighbours(b)
    stack: list[list[str]] = [[a]]
    while stack:
        path = stack.pop()
        u = path[-1]
        if len(path) >= 2 and u in target_nbrs:
            yield [*path, b]
        if len(path) >= max_hops:
            continue
        for v in g.neighbours(u):
            if v in (a, b) or v in path or g.nodes[v].nominee:
                continue
            stack.append([*path, v])


def best_indirect(
    g: LocalGraph,
    a: str,
    b: str,
    today: date,
    *,
    max_hops: int = 3,
    discount: float = HOP_DISCOUNT,
    skip_via: frozenset[str] = frozenset(),
) -> tuple[float, list[str]]:
    """The strongest multi-hop connection: ``max over paths of prod(edge intimacy) ×
    discount^(hops - 1)``, paths of 2..``max_hops`` hops; 2-hop paths through ``skip_via``
    (already counted as shared neighbours) are left out. Returns (score, path)."""
    cache: dict[tuple[str, str], float] = {}

    def w(u: str, v: str) -> float:
        k = (u, v) if u < v else (v, u)
        if k not in cache:
            cache[k] = edge_intimacy(g, u, v, today)[0]
        return cache[k]

    best, best_path = 0.0, []
    for path in _paths(g, a, b, max_hops):
        if len(path) == 3 and path[1] in skip_via:
            continue
        s = discount ** (len(path) - 2)
        for u, v in zip(path, path[1:], strict=False):
            s *= w(u, v)
            if s <= best:
                break
        if s > best:
            best, best_path = s, path
    return best, best_path


def intimacy_score(
    g: LocalGraph,
    a: str,
    b: str,
    today: date | None = None,
    *,
    max_hops: int = 3,
    discount: float = HOP_DISCOUNT,
) -> IntimacyResult:
    """Intimacy of ``a`` and ``b`` on a local graph.

    Notes
    -----
    ``direct = 1 - prod_i (1 - w_i s_i)`` over :func:`pair_evidence`;
    ``indirect = max_path prod_hops I_edge × discount^(hops-1)``;
    ``score = 1 - (1 - direct)(1 - indirect)``. Noisy-OR: each item is an independent
    chance that the tie is real; one strong item suffices, more items add with diminishing
    returns, order does not matter and the result stays in [0, 1].

    Raises
    ------
    NotFound
        When ``a`` or ``b`` is not in the graph.
    """
    today = today or date.today()
    for x in (a, b):
        if x not in g.nodes:
            raise NotFound(f"No party with id {x!r}")
    items = pair_evidence(g, a, b, today)
    direct = noisy_or(items)
    via_ids = frozenset(n for e in items for n in e.detail.get("via_ids", []))
    ind, path = best_indirect(
        g, a, b, today, max_hops=max_hops, discount=discount, skip_via=via_ids
    )
    if ind > 0:
        names = "→".join(g.nodes[x].name or x for x in path[1:-1])
        items.append(
            Evidence(
                "indirect",
                {"path": path, "hops": len(path) - 1},
                f"经{names}间接关联({len(path) - 1}跳)",
                ind,
                1.0,
            )
        )
    score = 1.0 - (1.0 - direct) * (1.0 - ind)
    return IntimacyResult(a, b, score, direct, ind, tuple(items), summary_text(items))


def intimacy_between(
    client: Gateway, a: str, b: str, today: date | None = None, *, hub_cap: int = 200
) -> IntimacyResult:
    """Fetch the ego networks of ``a`` and ``b`` (one query) and score them."""
    parties = client.read("scoring.find_parties", ids=[a, b])
    found = {p["id"] for p in parties}
    for x in (a, b):
        if x not in found:
            raise NotFound(f"No company, person or RM with id {x!r}")
    rows = client.read("scoring.intimacy_ego", a=a, b=b, hub_cap=hub_cap)
    g = graph_from_rows(parties, rows)
    return intimacy_score(g, a, b, today)


def graph_from_rows(parties: list[dict], rows: list[dict]) -> LocalGraph:
    """A :class:`LocalGraph` from ``scoring.find_parties`` and edge rows with endpoint
    columns (``s_*``, ``t_*``) and the :data:`~guanxi.scoring.projection.EDGE_PROPS`
    columns."""
    g = LocalGraph()
    for p in parties:
        g.add_node(p["id"], p["label"], p.get("name"), nominee=p.get("nominee"))
    for r in rows:
        g.add_node(r["source_id"], r["s_label"], r["s_name"], nominee=r["s_nominee"])
        g.add_node(r["target_id"], r["t_label"], r["t_name"], nominee=r["t_nominee"])
        g.add_edge(r["source_id"], r["target_id"], r["rel_type"], edge_props(r))
    return g


def batch_intimacy(
    g: LocalGraph,
    today: date | None = None,
    *,
    hub_cap: int = 50,
    min_score: float = 0.05,
) -> pd.DataFrame:
    """Intimacy of every pair of parties up to 2 hops apart, as a frame with columns
    ``source_id``, ``target_id`` (``source_id < target_id``), ``source_label``,
    ``target_label``, ``score``, ``evidence`` (JSON) and ``text``.

    Two-hop pairs are enumerated only through intermediates that are not nominee-like and
    have at most ``hub_cap`` neighbours (a custodian holding 3,000 companies would
    otherwise create 4.5 million meaningless pairs); pairs below ``min_score`` are dropped.
    """
    today = today or date.today()
    pairs: set[tuple[str, str]] = set()
    for u, nbrs in g.adj.items():
        for v in nbrs:
            if u < v:
                pairs.add((u, v))
        if g.nodes[u].nominee or len(nbrs) > hub_cap or len(nbrs) < 2:
            continue
        ns = sorted(nbrs)
        for i, v in enumerate(ns):
            for w in ns[i + 1 :]:
                pairs.add((v, w))
    rows = []
    for a, b in sorted(pairs):
        res = intimacy_score(g, a, b, today, max_hops=2)
        if res.score < min_score:
            continue
        rows.append(
            {
                "source_id": a,
                "target_id": b,
                "source_label": g.nodes[a].label,
                "target_label": g.nodes[b].label,
                "score": round(res.score, 6),
                "evidence": evidence_json(res.evidence),
                "text": res.text,
            }
        )
    log.info("scored %d pairs, kept %d", len(pairs), len(rows))
    cols = ["source_id", "target_id", "source_label", "target_label", "score", "evidence", "text"]
    return pd.DataFrame(rows, columns=cols)
