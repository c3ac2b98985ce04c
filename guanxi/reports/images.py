"""Static pictures for printed reports, drawn server-side with matplotlib: the
ownership tree (holders above the company, stakes on the arrows) and the ego network.
pyvis pages are interactive and cannot go into a PDF or a Word file; these PNGs can.

Chinese labels use the first CJK font fontconfig knows of (Debian ``fonts-wqy-microhei``);
the layout is deterministic (levels for the tree, a seeded spring layout for the network).
Figures are made with :class:`matplotlib.figure.Figure`, not pyplot, whose global state
is not safe in the API's worker threads.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from functools import cache
from typing import Any

import networkx as nx
from matplotlib import font_manager
from matplotlib.figure import Figure

from guanxi.records.scores import OwnershipResult

__all__ = ["ownership_png", "network_png", "cjk_font", "tree_levels"]

log = logging.getLogger(__name__)

_CJK = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Droid Sans Fallback")
_COLOURS = {
    "Company": "#4e79a7",
    "Person": "#f28e2b",
    "Branch": "#59a14f",
    "RelationshipManager": "#e15759",
    "Product": "#b07aa1",
}


@cache
def cjk_font() -> str:
    """The family name of an installed CJK font (``DejaVu Sans`` when there is none)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in _CJK if n in names), None)
    if found is None:
        log.warning("no CJK font found (apt-get install fonts-wqy-microhei); labels may break")
    return found or "DejaVu Sans"


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def tree_levels(edges: list[tuple[str, str]], root: str) -> dict[str, int]:
    """Each node's level above ``root``: its shortest number of holding steps to it.

    Examples
    --------
    >>> tree_levels([("A", "B"), ("B", "C"), ("A", "C")], "C")
    {'C': 0, 'B': 1, 'A': 1}
    """
    g = nx.DiGraph(edges)
    g.add_node(root)
    return dict(nx.single_target_shortest_path_length(g, root))


def ownership_png(own: OwnershipResult, limit: int = 14) -> bytes:
    """The upstream ownership tree: the ``limit`` largest holdings reaching the company."""
    names = {h.id: h.name or h.id for h in own.holders} | {own.company: own.name or own.company}
    edges = sorted(own.edges, key=lambda h: -h.pct)[:limit]
    levels = tree_levels([(h.holder_id, h.company_id) for h in edges], own.company)
    rows: dict[int, list[str]] = {}
    for n, lv in sorted(levels.items(), key=lambda x: (x[1], x[0])):
        rows.setdefault(lv, []).append(n)
    pos = {n: ((i + 1) / (len(ns) + 1), lv) for lv, ns in rows.items() for i, n in enumerate(ns)}
    fig = Figure(figsize=(8, 1.2 + 1.3 * max(len(rows), 1)))  # no pyplot: API threads draw
    ax = fig.subplots()
    for h in edges:
        if h.holder_id in pos and h.company_id in pos:
            (x1, y1), (x2, y2) = pos[h.holder_id], pos[h.company_id]
            ax.annotate(
                "",
                (x2, y2 + 0.12),
                (x1, y1 - 0.12),
                arrowprops={"arrowstyle": "->", "color": "#777"},
            )
            ax.text(
                (x1 + x2) / 2,
                (y1 + y2) / 2,
                f"{h.pct:g}%",
                fontsize=7,
                color="#444",
                fontfamily=cjk_font(),
                ha="center",
            )
    ctl = own.controller.controller_id
    for n, (x, y) in pos.items():
        colour = "#d62728" if n == ctl else ("#4e79a7" if n == own.company else "#f5f5f5")
        ax.text(
            x,
            y,
            str(names.get(n, n))[:16],
            ha="center",
            va="center",
            fontsize=7,
            fontfamily=cjk_font(),
            color="white" if n in (ctl, own.company) else "black",
            bbox={"boxstyle": "round", "fc": colour, "ec": "#999"},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, max(rows, default=0) + 0.6)
    ax.axis("off")
    return _png(fig)


def network_png(net: Mapping[str, Any], center: str) -> bytes:
    """The ego network (``EgoNetwork.to_dict()``, already masked to the reader)."""
    g = nx.Graph()
    for n in net["nodes"]:
        g.add_node(n["id"], label=n.get("label"), name=n.get("name") or n["id"])
    g.add_edges_from(
        (e["source"], e["target"]) for e in net["edges"] if e["source"] in g and e["target"] in g
    )
    fig = Figure(figsize=(8, 6))
    ax = fig.subplots()
    if g.number_of_nodes():
        pos = nx.spring_layout(g, seed=7)
        nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#bbb")
        colours = [
            "#d62728" if n == center else _COLOURS.get(g.nodes[n]["label"], "#bab0ac") for n in g
        ]
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=220)
        labels = {n: str(g.nodes[n]["name"])[:12] for n in g}
        nx.draw_networkx_labels(g, pos, labels, ax=ax, font_size=7, font_family=cjk_font())
    ax.axis("off")
    return _png(fig)
