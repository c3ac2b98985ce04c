"""pyvis network pages: colour by label, edge width by strength, evidence in tooltips.

Pages are self-contained: pyvis inlines vis-network (``cdn_resources="in_line"``) and
guanxi strips the template's remaining CDN links (Bootstrap), so nothing is fetched from
the internet. Physics stabilises, then stops. A click on a node fetches its neighbours
from ``/api/v1/network/{id}`` (same origin, the session cookie) and adds them.

The ownership and contact-path pages (``guanxi/viz/ownership.py``, ``guanxi/viz/paths.py``)
use the same renderer with per-node and per-edge ``style`` overrides, a navigation line, a
panel of text above the network and extra vis options; :func:`render_error` is the HTML
error page of every ``/ui/`` route, :func:`render_index` the search page. The HTML and the
scripts are templates under ``guanxi/viz/templates/``.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any
from urllib.parse import quote

from pyvis.network import Network

from guanxi.viz.templates import fill

__all__ = [
    "date_control",
    "render_network",
    "render_error",
    "render_index",
    "page_links",
    "nav_links",
    "LABEL_COLOURS",
    "HIGHLIGHT",
]

log = logging.getLogger(__name__)

LABEL_COLOURS = {
    "Company": "#4e79a7",
    "Person": "#f28e2b",
    "Branch": "#59a14f",
    "RelationshipManager": "#e15759",
    "Product": "#b07aa1",
    "Masked": "#bab0ac",
}
HIGHLIGHT = "#d62728"
_CDN = re.compile(r"<(link|script)[^>]+(href|src)=\"https?://[^\"]+\"[^>]*>(\s*</script>)?", re.S)


def _strength(props: dict[str, Any]) -> float:
    for key in ("intimacy", "score"):
        if isinstance(props.get(key), (int, float)):
            return float(props[key])
    if isinstance(props.get("pct"), (int, float)):
        return float(props["pct"]) / 100.0
    if isinstance(props.get("share"), (int, float)):
        return float(props["share"])
    return 0.3


def _tooltip(title: str, props: dict[str, Any]) -> str:
    lines = [title] + [f"{k}: {v}" for k, v in sorted(props.items()) if v not in (None, "", [])]
    return "\n".join(str(x) for x in lines)


def render_network(
    graph: dict[str, Any],
    *,
    title: str,
    highlight: list[str] | None = None,
    expandable: bool = True,
    note: str | None = None,
    height: str = "760px",
    links: list[tuple[str, str]] | None = None,
    panel: str | None = None,
    options: dict[str, Any] | None = None,
    script: str = "",
) -> str:
    """HTML of an interactive page for graph JSON (``nodes``/``edges`` as the API returns).

    ``highlight`` is a node sequence (a contact path) drawn thick and red; ``note`` is a
    line shown above the network (e.g. that the neighbourhood was capped). A node or edge
    may carry a ``style`` dict of vis options that override the defaults (colour, shape,
    width, dashes, an edge ``id``…). ``links`` are ``(text, href)`` pairs shown in the
    header, ``panel`` is trusted HTML (escape what goes into it) shown under the header,
    ``options`` are merged over the vis options, ``script`` is JavaScript run after the
    network is drawn.
    """
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    on_path = set(highlight or [])
    path_edges = set(zip(highlight or [], (highlight or [])[1:], strict=False))
    for n in graph["nodes"]:
        colour = LABEL_COLOURS.get(n.get("label", ""), "#999999")
        net.add_node(
            n["id"],
            **{
                "label": (n.get("name") or n["id"])[:24],
                "title": _tooltip(f"{n.get('label')} {n['id']}", n.get("properties", {})),
                "color": HIGHLIGHT if n["id"] in on_path else colour,
                "size": 22 if n.get("level", 1) == 0 or n["id"] in on_path else 14,
                "group": n.get("label", ""),
                **n.get("style", {}),
            },
        )
    for e in graph["edges"]:
        props = e.get("properties", {})
        hot = (e["source"], e["target"]) in path_edges or (e["target"], e["source"]) in path_edges
        net.add_edge(
            e["source"],
            e["target"],
            **{
                "title": _tooltip(e["type"], props),
                "label": e.get("label") or e["type"],
                "width": 8 if hot else 1 + 6 * max(0.0, min(1.0, _strength(props))),
                "color": HIGHLIGHT if hot else "#9aa5b1",
                **e.get("style", {}),
            },
        )
    opts: dict[str, Any] = {
        "physics": {
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": True, "iterations": 300, "fit": True},
        },
        "edges": {
            "font": {"size": 9, "align": "middle"},
            "arrows": {"to": {"enabled": True}},
        },
        "interaction": {"hover": True, "tooltipDelay": 120},
    }
    net.set_options(json.dumps({**opts, **(options or {})}))
    page = _CDN.sub("", net.generate_html())
    banner = (
        f'<div id="gx-header" style="font:14px sans-serif;padding:6px 10px">'
        f"<b>{html.escape(title)}</b>"
        f"{' — ' + html.escape(note) if note else ''}"
        f' <span id="gx-count"></span>{nav_links(links)}</div>'
    )
    if panel:
        banner += f'\n<div id="gx-panel" style="{_PANEL_CSS}">{panel}</div>'
    page = page.replace("<body>", "<body>\n" + banner, 1)
    expand = fill("network.js", expandable="true" if expandable else "false", colours=_COLOURS_JS)
    tail = "".join(
        f'\n<script type="text/javascript">\n{js}\n</script>' for js in (expand, script) if js
    )
    return page.replace("</body>", tail + "\n</body>", 1)


_COLOURS_JS = json.dumps(LABEL_COLOURS)
_PANEL_CSS = "font:13px sans-serif;padding:4px 10px;max-height:42vh;overflow:auto"


def nav_links(links: list[tuple[str, str]] | None) -> str:
    """The header's navigation: `` · ``-separated links, escaped (``<nav id="gx-nav">``)."""
    if not links:
        return ""
    items = " · ".join(
        f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>' for text, href in links
    )
    return f' <nav id="gx-nav" style="display:inline;margin-left:1em">{items}</nav>'


