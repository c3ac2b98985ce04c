"""Ego networks: the neighbourhood of a node as graph JSON, capped, filtered by scope."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guanxi.access.scope import Scope
from guanxi.access.visibility import node_visible, rel_visible
from guanxi.errors import NotFound, QueryError
from guanxi.graph.gateway import Gateway
from guanxi.graph.history import as_of_params, history_types
from guanxi.graph.schema import get_schema
from guanxi.graph.values import to_plain

__all__ = ["EgoNetwork", "ego_network", "MAX_DEPTH"]

log = logging.getLogger(__name__)

MAX_DEPTH = 3
_HIDDEN_PROPS = {"source", "load_id", "loaded_at", "embedding"}


@dataclass
class EgoNetwork:
    """``nodes`` ({id, label, name}), ``edges`` ({source, target, type, properties}),
    ``truncated`` when the node cap cut the neighbourhood."""

    center: str
    depth: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    cap: int = 200
    #: the date public facts were read as of (None: the current state)
    as_of: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "depth": self.depth,
            "nodes": self.nodes,
            "edges": self.edges,
            "truncated": self.truncated,
            "cap": self.cap,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }


def ego_network(
    client: Gateway,
    node_id: str,
    *,
    depth: int = 1,
    types: list[str] | None = None,
    cap: int = 200,
    scope: Scope | None = None,
    as_of: date | None = None,
) -> EgoNetwork:
    """Breadth-first neighbourhood of ``node_id`` up to ``depth`` hops and ``cap`` nodes.

    One query per level (the first also reads the centre). Relationships and internal nodes
    outside ``scope`` are dropped (public facts always stay); provenance properties are not
    read. ``truncated`` says whether the cap cut anything. With ``as_of``, public facts are
    those valid on that date (docs/time.md); closed versions are never shown otherwise.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    if cap < 1:
        raise QueryError(f"cap must be positive, got {cap}")
    schema = get_schema()
    for t in types or []:
        if t not in schema.relationships:
            raise QueryError(
                f"Unknown relationship type {t!r}; known: {sorted(schema.relationships)}"
            )
    net = EgoNetwork(center=node_id, depth=depth, cap=cap, as_of=as_of)
    seen: dict[str, dict[str, Any]] = {}
    edge_keys: set[tuple[str, str, str]] = set()
    frontier = [node_id]
    hidden = sorted(_HIDDEN_PROPS)
    past = sorted(history_types())
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = client.read(
            "time.ego_expand_as_of" if as_of else "api.ego_expand",
            **(as_of_params(as_of) if as_of else {"past": past}),
            keys=frontier,
            types=types or [],
            limit=cap * 20,
            hidden=hidden,
            with_branches=not (scope is None or scope.everything),
        )
        if level == 1:
            c = rows[0] if rows else None
            if c is None or not node_visible(scope, c["a_labels"], c["a_branches"]):
                raise NotFound(f"No node with id {node_id!r}")
            seen[node_id] = {
                "id": node_id, "label": _label(c["a_labels"]), "name": c["a_name"], "level": 0,
            }  # fmt: skip
        nxt: list[str] = []
        for r in rows:
            if r["type"] is None:  # a frontier node without relationships
                continue
            if not node_visible(scope, r["b_labels"], r["b_branches"]):
                continue
            a_info = (r["a_labels"], r["a_branches"])
            b_info = (r["b_labels"], r["b_branches"])
            start_is_a = r["a_is_start"]
            s_info, e_info = (a_info, b_info) if start_is_a else (b_info, a_info)
            props = dict(r["props"])
            if not rel_visible(scope, r["type"], props, s_info, e_info):
                continue
            b = r["b_key"]
            if b not in seen:
                if len(seen) >= cap:
                    net.truncated = True
                    continue
                seen[b] = {
                    "id": b,
                    "label": _label(r["b_labels"]),
                    "name": r["b_name"],
                    "level": level,
                }
                nxt.append(b)
            src, dst = (r["a_key"], b) if start_is_a else (b, r["a_key"])
            key = (src, dst, r["type"] + str(props.get("role", "")))
            if key in edge_keys:
                continue
            edge_keys.add(key)
            props = {k: to_plain(v) for k, v in props.items()}
            net.edges.append({"source": src, "target": dst, "type": r["type"], "properties": props})
        if len(rows) >= cap * 20:
            net.truncated = True
        frontier = nxt
    net.nodes = list(seen.values())
    return net


def _label(labels: list[str]) -> str:
    schema = get_schema()
    return next((lb for lb in labels if lb in schema.nodes), labels[0] if labels else "")
