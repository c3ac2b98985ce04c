"""The pages: a search page, and pyvis views served by the API — ego networks, ownership
trees and contact paths. They call the same functions as the JSON endpoints (so scope and
masking are the same) and answer errors with an HTML page (``create_app``'s handler); the
HTML comes from ``guanxi.viz``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from guanxi.access.visibility import node_visible
from guanxi.api.deps import SESSION_COOKIE, ClientDep, ScopeDep, authenticate_request
from guanxi.api.routers.paths import scoped_paths
from guanxi.scoring.ego import MAX_DEPTH, ego_network
from guanxi.scoring.ownership import company_ownership
from guanxi.viz.ownership import render_ownership
from guanxi.viz.pages import date_control, page_links, render_index, render_network
from guanxi.viz.paths import main_label, render_paths

__all__ = ["router"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/")


@router.get("/ui/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return HTMLResponse(render_index(signed_in=SESSION_COOKIE in request.cookies))


@router.post("/ui/session")
async def session(request: Request, key: Annotated[str, Form()]) -> RedirectResponse:
    """Exchange an API key for a session cookie (HttpOnly, SameSite=Strict); a bad key is
    logged and slowed like one sent to the API."""
    await authenticate_request(request, key)
    resp = RedirectResponse("/ui/", status_code=303)
    resp.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict", max_age=8 * 3600)
    return resp


@router.get("/ui/network/{node_id:path}", response_class=HTMLResponse)
def network_page(
    node_id: str,
    client: ClientDep,
    scope: ScopeDep,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
    cap: Annotated[int, Query(ge=1, le=500)] = 150,
    as_of: Annotated[date | None, Query(description="public facts as of this date")] = None,
) -> HTMLResponse:
    net = ego_network(client, node_id, depth=depth, cap=cap, scope=scope, as_of=as_of)
    center = next((n for n in net.nodes if n["id"] == node_id), {"name": node_id})
    note = (
        f"capped at {cap} nodes; click a node to expand"
        if net.truncated
        else ("click a node to expand")
    )
    links = page_links(node_id, "network", company=center.get("label") == "Company")
    return HTMLResponse(
        render_network(
            net.to_dict(),
            title=f"{center.get('name')} ({node_id})",
            note=note,
            links=links,
            panel=date_control(as_of, depth=depth, cap=cap),
        )  # fmt: skip
    )


@router.get("/ui/ownership/{company_id}", response_class=HTMLResponse)
def ownership_page(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    threshold: Annotated[float, Query(ge=0, le=100)] = 25.0,
    subsidiaries: bool = True,
) -> HTMLResponse:
    """The ownership tree: ``company_ownership`` (as ``GET …/ownership``) drawn upward, the
    direct subsidiaries (the company detail's ``investments``) downward."""
    own = company_ownership(client, company_id, threshold=threshold).to_dict()
    subs: list[dict] = []
    if subsidiaries:
        rows = client.read("api.company_detail", id=company_id, **scope.params())
        subs = rows[0]["investments"] if rows else []
    links = page_links(company_id, "ownership", company=True)
    return HTMLResponse(render_ownership(own, subs, threshold=threshold, links=links))


@router.get("/ui/paths/{target_id}", response_class=HTMLResponse)
def paths_page(
    target_id: str,
    client: ClientDep,
    scope: ScopeDep,
    origin: Annotated[str | None, Query(description="RM or branch id")] = None,
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
) -> HTMLResponse:
    """The contact paths of ``GET /api/v1/paths`` (same function: scoped and masked)."""
    res = scoped_paths(client, scope, target_id, origin, k, max_hops)
    ids = {h[end] for p in res["paths"] for h in p["hops"] for end in ("from", "to")}
    info = {r["key"]: r for r in client.read("scope.nodes_info", keys=sorted(ids | {target_id}))}
    labels = {k_: main_label(r["labels"]) for k_, r in info.items() if k_ in ids}
    target = info.get(target_id)
    company = target is not None and "Company" in target["labels"]
    name = None
    if target is not None and node_visible(scope, target["labels"], target["branches"]):
        name = target["name"]
        labels.setdefault(target_id, main_label(target["labels"]))
    links = page_links(target_id, "paths", company=company)
    return HTMLResponse(render_paths(res, labels, target_name=name, links=links))
