"""Contact paths (联络路径): the top-k warm paths from the bank to a target.

The origin is an RM, a Branch (its RMs) or the whole bank (every RM and customer company).
:func:`fetch_ball` pulls the target's neighbourhood level by level (one query per level,
hubs and nominees not expanded); :func:`find_paths` is the pure search: hop costs are
``-log(intimacy × λ × hub(v))`` and Yen's algorithm (:mod:`guanxi.scoring.yen`) returns k
loopless paths within the hop limit; :mod:`guanxi.scoring.introductions` explains them.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date

from guanxi.errors import NotFound
from guanxi.scoring.intimacy import edge_intimacy
from guanxi.scoring.nominees import NOMINEE_PATTERNS
from guanxi.scoring.projection import EDGE_PROPS, LocalGraph
from guanxi.scoring.records import ScorerInfo
from guanxi.scoring.yen import yen_k_shortest

__all__ = ["PathConfig", "INFO", "BANK", "hub_factor", "find_paths", "fetch_ball", "Found"]

log = logging.getLogger(__name__)

BANK = "__bank__"


@dataclass(frozen=True)
class PathConfig:
    """Search settings: hop penalty λ, hub reference degree (``hub(v) = sqrt(ref/deg)``
    above it), degree above which a node cannot carry a path, the extra factor for a
    company-to-company last hop into a company target, and the hop limit."""

    hop_penalty: float = 0.85
    hub_ref: int = 30
    mega_hub: int = 500
    partner_factor: float = 0.3
    max_hops: int = 4


INFO = ScorerInfo(
    name="contact_paths",
    method="Yen k shortest loopless paths on -log(intimacy·λ·hub) with a hop limit",
    config={
        "hop_penalty": 0.85,
        "hub_ref": 30,
        "mega_hub": 500,
        "partner_factor": 0.3,
        "max_hops": 4,
        "k": 3,
    },
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


def find_paths(
    g: LocalGraph,
    origins: set[str],
    target: str,
    k: int = 3,
    cfg: PathConfig = PathConfig(),
    today: date | None = None,
) -> list[Found]:
    """The ``k`` strongest loopless paths from any of ``origins`` to ``target``.

    Notes
    -----
    ``strength(path) = prod_hops I(u, v) × λ × hub(v)`` where ``I`` is the hop's edge
    intimacy, λ the per-hop penalty and ``hub(v)`` the degree penalty of each intermediate
    node (1 for the target). Nominee-like nodes and nodes with more than ``mega_hub``
    relationships never carry a path. Into a company target, a hop from another company
    (an introduction by a partner) is multiplied by ``partner_factor``: people are whom an
    RM wants to reach. Yen runs on costs ``-log`` of the factors from a virtual source
    joined to every origin at cost 0.
    """
    today = today or date.today()
    if target not in g.nodes:
        raise NotFound(f"No party with id {target!r}")
    tlabel = g.nodes[target].label
    adj: dict[str, dict[str, float]] = {BANK: {}}
    for o in sorted(origins):
        if o in g.nodes and o != target:
            adj[BANK][o] = 0.0
    for u, nbrs in g.adj.items():
        nu = g.nodes[u]
        if u != target and u not in origins and (nu.nominee or g.degree(u) > cfg.mega_hub):
            continue
        out = adj.setdefault(u, {})
        for v in nbrs:
            if v in origins and v != target:
                continue  # a path never re-enters the bank
            nv = g.nodes[v]
            if v != target and (nv.nominee or g.degree(v) > cfg.mega_hub):
                continue
            w, _ = edge_intimacy(g, u, v, today)
            if w <= 0:
                continue
            f = w * cfg.hop_penalty
            if v != target:
                f *= hub_factor(g.degree(v), cfg.hub_ref)
            elif tlabel == "Company" and nu.label == "Company":
                f *= cfg.partner_factor
            out[v] = -math.log(max(f, 1e-300))
    res = yen_k_shortest(adj, BANK, target, k, cfg.max_hops, virtual=BANK)
    return [Found(math.exp(-c), tuple(p[1:])) for c, p in res if len(p) > 2]


def fetch_ball(
    client,
    target: str,
    origin_ids: list[str] | None,
    cfg: PathConfig = PathConfig(),
    expand_cap: int = 300,
) -> tuple[LocalGraph, set[str]]:
    """The neighbourhood of ``target`` within ``cfg.max_hops`` (one query per level) and the
    origins found in it: RMs in ``origin_ids``, or every RM and customer company when
    ``origin_ids`` is None. Nominees, RMs and nodes with more than ``expand_cap``
    relationships are not expanded (the target always is)."""
    found = client.read("scoring.find_parties", ids=[target])
    if not found:
        raise NotFound(f"No company, person or RM with id {target!r}")
    t = found[0]
    g = LocalGraph()
    g.add_node(t["id"], t["label"], t["name"], nominee=t["nominee"])
    eid_of = {t["eid"]: t["id"]}
    frontier = [t["eid"]]
    origins: set[str] = set()
    pats = list(NOMINEE_PATTERNS)
    for level in range(cfg.max_hops):
        if not frontier:
            break
        last = level == cfg.max_hops - 1
        rows = client.read(
            "scoring.path_frontier",
            eids=frontier,
            last=last,
            origin_ids=origin_ids,
            nominee_patterns=pats,
        )
        nxt = []
        for r in rows:
            mid, nid = r["m_id"], eid_of[r["n_eid"]]
            new = mid not in g.nodes
            g.add_node(
                mid,
                r["m_label"],
                r["m_name"],
                nominee=r["m_nominee"],
                degree=r["m_degree"],
                customer=r["m_origin"],
            )
            props = {p: r[p] for p in EDGE_PROPS if r.get(p) is not None}
            src, dst = (nid, mid) if r["outgoing"] else (mid, nid)
            g.add_edge(src, dst, r["rel_type"], props)
            is_origin = r["m_origin"] and (origin_ids is None or mid in origin_ids)
            if is_origin:
                origins.add(mid)
            if new:
                eid_of[r["m_eid"]] = mid
                expand = not (
                    r["m_nominee"]
                    or r["m_degree"] > expand_cap
                    or r["m_label"] == "RelationshipManager"
                )
                if expand:
                    nxt.append(r["m_eid"])
        frontier = nxt
    return g, origins
