"""What changed: change events per company, the bank-wide feed, controller changes.

Snapshot loads (:mod:`guanxi.loaders.snapshot`) record the relationship events (holder
entered or left, stake moved, executive appointed or left, …) as ``Change`` nodes.
:func:`record_controller_changes` adds ``controller_changed`` events: for each company
whose holdings changed between two snapshot dates, the actual controller as of each date
(:func:`~guanxi.scoring.ownership.company_ownership` with ``as_of``) is compared.
:func:`company_changes` and :func:`recent_changes` read them as
:class:`~guanxi.records.ChangeEvent` records (``guanxi changes``, the API's ``changes``
endpoints, and the reminders and opportunity rules that read the feed). Change events are
public facts, like the relationships they describe.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from guanxi.errors import NotFound, QueryError
from guanxi.graph.gateway import Gateway
from guanxi.records import CHANGE_KINDS, ChangeEvent
from guanxi.scoring.controllers import ControlRule
from guanxi.scoring.ownership import company_ownership

__all__ = ["company_changes", "recent_changes", "record_controller_changes", "MAX_CHANGES"]

log = logging.getLogger(__name__)

MAX_CHANGES = 5000
_CONTROLLER = "controller"


def company_changes(
    client: Gateway, company_id: str, *, since: date | None = None, limit: int = 500
) -> list[ChangeEvent]:
    """The change events of ``company_id`` on or after ``since``, newest first.

    Raises
    ------
    NotFound
        When no company has that id.
    QueryError
        When ``limit`` is outside 1…:data:`MAX_CHANGES`.
    """
    _check_limit(limit)
    if not client.read("time.company_exists", company_id=company_id):
        raise NotFound(f"No company with id {company_id!r}")
    rows = client.read("time.company_changes", company_id=company_id, since=since, limit=limit)
    return [ChangeEvent.from_row(r["change"]) for r in rows]


def recent_changes(
    client: Gateway, *, since: date, kinds: Iterable[str] = (), limit: int = 1000
) -> list[ChangeEvent]:
    """The bank-wide change feed: every event on or after ``since`` (of ``kinds``; empty:
    all), newest first, at most ``limit``.

    Raises
    ------
    QueryError
        When a kind is unknown or ``limit`` is outside 1…:data:`MAX_CHANGES`.
    """
    _check_limit(limit)
    kinds = sorted(set(kinds))
    bad = [k for k in kinds if k not in CHANGE_KINDS]
    if bad:
        raise QueryError(f"Unknown change kind {bad[0]!r}; known: {sorted(CHANGE_KINDS)}")
    rows = client.read("time.recent_changes", since=since, kinds=kinds, limit=limit)
    return [ChangeEvent.from_row(r["change"]) for r in rows]


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_CHANGES:
        raise QueryError(f"limit must be between 1 and {MAX_CHANGES}, got {limit}")


def record_controller_changes(
    client: Gateway,
    changed: Mapping[str, Iterable[tuple[date | None, date]]],
    *,
    load_id: str = "",
    rule: ControlRule = ControlRule(),
) -> int:
    """Recompute the ``controller_changed`` events of each company in ``changed`` (company →
    the ``(previous, date)`` snapshot pairs at which its holdings changed; a previous date
    of None is the state loaded without a snapshot, read as of the day before). Returns the
    number of events recorded."""
    rows: list[dict[str, Any]] = []
    for company, pairs in sorted(changed.items()):
        events = []
        for prev, on in sorted(pairs, key=lambda p: p[1]):
            before = company_ownership(
                client, company, rule=rule, as_of=prev or on - timedelta(days=1)
            ).controller
            after = company_ownership(client, company, rule=rule, as_of=on).controller
            if before.controller_id == after.controller_id:
                continue
            ident = f"{company}|{on}|controller_changed"
            events.append({
                "id": hashlib.sha1(ident.encode()).hexdigest()[:20], "company_id": company,
                "date": on, "prev_date": prev, "kind": "controller_changed",
                "rel_type": _CONTROLLER, "party_id": after.controller_id,
                "party_label": after.controller_label, "party_name": after.controller_name,
                "before_id": before.controller_id, "before": before.votes or None,
                "after": after.votes or None,
            })  # fmt: skip
        rows.append({"company_id": company, "events": events})
    if rows:
        client.write_batches(
            "time.replace_changes", rows, batch_size=500, rel_type=_CONTROLLER, load_id=load_id
        )
    n = sum(len(r["events"]) for r in rows)
    log.info("controller changes: %d companies checked, %d events", len(rows), n)
    return n
