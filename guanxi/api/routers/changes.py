"""Change events of snapshot loads (docs/time.md): a company's, and the bank-wide feed the
reminders and opportunity rules read. Public facts, like the relationships they describe:
every caller sees the same events."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ChangeKind, ChangePublic, ErrorPublic
from guanxi.scoring.changes import MAX_CHANGES, company_changes, recent_changes

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["changes"],
    responses={401: {"model": ErrorPublic}, 400: {"model": ErrorPublic}},
)

Limit = Annotated[int, Query(ge=1, le=MAX_CHANGES, description="most events returned")]


@router.get(
    "/companies/{company_id}/changes",
    response_model=list[ChangePublic],
    summary="What changed for a company: holders, stakes, executives, controller",
    responses={404: {"model": ErrorPublic}},
)
def company_change_list(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    since: Annotated[date | None, Query(description="only on or after this date")] = None,
    limit: Limit = 500,
) -> list[ChangePublic]:
    evs = company_changes(client, company_id, since=since, limit=limit)
    return [ChangePublic(**e.to_dict()) for e in evs]


@router.get(
    "/changes",
    response_model=list[ChangePublic],
    summary="The bank-wide change feed (newest first)",
)
def change_feed(
    client: ClientDep,
    scope: ScopeDep,
    since: Annotated[date, Query(description="only on or after this date")],
    kind: Annotated[list[ChangeKind] | None, Query(description="only these kinds")] = None,
    limit: Limit = 1000,
) -> list[ChangePublic]:
    evs = recent_changes(client, since=since, kinds=[k.value for k in kind or ()], limit=limit)
    return [ChangePublic(**e.to_dict()) for e in evs]
