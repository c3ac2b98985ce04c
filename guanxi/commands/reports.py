"""``guanxi report COMPANY`` and ``guanxi report-pack CAMPAIGN`` (docs/reports.md): a
scenario report of a company as HTML, PDF, Word or JSON, and a zip of the reports of a
campaign's targets with a progress bar. Each runs as ``--user NAME`` (that API user's
scope and masking) or as the operator (the whole bank), and leaves a ``cli`` audit record.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from guanxi.commands.output import audit_cli, command, connect
from guanxi.commands.queries import UserOpt

__all__ = ["register", "report", "report_pack"]

log = logging.getLogger(__name__)

ScenarioOpt = Annotated[
    str,
    typer.Option(
        "--scenario", "-s", help="onboarding (开户), credit (投融资), change (变更), visit (拜访)."
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="html, pdf, docx or json.")]


def report(
    company: Annotated[str, typer.Argument(help="Company id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    scenario: ScenarioOpt = "onboarding",
    fmt: FormatOpt = "html",
    since: Annotated[
        str | None, typer.Option(help="Change review: changes on or after (YYYY-MM-DD).")
    ] = None,
    user: UserOpt = None,
) -> None:
    """Write a scenario report of COMPANY (facts with sources, summary, pictures in PDF and
    Word)."""
    from guanxi.commands.queries import _scope
    from guanxi.documents import report_documents
    from guanxi.errors import GuanxiError
    from guanxi.reports.service import render_report

    params = {"company": company, "scenario": scenario, "format": fmt}
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError as e:
        raise typer.BadParameter(f"--since {since!r} is not a date (YYYY-MM-DD)") from e
    with connect() as c:
        try:
            r = render_report(c, _scope(c, user), company, scenario, fmt, since=day,
                              documents=report_documents)  # fmt: skip
        except GuanxiError as e:
            audit_cli("report", user, f"report.{scenario}", params, None, e.http_status)
            raise
    audit_cli("report", user, f"report.{scenario}", params, None, 200)
    output.write_bytes(r.content)
    typer.echo(f"{output}: {scenario} report of {company}, {r.facts} facts, {len(r.content)} bytes")


def report_pack(
    campaign: Annotated[str, typer.Argument(help="Campaign id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Zip file to write.")],
    scenario: ScenarioOpt = "visit",
    fmt: FormatOpt = "pdf",
    limit: Annotated[int | None, typer.Option(help="At most this many reports.")] = None,
    user: UserOpt = None,
) -> None:
    """Write a zip with the scenario report of every target of CAMPAIGN you see."""
    from rich.progress import Progress

    from guanxi.commands.queries import _scope
    from guanxi.documents import report_documents
    from guanxi.errors import GuanxiError
    from guanxi.reports.service import campaign_pack

    params = {"campaign": campaign, "scenario": scenario, "format": fmt}
    with connect() as c, Progress(transient=True) as bar:
        task = bar.add_task(f"{scenario} reports of {campaign}", total=None)

        def step(done: int, total: int, cid: str) -> None:
            bar.update(task, completed=done, total=total, description=f"{scenario} · {cid}")

        try:
            body, failed = campaign_pack(
                c,
                _scope(c, user),
                campaign,
                scenario,
                fmt,
                progress=step,
                limit=limit,
                documents=report_documents,
            )
        except GuanxiError as e:
            audit_cli("report-pack", user, f"report_pack.{scenario}", params, None, e.http_status)
            raise
    audit_cli("report-pack", user, f"report_pack.{scenario}", params, None, 200)
    output.write_bytes(body)
    note = f"; failed: {', '.join(failed)}" if failed else ""
    typer.echo(f"{output}: {scenario} reports of campaign {campaign}{note}")


def register(app: typer.Typer) -> None:
    command(app, "report")(report)
    command(app, "report-pack")(report_pack)
