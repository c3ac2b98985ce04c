"""Batch key contacts: every company's ranked contacts from a whole-graph view (a
:class:`~guanxi.scoring.contact_graph.ContactGraph` in ``guanxi score``, a
:class:`~guanxi.scoring.projection.LocalGraph` as the reference the tests compare with).

The whole-graph facts (holdings, penetrated stakes, actual controllers) are computed once;
the companies are then ranked one by one and handed out as they are ranked
(:func:`iter_graph_contacts`), so that a caller writes a page at a time: at 1M companies
holding every company's ranked contacts and every person's reach in dicts reached 16 GiB
(docs/scaling.md). A person's reach is kept for the last ``REACH_CACHE`` persons asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

import pandas as pd

from guanxi.records import KeyContact, Reason
from guanxi.scoring.contact_facts import RoleRow, assemble_facts, person_stakes
from guanxi.scoring.contact_graph import ContactGraph
from guanxi.scoring.controllers import actual_controllers
from guanxi.scoring.key_contacts import rank_contacts, reach_of
from guanxi.scoring.penetration import penetrated_stakes, stake_holdings
from guanxi.scoring.projection import LocalGraph

__all__ = ["REACH_CACHE", "graph_contacts", "iter_graph_contacts", "contact_rows"]

#: persons whose reach is kept while companies are ranked (a person is a candidate at the
#: few companies they serve or hold, met close together in id order or not at all)
REACH_CACHE = 262_144


def _holdings(g: LocalGraph | ContactGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        (u, v, float(p.get("pct") or 0.0), p.get("kind") or "direct")
        for u, v, p in g.out_edges("HOLDS_SHARES")
    ]
    hold = pd.DataFrame(rows, columns=["holder_id", "company_id", "pct", "kind"])
    parties = pd.DataFrame(
        [(n.id, n.name, n.label, n.nominee) for n in g.nodes.values()],
        columns=["id", "name", "label", "nominee"],
    )
    # a party without a name (an end that is no party) stays None: pandas 3 infers a string
    # column and would make it NaN, which a controller's explanation then tried to join
    parties["name"] = parties["name"].astype(object).where(parties["name"].notna(), None)
    return hold, parties


def _reach(g: LocalGraph | ContactGraph, pid: str) -> tuple[float, Reason]:
    rm_s, rm_name, rm_id, cust, cust_id, known, known_at = (None,) * 7
    for v, lst in g.neighbours(pid).items():
        nv = g.nodes[v]
        for t, p, out in lst:
            if t == "KNOWS" and nv.label == "RelationshipManager":
                s = float(p.get("strength", 0.5) or 0.5)
                if rm_s is None or s > rm_s:
                    rm_s, rm_name, rm_id = s, nv.name, v
            elif t in ("SERVES_AS", "HOLDS_SHARES") and out and nv.customer and cust is None:
                cust, cust_id = nv.name, v
            elif t == "KNOWS" and nv.label == "Person" and known is None:
                at = next(
                    (
                        x
                        for x, ll in g.neighbours(v).items()
                        if g.nodes[x].customer and any(tt == "SERVES_AS" and o for tt, _, o in ll)
                    ),
                    None,
                )
                if at is not None:
                    known, known_at = nv.name, at
    return reach_of(
        rm_s, rm_name, cust, known, rm_id=rm_id, customer_id=cust_id, known_customer_id=known_at
    )


def _roles(g: LocalGraph | ContactGraph, companies: Iterable[str]) -> Iterator[RoleRow]:
    """The roles (SERVES_AS) at each of ``companies``, as role rows."""
    for c in companies:
        if g.nodes[c].label != "Company":
            continue
        for pid, lst in g.neighbours(c).items():
            for t, p, out in lst:
                if t == "SERVES_AS" and not out:
                    yield pid, p.get("role"), c, g.nodes[c].name, p.get("until")


def iter_graph_contacts(
    g: LocalGraph | ContactGraph,
    pagerank: dict[str, float] | None = None,
    k: int = 5,
    today: date | None = None,
) -> Iterator[tuple[str, list[KeyContact]]]:
    """``(company_id, its ranked key contacts)`` for every company of ``g`` that has a
    candidate, in the graph's node order, each as soon as it is ranked."""
    today = today or date.today()
    hold, parties = _holdings(g)
    stakes = (
        penetrated_stakes(hold)
        if not hold.empty
        else pd.DataFrame(columns=["holder_id", "company_id", "stake"])
    )
    stake_map = {(h, c): s for h, c, s in stakes.itertuples(index=False)}
    controllers = actual_controllers(hold, parties, stakes=stake_map) if not hold.empty else {}
    del stake_map
    labels = dict(zip(parties["id"], parties["label"], strict=True))
    names = dict(zip(parties["id"], parties["name"], strict=True))
    nominees = set(parties["id"][parties["nominee"].astype(bool)])
    del parties
    penetrated: dict[str, dict[str, float]] = defaultdict(dict)
    for h, c, s in stakes.itertuples(index=False):
        penetrated[c][h] = s
    del stakes
    direct: dict[str, dict[str, float]] = defaultdict(dict)
    own = stake_holdings(hold)  # deemed interests are no direct stakes
    for h, c, p in own[["holder_id", "company_id", "pct"]].itertuples(index=False):
        direct[c][h] = p
    del hold, own
    reach = lru_cache(maxsize=REACH_CACHE)(lambda pid: _reach(g, pid))
    for cid, node in g.nodes.items():
        if node.label != "Company":
            continue
        ctl = controllers.get(cid)
        chain = ctl.chain[:-1] if ctl else ()
        f = assemble_facts(
            cid,
            _roles(g, (cid, *chain)),
            person_stakes(penetrated.pop(cid, {}), direct.pop(cid, {}), labels),
            ctl,
            names=names,
            nominees=nominees,
            today=today,
            pagerank=pagerank or {},
        )
        cands = f.candidates()
        for pid in cands:
            f.reach[pid] = reach(pid)
        if cands:
            yield cid, rank_contacts(f, k)


def graph_contacts(
    g: LocalGraph | ContactGraph,
    pagerank: dict[str, float] | None = None,
    k: int = 5,
    today: date | None = None,
) -> dict[str, list[KeyContact]]:
    """Key contacts of every company of a whole graph, in one dict
    (:func:`iter_graph_contacts`)."""
    return dict(iter_graph_contacts(g, pagerank, k, today))


def contact_rows(contacts: Iterable[tuple[str, list[KeyContact]]]) -> Iterator[dict]:
    """The ``scoring.write_key_contacts`` rows of ranked contacts."""
    for cid, cs in contacts:
        for c in cs:
            yield {
                "person_id": c.id,
                "company_id": cid,
                "rank": c.rank,
                "score": round(c.score, 6),
                "reasons": list(c.reasons),
            }
