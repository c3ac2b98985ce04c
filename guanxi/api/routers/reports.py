"""Scenario reports (一键生成报告, docs/reports.md): a company's report in HTML, PDF, Word
or JSON, the report page under ``/ui/reports/``, and a campaign's report pack (a zip).
Built by :mod:`guanxi.reports` for the caller's scope (internal facts only within it,
masked like the JSON endpoints); each request leaves an audit record naming the report."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic
from guanxi.documents import report_documents
from guanxi.records.reports import SCENARIOS
from guanxi.reports.render import MEDIA_TYPES
from guanxi.reports.service import campaign_pack, render_report
from guanxi.viz.pages import page_links

__all__ = ["router", "Scenario", "ReportFormat"]

router = APIRouter(
    tags=["reports"],
    responses={
        401: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)

Scenario = StrEnum("Scenario", {k: k for k in SCENARIOS})  # type: ignore[misc]


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    docx = "docx"
    json = "json"


Since = Annotated[
    date | None, Query(description="change review: only changes on or after this date")
]


def _audit(request: Request, what: str, params: dict, rows: int) -> None:
    request.state.audit_kind = "export"
    request.state.audit_query = what
    request.state.audit_params = params
    request.state.audit_rows = rows


@router.get(
    "/api/v1/companies/{company_id}/reports/{scenario}",
    summary="A scenario report of a company (开户/投融资/变更/拜访) as HTML, PDF, Word or JSON",
    response_class=Response,
    responses={200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}}},
)
def company_report(
    request: Request,
    company_id: str,
    scenario: Scenario,
    client: ClientDep,
    scope: ScopeDep,
    format: Annotated[ReportFormat, Query(description="html, pdf, docx or json")] = (
        ReportFormat.html
    ),
    since: Since = None,
) -> Response:
    r = render_report(client, scope, company_id, scenario.value, format.value, since=since,
                      documents=report_documents)  # fmt: skip
    _audit(
        request,
        f"report.{scenario.value}",
        {"company": company_id, "format": format.value},
        r.facts,
    )
    disposition = "inline" if format.value in ("html", "pdf", "json") else "attachment"
    return Response(
        r.content,
        media_type=r.media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{r.filename}"'},
    )


@router.get(
    "/api/v1/campaigns/{campaign_id}/reports/{scenario}",
    summary="A report pack: the scenario report of every campaign target you see, zipped",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def campaign_reports(
    request: Request,
    campaign_id: str,
    scenario: Scenario,
    client: ClientDep,
    scope: ScopeDep,
    format: Annotated[ReportFormat, Query(description="html, pdf, docx or json")] = (
        ReportFormat.pdf
    ),
    limit: Annotated[int, Query(ge=1, le=1000, description="most reports")] = 200,
) -> Response:
    body, failed = campaign_pack(
        client,
        scope,
        campaign_id,
        scenario.value,
        format.value,
        limit=limit,
        documents=report_documents,
    )
    _audit(
        request,
        f"report_pack.{scenario.value}",
        {"campaign": campaign_id, "format": format.value, "failed": len(failed)},
        limit,
    )
    safe = quote(campaign_id, safe="")
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{safe}-{scenario.value}.zip"'},
    )


@router.get(
    "/ui/reports/{scenario}/{company_id}", response_class=HTMLResponse, include_in_schema=False
)
def report_page(
    request: Request,
    scenario: Scenario,
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    since: Since = None,
) -> HTMLResponse:
    """The report as a page, with links to the other scenarios, the printed and Word
    forms, and the company's other pages."""
    q = quote(company_id, safe="")
    links = [(f"{k} 报告", f"/ui/reports/{k}/{q}") for k in SCENARIOS if k != scenario.value]
    api = f"/api/v1/companies/{q}/reports/{scenario.value}"
    links += [("PDF", f"{api}?format=pdf")]
    links += [("Word", f"{api}?format=docx")]
    links += [(t, h) for t, h in page_links(company_id, "report", company=True)]
    r = render_report(client, scope, company_id, scenario.value, "html", since=since, links=links,
                      documents=report_documents)  # fmt: skip
    _audit(request, f"report.{scenario.value}", {"company": company_id, "format": "html"}, r.facts)
    return HTMLResponse(r.content.decode("utf-8"))
