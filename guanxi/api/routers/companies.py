"""Companies: search and detail (bank-internal parts of the detail only within scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.access.visibility import profile_for
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import CompanyDetail, CompanyHit, ErrorPublic
from guanxi.errors import NotFound
from guanxi.graph.values import to_plain

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["companies"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get("/companies", response_model=list[CompanyHit], summary="Search companies")
def search(
    client: ClientDep,
    scope: ScopeDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name fragment or id")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[CompanyHit]:
    return [CompanyHit(**r) for r in client.read("api.company_search", q=q, limit=limit)]


@router.get("/companies/{company_id}", response_model=CompanyDetail, summary="Company detail")
def detail(company_id: str, client: ClientDep, scope: ScopeDep) -> CompanyDetail:
    rows = client.read("api.company_detail", id=company_id, **scope.params())
    if not rows:
        raise NotFound(f"No company with id {company_id!r}")
    row = to_plain(rows[0])
    row["profile"] = profile_for(scope, row["profile"])
    return CompanyDetail(**row)
