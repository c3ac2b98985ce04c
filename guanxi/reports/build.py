"""Build a scenario report of one company for one reader (docs/reports.md).

:func:`build_report` reads the company's public facts (``reports.company_facts``) and its
bank-internal facts within the reader's scope (``reports.internal_facts``), calls the
services each scenario needs (ownership, key contacts, contact paths, groups, circles,
inherited risk, changes, lookalikes, recommendations, campaign tasks, documents) with the
reader's scope and masking, and assembles the sections of :data:`SCENARIO_SECTIONS`. A
service that cannot answer (no embeddings yet, no groups run) leaves its section empty
with the reason, never the report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from guanxi.access.campaigns import task_scope
from guanxi.access.masking import bank_context_scrubber, mask_contacts, mask_paths, reason_masker
from guanxi.access.scope import Scope
from guanxi.access.visibility import profile_for
from guanxi.errors import GuanxiError, InvalidData, NotFound
from guanxi.gnn import apps
from guanxi.graph.gateway import Gateway
from guanxi.graph.values import to_plain
from guanxi.records.documents import DocumentFlag, DocumentRecord
from guanxi.records.reports import SCENARIOS, Report, Section
from guanxi.reports import approach, bank, public
from guanxi.reports.facts import FactBook
from guanxi.reports.narrative import summarise
from guanxi.scoring.changes import company_changes
from guanxi.scoring.contact_paths import contact_paths
from guanxi.scoring.key_contacts import company_contacts
from guanxi.scoring.ownership import company_ownership
from guanxi.scoring.risk_graph import inherited, list_circles, list_groups

__all__ = ["build_report", "SCENARIO_SECTIONS", "scope_text", "check_scenario"]

log = logging.getLogger(__name__)

#: what the ``documents`` section asks document intake (a package on the same level, so the
#: API and the CLI pass :func:`guanxi.documents.report_documents` in): the company's
#: documents the reader sees, and their disagreements with the registry
DocumentsFn = Callable[
    [Gateway, Scope, str], tuple[Sequence[DocumentRecord], Sequence[DocumentFlag]]
]

#: the sections of each scenario, in order
SCENARIO_SECTIONS: dict[str, tuple[str, ...]] = {
    "onboarding": (
        "profile",
        "holders",
        "controller",
        "owners",
        "executives",
        "related",
        "risk",
        "partners",
        "documents",
    ),
    "credit": (
        "profile",
        "related",
        "guarantees",
        "supply",
        "counterparties",
        "products",
        "risk",
        "documents",
    ),
    "change": ("profile", "changes", "holders", "controller", "executives", "documents"),
    "visit": (
        "profile",
        "contacts",
        "paths",
        "lookalikes",
        "recommendations",
        "tasks",
        "partners",
        "documents",
    ),
}


def check_scenario(scenario: str) -> str:
    """``scenario`` if it is one of :data:`SCENARIOS`.

    Raises
    ------
    InvalidData
        For any other name.
    """
    if scenario not in SCENARIOS:
        raise InvalidData(f"Unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    return scenario


def scope_text(scope: Scope) -> str:
    """The reader's scope as the report header states it."""
    if scope.everything or scope.whole_bank:
        return "whole bank 全行"
    lines = f"; lines {', '.join(sorted(scope.lines))}" if scope.lines else ""
    return f"branch {scope.user.branch} and below ({len(scope.branches)} branches){lines}"


def _try(what: str, fn: Callable[[], Any], default: Any) -> tuple[Any, str | None]:
    """``fn()``, or ``default`` and the reason when the service cannot answer."""
    try:
        return fn(), None
    except GuanxiError as e:
        log.info("report section %s unavailable: %s", what, e)
        return default, f"not available: {e}"


