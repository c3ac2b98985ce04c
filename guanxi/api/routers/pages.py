"""The pages: a search page, and pyvis views served by the API — ego networks, ownership
trees and contact paths. They call the same functions as the JSON endpoints (so scope and
masking are the same) and answer errors with an HTML page (``create_app``'s handler)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from guanxi.access.visibility import node_visible
from guanxi.api.deps import SESSION_COOKIE, ClientDep, ScopeDep, authenticate_request
from guanxi.api.routers.contacts import scoped_paths
from guanxi.scoring.ego import MAX_DEPTH, ego_network
from guanxi.viz.ownership import render_ownership
from guanxi.viz.pages import render_network
from guanxi.viz.paths import render_paths

__all__ = ["router", "page_links"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/")


@router.get("/ui/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    signed_in = SESSION_COOKIE in request.cookies
    return HTMLResponse(_INDEX.replace("__SIGNED_IN__", "true" if signed_in else "false"))


@router.post("/ui/session")
async def session(request: Request, key: Annotated[str, Form()]) -> RedirectResponse:
    """Exchange an API key for a session cookie (HttpOnly, SameSite=Strict); a bad key is
    logged and slowed like one sent to the API."""
    await authenticate_request(request, key)
    resp = RedirectResponse("/ui/", status_code=303)
    resp.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict", max_age=8 * 3600)
    return resp


@router.get("/ui/network/{node_id}", response_class=HTMLResponse)
def network_page(
    node_id: str,
    client: ClientDep,
    scope: ScopeDep,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
    cap: Annotated[int, Query(ge=1, le=500)] = 150,
) -> HTMLResponse:
    net = ego_network(client, node_id, depth=depth, cap=cap, scope=scope)
    center = next((n for n in net.nodes if n["id"] == node_id), {"name": node_id})
    note = (
        f"capped at {cap} nodes; click a node to expand"
        if net.truncated
        else ("click a node to expand")
    )
    links = page_links(node_id, "network", company=center.get("label") == "Company")
    return HTMLResponse(
        render_network(
            net.to_dict(), title=f"{center.get('name')} ({node_id})", note=note, links=links
        )
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
    from guanxi.scoring.ownership import company_ownership

    own = company_ownership(client, company_id, threshold=threshold)
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
    labels = {k_: _label(r["labels"]) for k_, r in info.items() if k_ in ids}
    target = info.get(target_id)
    company = target is not None and "Company" in target["labels"]
    name = None
    if target is not None and node_visible(scope, target["labels"], target["branches"]):
        name = target["name"]
        labels.setdefault(target_id, _label(target["labels"]))
    links = page_links(target_id, "paths", company=company)
    return HTMLResponse(render_paths(res, labels, target_name=name, links=links))


def _label(labels: list[str]) -> str:
    order = ("Company", "Person", "RelationshipManager", "Branch", "Product")
    return next((lb for lb in order if lb in labels), labels[0] if labels else "")


def page_links(node_id: str, current: str, *, company: bool) -> list[tuple[str, str]]:
    """The header links between the pages of one node (search, network, ownership, paths)."""
    q = quote(node_id, safe="")
    pages = [
        ("search", "search", "/ui/"),
        ("network", "network", f"/ui/network/{q}"),
        ("ownership", "ownership 股权", f"/ui/ownership/{q}"),
        ("paths", "contact paths 联络路径", f"/ui/paths/{q}"),
    ]
    return [
        (text, href)
        for key, text, href in pages
        if key != current and (company or key != "ownership")
    ]


_INDEX = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>guanxi</title>
<style>
 body{font:15px system-ui,sans-serif;margin:2em;max-width:900px}
 input{font-size:15px;padding:4px} li{margin:4px 0} .muted{color:#777}
</style></head>
<body>
<h1>guanxi 关系</h1>
<form id="login" method="post" action="/ui/session">
  <label>API key <input name="key" type="password" size="50"></label>
  <button type="submit">Sign in</button>
</form>
<div id="app">
  <input id="q" placeholder="公司名称或统一社会信用代码" size="40" autofocus>
  <button id="go">Search</button>
  <ul id="results"></ul>
</div>
<p class="muted">Each result opens its ego network (click a node there to expand it), its
ownership tree (股权穿透) or its contact paths from your branch (联络路径).</p>
<script>
const signedIn = __SIGNED_IN__;
document.getElementById("login").style.display = signedIn ? "none" : "block";
document.getElementById("app").style.display = signedIn ? "block" : "none";
async function search() {
  const q = document.getElementById("q").value.trim();
  if (!q) return;
  const url = "/api/v1/companies?q=" + encodeURIComponent(q);
  const r = await fetch(url, {credentials: "same-origin"});
  const ul = document.getElementById("results");
  ul.innerHTML = "";
  if (!r.ok) { ul.textContent = "Error " + r.status; return; }
  for (const c of await r.json()) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/ui/network/" + encodeURIComponent(c.id);
    a.textContent = c.name + " (" + c.id + ")";
    li.appendChild(a);
    for (const [text, page] of [["ownership", "ownership"], ["contact paths", "paths"]]) {
      const x = document.createElement("a");
      x.href = "/ui/" + page + "/" + encodeURIComponent(c.id);
      x.textContent = text;
      x.className = "gx-" + page;
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(x);
    }
    li.appendChild(document.createTextNode(" " + (c.industry || "") + " " + (c.region || "")));
    ul.appendChild(li);
  }
  document.body.setAttribute("data-results", String(ul.children.length));
}
document.getElementById("go").onclick = search;
document.getElementById("q").addEventListener("keydown", e => { if (e.key === "Enter") search(); });
</script>
</body></html>
"""
