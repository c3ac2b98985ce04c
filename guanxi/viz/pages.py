"""pyvis network pages: colour by label, edge width by strength, evidence in tooltips.

Pages are self-contained: pyvis inlines vis-network (``cdn_resources="in_line"``) and
guanxi strips the template's remaining CDN links (Bootstrap), so nothing is fetched from
the internet. Physics stabilises, then stops. A click on a node fetches its neighbours
from ``/api/v1/network/{id}`` (same origin, the session cookie) and adds them.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from pyvis.network import Network

__all__ = ["render_network", "LABEL_COLOURS"]

log = logging.getLogger(__name__)

LABEL_COLOURS = {
    "Company": "#4e79a7",
    "Person": "#f28e2b",
    "Branch": "#59a14f",
    "RelationshipManager": "#e15759",
    "Product": "#b07aa1",
    "Masked": "#bab0ac",
}
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
) -> str:
    """HTML of an interactive page for graph JSON (``nodes``/``edges`` as the API returns).

    ``highlight`` is a node sequence (a contact path) drawn thick and red; ``note`` is a
    line shown above the network (e.g. that the neighbourhood was capped).
    """
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    on_path = set(highlight or [])
    path_edges = set(zip(highlight or [], (highlight or [])[1:], strict=False))
    for n in graph["nodes"]:
        colour = LABEL_COLOURS.get(n.get("label", ""), "#999999")
        net.add_node(
            n["id"],
            label=(n.get("name") or n["id"])[:24],
            title=_tooltip(f"{n.get('label')} {n['id']}", n.get("properties", {})),
            color="#d62728" if n["id"] in on_path else colour,
            size=22 if n.get("level", 1) == 0 or n["id"] in on_path else 14,
            group=n.get("label", ""),
        )
    for e in graph["edges"]:
        props = e.get("properties", {})
        hot = (e["source"], e["target"]) in path_edges or (e["target"], e["source"]) in path_edges
        net.add_edge(
            e["source"],
            e["target"],
            title=_tooltip(e["type"], props),
            label=e.get("label") or e["type"],
            width=8 if hot else 1 + 6 * max(0.0, min(1.0, _strength(props))),
            color="#d62728" if hot else "#9aa5b1",
        )
    net.set_options(
        json.dumps(
            {
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
        )
    )
    page = _CDN.sub("", net.generate_html())
    banner = (
        f'<div id="gx-header" style="font:14px sans-serif;padding:6px 10px">'
        f"<b>{html.escape(title)}</b>"
        f"{' — ' + html.escape(note) if note else ''}"
        f' <span id="gx-count"></span></div>'
    )
    page = page.replace("<body>", "<body>\n" + banner, 1)
    script = _SCRIPT.replace("__EXPANDABLE__", "true" if expandable else "false")
    return page.replace("</body>", script + "\n</body>", 1)


_SCRIPT = """
<script type="text/javascript">
(function () {
  function settle() {
    network.setOptions({physics: false});
    document.body.setAttribute("data-settled", "1");
  }
  function count() {
    document.body.setAttribute("data-nodes", String(nodes.length));
    document.getElementById("gx-count").textContent = "(" + nodes.length + " nodes)";
  }
  network.once("stabilizationIterationsDone", settle);
  setTimeout(settle, 8000);
  count();
  if (!__EXPANDABLE__) return;
  network.on("click", async function (params) {
    if (!params.nodes.length) return;
    var id = params.nodes[0];
    var r = await fetch("/api/v1/network/" + encodeURIComponent(id) + "?depth=1&cap=60",
                        {credentials: "same-origin"});
    if (!r.ok) return;
    var g = await r.json();
    var colours = %COLOURS%;
    g.nodes.forEach(function (n) {
      if (!nodes.get(n.id)) {
        nodes.add({id: n.id, label: (n.name || n.id).slice(0, 24), title: n.label + " " + n.id,
                   color: colours[n.label] || "#999999", size: 14});
      }
    });
    g.edges.forEach(function (e) {
      var eid = e.source + ">" + e.target + ">" + e.type;
      if (!edges.get(eid)) {
        edges.add({id: eid, from: e.source, to: e.target, label: e.type, title: e.type});
      }
    });
    count();
    document.body.setAttribute("data-expanded", id);
  });
})();
</script>
""".replace("%COLOURS%", json.dumps(LABEL_COLOURS))
