"""The workbench's neighbourhood services: relationship counts per type and direction
(before expanding), one page of neighbours (an expansion) and the canvas of a set of nodes
(an opened node, a shared view) — each scoped to the caller by the access rule of
:mod:`guanxi.access.visibility`, with the Cypher in ``queries/workbench/workbench.cypher``.

:func:`tally_counts` is the pure part: it applies the access rule to the grouped rows of
``workbench.neighbour_counts`` and sums what is left.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from guanxi.access.scope import Scope
from guanxi.access.visibility import node_visible, rel_visible
from guanxi.errors import NotFound, QueryError
from guanxi.graph.gateway import Gateway
from guanxi.graph.history import history_types
from guanxi.graph.schema import get_schema
from guanxi.graph.values import to_plain
from guanxi.records.workbench import (
    Canvas,
    CanvasEdge,
    CanvasNode,
    NeighbourCount,
    NeighbourPage,
)
from guanxi.scoring.risk_graph import inherited

__all__ = [
    "tally_counts",
    "neighbour_counts",
    "neighbour_page",
    "neighbours_query",
    "canvas",
    "DIRECTIONS",
    "PER_PAIR",
]

log = logging.getLogger(__name__)

DIRECTIONS = ("out", "in", "both")
HIDDEN_PROPS = ("source", "load_id", "loaded_at", "embedding", "ingested_by", "evidence")
MAX_CANVAS = 2000
#: parallel relationships of one type sent per neighbour (the rest are counted as folded;
#: the canvas draws one edge per type and pair, or per role of a position)
PER_PAIR = 10


def main_label(labels: Iterable[str]) -> str:
    """The schema label of a node (its first label the schema knows)."""
    labels = list(labels)
    schema = get_schema()
    return next((lb for lb in labels if lb in schema.nodes), labels[0] if labels else "")


def _lists(scope: Scope | None) -> dict[str, Any]:
    schema = get_schema()
    return {
        "past": sorted(history_types()),
        "with_branches": not (scope is None or scope.everything),
        "internal": (
            sorted(t for t, s in schema.relationships.items() if s.scope == "internal"),
            sorted(lb for lb, s in schema.nodes.items() if s.scope == "internal"),
        ),
    }


def tally_counts(rows: Iterable[Mapping[str, Any]], scope: Scope | None) -> list[NeighbourCount]:
    """Relationship counts per (type, direction) that ``scope`` may see.

    Parameters
    ----------
    rows
        Groups as ``workbench.neighbour_counts`` returns them: ``a_labels``,
        ``a_branches``, ``type`` (None: the node has no relationships), ``out``,
        ``b_labels``, ``b_branches``, ``line``, ``ingested_by`` and ``n``.
    scope
        The caller's scope (None: everything).

    Returns
    -------
    list of NeighbourCount
        Sorted by count (largest first), then type and direction. A group counts when its
        neighbour is visible (:func:`node_visible`) and its relationship is
        (:func:`rel_visible`, with the node as start when ``out``).

    Examples
    --------
    >>> rows = [{"a_labels": ["Company"], "a_branches": [], "type": "HOLDS_SHARES",
    ...          "out": False, "b_labels": ["Person"], "b_branches": [], "line": None,
    ...          "ingested_by": None, "n": 3}]
    >>> [c.to_dict()["count"] for c in tally_counts(rows, None)]
    [3]
    """
    acc: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        if r["type"] is None or not node_visible(scope, r["b_labels"], r["b_branches"]):
            continue
        a = (r["a_labels"], r["a_branches"])
        b = (r["b_labels"], r["b_branches"])
        props = {"business_line": r["line"], "ingested_by": r["ingested_by"]}
        start, end = (a, b) if r["out"] else (b, a)
        if not rel_visible(scope, r["type"], props, start, end):
            continue
        key = (r["type"], "out" if r["out"] else "in")
        labels = acc.setdefault(key, {})
        lb = main_label(r["b_labels"])
        labels[lb] = labels.get(lb, 0) + int(r["n"])
    out = [
        NeighbourCount(type=t, direction=d, count=sum(lbs.values()), labels=lbs)
        for (t, d), lbs in acc.items()
    ]
    return sorted(out, key=lambda c: (-c.count, c.type, c.direction))


def neighbour_counts(client: Gateway, key: str, scope: Scope | None) -> list[NeighbourCount]:
    """Counts of ``key``'s relationships per type and direction, as ``scope`` may see them.

    Raises
    ------
    NotFound
        When the node does not exist or ``scope`` may not see it.
    """
    ls = _lists(scope)
    rows = client.read(
        "workbench.neighbour_counts",
        key=key,
        past=ls["past"],
        internal_types=ls["internal"][0],
        internal_labels=ls["internal"][1],
        with_branches=ls["with_branches"],
    )
    if not rows or not node_visible(scope, rows[0]["a_labels"], rows[0]["a_branches"]):
        raise NotFound(f"No node with id {key!r}")
    return tally_counts(rows, scope)


def _nodes(client: Gateway, scope: Scope | None, rows: list[tuple]) -> list[CanvasNode]:
    """Canvas nodes from ``(key, labels, name, attrs)``, with inherited risk where the
    caller may see it (:func:`~guanxi.scoring.risk_graph.inherited` masks it)."""
    companies = [k for k, labels, _, _ in rows if "Company" in labels]
    risk = inherited(client, scope, companies) if companies and scope is not None else {}
    return [
        CanvasNode(
            id=k,
            label=main_label(labels),
            name=name,
            pagerank=attrs.get("pagerank"),
            registered_capital=attrs.get("registered_capital"),
            group=attrs.get("group"),
            risk=risk[k].score if k in risk else None,
        )  # fmt: skip
        for k, labels, name, attrs in rows
    ]


def neighbours_query(client: Gateway, rel_type: str, name: str = "workbench.neighbours") -> str:
    """The text of ``name`` (``workbench.neighbours`` by default) for ``rel_type`` (a schema
    type, backtick-quoted), so that Neo4j expands only that type of a node's relationships."""
    if rel_type not in get_schema().relationships:
        raise QueryError(f"Unknown relationship type {rel_type!r}")
    return client.library.text_for(name, REL_TYPE=rel_type)


