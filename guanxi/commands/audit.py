"""``guanxi audit [--user] [--since] [--limit] [--json]`` and ``guanxi audit verify``."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from guanxi.access.audit import AuditLog
from guanxi.commands.output import JsonOpt, command, err, out, print_json
from guanxi.config import get_settings

__all__ = ["register", "audit_app"]

log = logging.getLogger(__name__)

_HEADER = ("seq", "time (UTC)", "who", "kind", "status", "rows", "ms", "endpoint / query")

audit_app = typer.Typer(
    name="audit",
    help="The audit trail: who asked for what, hash-chained (docs/access.md).\n\n"
    "Without a command: the latest records, oldest of them first (a table, or JSON lines).",
    invoke_without_command=True,
)


def _row(r: dict) -> list[str]:
    who = f"{r.get('user') or '-'} ({r.get('role') or '-'}@{r.get('branch') or '-'})"
    what = " ".join(str(r[k]) for k in ("method", "endpoint", "query") if r.get(k))
    cells = (r.get("seq"), (r.get("ts") or "")[:19].replace("T", " "), who, r.get("kind"))
    nums = (r.get("status"), r.get("rows"), r.get("duration_ms"))
    return [*("" if c is None else str(c) for c in (*cells, *nums)), what]


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not an ISO date or time (2025-03-01)") from e


def show(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="Only this user's records.")] = None,
    since: Annotated[
        str | None, typer.Option(help="From this date or time (ISO 8601; no zone = UTC).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="The latest N records.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record a line.")] = False,
) -> None:
    """Show the latest audit records, oldest of them first (a table, or JSON lines)."""
    if ctx.invoked_subcommand is not None:
        return
    trail = AuditLog(get_settings())
    records = list(trail.read(user=user, since=_since(since), limit=limit, newest_first=True))
    records.reverse()
    if as_json:
        for r in records:
            print(json.dumps(r, ensure_ascii=False))
        return
    table = Table(box=None)
    for name in _HEADER:
        table.add_column(name, no_wrap=name != _HEADER[-1], overflow="fold")
    for r in records:
        table.add_row(*_row(r))
    out.print(table)
    err.print(f"{len(records)} records from {trail.dir}")


audit_app.callback()(show)


@command(audit_app, "verify", audit=False)
def verify(as_json: JsonOpt = False) -> None:
    """Walk the whole chain: exit 0 when intact, 1 when not.

    A broken chain names the first edited, deleted, garbled or out-of-order record
    (file, line, seq), or records removed from the end."""
    trail = AuditLog(get_settings())
    verdict = trail.verify()
    problem = verdict.problem
    if as_json:
        data = asdict(verdict)
        if problem is not None:
            data["problem"]["message"] = problem.message
        print_json(data)
    elif problem is None:
        out.print(
            f"Audit trail intact: {verdict.records} records in {len(verdict.files)} "
            f"files (last seq {verdict.last_seq}) in {trail.dir}"
        )
    else:
        err.print(
            f"[bold red]audit trail broken:[/] {problem.message} "
            f"({verdict.records} records checked before it, in {trail.dir})",
            highlight=False,
        )
    if problem is not None:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``guanxi audit`` to ``app``."""
    app.add_typer(audit_app, name="audit")
