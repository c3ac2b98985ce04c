"""The pages: a search page, and pyvis network views served by the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from guanxi.api.deps import SESSION_COOKIE, ClientDep, ScopeDep
from guanxi.graph.ego import MAX_DEPTH, ego_network
from guanxi.viz.pages import render_network

__all__ = ["router"]

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/")


@router.get("/ui/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    signed_in = SESSION_COOKIE in request.cookies
    return HTMLResponse(_INDEX.replace("__SIGNED_IN__", "true" if signed_in else "false"))


@router.post("/ui/session")
def session(request: Request, key: Annotated[str, Form()]) -> RedirectResponse:
    """Exchange an API key for a session cookie (HttpOnly, SameSite=Strict)."""
    request.app.state.users.authenticate(key)
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
    return HTMLResponse(
        render_network(net.to_dict(), title=f"{center.get('name')} ({node_id})", note=note)
    )


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
<p class="muted">Each result opens its ego network; click a node there to expand it.</p>
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