def _score(value: Any) -> float | None:
    return None if value is None else float(value)


def _folded(scope: Scope | None, rel_type: str, groups: list[dict], a: tuple, b: tuple) -> tuple:
    """(visible, hidden) parallel relationships not sent, from ``folded`` groups."""
    seen = hid = 0
    for g in groups:
        props = {"business_line": g["line"], "ingested_by": g["ingested_by"]}
        start, end = (a, b) if g["out"] else (b, a)
        if rel_visible(scope, rel_type, props, start, end):
            seen += int(g["n"])
        else:
            hid += int(g["n"])
    return seen, hid


def neighbour_page(
    client: Gateway,
    key: str,
    rel_type: str,
    direction: str,
    scope: Scope | None,
    *,
    offset: int = 0,
    limit: int = 50,
) -> NeighbourPage:
    """One page of ``key``'s neighbours (``limit`` of them from ``offset``) over ``rel_type``
    in ``direction`` (``out``, ``in``, ``both``), best-connected first; relationships
    ``scope`` may not see are left out and counted in ``hidden``, visible parallel ones
    beyond :data:`PER_PAIR` per neighbour are counted in ``folded``.

    Raises
    ------
    QueryError
        On an unknown relationship type or direction, or a limit outside 1–500.
    NotFound
        When the node does not exist or ``scope`` may not see it.
    """
    if direction not in DIRECTIONS:
        raise QueryError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if not 1 <= limit <= 500 or offset < 0:
        raise QueryError(f"limit must be 1-500 and offset >= 0, got {limit} and {offset}")
    text = neighbours_query(client, rel_type)
    ls = _lists(scope)
    rows = (
        []
        if rel_type in ls["past"]
        else client.run_text(
            "workbench.neighbours", text,
            {"key": key, "direction": direction, "skip": offset, "limit": limit,
             "per_pair": PER_PAIR, "hidden": list(HIDDEN_PROPS),
             "with_branches": ls["with_branches"]},
        )
    )  # fmt: skip
    if not rows:  # no neighbours this way: does the node exist (for this caller)?
        neighbour_counts(client, key, scope)
        return NeighbourPage(center=key, type=rel_type, direction=direction, offset=offset)
    if not node_visible(scope, rows[0]["a_labels"], rows[0]["a_branches"]):
        raise NotFound(f"No node with id {key!r}")
    kept, edges, hidden, folded, done = {}, [], 0, 0, set()
    for r in rows:
        a = (r["a_labels"], r["a_branches"])
        b = (r["b_labels"], r["b_branches"])
        if r["b_key"] not in done:  # the relationships not sent, once per neighbour
            done.add(r["b_key"])
            seen, hid = _folded(scope, rel_type, r["folded"], a, b)
            if node_visible(scope, *b):
                folded, hidden = folded + seen, hidden + hid
            else:
                hidden += seen + hid
        props = {k: to_plain(v) for k, v in r["props"]}
        start, end = (a, b) if r["a_is_start"] else (b, a)
        if not node_visible(scope, *b) or not rel_visible(scope, r["type"], props, start, end):
            hidden += 1
            continue
        kept.setdefault(r["b_key"], (r["b_key"], r["b_labels"], r["b_name"], r["b_attrs"]))
        s, t = (key, r["b_key"]) if r["a_is_start"] else (r["b_key"], key)
        edges.append(CanvasEdge(s, t, r["type"], props, _score(r["intimacy"])))
    return NeighbourPage(
        center=key, type=rel_type, direction=direction, offset=offset,
        nodes=tuple(_nodes(client, scope, list(kept.values()))), edges=tuple(edges),
        hidden=hidden, folded=folded,
        next_offset=offset + limit if len(done) == limit else None,
    )  # fmt: skip


