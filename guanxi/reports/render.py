"""Render a :class:`~guanxi.records.reports.Report`: HTML (Jinja2, one template file per
scenario under ``guanxi/reports/templates/``), PDF and the report's pictures.

PDF engine: **WeasyPrint** (PyPI, on Debian's Pango). It lays out the same HTML and CSS
in-process in a fraction of a second, embeds (subsets) the CJK font it shapes with, and
implements CSS paged media — ``@page`` margin boxes with ``counter(page)`` /
``counter(pages)`` and a running header element — so page numbers and the header with the
reader, time and scope are plain CSS. Headless Chromium would need a browser process per
worker and its own header/footer templates, and adds seconds of start-up per pack.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from guanxi.access.scope import Scope
from guanxi.graph.gateway import Gateway
from guanxi.records.reports import Report

__all__ = ["render_html", "render_pdf", "report_images", "CAPTIONS", "FORMATS", "MEDIA_TYPES"]

log = logging.getLogger(__name__)

FORMATS = ("html", "pdf", "docx", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}
CAPTIONS = {
    "ownership": "股权结构 Ownership tree (holders above, stakes on the arrows; controller in red)",
    "network": "关系网络 Ego network (one step; masked to your scope)",
}
#: the pictures each scenario's printed form carries
PICTURES = {
    "onboarding": ("ownership", "network"),
    "credit": ("ownership", "network"),
    "change": ("ownership",),
    "visit": ("network",),
}


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("guanxi.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _css() -> str:
    return files("guanxi.reports").joinpath("templates", "report.css").read_text("utf-8")


def render_html(
    report: Report,
    *,
    links: Sequence[tuple[str, str]] = (),
    images: dict[str, bytes] | None = None,
    since: str | None = None,
) -> str:
    """The report as one self-contained HTML page (pictures inlined as data URIs)."""
    notes = report.footnotes()
    uris = {
        k: "data:image/png;base64," + base64.b64encode(v).decode("ascii")
        for k, v in (images or {}).items()
    }
    return (
        _env()
        .get_template(f"{report.scenario}.html.j2")
        .render(
            report=report,
            css=_css(),
            links=list(links),
            images=uris,
            captions=CAPTIONS,
            footnotes=notes,
            note_no={p: i for i, p in enumerate(notes, 1)},
            since=since,
        )
    )


def report_images(client: Gateway, scope: Scope, report: Report) -> dict[str, bytes]:
    """The scenario's pictures (:data:`PICTURES`) as PNG, drawn from the same services
    and masking as the pages: the ownership tree and the reader's ego network."""
    from guanxi.reports import images
    from guanxi.scoring.ego import ego_network
    from guanxi.scoring.ownership import company_ownership

    out: dict[str, bytes] = {}
    want = PICTURES[report.scenario]
    if "ownership" in want:
        out["ownership"] = images.ownership_png(company_ownership(client, report.company_id))
    if "network" in want:
        net = ego_network(client, report.company_id, depth=1, cap=40, scope=scope)
        out["network"] = images.network_png(net.to_dict(), report.company_id)
    return out


def render_pdf(report: Report, images: dict[str, bytes] | None = None, **kw: Any) -> bytes:
    """The report as PDF (A4, CJK font embedded, page numbers, header with reader, time
    and scope on every page, the pictures)."""
    from weasyprint import HTML  # imported here: ~0.3 s, only printing needs it

    return HTML(string=render_html(report, images=images, **kw)).write_pdf()
