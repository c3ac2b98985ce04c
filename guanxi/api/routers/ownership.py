"""Ownership: equity penetration (股权穿透), the actual controller (实际控制人) and the
beneficial owners of a company (public registry facts: visible to every caller)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic, OwnershipPublic
from guanxi.scoring.ownership import company_ownership

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["ownership"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/companies/{company_id}/ownership",
    response_model=OwnershipPublic,
    summary="Equity penetration (股权穿透), actual controller (实际控制人), beneficial owners",
)
def ownership(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    threshold: Annotated[float, Query(ge=0, le=100)] = 25.0,
    as_of: Annotated[
        date | None, Query(description="holdings as of this date (docs/time.md)")
    ] = None,
) -> OwnershipPublic:
    res = company_ownership(client, company_id, threshold=threshold, as_of=as_of)
    return OwnershipPublic(**res.to_dict(), as_of=as_of.isoformat() if as_of else None)
