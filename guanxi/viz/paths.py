"""The contact-path page (联络路径): the k warm paths to a target, one highlighted at a time.

Built from the result of :func:`guanxi.api.routers.paths.scoped_paths` — the dict that
``GET /api/v1/paths`` returns, *after* masking — so a hop outside the caller's scope shows
here exactly as the API shows it (``masked-N`` "另一分行的客户经理", no evidence). The graph
is the union of the paths' hops; the top path is drawn red, the others teal, and each
path's card (introducer, channel, reason, hops with their evidence) has a button that
highlights that path instead.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from guanxi.viz.pages import HIGHLIGHT, LABEL_COLOURS, render_network
from guanxi.viz.templates import fill, js_json

__all__ = ["paths_graph", "render_paths", "main_label", "OTHER_PATH"]

log = logging.getLogger(__name__)

OTHER_PATH = "#17becf"
_MASKED_NOTE = "masked: details outside your branch scope are not shown"
_LABEL_ORDER = ("Company", "Person", "RelationshipManager", "Branch", "Product")


def main_label(labels: list[str]) -> str:
    """The label a node is drawn with: the first of ``_LABEL_ORDER`` it has, else its first."""
    return next((lb for lb in _LABEL_ORDER if lb in labels), labels[0] if labels else "")


def paths_graph(
    result: dict[str, Any], labels: dict[str, str]
) -> tuple[dict[str, Any], list[list[str]], list[list[str]]]:
    """Graph JSON of the paths' hops (``labels`` maps node ids to labels; masked ids are
    ``Masked``), with each path's node ids and edge ids for the selector script."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    path_nodes: list[list[str]] = []
    path_edges: list[list[str]] = []
    for i, p in enumerate(result["paths"]):
        ids, eids = [], []
        for h in p["hops"]:
            for end, name in (("from", "from_name"), ("to", "to_name")):
                nid = h[end]
                label = labels.get(nid, "Masked" if h.get("masked") else "")
                nodes.setdefault(nid, {"id": nid, "name": h.get(name) or nid, "label": label})
                if not ids or ids[-1] != nid:
                    ids.append(nid)
            key = (h["from"], h["to"], h["type"])
            if key not in edges:
                text = h.get("text") or ""
                props = {"intimacy": h.get("intimacy"), "evidence": text}
                if h.get("masked"):
                    props["masked"] = _MASKED_NOTE
                edges[key] = {
                    "source": h["from"],
                    "target": h["to"],
                    "type": h["type"],
                    "label": f"{h['type'].lower()} {float(h.get('intimacy') or 0):.2f}",
                    "properties": props,
                    "style": {"id": f"e{len(edges)}"},
                }
                if i > 0:
                    edges[key]["style"].update(color=OTHER_PATH, width=4)
                if h.get("masked"):
                    edges[key]["style"]["dashes"] = [12, 10]
            eids.append(edges[key]["style"]["id"])
        path_nodes.append(ids)
        path_edges.append(eids)
    target = result["target"]
    if target not in nodes:
        nodes[target] = {"id": target, "name": target, "label": labels.get(target, "")}
    nodes[target]["level"] = 0
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}, path_nodes, path_edges


def _hop_html(h: dict[str, Any]) -> str:
    masked = f' <span class="gx-masked">[{_MASKED_NOTE}]</span>' if h.get("masked") else ""
    evidence = html.escape(h.get("text") or "") or "<i>no evidence shown</i>"
    return (
        f"<li>{html.escape(h.get('from_name') or h['from'])} → "
        f"{html.escape(h.get('to_name') or h['to'])} <i>{html.escape(h['type'])}</i>, "
        f"intimacy {float(h.get('intimacy') or 0):.2f}: "
        f'<span class="gx-evidence">{evidence}</span>{masked}</li>'
    )


def _path_html(i: int, p: dict[str, Any]) -> str:
    hops = "".join(_hop_html(h) for h in p["hops"])
    colour = HIGHLIGHT if i == 0 else OTHER_PATH
    return (
        f'<li class="gx-path" id="gx-path-{i}" data-path="{i}" '
        f'style="border-left:5px solid {colour};padding-left:6px;margin:6px 0">'
        f'<button type="button" class="gx-show" data-path="{i}">Highlight path {i + 1}</button> '
        f"<b>Path {i + 1}</b>, strength {float(p.get('score') or 0):.4f}, "
        f"{len(p['hops'])} hop{'s' if len(p['hops']) != 1 else ''}"
        f'<div>Introducer 引荐人: <b class="gx-introducer">{html.escape(p["introducer"])}</b></div>'
        f'<div>Channel 渠道: <span class="gx-channel">{html.escape(p["channel"])}</span></div>'
        f'<div>Reason 理由: <span class="gx-reason">{html.escape(p["reason"])}</span></div>'
        f'<ol class="gx-hops">{hops}</ol></li>'
    )


def render_paths(
    result: dict[str, Any],
    labels: dict[str, str],
    *,
    target_name: str | None = None,
    links: list[tuple[str, str]] | None = None,
) -> str:
    """The HTML page of a (masked) paths result (see the module docstring)."""
    graph, path_nodes, path_edges = paths_graph(result, labels)
    cards = "".join(_path_html(i, p) for i, p in enumerate(result["paths"]))
    origin = result.get("origin") or "the bank"
    panel = (
        f'<div id="gx-reason">{html.escape(result["reason"])} '
        f"<span class=muted>(origin: {html.escape(origin)})</span></div>"
        f'<ol id="gx-paths" style="list-style:none;padding-left:0">{cards}</ol>'
        "<div class=muted>Red: the highlighted path · teal: the other paths · dashed: a hop "
        "masked outside your scope</div>"
    )
    colours = {n["id"]: LABEL_COLOURS.get(n["label"], "#999999") for n in graph["nodes"]}
    data = {"nodes": path_nodes, "edges": path_edges, "colours": colours}
    name = target_name or result["target"]
    return render_network(
        graph,
        title=f"联络路径 contact paths to {name} ({result['target']})",
        note=f"{len(result['paths'])} path(s) from {origin}",
        highlight=path_nodes[0] if path_nodes else None,
        expandable=False,
        height="560px",
        links=links,
        panel=panel,
        script=fill("paths.js", data=js_json(data), hot=HIGHLIGHT, other=OTHER_PATH),
    )
