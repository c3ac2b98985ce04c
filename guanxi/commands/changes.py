"""``guanxi changes``: what changed for a company (or bank-wide) by snapshot loads.

Change events are public facts (docs/time.md), printed like ``guanxi ownership``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated

import typer

from guanxi.commands.output import JsonOpt, add_commands, answer, out
from guanxi.errors import QueryError

__all__ = ["register", "parse_date"]

log = logging.getLogger(__name__)


def parse_date(value: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` → date; a clear error naming the option otherwise."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise QueryError(f"{option}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def changes(
    company: Annotated[
        str | None, typer.Argument(help="Company id; omit for the bank-wide feed.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only changes on or after (YYYY-MM-DD).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Feed: only these kinds (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 500,
    as_json: JsonOpt = False,
) -> None:
    """Change events of snapshot loads: holders entered / left, stake changes, executives
    appointed / left, controller changes. Without COMPANY, the bank-wide feed (--since
    required)."""
    from guanxi.scoring.changes import company_changes, recent_changes

    start = parse_date(since, "--since")
    if company is None and start is None:
        raise QueryError("--since is required for the bank-wide feed (no COMPANY given)")

    def fetch(c):  # noqa: ANN001, ANN202 - the client
        if company is None:
            evs = recent_changes(c, since=start, kinds=kind or (), limit=limit)
        else:
            evs = company_changes(c, company, since=start, limit=limit)
        return {"company": company, "since": since, "changes": [e.to_dict() for e in evs]}

    def show(res: dict) -> None:
        if not res["changes"]:
            out.print("no changes recorded")
        for e in res["changes"]:
            who = "" if company else f"{e['company_name'] or ''} ({e['company']}) "
            out.print(f"{who}{e['text']}", highlight=False)

    answer(fetch, as_json, show)


def register(app: typer.Typer) -> None:
    """Add ``guanxi changes`` to ``app``."""
    add_commands(app, {"changes": changes})
