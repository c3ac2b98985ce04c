"""The campaign pages: ``/ui/campaigns``, ``/ui/campaigns/{id}`` and ``/ui/tasks`` (an
RM's tasks with the touch form). They call the same service functions as the JSON
endpoints with the same task scope; the HTML comes from ``guanxi.viz.campaigns``."""

from __future__ import annotations

import threading
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
#: the HTML of a cached campaign view, rendered once (keyed by the view object)
_PAGES: dict[int, tuple[object, str]] = {}
_LOCK = threading.Lock()


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
    view = views.show_campaign(client, ts, campaign_id, limit)
    hit = _PAGES.get(id(view))
    if hit is None or hit[0] is not view:  # the view is cached per scope and graph version
        hit = (view, render_campaign(view.to_dict()))
        with _LOCK:
            _PAGES[id(view)] = hit
            while len(_PAGES) > 64:
                _PAGES.pop(next(iter(_PAGES)))
    return HTMLResponse(hit[1])


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
