"""The campaign pages: ``/ui/campaigns``, ``/ui/campaigns/{id}`` and ``/ui/tasks`` (an
RM's tasks with the touch form). They call the same service functions as the JSON
endpoints with the same task scope; the HTML comes from ``guanxi.viz.campaigns``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from guanxi.api.deps import ClientDep
from guanxi.api.routers.campaigns import TaskScopeDep
from guanxi.campaigns import views
from guanxi.campaigns.touches import CHANNELS, OUTCOMES
from guanxi.viz.campaigns import render_campaign, render_campaigns, render_tasks

__all__ = ["router"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/ui/campaigns", response_class=HTMLResponse)
def campaigns_page(client: ClientDep, ts: TaskScopeDep) -> HTMLResponse:
    return HTMLResponse(render_campaigns([c.to_dict() for c in views.list_campaigns(client, ts)]))


@router.get("/ui/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    campaign_id: str,
    client: ClientDep,
    ts: TaskScopeDep,
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
) -> HTMLResponse:
    return HTMLResponse(
        render_campaign(views.show_campaign(client, ts, campaign_id, limit).to_dict())
    )


@router.get("/ui/tasks", response_class=HTMLResponse)
def tasks_page(
    client: ClientDep,
    ts: TaskScopeDep,
    rm: Annotated[str | None, Query(description="an RM id (managers)")] = None,
    campaign: str | None = None,
) -> HTMLResponse:
    rm = ts.rm if ts.role == "rm" else rm
    tasks = [t.to_dict() for t in views.tasks(client, ts, campaign, rm, 300, open_only=True)]
    who = f"RM {rm}" if rm else "your scope"
    note = f"{len(tasks)} task(s) of {who}, overdue first"
    return HTMLResponse(render_tasks(tasks, CHANNELS, OUTCOMES, note))
