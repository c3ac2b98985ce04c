"""The network workbench's endpoints: search, a node's card and relationship counts, a page
of neighbours, the canvas of a set of nodes and the shortest public path — each scoped and
masked by the access layer and recorded by the audit middleware — and the workbench page
``/ui/workbench`` with its static script, style and dictionary (``/ui/static/…``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import HTMLResponse, Response

from guanxi.api.deps import ClientDep, CurrentUser, ScopeDep
from guanxi.api.models import ErrorPublic, RelType
from guanxi.api.models_workbench import (
    CanvasPublic,
    NeighbourCountPublic,
    NeighbourPagePublic,
    NodeCardPublic,
    PublicPathPublic,
    SearchHitPublic,
)
from guanxi.errors import NotFound
from guanxi.scoring.neighbours import MAX_CANVAS, canvas, neighbour_counts, neighbour_page
from guanxi.scoring.node_card import node_card, public_path
from guanxi.viz.workbench import render_workbench, static_asset

__all__ = ["router", "pages"]

router = APIRouter(
    prefix="/api/v1/workbench",
    tags=["workbench"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
pages = APIRouter(tags=["pages"], include_in_schema=False)
Direction = Annotated[str, Query(pattern="^(out|in|both)$")]


@router.get("/search", response_model=list[SearchHitPublic], summary="Search parties")
def search(
    request: Request,
    client: ClientDep,
    scope: ScopeDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, USCC, stock code")],
    limit: Annotated[int, Query(ge=1, le=50)] = 12,
) -> list[dict[str, Any]]:
    """Companies and persons (public parties) by exact id or stock code, or a name fragment."""
    rows = client.read("workbench.search", q=q.strip(), limit=limit)
    request.state.audit_rows = len(rows)
    return rows


@router.get(
    "/nodes/{node_id:path}/counts",
    response_model=list[NeighbourCountPublic],
    summary="A node's relationships counted per type and direction (before expanding)",
)
def counts(node_id: str, client: ClientDep, scope: ScopeDep) -> list[dict[str, Any]]:
    return [c.to_dict() for c in neighbour_counts(client, node_id, scope)]


@router.get(
    "/nodes/{node_id:path}/neighbours",
    response_model=NeighbourPagePublic,
    summary="One page of a node's neighbours over one relationship type and direction",
    responses={400: {"model": ErrorPublic}},
)
def neighbours(
    request: Request,
    node_id: str,
    client: ClientDep,
    scope: ScopeDep,
    type: Annotated[RelType, Query(description="relationship type, e.g. HOLDS_SHARES")],
    direction: Direction = "both",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    page = neighbour_page(client, node_id, type.value, direction, scope, offset=offset, limit=limit)
    request.state.audit_rows = len(page.nodes)
    return page.to_dict()


@router.get(
    "/nodes/{node_id:path}",
    response_model=NodeCardPublic,
    summary="The side panel of a node: profile, scores, provenance, masked items, counts",
)
def card(node_id: str, client: ClientDep, scope: ScopeDep) -> dict[str, Any]:
    return node_card(client, node_id, scope).to_dict()


@router.post(
    "/canvas",
    response_model=CanvasPublic,
    summary="The nodes you may see of a set of ids, and the relationships among them",
    responses={400: {"model": ErrorPublic}},
)
def canvas_of(
    request: Request,
    client: ClientDep,
    scope: ScopeDep,
    ids: Annotated[list[str], Body(embed=True, max_length=MAX_CANVAS)],
) -> dict[str, Any]:
    view = canvas(client, ids, scope)
    request.state.audit_rows = len(view.nodes)
    return view.to_dict()


@router.get(
    "/path",
    response_model=PublicPathPublic,
    summary="The shortest path over public registry relationships between two parties",
    responses={400: {"model": ErrorPublic}},
)
def path(
    client: ClientDep,
    scope: ScopeDep,
    a: Annotated[str, Query(min_length=1)],
    b: Annotated[str, Query(min_length=1)],
) -> dict[str, Any]:
    return public_path(client, a, b)


@pages.get("/ui/workbench", response_class=HTMLResponse)
def workbench_page(user: CurrentUser) -> HTMLResponse:
    """The workbench; what it shows comes from the endpoints above, under the reader's key
    (a shared URL is re-checked against the reader's access when it opens)."""
    return HTMLResponse(render_workbench(user=user.name, role=user.role))


@pages.get("/ui/static/{name}")
def static(name: str) -> Response:
    """The workbench's script, style, dictionary and vis-network (no CDN)."""
    asset = static_asset(name)
    if asset is None:
        raise NotFound(f"No static file {name!r}")
    body, media = asset
    return Response(body, media_type=media, headers={"Cache-Control": "max-age=300"})
