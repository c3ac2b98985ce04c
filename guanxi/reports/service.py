"""One entry point for every caller (CLI, API, pages, packs): build a report for a reader
and render it in a format, and the campaign pack (a zip of the reports of all targets of
a campaign the reader sees)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from guanxi.access.campaigns import task_scope
from guanxi.access.scope import Scope
from guanxi.errors import InvalidData, NotFound
from guanxi.graph.gateway import Gateway
from guanxi.reports.build import DocumentsFn, build_report, check_scenario
from guanxi.reports.render import FORMATS, MEDIA_TYPES, render_html, render_pdf, report_images

__all__ = ["Rendered", "render_report", "campaign_pack", "pack_targets", "check_format"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """A rendered report: its bytes, media type, file name and fact count."""

    content: bytes
    media_type: str
    filename: str
    facts: int


def check_format(fmt: str) -> str:
    """``fmt`` if it is one of :data:`FORMATS` (raises :class:`InvalidData` otherwise)."""
    if fmt not in FORMATS:
        raise InvalidData(f"Unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
    return fmt


def render_report(
    client: Gateway,
    scope: Scope,
    company_id: str,
    scenario: str,
    fmt: str = "html",
    *,
    since: date | None = None,
    links: Sequence[tuple[str, str]] = (),
    documents: DocumentsFn | None = None,
) -> Rendered:
    """Build ``scenario``'s report of ``company_id`` for ``scope``'s reader in ``fmt``.

    Raises
    ------
    InvalidData
        For an unknown scenario or format.
    NotFound
        When no company has that id.
    """
    check_scenario(scenario)
    check_format(fmt)
    report = build_report(client, scope, company_id, scenario, since=since, documents=documents)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in company_id)
    name = f"{safe}-{scenario}.{fmt}"
    n = len(report.facts())
    s = since.isoformat() if since else None
    if fmt == "json":
        body = json.dumps(report.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    elif fmt == "html":
        body = render_html(report, links=links, since=s).encode("utf-8")
    elif fmt == "pdf":
        body = render_pdf(report, report_images(client, scope, report), since=s)
    else:
        from guanxi.reports.word import render_docx

        body = render_docx(report, report_images(client, scope, report))
    return Rendered(body, MEDIA_TYPES[fmt], name, n)


def pack_targets(client: Gateway, scope: Scope, campaign_id: str) -> list[str]:
    """The campaign's targets the reader may report on: every treatment-arm target when
    the campaign's owner branch is in scope, else the targets of the reader's own tasks.

    Raises
    ------
    NotFound
        When the campaign does not exist or the reader sees neither it nor a task of it.
    """
    ts = task_scope(client, scope)
    rows = client.read("campaigns.get", id=campaign_id, **ts.params())
    if rows and rows[0]["owner_in_scope"]:
        return [r["id"] for r in client.read("reports.campaign_targets", campaign=campaign_id)]
    mine = client.read(
        "campaigns.tasks",
        campaign=campaign_id,
        assignee=None,
        today=date.today(),
        limit=100_000,
        **ts.params(),
    )
    ids = sorted({t["company_id"] for t in mine})
    if not rows or not ids:
        raise NotFound(f"No campaign {campaign_id!r}")
    return ids


def campaign_pack(
    client: Gateway,
    scope: Scope,
    campaign_id: str,
    scenario: str = "visit",
    fmt: str = "pdf",
    *,
    progress: Callable[[int, int, str], None] | None = None,
    limit: int | None = None,
    documents: DocumentsFn | None = None,
) -> tuple[bytes, list[str]]:
    """A zip of ``scenario`` reports (``fmt``) for the campaign's targets the reader sees
    (at most ``limit``); ``progress(done, total, company_id)`` after each. Returns the zip
    and the ids whose report failed (each named in ``errors.txt`` in the zip)."""
    check_scenario(scenario)
    check_format(fmt)
    ids = pack_targets(client, scope, campaign_id)[:limit]
    failed: list[str] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, cid in enumerate(ids, 1):
            try:
                r = render_report(client, scope, cid, scenario, fmt, documents=documents)
                z.writestr(r.filename, r.content)
            except (InvalidData, NotFound) as e:
                failed.append(cid)
                log.warning("pack %s: report of %s failed: %s", campaign_id, cid, e)
                z.writestr("errors.txt", "\n".join(failed))
            if progress:
                progress(i, len(ids), cid)
    return buf.getvalue(), failed