def build_report(
    client: Gateway,
    scope: Scope,
    company_id: str,
    scenario: str,
    *,
    since: date | None = None,
    narrative: bool = True,
    documents: DocumentsFn | None = None,
) -> Report:
    """The ``scenario`` report of ``company_id`` as ``scope``'s user may see it.
    ``documents``: document intake's answer for the ``documents`` section
    (:func:`guanxi.documents.report_documents`, passed in by the API and the CLI); without
    it the section says that no documents are connected.

    Raises
    ------
    InvalidData
        For an unknown scenario.
    NotFound
        When no company has that id.
    """
    check_scenario(scenario)
    rows = client.read("reports.company_facts", id=company_id)
    if not rows:
        raise NotFound(f"No company with id {company_id!r}")
    raw = to_plain(rows[0])
    internal = to_plain(client.read("reports.internal_facts", id=company_id, **scope.params())[0])
    wanted = SCENARIO_SECTIONS[scenario]
    book = FactBook(scope)
    need_own = {"controller", "owners", "risk"} & set(wanted)
    own = company_ownership(client, company_id) if need_own else None
    circles: list = []
    if {"guarantees", "risk"} & set(wanted):
        circles, _ = _try("circles", lambda: list_circles(client, scope, company_id), [])
    docs = None
    if documents is not None and "documents" in wanted:
        docs, _ = _try("documents", lambda: documents(client, scope, company_id), None)
    out: list[Section] = []
    for key in wanted:
        out.append(
            _section(key, client, scope, company_id, book, raw, internal, own, circles, since)
            if key != "documents"
            else bank.documents_section(book, *(docs or ((), ()))),
        )
    profile = profile_for(scope, raw["profile"])
    name = profile.get("name")
    report = Report(
        scenario=scenario,
        company_id=company_id,
        company_name=name,
        reader=f"{scope.user.name} ({scope.user.role})",
        scope=scope_text(scope),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sections=tuple(out),
    )
    return summarise(report) if narrative else report


def _section(key, client, scope, cid, book, raw, internal, own, circles, since) -> Section:  # noqa: ANN001, PLR0911
    """One section by key (the dispatch of :data:`SCENARIO_SECTIONS`)."""
    if key == "profile":
        return public.profile_section(book, profile_for(scope, raw["profile"]), raw["prov"])
    if key == "holders":
        return public.holders_section(book, raw["holders"])
    if key == "controller":
        return public.controller_section(book, own, raw["holders"])
    if key == "owners":
        return public.owners_section(book, own, raw["holders"])
    if key == "executives":
        return public.executives_section(book, raw["executives"])
    if key == "related":
        groups, _ = _try("groups", lambda: list_groups(client, scope, cid), [])
        return public.related_section(book, raw["investments"], groups)
    if key == "supply":
        return public.supply_section(book, raw["suppliers"], raw["buyers"])
    if key == "guarantees":
        return public.guarantees_section(
            book, raw["guarantees_given"], raw["guarantees_received"], circles
        )
    if key == "changes":
        evs = company_changes(client, cid, since=since, limit=200)
        return public.changes_section(book, evs, since.isoformat() if since else None)
    if key == "products":
        return bank.products_section(book, internal)
    if key == "counterparties":
        return bank.counterparties_section(book, internal)
    if key == "risk":
        risk, _ = _try("inherited risk", lambda: inherited(client, scope, [cid]).get(cid), None)
        return bank.risk_section(book, own, raw["holders"], circles, internal, risk)
    if key == "partners":
        return bank.partner_section(book, internal)
    if key == "contacts":
        got = mask_contacts(client, scope, company_contacts(client, cid, 5))
        return approach.contacts_section(book, got)
    if key == "paths":
        return _paths(client, scope, cid, book)
    if key == "lookalikes":
        found, note = _try("lookalikes", lambda: apps.lookalikes(client, cid, 5), None)
        items = list(found.lookalikes) if found else []
        mask = reason_masker(client, scope, [r for o in items for r in o.reasons])
        items = [o.__class__(o.id, o.name, o.score, tuple(map(mask, o.reasons))) for o in items]
        return approach.lookalikes_section(book, items, note)
    if key == "recommendations":
        return _recommendations(client, scope, cid, book, internal)
    if key == "tasks":
        ts = task_scope(client, scope)
        return approach.tasks_section(
            book, client.read("reports.company_tasks", id=cid, **ts.params())
        )
    raise InvalidData(f"Unknown report section {key!r}")


def _paths(client: Gateway, scope: Scope, cid: str, book: FactBook) -> Section:
    """The top 3 warm paths from the reader's branch (the whole bank for the whole bank),
    masked as ``GET /api/v1/paths`` masks them."""
    origin = None if scope.everything or not scope.user.branch else scope.user.branch
    res = contact_paths(client, cid, origin, 3, 4, scrub=bank_context_scrubber(scope))
    out = res.to_dict()
    mask_paths(client, scope, out["paths"], res.parties)
    return approach.paths_section(book, out["paths"], res.reason)


def _recommendations(client: Gateway, scope: Scope, cid: str, book: FactBook, internal) -> Section:  # noqa: ANN001
    if not internal["in_scope"] and not scope.everything:
        return approach.recommendations_section(book, [], "not a customer in your scope")
    rec, note = _try("recommendations", lambda: apps.recommend(client, cid, 10, 5), None)
    if rec is None:
        return approach.recommendations_section(book, [], note)
    from guanxi.access.masking import mask_recommendations

    return approach.recommendations_section(
        book, mask_recommendations(client, scope, rec).products, None
    )
