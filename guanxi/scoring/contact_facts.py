"""What the key-contact scorer knows about one company (:class:`ContactFacts`), and the one
way those facts are put together (:func:`assemble_facts`) — from the whole-graph view in
batch scoring (:mod:`guanxi.scoring.batch`) and from one company's query rows
(:func:`guanxi.scoring.key_contacts.company_contacts`) alike.
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guanxi.records import Controller, Reason
from guanxi.scoring.evidence import to_date

__all__ = ["ContactFacts", "RoleRow", "assemble_facts", "person_stakes"]

log = logging.getLogger(__name__)

#: A role someone holds: (person_id, role, company_id, company_name, until).
RoleRow = tuple[str, Any, str, str | None, Any]


@dataclass
class ContactFacts:
    """What the scorer needs to know about one company.

    ``roles``: (person_id, role, ended) at the company; ``parent_roles``: (person_id, role,
    parent_id, parent_name) at its controlling shareholders; ``stakes``: person_id →
    (direct pct, penetrated pct); ``reach``: person_id → (0–1, reason); ``pagerank``:
    person_id → PageRank (mean 1).
    """

    company_id: str
    roles: list[tuple[str, str, bool]] = field(default_factory=list)
    parent_roles: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    stakes: dict[str, tuple[float, float]] = field(default_factory=dict)
    controller: Controller | None = None
    names: Mapping[str, str | None] = field(default_factory=dict)
    nominees: Container[str] = field(default_factory=set)
    reach: dict[str, tuple[float, Reason | str]] = field(default_factory=dict)
    pagerank: dict[str, float] = field(default_factory=dict)

    def candidates(self) -> list[str]:
        """The persons to score, sorted: the executives of the company and of its
        controlling shareholders, its person holders and its actual controller."""
        out = {p for p, *_ in self.roles} | {p for p, *_ in self.parent_roles} | set(self.stakes)
        if self.controller is not None and self.controller.controller_id:
            out.add(self.controller.controller_id)
        return sorted(out)


def person_stakes(
    stakes: Mapping[str, float], direct: Mapping[str, float], labels: Mapping[str, str]
) -> dict[str, tuple[float, float]]:
    """``{person_id: (direct pct, penetrated pct)}`` of the persons among the holders with
    a penetrated stake (``stakes``) in a company; ``direct`` holds the direct percentages."""
    return {
        p: (float(direct.get(p, 0.0)), s) for p, s in stakes.items() if labels.get(p) == "Person"
    }


def assemble_facts(
    company_id: str,
    roles: Iterable[RoleRow],
    stakes: dict[str, tuple[float, float]],
    controller: Controller | None,
    *,
    names: Mapping[str, str | None],
    nominees: Container[str],
    today: date,
    pagerank: dict[str, float] | None = None,
) -> ContactFacts:
    """The facts about ``company_id`` from the roles of its people and of its controller's
    chain: a role at the company counts (ended when ``until`` is before ``today``); a
    current role at a company on the control chain above it (``controller.chain``) is a
    parent role; any other role is ignored. ``stakes`` from :func:`person_stakes`."""
    facts = ContactFacts(
        company_id,
        stakes=stakes,
        controller=controller,
        names=names,
        nominees=nominees,
        pagerank=pagerank if pagerank is not None else {},
    )
    chain = set(controller.chain[:-1]) if controller is not None else set()
    for pid, role, cid, cname, until in roles:
        if cid == company_id:
            ended = (d := to_date(until)) is not None and d < today
            facts.roles.append((pid, str(role), ended))
        elif cid in chain and until in (None, ""):
            facts.parent_roles.append((pid, str(role), cid, cname))
    return facts
