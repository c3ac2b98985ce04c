"""Warm contact paths (联络路径): ``GET /api/v1/paths`` and :func:`scoped_paths`, which the
contact-path page calls too — the same scope checks and masking for both."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from guanxi.access.masking import bank_context_scrubber, mask_paths
from guanxi.access.scope import Scope
from guanxi.access.visibility import in_scope, node_visible
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic, PathsPublic
from guanxi.errors import AccessDenied
from guanxi.graph.client import GraphClient
from guanxi.scoring.contact_paths import contact_paths
from guanxi.scoring.risk_graph import inherited

__all__ = ["router", "scoped_paths"]

router = APIRouter(
    prefix="/api/v1",
    tags=["paths"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/paths",
    response_model=PathsPublic,
    summary="Warm contact paths (联络路径) to a target, with introducer and channel",
    responses={403: {"model": ErrorPublic}},
)
async def paths(
    client: ClientDep,
    scope: ScopeDep,
    to: Annotated[str, Query(min_length=1, description="target company or person id")],
    origin: Annotated[
        str | None,
        Query(alias="from", description="RM or branch id; default: the caller's scope"),
    ] = None,
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
    as_of: Annotated[
        date | None, Query(description="public relationships as of this date (docs/time.md)")
    ] = None,
) -> dict[str, Any]:
    # one worker-thread hop for the blocking part; the dict is validated once, by FastAPI
    return await run_in_threadpool(scoped_paths, client, scope, to, origin, k, max_hops, as_of)


def scoped_paths(
    client: GraphClient, scope: Scope, to: str, origin: str | None, k: int, max_hops: int,
    as_of: date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The top-``k`` contact paths to ``to`` as ``scope`` may see them: an origin outside
    scope is refused, an RM's default origin is their branch, and hops outside scope are
    masked. ``GET /api/v1/paths`` and the page ``/ui/paths/{id}`` both call this.

    Raises
    ------
    AccessDenied
        When ``origin`` is outside the caller's scope.
    NotFound
        When the target or the origin does not exist.
    """
    if origin is not None and not scope.everything:
        info = client.read("scope.nodes_info", keys=[origin])
        if info and not node_visible(scope, info[0]["labels"], info[0]["branches"]):
            raise AccessDenied(f"Origin {origin!r} is outside your branch scope")
        if (
            info
            and "Company" in info[0]["labels"]
            and not in_scope(scope, info[0]["branches"], check_line=True)
        ):  # a company origin is "our customer X introduces us": it must be one of yours
            raise AccessDenied(f"Origin {origin!r} is not a customer in your branch scope")
    if origin is None and not scope.everything and scope.user.branch:
        origin = scope.user.branch
    res = contact_paths(
        client, to, origin, k, max_hops, scrub=bank_context_scrubber(scope), as_of=as_of
    )
    out = res.to_dict()
    mask_paths(client, scope, out["paths"], res.parties)
    risk = inherited(client, scope, [to]).get(to)
    out["target_risk"] = risk.to_dict() if risk else None
    return out
