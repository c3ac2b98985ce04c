"""Neo4j → PyG ``HeteroData``, with the id mapping kept.

Node types ``company`` and ``person``; edge types follow the relationship types of the
schema (:data:`EDGE_TYPES`). The export streams pages of nodes in ``id`` order (keyset
pagination ``WHERE n.id > $after ORDER BY n.id LIMIT $limit`` on the unique-id index,
which stays fast where ``SKIP`` would rescan), each row carrying its outgoing
relationships, so memory holds one page of rows plus compact numpy arrays: about 1 KB per
node in total, i.e. 1M nodes in roughly 1 GB. Features follow
:mod:`guanxi.gnn.features`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch_geometric.transforms as T
from torch_geometric.data import HeteroData

from guanxi.gnn.features import (
    FeatureSpec,
    company_features,
    degree_features,
    edge_features,
    person_features,
)
from guanxi.graph.gateway import Gateway
from guanxi.graph.paging import keyset_pages

__all__ = ["EDGE_TYPES", "GraphData", "build_graph", "export_graph", "snapshot", "recount_degrees",
           "message_graph"]  # fmt: skip

log = logging.getLogger(__name__)

#: (relationship type, source label, target label) → PyG edge type.
EDGE_TYPES: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("HOLDS_SHARES", "Company", "Company"): ("company", "holds_shares", "company"),
    ("HOLDS_SHARES", "Person", "Company"): ("person", "holds_shares", "company"),
    ("SERVES_AS", "Person", "Company"): ("person", "serves_as", "company"),
    ("SUPPLIES", "Company", "Company"): ("company", "supplies", "company"),
    ("GUARANTEES", "Company", "Company"): ("company", "guarantees", "company"),
    ("PAYS", "Company", "Company"): ("company", "pays", "company"),
    ("KNOWS", "Person", "Person"): ("person", "knows", "person"),
}
LABELS = {"company": "Company", "person": "Person"}
EDGE_COLUMNS = ["source_id", "source_label", "target_id", "target_label", "rel_type"]
#: the columns of the packed node lists of ``gnn.company_page`` and ``gnn.person_page``
NODE_COLUMNS = {
    "Company": ["id", "industry", "region", "tags", "registered_capital", "revenue", "employees",
                "rd_intensity", "founded_year", "listed", "nominee", "pagerank", "betweenness",
                "customer"],
    "Person": ["id", "nominee", "birth_year"],
}  # fmt: skip
_PAGE_EDGES = ["source_id", "rel_type", "target_id", "pct", "amount", "share"]


@dataclass
class GraphData:
    """A projection: the ``HeteroData`` and the ids of each node type.

    ``ids[t][i]`` is the graph id of node ``i`` of type ``t``; :meth:`index` maps back.
    """

    data: HeteroData
    ids: dict[str, np.ndarray]
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    customer: np.ndarray | None = None
    _lookup: dict[str, pd.Index] = field(default_factory=dict, repr=False)

    def index(self, node_type: str, ids: Iterable[str]) -> np.ndarray:
        """Positions of ``ids`` among nodes of ``node_type`` (``-1`` when unknown)."""
        if node_type not in self._lookup:
            self._lookup[node_type] = pd.Index(self.ids[node_type])
        return self._lookup[node_type].get_indexer(pd.Index(list(ids)))

    def edge_index(self, rel_type: str, src_label: str, dst_label: str) -> np.ndarray:
        """The ``(2, E)`` index of one edge type (empty when absent)."""
        et = EDGE_TYPES.get((rel_type, src_label, dst_label))
        if et is None or et not in self.data.edge_types:
            return np.zeros((2, 0), dtype=np.int64)
        return self.data[et].edge_index.numpy()


def build_graph(
    companies: pd.DataFrame,
    persons: pd.DataFrame,
    edges: pd.DataFrame,
    spec: FeatureSpec | None = None,
) -> GraphData:
    """Assemble a :class:`GraphData` from node and edge frames.

    Parameters
    ----------
    companies, persons : DataFrame
        One row per node with an ``id`` column and the canonical property columns.
    edges : DataFrame
        Columns ``source_id, source_label, target_id, target_label, rel_type`` and
        optionally ``pct, amount, share``. Edges with an unknown endpoint or a type
        outside :data:`EDGE_TYPES` are dropped (and counted in the log).

    Returns
    -------
    GraphData
    """
    spec = spec or FeatureSpec()
    companies = companies.drop_duplicates("id").reset_index(drop=True)
    persons = persons.drop_duplicates("id").reset_index(drop=True)
    ids = {"company": companies["id"].astype(str).to_numpy(),
           "person": persons["id"].astype(str).to_numpy()}  # fmt: skip
    lookup = {t: pd.Index(v) for t, v in ids.items()}
    num = {t: len(v) for t, v in ids.items()}
    hd = HeteroData()
    arrays: dict[tuple[str, str, str], np.ndarray] = {}
    dropped = 0
    for (rel, sl, tl), et in EDGE_TYPES.items():
        part = edges[(edges["rel_type"] == rel) & (edges["source_label"] == sl)
                     & (edges["target_label"] == tl)]  # fmt: skip
        if part.empty:
            continue
        s = lookup[et[0]].get_indexer(part["source_id"].astype(str))
        t = lookup[et[2]].get_indexer(part["target_id"].astype(str))
        ok = (s >= 0) & (t >= 0) & ~((s == t) & (et[0] == et[2]))
        dropped += int((~ok).sum())
        part = part[ok].drop_duplicates(["source_id", "target_id"])
        ei = np.stack([lookup[et[0]].get_indexer(part["source_id"].astype(str)),
                       lookup[et[2]].get_indexer(part["target_id"].astype(str))])  # fmt: skip
        arrays[et] = ei
        hd[et].edge_index = torch.from_numpy(ei.astype(np.int64))
        hd[et].edge_attr = torch.from_numpy(edge_features(part))
    if dropped:
        log.info("dropped %d edges with unknown endpoints or self-loops", dropped)
    deg = degree_features(num, arrays)
    hd["company"].x = torch.from_numpy(
        np.concatenate([company_features(companies, spec), deg["company"]], axis=1)
    )
    hd["person"].x = torch.from_numpy(
        np.concatenate([person_features(persons), deg["person"]], axis=1)
    )
    for t in ids:
        hd[t].num_nodes = num[t]
    customer = None
    if "customer" in companies:
        customer = companies["customer"].map(lambda v: str(v).lower() == "true").to_numpy()
    return GraphData(hd, ids, spec, customer)


def recount_degrees(data: HeteroData) -> HeteroData:
    """``data`` with the degree block of every ``x`` (its last columns, as
    :func:`build_graph` appends them) recounted from the edges it holds now.

    After edges are taken out (supervision, validation) the counts must not include them:
    a KNOWS degree of at least 1 at both ends otherwise marks exactly the removed pairs.
    """
    num = {t: data[t].num_nodes for t in data.node_types}
    arrays = {et: data[et].edge_index.numpy() for et in data.edge_types}
    deg = degree_features(num, arrays)
    for t in data.node_types:
        x = data[t].x.clone()
        x[:, x.shape[1] - deg[t].shape[1] :] = torch.from_numpy(deg[t])
        data[t].x = x
    return data


def message_graph(data: HeteroData, drop: dict[tuple, torch.Tensor] | None = None) -> HeteroData:
    """A copy of ``data`` without the ``drop`` edges (masks), made undirected for messages;
    node degree features are recounted without them."""
    out = HeteroData()
    for t in data.node_types:
        out[t].x = data[t].x
        out[t].num_nodes = data[t].num_nodes
    for et in data.edge_types:
        ei = data[et].edge_index
        if drop and et in drop:
            ei = ei[:, ~drop[et]]
        out[et].edge_index = ei
    if drop:
        recount_degrees(out)
    return T.ToUndirected(merge=True)(out)


_LABELS = ("Company", "Person")


def _read_label(client: Gateway, label: str, batch_size: int
                ) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:  # fmt: skip
    """The node and outgoing-edge frames of one label, page by page."""
    name = {"Company": "gnn.company_page", "Person": "gnn.person_page"}[label]
    nodes: list[pd.DataFrame] = []
    edges: list[pd.DataFrame] = []
    for page in keyset_pages(client, name, batch_size):
        nodes.append(pd.DataFrame(page["nodes"], columns=NODE_COLUMNS[label]))
        if page["edges"]:
            ef = pd.DataFrame(page["edges"], columns=_PAGE_EDGES)
            ef["source_label"] = label
            ef["target_label"] = np.where(ef["rel_type"] == "KNOWS", "Person", "Company")
            edges.append(ef)
    log.info("exported %d %s nodes", sum(len(f) for f in nodes), label)
    return nodes, edges


def export_graph(client: Gateway, batch_size: int = 50_000, spec: FeatureSpec | None = None
                 ) -> GraphData:  # fmt: skip
    """Stream companies and persons (with their outgoing relationships) out of Neo4j, the
    two labels at once.

    Parameters
    ----------
    client : Gateway
        The gateway; queries ``gnn.company_page`` and ``gnn.person_page``.
    batch_size : int
        Nodes per page (one read transaction, one record each).
    """
    # the two labels are read at once, each its own stream of pages: one paged query keeps
    # one Neo4j core busy, and the edges are put together in label order afterwards, so the
    # projection (and a seeded split of it) is the same as read one after the other
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="export") as pool:
        parts = dict(zip(_LABELS, pool.map(lambda lb: _read_label(client, lb, batch_size),
                                           _LABELS), strict=True))  # fmt: skip
    nodes = {label: parts[label][0] for label in _LABELS}
    edge_parts = [e for label in _LABELS for e in parts[label][1]]
    companies = pd.concat(nodes["Company"], ignore_index=True) if nodes["Company"] else \
        pd.DataFrame(columns=["id"])  # fmt: skip
    persons = pd.concat(nodes["Person"], ignore_index=True) if nodes["Person"] else \
        pd.DataFrame(columns=["id"])  # fmt: skip
    edges = pd.concat(edge_parts, ignore_index=True) if edge_parts else \
        pd.DataFrame(columns=EDGE_COLUMNS)  # fmt: skip
    return build_graph(companies, persons, edges, spec)


def snapshot(graph: GraphData) -> dict[str, Any]:
    """Counts describing a projection (for the model card)."""
    d = graph.data
    return {
        "nodes": {t: int(d[t].num_nodes) for t in d.node_types},
        "edges": {"__".join(et): int(d[et].edge_index.shape[1]) for et in d.edge_types},
        "features": {t: int(d[t].x.shape[1]) for t in d.node_types},
    }
