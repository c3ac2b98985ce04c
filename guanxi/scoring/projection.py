"""Projections of the graph for the scorers.

* :class:`LocalGraph` — a small in-memory multigraph (adjacency dicts) of parties and
  their relationships with properties: the ego neighbourhoods fetched on demand for
  intimacy and contact paths, and the whole-graph view used by batch scoring.
* :class:`Projection` — a compact weighted CSR with id maps for centrality.

Fetch functions run named queries through the gateway; the whole-graph ones are cached per
run id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from guanxi.errors import NotFound
from guanxi.graph.admin import graph_version
from guanxi.graph.gateway import Gateway
from guanxi.scoring.nominees import NOMINEE_PATTERNS, is_nominee
from guanxi.scoring.party_read import EDGE_PROPS, party_frames

__all__ = [
    "PARTY_REL_TYPES",
    "EDGE_PROPS",
    "edge_props",
    "Node",
    "LocalGraph",
    "Projection",
    "party_frames",
    "centrality_edges",
    "fetch_frames",
    "fetch_graph",
    "fetch_projection",
    "clear_cache",
    "read_company",
]

log = logging.getLogger(__name__)

#: Relationship types between parties that carry intimacy.
PARTY_REL_TYPES = (
    "HOLDS_SHARES",
    "SERVES_AS",
    "SUPPLIES",
    "PAYS",
    "GUARANTEES",
    "KNOWS",
    "MANAGES",
)
#: memo of projections by (kind, run id, graph version): a run reuses them, a new graph
#: version (a load, a wipe, a scoring run's write-back) never sees an old one
_CACHE: dict[tuple[Any, ...], Any] = {}


def present(v: Any) -> bool:
    """Whether a property value is there: not None and not NaN (a frame's missing cell)."""
    return v is not None and v == v


def row_props(columns: Iterable[tuple[str, Sequence[Any]]], r: int) -> dict[str, Any]:
    """The properties of row ``r`` of ``(name, column)`` pairs that have a value."""
    return {c: v for c, col in columns if present(v := col[r])}


def edge_props(row: Mapping[str, Any]) -> dict[str, Any]:
    """The :data:`EDGE_PROPS` of a relationship row that have a value (not None, not NaN)."""
    return {c: v for c in EDGE_PROPS if present(v := row.get(c))}


@dataclass
class Node:
    """A party in a :class:`LocalGraph`."""

    id: str
    label: str
    name: str | None = None
    nominee: bool = False
    degree: int = 0
    customer: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class LocalGraph:
    """An undirected multigraph of parties; each edge keeps its type, properties and
    direction (``outgoing`` is True when the stored edge points from the key node)."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.adj: dict[str, dict[str, list[tuple[str, dict[str, Any], bool]]]] = {}

    def add_node(
        self,
        node_id: str,
        label: str,
        name: str | None = None,
        *,
        nominee: bool | None = None,
        degree: int = 0,
        customer: bool = False,
        **extra: Any,
    ) -> Node:
        n = self.nodes.get(node_id)
        if n is None:
            n = Node(node_id, label, name, is_nominee(name, nominee), degree, customer, extra)
            self.nodes[node_id] = n
            self.adj.setdefault(node_id, {})
        else:
            n.degree = max(n.degree, degree)
            n.customer = n.customer or customer
            n.extra.update({k: v for k, v in extra.items() if v is not None})
        return n

    def add_edge(self, source: str, target: str, rel_type: str, props: dict[str, Any]) -> None:
        if source == target:
            return
        for a, b, out in ((source, target, True), (target, source, False)):
            lst = self.adj.setdefault(a, {}).setdefault(b, [])
            key = (rel_type, out, props.get("role"))
            if not any((t, o, p.get("role")) == key for t, p, o in lst):
                lst.append((rel_type, props, out))

    def neighbours(self, node_id: str) -> dict[str, list[tuple[str, dict[str, Any], bool]]]:
        return self.adj.get(node_id, {})

    def out_edges(self, rel_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(source, target, properties)`` of every ``rel_type`` relationship, by source."""
        for u, nbrs in self.adj.items():
            for v, lst in nbrs.items():
                for t, p, out in lst:
                    if t == rel_type and out:
                        yield u, v, p

    def edges_between(self, a: str, b: str) -> list[tuple[str, dict[str, Any], bool]]:
        return self.adj.get(a, {}).get(b, [])

    def degree(self, node_id: str) -> int:
        n = self.nodes.get(node_id)
        return max(n.degree if n else 0, len(self.adj.get(node_id, {})))

    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> LocalGraph:
        """Build from ``nodes`` (id, label, name[, nominee, degree, customer]) and ``edges``
        (source_id, target_id, rel_type and property columns from :data:`EDGE_PROPS`)."""
        g = cls()
        cols = nodes.columns
        for row in nodes.itertuples(index=False):
            r = row._asdict()
            g.add_node(
                r["id"],
                r["label"],
                r.get("name"),
                nominee=bool(r["nominee"])
                if "nominee" in cols and r["nominee"] == r["nominee"] and r["nominee"] is not None
                else None,
                degree=int(r.get("degree") or 0) if "degree" in cols else 0,
                customer=bool(r.get("customer")) if "customer" in cols else False,
            )
        for row in edges.itertuples(index=False):
            r = row._asdict()
            props = edge_props(r)
            for nid in (r["source_id"], r["target_id"]):
                if nid not in g.nodes:
                    g.add_node(nid, "Unknown")
            g.add_edge(r["source_id"], r["target_id"], r["rel_type"], props)
        return g


@dataclass
class Projection:
    """A weighted CSR of parties with id maps (centrality input); ``symmetric`` when built
    undirected (the default), which lets PageRank use its faster iteration."""

    ids: np.ndarray
    index: dict[str, int]
    matrix: sp.csr_matrix
    symmetric: bool = False

    @classmethod
    def from_edges(cls, edges: pd.DataFrame, *, undirected: bool = True) -> Projection:
        """From ``source_id``, ``target_id``, ``weight``; parallel edges are summed."""
        ids = np.asarray(sorted(set(edges["source_id"]) | set(edges["target_id"])), dtype=object)
        index = {x: i for i, x in enumerate(ids)}
        s = edges["source_id"].map(index).to_numpy()
        t = edges["target_id"].map(index).to_numpy()
        w = edges["weight"].astype(float).to_numpy() if "weight" in edges else np.ones(len(s))
        keep = s != t
        s, t, w = s[keep], t[keep], w[keep]
        if undirected:
            s, t, w = np.concatenate([s, t]), np.concatenate([t, s]), np.concatenate([w, w])
        n = len(ids)
        return cls(ids, index, sp.csr_matrix((w, (s, t)), shape=(n, n)), symmetric=undirected)


def clear_cache() -> None:
    """Forget cached projections (new data loaded)."""
    _CACHE.clear()


def fetch_frames(client: Gateway, run_id: str = "adhoc") -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`party_frames`, cached per ``run_id`` and graph version."""
    key = ("frames", run_id, graph_version(client))
    if key not in _CACHE:
        _CACHE[key] = party_frames(client)
    return _CACHE[key]


def fetch_graph(client: Gateway, run_id: str = "adhoc") -> LocalGraph:
    """The whole party graph (Company, Person, RelationshipManager and their party
    relationships) as a :class:`LocalGraph`; two queries, cached per ``run_id``."""
    key = ("graph", run_id, graph_version(client))
    if key not in _CACHE:
        _CACHE[key] = LocalGraph.from_frames(*fetch_frames(client, run_id))
    return _CACHE[key]


def centrality_edges(
    nodes: pd.DataFrame, edges: pd.DataFrame, type_weights: dict[str, float]
) -> pd.DataFrame:
    """The weighted centrality projection's edges from :func:`party_frames` frames:
    relationships of the types in ``type_weights`` between Company/Person parties, nominee-like
    parties left out; ``weight = type_weights[type] × (0.1 + 0.9·pct/100 for HOLDS_SHARES,
    else 1)`` (the same projection ``scoring.gds_project`` builds in the database)."""
    ok = nodes[nodes["label"].isin(["Company", "Person"]) & ~nodes["nominee"].astype(bool)]
    keep = set(ok["id"])
    e = edges[
        edges["rel_type"].isin(list(type_weights))
        & edges["source_id"].isin(keep)
        & edges["target_id"].isin(keep)
    ]
    w = e["rel_type"].map(type_weights).astype(float)
    pct = pd.to_numeric(e["pct"], errors="coerce").fillna(0.0)
    w = w.where(e["rel_type"] != "HOLDS_SHARES", w * (0.1 + 0.9 * pct / 100.0))
    return pd.DataFrame({"source_id": e["source_id"], "target_id": e["target_id"], "weight": w})


def fetch_projection(
    client: Gateway, type_weights: dict[str, float], run_id: str = "adhoc"
) -> Projection:
    """The weighted centrality projection (nominees left out), cached per ``run_id``; built
    from the same two whole-graph reads as :func:`fetch_graph`."""
    key = ("csr", run_id + repr(sorted(type_weights.items())), graph_version(client))
    if key not in _CACHE:
        _CACHE[key] = Projection.from_edges(
            centrality_edges(*fetch_frames(client, run_id), type_weights)
        )
    return _CACHE[key]


def read_company(client: Gateway, query: str, company_id: str, **params: Any) -> list[dict]:
    """The rows of a company query that takes ``company_id`` and ``nominee_patterns``.

    Raises
    ------
    NotFound
        When it returns no row: no company has that id.
    """
    rows = client.read(
        query, company_id=company_id, nominee_patterns=list(NOMINEE_PATTERNS), **params
    )
    if not rows:
        raise NotFound(f"No company with id {company_id!r}")
    return rows
