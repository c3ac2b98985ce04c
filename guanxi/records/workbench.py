"""Workbench records: what the network workbench's services return, already scoped to the
caller — ``NeighbourCount`` (relationships of one type and direction, before expanding),
``CanvasNode`` / ``CanvasEdge`` (what the canvas draws), ``NeighbourPage`` (one page of an
expansion), ``Canvas`` (a set of nodes with the relationships among them: an opened node or
a shared view) and ``NodeCard`` (the side panel of one node).

Every record is frozen; ``to_dict()`` gives the JSON shape the API returns."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NeighbourCount", "CanvasNode", "CanvasEdge", "NeighbourPage", "Canvas", "NodeCard"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NeighbourCount:
    """``count`` relationships of ``type`` in ``direction`` (``out``: the node is the start,
    ``in``: the end) that the caller may see; ``labels``: the neighbours' labels, counted."""

    type: str
    direction: str
    count: int
    labels: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "direction": self.direction, "count": self.count,
                "labels": dict(self.labels)}  # fmt: skip


@dataclass(frozen=True)
class CanvasNode:
    """A node as the canvas draws it: what it is styled by (``pagerank``,
    ``registered_capital``, ``group``: its 集团 as the community, ``risk``: inherited risk
    when the caller may see it)."""

    id: str
    label: str
    name: str | None
    pagerank: float | None = None
    registered_capital: float | None = None
    group: str | None = None
    risk: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "name": self.name,
                "pagerank": self.pagerank, "registered_capital": self.registered_capital,
                "group": self.group, "risk": self.risk}  # fmt: skip


@dataclass(frozen=True)
class CanvasEdge:
    """A relationship: ``source`` → ``target`` of ``type`` with its (plain) properties;
    ``intimacy``: the scored intimacy of the two ends (their ``INTIMACY`` score,
    docs/scoring.md), None when they have none."""

    source: str
    target: str
    type: str
    properties: dict[str, Any] = field(default_factory=dict)
    intimacy: float | None = None

    @property
    def id(self) -> str:
        role = self.properties.get("role")
        return f"{self.source}>{self.type}>{self.target}" + (f">{role}" if role else "")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "target": self.target, "type": self.type,
                "properties": dict(self.properties), "intimacy": self.intimacy}  # fmt: skip


@dataclass(frozen=True)
class NeighbourPage:
    """Neighbours of ``center`` over ``type`` in ``direction``, from ``offset``: the visible
    ``nodes`` and ``edges``; ``hidden``: relationships of the page left out by the caller's
    scope; ``folded``: visible parallel relationships to a neighbour that were not sent (at
    most ``PER_PAIR`` per neighbour are); ``next_offset``: where the next page starts (None:
    this was the last). A page counts neighbours, not relationships."""

    center: str
    type: str
    direction: str
    offset: int
    nodes: tuple[CanvasNode, ...] = ()
    edges: tuple[CanvasEdge, ...] = ()
    hidden: int = 0
    next_offset: int | None = None
    folded: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "type": self.type,
            "direction": self.direction,
            "offset": self.offset,
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "hidden": self.hidden,
            "folded": self.folded,
            "next_offset": self.next_offset,
        }


@dataclass(frozen=True)
class Canvas:
    """The visible ones of the requested nodes and the visible relationships among them;
    ``missing``: requested ids that do not exist or that the caller may not see (the two
    are not told apart)."""

    nodes: tuple[CanvasNode, ...] = ()
    edges: tuple[CanvasEdge, ...] = ()
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [n.to_dict() for n in self.nodes],
                "edges": [e.to_dict() for e in self.edges],
                "missing": list(self.missing)}  # fmt: skip


@dataclass(frozen=True)
class NodeCard:
    """The side panel of a node: its ``profile`` (the properties the caller may see),
    ``masked`` (the names of those they may not), ``scores``, ``provenance`` (source, load
    date, ingesting organisation; masked values are None and named in ``masked``) and the
    relationship ``counts`` before expanding."""

    id: str
    label: str
    name: str | None
    profile: dict[str, Any]
    masked: tuple[str, ...]
    scores: dict[str, Any]
    provenance: dict[str, Any]
    counts: tuple[NeighbourCount, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "name": self.name,
            "profile": dict(self.profile),
            "masked": list(self.masked),
            "scores": dict(self.scores),
            "provenance": dict(self.provenance),
            "counts": [c.to_dict() for c in self.counts],
        }
