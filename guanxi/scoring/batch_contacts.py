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
from collections.abc import Container, Iterable, Iterator, Mapping
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

__all__ = [
    "REACH_CACHE",
    "ContactRanker",
    "graph_contacts",
    "iter_graph_contacts",
    "contact_rows",
]

#: persons whose reach is kept while companies are ranked (a person is a candidate at the
#: few companies they serve or hold, met close together in id order or not at all)
REACH_CACHE = 262_144


def _holdings(g: LocalGraph | ContactGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The graph's HOLDS_SHARES as a holdings frame, and the parties frame of their ends
    (``id, name, label, nominee``: what actual controllers read; no other party's)."""
    rows = [
        (u, v, float(p.get("pct") or 0.0), p.get("kind") or "direct")
        for u, v, p in g.out_edges("HOLDS_SHARES")
    ]
    hold = pd.DataFrame(rows, columns=["holder_id", "company_id", "pct", "kind"])
    ends = pd.unique(hold[["holder_id", "company_id"]].to_numpy().ravel()) if rows else []
    parties = pd.DataFrame(
        [(n.id, n.name, n.label, n.nominee) for n in map(g.nodes.__getitem__, ends)],
        columns=["id", "name", "label", "nominee"],
    )
    # a party without a name (an end that is no party) stays None: pandas 3 infers a string
    # column and would make it NaN, which a controller's explanation then tried to join
    parties["name"] = parties["name"].astype(object).where(parties["name"].notna(), None)
    return hold, parties


def _party_views(
    g: LocalGraph | ContactGraph,
) -> tuple[Mapping[str, str], Mapping[str, str | None], Container[str]]:
    """Labels and names by id, and the nominee-like ids: views of a ContactGraph's lists
    (three dicts of every party cost ~1 GiB and a minute at 1M companies), dicts of a
    LocalGraph's nodes."""
    if isinstance(g, ContactGraph):
        return g.column("labels"), g.column("names"), g.nominees()
    nodes = g.nodes.items()
    return (
        {x: n.label for x, n in nodes},
        {x: n.name for x, n in nodes},
        {x for x, n in nodes if n.nominee},
    )


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


class ContactRanker:
    """The whole-graph facts of key contacts (holdings, penetrated stakes, actual
    controllers), computed once; :meth:`rank` then ranks companies one by one. Each
    company's stakes are handed out once (a second :meth:`rank` of it finds none)."""

    def __init__(
        self,
        g: LocalGraph | ContactGraph,
        pagerank: dict[str, float] | None = None,
        k: int = 5,
        today: date | None = None,
    ) -> None:
        self.g, self.pagerank, self.k = g, pagerank or {}, k
        self.today = today or date.today()
        hold, parties = _holdings(g)
        stakes = (
            penetrated_stakes(hold)
            if not hold.empty
            else pd.DataFrame(columns=["holder_id", "company_id", "stake"])
        )
        stake_map = {(h, c): s for h, c, s in stakes.itertuples(index=False)}
        self.controllers = (
            actual_controllers(hold, parties, stakes=stake_map) if not hold.empty else {}
        )
        del stake_map, parties
        self.labels, self.names, self.nominees = _party_views(g)
        self.penetrated: dict[str, dict[str, float]] = defaultdict(dict)
        for h, c, s in stakes.itertuples(index=False):
            self.penetrated[c][h] = s
        del stakes
        self.direct: dict[str, dict[str, float]] = defaultdict(dict)
        own = stake_holdings(hold)  # deemed interests are no direct stakes
        for h, c, p in own[["holder_id", "company_id", "pct"]].itertuples(index=False):
            self.direct[c][h] = p
        self.reach = lru_cache(maxsize=REACH_CACHE)(lambda pid: _reach(g, pid))

    def companies(self) -> list[str]:
        """The graph's companies, in its node order."""
        return [cid for cid, node in self.g.nodes.items() if node.label == "Company"]

    def rank(self, companies: Iterable[str]) -> Iterator[tuple[str, list[KeyContact]]]:
        """``(company_id, its ranked key contacts)`` for each of ``companies`` that has a
        candidate, as soon as it is ranked."""
        for cid in companies:
            ctl = self.controllers.get(cid)
            chain = ctl.chain[:-1] if ctl else ()
            f = assemble_facts(
                cid,
                _roles(self.g, (cid, *chain)),
                person_stakes(self.penetrated.pop(cid, {}), self.direct.pop(cid, {}), self.labels),
                ctl,
                names=self.names,
                nominees=self.nominees,
                today=self.today,
                pagerank=self.pagerank,
            )
            cands = f.candidates()
            for pid in cands:
                f.reach[pid] = self.reach(pid)
            if cands:
                yield cid, rank_contacts(f, self.k)


def iter_graph_contacts(
    g: LocalGraph | ContactGraph,
    pagerank: dict[str, float] | None = None,
    k: int = 5,
    today: date | None = None,
) -> Iterator[tuple[str, list[KeyContact]]]:
    """``(company_id, its ranked key contacts)`` for every company of ``g`` that has a
    candidate, in the graph's node order, each as soon as it is ranked."""
    ranker = ContactRanker(g, pagerank, k, today)
    yield from ranker.rank(ranker.companies())


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
