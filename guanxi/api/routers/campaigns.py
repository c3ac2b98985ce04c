"""Campaigns, tasks, touches and reminders (docs/campaigns.md). Thin: parse, call the
campaign service with the caller's task scope (``access.campaigns``), serialise."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from guanxi.access.campaigns import TaskScope, task_scope
from guanxi.api.campaign_models import (
    AssignRequest,
    AssignResult,
    CampaignCreate,
    CampaignCreated,
    CampaignPublic,
    CampaignViewPublic,
    CloseResult,
    ConversionsResult,
    RemindersPublic,
    TaskPublic,
    TouchCreate,
    TouchResultPublic,
)
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic
from guanxi.campaigns import reminders as rem
from guanxi.campaigns import steer, touches, views
from guanxi.campaigns.create import CampaignSpec, create_campaign
from guanxi.errors import InvalidData
from guanxi.graph.version import watch_for

__all__ = ["router", "TaskScopeDep"]

router = APIRouter(
    prefix="/api/v1",
    tags=["campaigns"],
    responses={
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)


_TS_CACHE: dict[tuple[int, str], tuple[tuple, TaskScope]] = {}


async def get_task_scope(client: ClientDep, scope: ScopeDep) -> TaskScope:
    """The caller's task scope (their RM node, for an RM), cached per user for one graph
    version like the branch scope (docs/architecture.md, "Caches")."""
    watch = watch_for(client)
    version = watch.peek(client) or await run_in_threadpool(watch.current, client)
    key = (id(client), scope.user.name)
    hit = _TS_CACHE.get(key)
    if hit and hit[0] == version and hit[1].scope == scope:
        return hit[1]
    ts = await run_in_threadpool(task_scope, client, scope)
    _TS_CACHE[key] = (version, ts)
    return ts


TaskScopeDep = Annotated[TaskScope, Depends(get_task_scope)]


@router.get("/campaigns", response_model=list[CampaignPublic], summary="Campaigns you may see")
def list_campaigns(client: ClientDep, ts: TaskScopeDep) -> list[dict]:
    return [c.to_dict() for c in views.list_campaigns(client, ts)]


@router.post(
    "/campaigns",
    response_model=CampaignCreated,
    status_code=201,
    summary="Create a campaign: targets, control arm, tasks with recommended approaches",
)
def create(body: CampaignCreate, client: ClientDep, ts: TaskScopeDep) -> dict:
    spec = CampaignSpec(
        name=body.name, owner_branch=body.owner_branch, source=body.source,
        source_spec={**body.source_options, **({"ids": body.ids} if body.ids else {})},
        goal=body.goal, products=body.products, start=body.start, end=body.end,
        control_share=body.control_share, seed=body.seed, capacity=body.capacity,
        due_days=body.due_days, include_customers=body.include_customers, id=body.id,
    )  # fmt: skip
    return create_campaign(client, ts, spec)


@router.get(
    "/campaigns/{campaign_id}",
    response_model=CampaignViewPublic,
    summary="A campaign: funnel, tasks per RM, tasks overdue first",
)
def show(
    campaign_id: str,
    client: ClientDep,
    ts: TaskScopeDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> dict:
    return views.show_campaign(client, ts, campaign_id, limit).to_dict()


@router.post(
    "/campaigns/{campaign_id}/conversions",
    response_model=ConversionsResult,
    summary="Link new customers and products of the targets in the window to the campaign",
)
def conversions(campaign_id: str, client: ClientDep, ts: TaskScopeDep) -> dict:
    return {
        "campaign": campaign_id,
        "conversions": steer.detect_conversions(client, ts, campaign_id),
    }


@router.post("/campaigns/{campaign_id}/close", response_model=CloseResult, summary="Close")
def close(campaign_id: str, client: ClientDep, ts: TaskScopeDep) -> dict:
    return steer.close_campaign(client, ts, campaign_id)


@router.get("/tasks", response_model=list[TaskPublic], summary="Tasks (an RM's own by default)")
def list_tasks(
    client: ClientDep,
    ts: TaskScopeDep,
    campaign: str | None = None,
    rm: Annotated[str | None, Query(description="an RM id; default: yours, if you are one")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    open_only: Annotated[bool, Query(description="open and in-progress tasks only")] = False,
) -> JSONResponse:
    rm = rm or (ts.rm if ts.role == "rm" else None)
    found = views.tasks(client, ts, campaign, rm, limit, open_only=open_only)
    # the records' own shape is TaskPublic: sent as is, not validated field by field again
    return JSONResponse([t.to_dict() for t in found])


@router.post("/tasks/assign", response_model=AssignResult, summary="Reassign tasks (managers)")
def assign(body: AssignRequest, client: ClientDep, ts: TaskScopeDep) -> dict:
    return {"moved": steer.reassign(client, ts, body.moves)}


@router.post("/touches", response_model=TouchResultPublic, status_code=201, summary="Log one touch")
def log_touch(body: TouchCreate, client: ClientDep, ts: TaskScopeDep) -> dict:
    return touches.log_touch(client, ts, body.model_dump()).to_dict()


@router.post(
    "/touches/import",
    response_model=TouchResultPublic,
    status_code=201,
    summary="Import a touch file (CSV or Excel): all rows or none",
)
def import_touches(
    client: ClientDep, ts: TaskScopeDep, file: Annotated[UploadFile, File()]
) -> dict:
    name = Path(file.filename or "touches.csv").name
    if Path(name).suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        raise InvalidData(f"{name}: upload a .csv or .xlsx touch file")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(file.file.read())
        return touches.import_touches(client, ts, path).to_dict()


@router.get("/reminders", response_model=RemindersPublic, summary="Reminders of an RM or a branch")
def reminders(
    client: ClientDep,
    ts: TaskScopeDep,
    rm: str | None = None,
    branch: str | None = None,
    untouched_days: Annotated[int, Query(ge=1, le=365)] = 14,
    today: date | None = None,
) -> dict:
    rm = rm or (ts.rm if ts.role == "rm" else None)
    return rem.reminders(client, ts, rm, branch, untouched_days, today).to_dict()