def render_error(status: int, error: str, message: str, request_id: str | None = None) -> str:
    """A plain HTML error page (the ``/ui/`` routes' answer to a guanxi error)."""
    hint = (
        '<p><a href="/ui/">Sign in</a> with an API key first.</p>'
        if status == 401
        else '<p><a href="/ui/">Back to search</a></p>'
    )
    rid = f"<p class=muted>request id {html.escape(request_id)}</p>" if request_id else ""
    return fill(
        "error.html",
        status=str(status),
        error=html.escape(error),
        message=html.escape(message),
        hint=hint,
        request_id=rid,
    )


def render_index(*, signed_in: bool) -> str:
    """The search page ``/ui/``: the sign-in form, or the search box when ``signed_in``."""
    return fill("index.html", signed_in="true" if signed_in else "false")


def page_links(node_id: str, current: str, *, company: bool) -> list[tuple[str, str]]:
    """The header links between the pages of one node (the workbench opened on it, search,
    network, ownership, paths, reports); the ownership and report pages only for a
    ``company``."""
    q = quote(node_id, safe="")
    pages = [
        ("workbench", "workbench 工作台", f"/ui/workbench?n={q}"),
        ("search", "search", "/ui/"),
        ("network", "network", f"/ui/network/{q}"),
        ("ownership", "ownership 股权", f"/ui/ownership/{q}"),
        ("paths", "contact paths 联络路径", f"/ui/paths/{q}"),
        ("report", "report 报告", f"/ui/reports/onboarding/{q}"),
    ]
    return [
        (text, href)
        for key, text, href in pages
        if key != current and (company or key not in ("ownership", "report"))
    ]


def date_control(as_of: Any, *, depth: int, cap: int) -> str:
    """The network page's date control (docs/time.md): a form that reloads the page with
    public facts as of the chosen date (empty: the current state)."""
    value = html.escape(as_of.isoformat()) if as_of else ""
    when = f"as of {value}" if value else "current state"
    return (
        '<form method="get" id="gx-as-of">'
        f'<label>as of <input type="date" name="as_of" value="{value}"></label>'
        f'<input type="hidden" name="depth" value="{int(depth)}">'
        f'<input type="hidden" name="cap" value="{int(cap)}">'
        f' <button type="submit">show</button> <span>{when}</span></form>'
    )
