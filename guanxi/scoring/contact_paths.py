"""Contact paths (联络路径): the top-k warm paths from the bank to a target, explained.

The origin is an RM, a Branch (its RMs), a party, or the whole bank (every RM and customer
company). :func:`contact_paths` is the service behind ``guanxi paths``, ``GET /api/v1/paths``
and the paths page: it finds the paths on the in-memory index
(:func:`guanxi.scoring.path_search.search`), re-reads their hops from Neo4j
(:func:`live_hops`) and explains them from those live facts: :func:`explain` gives each
path its hops with evidence and the introducer to ask, :func:`choose_channel` the channel
(rules in docs/scoring.md). It returns a :class:`~guanxi.records.PathsResult`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date

import numpy as np

from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.graph.history import as_of_params
from guanxi.records import EVIDENCE_TYPES, ContactPath, Hop, PathsResult, ScorerInfo
from guanxi.scoring.evidence import to_date
from guanxi.scoring.intimacy import edge_intimacy
from guanxi.scoring.path_index import PathIndex
from guanxi.scoring.path_index_cache import get_index
from guanxi.scoring.path_search import Found, PathConfig, search
from guanxi.scoring.projection import LocalGraph, edge_props

__all__ = ["INFO", "ROLE_EN", "explain", "choose_channel", "live_hops", "contact_paths"]

log = logging.getLogger(__name__)

INFO = ScorerInfo(
    name="contact_paths",
    method="Yen k shortest loopless paths on -log(intimacy·λ·hub·last-hop factor) with a hop "
    "limit, on an in-memory index of edge intimacies",
    config={**PathConfig().__dict__, "k": 3},
    result="PathsResult (list[ContactPath])",
)

ROLE_EN = {
    "chairman": "chairman",
    "legal_rep": "legal representative",
    "ceo": "CEO",
    "cfo": "CFO",
    "cto": "CTO",
    "vp": "VP",
    "director": "director",
    "vice_chairman": "vice chairman",
    "secretary": "board secretary",
    "supervisor": "supervisor",
    "manager": "manager",
    "independent_director": "independent director",
}


def _hop(g: LocalGraph, u: str, v: str, today: date) -> Hop:
    score, items = edge_intimacy(g, u, v, today)
    top = max(items, key=lambda e: e.contribution) if items else None
    rel = EVIDENCE_TYPES.get(top.kind, top.kind) if top else "RELATED"
    return Hop(u, v, rel, score, tuple(items), g.nodes[u].name, g.nodes[v].name)


def _role(g: LocalGraph, person: str, company: str) -> str:
    for t, p, _ in g.edges_between(person, company):
        if t == "SERVES_AS":
            return ROLE_EN.get(str(p.get("role")), str(p.get("role")))
    for t, p, _ in g.edges_between(person, company):
        if t == "HOLDS_SHARES":
            return f"shareholder ({p.get('pct')}%)"
    return "contact"


def _describe_origin(node_id: str, g: LocalGraph, ctx: dict[str, dict]) -> str:
    n, c = g.nodes[node_id], ctx.get(node_id, {})
    if n.label == "RelationshipManager":
        return f"RM {n.name}" + (f" at branch {c['branch']}" if c.get("branch") else "")
    if c.get("customer") is False:  # a customer relationship the caller may not see
        return n.name or node_id
    rm = f", managed by RM {c['rm_name']}" if c.get("rm_name") else ""
    br = f" at branch {c['branch']}" if c.get("branch") else ""
    return f"existing customer {n.name}{rm}{br}"


def choose_channel(
    g: LocalGraph, f: Found, hops: list[Hop], ctx: dict[str, dict], today: date
) -> tuple[str, str]:
    """The recommended channel and a one-line reason (rules in docs/scoring.md)."""
    o = g.nodes[f.nodes[0]]
    first, last = hops[0], hops[-1]
    if len(hops) == 1 and first.rel_type == "MANAGES":
        return "visit", f"{g.nodes[f.nodes[-1]].name} is already RM {o.name}'s customer; visit"
    if f.score < 0.02 or len(hops) >= 4:
        return "event invitation", (
            f"weak or long path ({len(hops)} hops, strength "
            f"{f.score:.3f}): invite both to a bank event"
        )
    tgt = g.nodes[f.nodes[-1]]
    if tgt.label == "Company" and g.nodes[last.source_id].label == "Company":
        return "introduction by a partner", (
            f"{last.source_name} is a {last.rel_type.lower()} partner of {tgt.name}; "
            "ask it to introduce us"
        )
    if o.label == "RelationshipManager" and first.rel_type == "KNOWS":
        ev = next((e for e in first.evidence if e.kind == "knows"), None)
        last_c = to_date(ev.detail.get("last_contact")) if ev else None
        strength = float(ev.detail.get("strength", 0.5)) if ev else 0.5
        if last_c is not None and (today - last_c).days <= 90:
            return "WeChat", (
                f"RM {o.name} was in touch with {first.target_name} "
                f"{(today - last_c).days} days ago; a WeChat message is natural"
            )
        if strength >= 0.6:
            return "phone", (
                f"RM {o.name} knows {first.target_name} well (strength "
                f"{strength:.1f}) but not recently; call"
            )
        return "event invitation", f"RM {o.name} knows {first.target_name} only loosely"
    if o.label == "RelationshipManager" or ctx.get(o.id, {}).get("rm_name"):
        return "visit", (
            f"{_describe_origin(o.id, g, ctx)}; ask for the introduction during a visit"
        )
    return "online-banking message", (
        f"{o.name} is a customer without an RM; ask through an online-banking message"
    )


def explain(g: LocalGraph, f: Found, ctx: dict[str, dict], today: date) -> ContactPath:
    """A :class:`ContactPath` for a raw path: hops, introducer, channel and reason."""
    hops = [_hop(g, u, v, today) for u, v in zip(f.nodes, f.nodes[1:], strict=False)]
    origin = f.nodes[0]
    mids = f.nodes[1:-1]
    intro = next((x for x in mids if g.nodes[x].label == "Person"), mids[0] if mids else origin)
    if intro == origin:
        text = _describe_origin(origin, g, ctx)
    else:
        i = f.nodes.index(intro)
        prev = f.nodes[i - 1]
        pn = g.nodes[prev]
        who = g.nodes[intro].name or intro
        if pn.label == "Company" and g.nodes[intro].label == "Person":
            text = (
                f"{_describe_origin(prev, g, ctx)}'s {_role(g, intro, prev)} {who}"
                if prev == origin
                else f"{who}, {_role(g, intro, prev)} of {pn.name}"
            )
        elif pn.label == "RelationshipManager" and g.nodes[intro].label == "Company":
            text = f"{_describe_origin(intro, g, ctx)}"
        elif pn.label == "RelationshipManager":
            text = f"{who}, known to {_describe_origin(prev, g, ctx)}"
        else:
            text = f"{who} (via {pn.name or prev})"
    channel, reason = choose_channel(g, f, hops, ctx, today)
    return ContactPath(f.score, tuple(hops), text, channel, reason, intro)


def _pairs(f: Found) -> list[tuple[str, str]]:
    return list(zip(f.nodes, f.nodes[1:], strict=False))


def live_hops(
    client: Gateway, found: list[Found], with_branches: bool = False, as_of: date | None = None
) -> tuple[LocalGraph, dict[str, dict]]:
    """The parties on ``found`` and every relationship between consecutive ones, read from
    Neo4j now (one query), so evidence and channels always use current facts; and each
    party's bank context (``id, label, labels, name, rm_id, rm_name, branch``, and with
    ``with_branches`` its ``branches`` as ``scope.nodes_info`` gives them) by id."""
    g = LocalGraph()
    if not found:
        return g, {}
    ids = sorted({x for f in found for x in f.nodes})
    pairs = sorted({p for f in found for p in _pairs(f)})
    rows = client.read(
        "time.path_hops_as_of" if as_of else "scoring.path_hops", ids=ids,
        pairs=[list(p) for p in pairs], with_branches=with_branches,
        **(as_of_params(as_of) if as_of else {}),
    )  # fmt: skip
    ctx: dict[str, dict] = {}
    cols = (
        "id",
        "label",
        "labels",
        "name",
        "rm_id",
        "rm_name",
        "rm_branch",
        "branch",
        "branch_id",
        "branches",
    )
    for r in rows:
        if r["kind"] == "node":
            g.add_node(r["id"], r["label"], r["name"], nominee=r["nominee"])
            ctx[r["id"]] = {c: r[c] for c in cols}
    for r in rows:
        if r["kind"] == "edge" and r["source_id"] in g.nodes and r["target_id"] in g.nodes:
            g.add_edge(r["source_id"], r["target_id"], r["rel_type"], edge_props(r))
    return g, ctx


def _origin_positions(client: Gateway, ix: PathIndex, origin: str) -> np.ndarray:
    """The index positions of the parties ``origin`` stands for (``scoring.origin_rms``: an
    RM, a branch's RMs down its subtree, or a party itself), kept on the index, i.e. while
    the graph version stays: the head office stands for every RM, and reading its 2,000
    rows per request cost 60 ms, looking their positions up 7 % of an RM's request.

    Raises
    ------
    NotFound
        When no RM, branch, company or person has the id ``origin``.
    """
    pos = ix.origins.get(origin)
    if pos is None:
        rows = client.read("scoring.origin_rms", origin=origin)
        if not rows:
            raise NotFound(f"No RM, branch, company or person with id {origin!r}")
        pos = ix.positions(sorted({r["id"] for r in rows if r["id"]}))
        pos.setflags(write=False)  # shared by every request
        ix.origins[origin] = pos
    return pos


def contact_paths(
    client: Gateway,
    target: str,
    origin: str | None = None,
    k: int = 3,
    max_hops: int = 4,
    today: date | None = None,
    cfg: PathConfig | None = None,
    scrub: Callable[[dict[str, dict]], None] | None = None,
    as_of: date | None = None,
) -> PathsResult:
    """The top-k warm paths to ``target`` from ``origin`` (an RM, a Branch, a party, or the
    whole bank when None) and a reason line. No path is an empty result, not an error.

    The result's ``parties`` hold each party's bank context by id (:func:`live_hops`),
    read in the same query as the hops. ``scrub``, when given (by the access layer, for a
    caller who may not see the whole bank), edits that context in place before any text is
    written, so that introducers and reasons never name the RMs, branches and customer
    relationships the caller may not see; the parties then also carry their ``labels``
    and ``branches`` as ``scope.nodes_info`` gives them, so that the access layer masks the
    paths without a second round trip.

    With ``as_of``, the paths run over the public relationships valid on that date (an
    index of that date, built on demand and cached: docs/time.md); evidence is of that date.

    Raises
    ------
    NotFound
        When the target or the origin does not exist.
    """
    t0 = time.perf_counter()
    today = today or as_of or date.today()
    cfg = PathConfig(**{**(cfg or PathConfig()).__dict__, "max_hops": max_hops})
    ix = get_index(client, as_of)
    starts: np.ndarray | None = None
    if origin is not None:
        starts = _origin_positions(client, ix, origin)
        if not len(starts):
            return PathsResult(target, origin, reason=f"Branch {origin!r} has no RMs")
    if target not in ix.pos:
        raise NotFound(f"No company, person or RM with id {target!r}")
    src = origin or "the bank"
    if starts is not None and ix.pos[target] in starts:
        return PathsResult(target, origin, reason=f"{target!r} is the origin itself")
    found = search(ix, target, starts, k, cfg)
    g, ctx = live_hops(client, found, with_branches=scrub is not None, as_of=as_of)
    if scrub is not None:
        scrub(ctx)
    found = [f for f in found if all(g.edges_between(u, v) for u, v in _pairs(f))]
    if not found:
        reason = f"No contact path from {src!r} to {target!r} within {max_hops} hops"
        return PathsResult(target, origin, reason=reason, parties=ctx)
    paths = tuple(explain(g, f, ctx, today) for f in found)
    log.info("paths to %s: %d in %.1f ms", target, len(paths), (time.perf_counter() - t0) * 1e3)
    reason = f"{len(paths)} path(s) from {src!r} to {target!r} within {max_hops} hops"
    return PathsResult(target, origin, paths, reason, ctx)
