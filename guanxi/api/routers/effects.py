"""Effect statistics and profit-sharing settlements (docs/effects.md). Thin: parse, call
the effect services with the caller's scope, serialise (JSON, Excel, CSV); the pages
``/ui/campaigns/{id}/stats`` and ``/ui/effects`` render the same records."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from guanxi.api.deps import ClientDep
from guanxi.api.effect_models import CampaignStatsPublic, MonthClosed, SettlementPublic
from guanxi.api.models import ErrorPublic
from guanxi.api.routers.campaigns import TaskScopeDep
from guanxi.campaigns.views import list_campaigns
from guanxi.effects import ledger
from guanxi.effects.export import entries_csv, settlement_excel, stats_excel
from guanxi.effects.stats import across_campaigns, campaign_stats
from guanxi.errors import GuanxiError
from guanxi.records import BREAKDOWNS
from guanxi.viz.effects import render_overview, render_stats

__all__ = ["router", "pages"]

router = APIRouter(
    prefix="/api/v1",
    tags=["effects"],
    responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic},
               404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}},
)  # fmt: skip
pages = APIRouter(tags=["pages"], include_in_schema=False)

Month = Annotated[str, Path(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Breakdown = Literal["channel", "path_type", "branch", "rm", "introducer_kind", "product"]
By = Annotated[list[Breakdown] | None, Query(description="breakdowns (default: all)")]
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes | str, media: str, name: str) -> Response:
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})  # fmt: skip


def _by(by: list[str] | None) -> tuple[str, ...]:
    from guanxi.errors import InvalidData

    chosen = tuple(by) if by else BREAKDOWNS
    for b in chosen:
        if b not in BREAKDOWNS:
            raise InvalidData(f"No breakdown {b!r}; one of {', '.join(BREAKDOWNS)}")
    return chosen


@router.get("/campaigns/{campaign_id}/stats", response_model=CampaignStatsPublic,
            summary="A campaign's effects: funnel, rates, uplift, time to conversion")  # fmt: skip
def stats(campaign_id: str, client: ClientDep, ts: TaskScopeDep, by: By = None) -> dict:
    return campaign_stats(client, ts, campaign_id, by=_by(by)).to_dict()


@router.get("/effects/stats", response_model=CampaignStatsPublic,
            summary="Several campaigns pooled (all you see by default), by breakdown")  # fmt: skip
def pooled_stats(
    client: ClientDep,
    ts: TaskScopeDep,
    campaign: Annotated[list[str] | None, Query(description="campaign ids (default: all)")] = None,
    by: By = None,
) -> dict:
    return across_campaigns(client, ts, campaign or None, by=_by(by)).to_dict()


@router.get("/campaigns/{campaign_id}/stats.xlsx", summary="The statistics as Excel",
            response_class=Response)  # fmt: skip
def stats_xlsx(campaign_id: str, client: ClientDep, ts: TaskScopeDep) -> Response:
    body = stats_excel(campaign_stats(client, ts, campaign_id))
    return _download(body, _XLSX, f"stats-{campaign_id}.xlsx")


@router.get("/settlements/{month}", response_model=SettlementPublic,
            summary="A month's posted entries and transfers you take part in")  # fmt: skip
def show_settlement(month: Month, client: ClientDep, ts: TaskScopeDep) -> dict:
    return ledger.settlement(client, ts.scope, month).to_dict()


@router.post("/settlements/{month}", response_model=SettlementPublic,
             summary="Post (or preview) a month's settlement (head office)")  # fmt: skip
def post_settlement(
    month: Month,
    client: ClientDep,
    ts: TaskScopeDep,
    preview: Annotated[bool, Query(description="compute without posting")] = False,
) -> dict:
    return ledger.settle(client, ts.scope, month, preview).to_dict()


@router.post("/settlements/{month}/close", response_model=MonthClosed,
             summary="Close a settled month: its entries never change again")  # fmt: skip
def close_settlement(month: Month, client: ClientDep, ts: TaskScopeDep) -> dict:
    return ledger.close_month(client, ts.scope, month)


@router.get("/settlements/{month}/entries.csv", response_class=Response,
            summary="The entries you may see, as CSV")  # fmt: skip
def settlement_csv(month: Month, client: ClientDep, ts: TaskScopeDep) -> Response:
    body = entries_csv(ledger.settlement(client, ts.scope, month))
    return _download(body, "text/csv; charset=utf-8", f"ledger-{month}.csv")


@router.get("/settlements/{month}/settlement.xlsx", response_class=Response,
            summary="Entries and transfers you may see, as Excel")  # fmt: skip
def settlement_xlsx(month: Month, client: ClientDep, ts: TaskScopeDep) -> Response:
    body = settlement_excel(ledger.settlement(client, ts.scope, month))
    return _download(body, _XLSX, f"settlement-{month}.xlsx")


@pages.get("/ui/campaigns/{campaign_id}/stats", response_class=HTMLResponse)
def stats_page(campaign_id: str, client: ClientDep, ts: TaskScopeDep) -> HTMLResponse:
    return HTMLResponse(render_stats(campaign_stats(client, ts, campaign_id).to_dict()))


@pages.get("/ui/effects", response_class=HTMLResponse)
def overview_page(
    client: ClientDep,
    ts: TaskScopeDep,
    month: Annotated[str | None, Query(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")] = None,
) -> HTMLResponse:
    month = month or f"{date.today():%Y-%m}"
    found = []
    for c in list_campaigns(client, ts):
        try:
            found.append(campaign_stats(client, ts, c.id, by=()).to_dict())
        except GuanxiError:  # a campaign listed for one task may show nothing more
            continue
    sett = ledger.settlement(client, ts.scope, month).to_dict()
    return HTMLResponse(render_overview(found, sett))
