"""Intimacy (关系亲密度) of two parties with its evidence; evidence from bank-internal facts,
or passing through parties outside the caller's scope, is left out and counted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.access.masking import mask_intimacy
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic, IntimacyPublic
from guanxi.scoring.intimacy import intimacy_between

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["intimacy"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/intimacy",
    response_model=IntimacyPublic,
    summary="Intimacy (关系亲密度) of two parties with its evidence",
    responses={403: {"model": ErrorPublic}},
)
def intimacy(
    client: ClientDep,
    scope: ScopeDep,
    a: Annotated[str, Query(min_length=1)],
    b: Annotated[str, Query(min_length=1)],
) -> IntimacyPublic:
    res = mask_intimacy(client, scope, intimacy_between(client, a, b))
    return IntimacyPublic(**res.to_dict())
