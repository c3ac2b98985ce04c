"""Ego networks: ``GET /api/v1/network/{id}`` as graph JSON (the pages expand nodes with it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import EgoNetworkPublic, ErrorPublic, RelType
from guanxi.scoring.ego import MAX_DEPTH, ego_network

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["network"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/network/{node_id:path}",
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
    as_of: Annotated[
        date | None, Query(description="public facts as of this date (docs/time.md)")
    ] = None,
) -> dict[str, Any]:
    wanted = [t.value for t in types] if types else None

    def run() -> dict[str, Any]:
        net = ego_network(
            client, node_id, depth=depth, types=wanted, cap=cap, scope=scope, as_of=as_of
        )
        return net.to_dict()

    # one worker-thread hop for the queries; the dict is validated once, by FastAPI
    return await run_in_threadpool(run)
