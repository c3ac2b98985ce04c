"""The ownership-tree page (股权穿透图): a company, its holders upward, its subsidiaries down.

Built from :func:`guanxi.scoring.ownership.company_ownership`'s result (the same dict as
``GET /api/v1/companies/{id}/ownership``), never from a second reading of the graph: the
holders with their penetrated stakes, the direct holdings (``edges``) as percent labels,
the actual controller and its control chain highlighted (red; orange when only suspected),
beneficial owners drawn as stars and nominee-like holders grey, boxed and dashed. Large
upstream graphs are cut to the controller's paths, the beneficial owners and the largest
holders, and the header says so.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from guanxi.scoring.controllers import KIND_ZH
from guanxi.viz.pages import HIGHLIGHT, LABEL_COLOURS, render_network
from guanxi.viz.templates import fill, js_json

__all__ = ["ownership_graph", "render_ownership", "SUSPECTED", "NOMINEE"]

log = logging.getLogger(__name__)

SUSPECTED = "#ff7f0e"
NOMINEE = "#bab0ac"
_KIND_TEXT = {**KIND_ZH, "none": "无实际控制人"}
_OPTIONS = {
    "layout": {
        "hierarchical": {
            "enabled": True,
            "direction": "UD",
            "sortMethod": "directed",
            "levelSeparation": 120,
            "nodeSpacing": 170,
        }
    },
    "physics": {
        "solver": "hierarchicalRepulsion",
        "hierarchicalRepulsion": {"nodeDistance": 170},
        "stabilization": {"enabled": True, "iterations": 300, "fit": True},
    },
    "edges": {
        "font": {"size": 11, "align": "middle"},
        "arrows": {"to": {"enabled": True}},
        "smooth": {"type": "cubicBezier", "forceDirection": "vertical"},
    },
    "interaction": {"hover": True, "tooltipDelay": 120},
}


def _pct(x: float | None) -> str:
    return f"{float(x or 0):.2f}%"


def _control_edges(ctl: dict[str, Any]) -> set[tuple[str, str]]:
    hops = {(h["from"], h["to"]) for path in ctl.get("paths", []) for h in path}
    chain = ctl.get("chain", [])
    return hops | set(zip(chain, chain[1:], strict=False))


def ownership_graph(
    own: dict[str, Any], subsidiaries: list[dict[str, Any]] | None = None, cap: int = 80
) -> tuple[dict[str, Any], int]:
    """Graph JSON (``nodes``/``edges`` with ``style``) of an ownership result, and how many
    holders were left out to keep at most ``cap`` of them (controller paths and beneficial
    owners are always kept)."""
    ctl = own["controller"]
    kind = ctl.get("kind", "none")
    hot = HIGHLIGHT if kind in ("absolute", "relative") else SUSPECTED
    control = _control_edges(ctl) if ctl.get("controller") else set()
    on_chain = {x for e in control for x in e}
    owners = {o["id"] for o in own["beneficial_owners"]}
    holders = {h["id"]: h for h in own["holders"]}
    must = (on_chain | owners) - {own["company"]}
    rest = [h["id"] for h in own["holders"] if h["id"] not in must]
    keep = must | set(rest[: max(0, cap - len(must))])
    left_out = len(holders) - len(keep & set(holders))

    nodes: dict[str, dict[str, Any]] = {}

    def node(nid: str, name: str | None, label: str, tags: list[str], **props: Any) -> None:
        n = nodes.setdefault(
            nid, {"id": nid, "name": name or nid, "label": label, "properties": {}, "style": {}}
        )
        n["properties"].update({k: v for k, v in props.items() if v not in (None, False)})
        text = (name or nid)[:24]
        n["style"]["label"] = "\n".join([text, *tags]) if tags else text

    node(own["company"], own.get("name"), "Company", [])
    nodes[own["company"]]["level"] = 0
    nodes[own["company"]]["style"].update(size=30, borderWidth=3)
    for hid in keep:
        h = holders.get(hid) or {
            "id": hid,
            "name": ctl.get("name") if hid == ctl.get("controller") else None,
            "label": ctl.get("label") if hid == ctl.get("controller") else "Company",
        }
        tags, style = [], {}
        if h.get("nominee"):
            tags.append("名义持有人 nominee")
            style.update(color=NOMINEE, shape="box", shapeProperties={"borderDashes": [4, 4]})
        if hid in owners:
            tags.append("受益所有人 BO")
            style.update(shape="star", size=20)
        if hid == ctl.get("controller"):
            tags.insert(0, f"{_KIND_TEXT.get(kind, kind)} {kind}")
            style.update(color=hot, size=28, borderWidth=3)
        elif hid in on_chain:
            colour = LABEL_COLOURS.get(h.get("label", ""), "#999999")
            style.update(color={"background": colour, "border": hot}, borderWidth=4)
        node(
            hid,
            h.get("name"),
            h.get("label", "Company"),
            tags,
            penetrated_stake=_pct(h.get("stake")),
            direct_stake=_pct(h.get("direct")) if h.get("direct") else None,
            nominee=bool(h.get("nominee")),
        )
        nodes[hid]["style"].update(style)
    edges = []
    for e in own.get("edges", []):
        if e["from"] not in nodes or e["to"] not in nodes:
            continue
        style: dict[str, Any] = {"width": 1 + 5 * min(1.0, e["pct"] / 100)}
        if (e["from"], e["to"]) in control:
            style.update(color=hot, width=6)
        if holders.get(e["from"], {}).get("nominee"):
            style["dashes"] = True
        edges.append(_edge(e["from"], e["to"], e["pct"], style))
    for s in subsidiaries or []:
        if s["id"] not in nodes:
            node(s["id"], s.get("name"), "Company", ["子公司 subsidiary"])
        edges.append(_edge(own["company"], s["id"], s.get("pct"), {"width": 2}))
    return {"nodes": list(nodes.values()), "edges": edges}, left_out


def _edge(src: str, dst: str, pct: float | None, style: dict[str, Any]) -> dict[str, Any]:
    label = f"{float(pct):g}%" if pct is not None else "?"
    return {
        "source": src,
        "target": dst,
        "type": "HOLDS_SHARES",
        "label": label,
        "properties": {"pct": pct},
        "style": style,
    }


def _party(p: dict[str, Any]) -> str:
    href = ("/ui/ownership/" if p.get("label") == "Company" else "/ui/network/") + quote(p["id"])
    name, pid = html.escape(p.get("name") or p["id"]), html.escape(p["id"])
    return f'<a href="{html.escape(href)}">{name}</a> <span class=muted>({pid})</span>'


def _controller_html(own: dict[str, Any], names: dict[str, str]) -> str:
    ctl = own["controller"]
    kind = ctl.get("kind", "none")
    head = f"{_KIND_TEXT.get(kind, kind)} ({kind})"
    if ctl.get("controller"):
        link = _party({"id": ctl["controller"], "name": ctl.get("name"), "label": ctl.get("label")})
        name = html.escape(ctl.get("name") or ctl["controller"])
        who = f'<b id="gx-controller-name">{name}</b> {link}'
        figures = f"; votes {_pct(ctl.get('votes'))}, penetrated stake {_pct(ctl.get('stake'))}"
        chain = " → ".join(html.escape(names.get(x, x)) for x in ctl.get("chain", []))
        chain_html = f'<div id="gx-chain">Control chain 控制链: {chain}</div>'
    else:
        who, figures, chain_html = "<b>none</b>", "", ""
    return (
        f'<section id="gx-controller" data-kind="{html.escape(kind)}">'
        f"<div>实际控制人 (actual controller): {who} — "
        f'<span id="gx-controller-kind">{html.escape(head)}</span>{figures}</div>'
        f'<div id="gx-controller-reason">{html.escape(ctl.get("reason") or "")}</div>'
        f"{chain_html}</section>"
    )


def _holders_html(own: dict[str, Any], limit: int = 50) -> str:
    rows = []
    for h in own["holders"][:limit]:
        flag = '<span class="gx-nominee">名义持有人 nominee</span>' if h.get("nominee") else ""
        rows.append(
            f"<tr><td>{_party(h)}</td><td>{html.escape(h.get('label') or '')}</td>"
            f"<td>{_pct(h.get('direct'))}</td><td>{_pct(h.get('stake'))}</td><td>{flag}</td></tr>"
        )
    more = len(own["holders"]) - limit
    tail = f"<p class=muted>… and {more} more holders</p>" if more > 0 else ""
    return (
        '<table id="gx-holders"><tr><th>holder 股东</th><th>type</th><th>direct 直接</th>'
        f"<th>penetrated 穿透</th><th></th></tr>{''.join(rows)}</table>{tail}"
    )


def render_ownership(
    own: dict[str, Any],
    subsidiaries: list[dict[str, Any]] | None = None,
    *,
    threshold: float = 25.0,
    links: list[tuple[str, str]] | None = None,
    cap: int = 80,
) -> str:
    """The HTML page of an ownership result (see the module docstring)."""
    graph, left_out = ownership_graph(own, subsidiaries, cap)
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    bos = ", ".join(f"{_party(o)} {_pct(o.get('stake'))}" for o in own["beneficial_owners"])
    subs = ", ".join(
        f"{_party({**s, 'label': 'Company'})} {_pct(s.get('pct'))}" for s in subsidiaries or []
    )
    panel = (
        _controller_html(own, names)
        + f'<div id="gx-owners">受益所有人 (beneficial owners ≥{threshold:g}%): '
        + f"{bos or 'none'}</div>"
        + (f'<div id="gx-subsidiaries">子公司 (direct subsidiaries): {subs}</div>' if subs else "")
        + "<details><summary>Holders 股东 (penetrated stakes)</summary>"
        + _holders_html(own)
        + "</details>"
        + "<div class=muted>Red: actual controller and control chain (orange: suspected) · "
        "star: beneficial owner · grey dashed box: nominee/custodian · double-click a company "
        "to open its ownership</div>"
    )
    companies = [n["id"] for n in graph["nodes"] if n["label"] == "Company"]
    note = f"{len(own['holders'])} holders upstream, {len(subsidiaries or [])} subsidiaries"
    if left_out:
        note += f"; the {left_out} smallest holders are not drawn"
    return render_network(
        graph,
        title=f"股权穿透 ownership: {own.get('name') or own['company']} ({own['company']})",
        note=note,
        expandable=False,
        height="620px",
        links=links,
        panel=panel,
        options=_OPTIONS,
        script=fill("ownership.js", companies=js_json(companies)),
    )