def canvas(client: Gateway, keys: list[str], scope: Scope | None) -> Canvas:
    """The nodes of ``keys`` that ``scope`` may see and the visible relationships among
    them; the others are ``missing`` (not found and not visible are not told apart).

    Raises
    ------
    QueryError
        With more than :data:`MAX_CANVAS` keys.
    """
    keys = list(dict.fromkeys(k for k in keys if k))
    if len(keys) > MAX_CANVAS:
        raise QueryError(f"At most {MAX_CANVAS} nodes on a canvas, got {len(keys)}")
    rows = client.read("workbench.nodes", keys=keys, hidden=list(HIDDEN_PROPS))
    seen = {r["key"]: r for r in rows if node_visible(scope, r["labels"], r["branches"])}
    attrs = {
        k: ({**dict(r["props"]), "group": r["group"]}) for k, r in seen.items()
    }  # pagerank and registered capital are among the props
    nodes = _nodes(client, scope, [(k, r["labels"], r["name"], attrs[k]) for k, r in seen.items()])
    links = client.read(
        "workbench.links", keys=sorted(seen), hidden=list(HIDDEN_PROPS),
        past=sorted(history_types()), limit=MAX_CANVAS * 20,
    )  # fmt: skip
    edges = []
    for r in links:
        props = {k: to_plain(v) for k, v in r["props"]}
        s, t = (r["s_labels"], r["s_branches"]), (r["t_labels"], r["t_branches"])
        if rel_visible(scope, r["type"], props, s, t):
            edges.append(
                CanvasEdge(r["s_key"], r["t_key"], r["type"], props, _score(r["intimacy"]))
            )
    missing = tuple(k for k in keys if k not in seen)
    return Canvas(nodes=tuple(nodes), edges=tuple(edges), missing=missing)
