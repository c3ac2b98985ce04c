"""Pydantic models of the network workbench's endpoints (Public family)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "SearchHitPublic",
    "NeighbourCountPublic",
    "CanvasNodePublic",
    "CanvasEdgePublic",
    "NeighbourPagePublic",
    "CanvasPublic",
    "NodeCardPublic",
    "PublicPathPublic",
]

log = logging.getLogger(__name__)


class SearchHitPublic(BaseModel):
    id: str
    label: str = Field(description="Company or Person")
    name: str | None
    stock_code: str | None = None
    industry: str | None = None
    region: str | None = None


class NeighbourCountPublic(BaseModel):
    type: str
    direction: str = Field(description="out: the node is the start; in: the end")
    count: int
    labels: dict[str, int] = Field(description="the neighbours' labels, counted")


class CanvasNodePublic(BaseModel):
    id: str
    label: str
    name: str | None
    pagerank: float | None = None
    registered_capital: float | None = None
    group: str | None = Field(None, description="the 集团 (Group) it belongs to")
    risk: float | None = Field(None, description="inherited risk, when you may see it")


class CanvasEdgePublic(BaseModel):
    id: str
    source: str
    target: str
    type: str
    properties: dict[str, Any]
    intimacy: float | None = Field(
        None, description="the INTIMACY score of the two ends (null: not scored)"
    )


class NeighbourPagePublic(BaseModel):
    center: str
    type: str
    direction: str
    offset: int
    nodes: list[CanvasNodePublic]
    edges: list[CanvasEdgePublic]
    hidden: int = Field(description="relationships of this page outside your scope, left out")
    folded: int = Field(
        0, description="parallel relationships to a neighbour beyond the first 10, not sent"
    )
    next_offset: int | None = Field(description="where the next page starts (null: last)")


class CanvasPublic(BaseModel):
    nodes: list[CanvasNodePublic]
    edges: list[CanvasEdgePublic]
    missing: list[str] = Field(description="ids not found or outside your scope")


class NodeCardPublic(BaseModel):
    id: str
    label: str
    name: str | None
    profile: dict[str, Any]
    masked: list[str] = Field(description="items you may not see: named, value left out")
    scores: dict[str, Any]
    provenance: dict[str, Any]
    counts: list[NeighbourCountPublic]


class PublicPathPublic(BaseModel):
    a: str
    b: str
    nodes: list[str] = Field(description="node ids from a to b (empty: no path)")
    types: list[str]
