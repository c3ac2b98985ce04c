"""Companies: search, detail, ego network."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from guanxi.access.visibility import profile_for
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import CompanyDetail, CompanyHit, EgoNetworkPublic, ErrorPublic, RelType
from guanxi.errors import NotFound
from guanxi.scoring.ego import MAX_DEPTH, ego_network

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
    row = _plain(rows[0])
    row["profile"] = profile_for(scope, row["profile"])
    return CompanyDetail(**row)


@router.get(
    "/network/{node_id}",
    response_model=EgoNetworkPublic,
    summary="Ego network of a node as graph JSON",
    responses={400: {"model": ErrorPublic}},
)
async def network(
    node_id: str,
    client: ClientDep,
    scope: ScopeDep,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
    types: Annotated[
        list[RelType] | None, Query(description="relationship types to follow")
    ] = None,
    cap: Annotated[int, Query(ge=1, le=1000, description="most nodes returned")] = 200,
) -> dict[str, Any]:
    wanted = [t.value for t in types] if types else None

    def run() -> dict[str, Any]:
        net = ego_network(client, node_id, depth=depth, types=wanted, cap=cap, scope=scope)
        return net.to_dict()

    # one worker-thread hop for the queries; the dict is validated once, by FastAPI
    return await run_in_threadpool(run)


def _plain(row: dict) -> dict:
    from guanxi.graph.values import to_plain

    return to_plain(row)
