"""Conversion of Neo4j values (nodes, relationships, paths, temporal types) to plain JSON."""

from __future__ import annotations

import math
from typing import Any

from neo4j import graph as ngraph
from neo4j import time as ntime

__all__ = ["to_plain"]


def to_plain(value: Any) -> Any:
    """Recursively convert a value returned by the driver into JSON-serialisable data.

    Nodes become ``{"element_id", "labels", "properties"}``, relationships
    ``{"element_id", "type", "start", "end", "properties"}``, paths
    ``{"nodes": [...], "relationships": [...]}``, temporal values ISO strings, and
    NaN/inf floats ``None``.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, ngraph.Node):
        return {
            "element_id": value.element_id,
            "labels": sorted(value.labels),
            "properties": {k: to_plain(v) for k, v in value.items()},
        }
    if isinstance(value, ngraph.Relationship):
        return {
            "element_id": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": {k: to_plain(v) for k, v in value.items()},
        }
    if isinstance(value, ngraph.Path):
        return {
            "nodes": [to_plain(n) for n in value.nodes],
            "relationships": [to_plain(r) for r in value.relationships],
        }
    if isinstance(value, (ntime.Date, ntime.DateTime, ntime.Time)):
        return value.iso_format()
    if isinstance(value, ntime.Duration):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return to_plain(value.tolist())
    return str(value)
