"""The whole-graph view key contacts read, on arrays (issue #21).

Batch key contacts (:func:`guanxi.scoring.batch_contacts.graph_contacts`) read a graph through three
things: ``nodes[id]`` (label, name, nominee, customer), ``neighbours(id)`` (the neighbours of
a party with the relationships to each: type, properties, direction) and the outgoing
relationships of one type (the holdings behind stakes and controllers). A
:class:`~guanxi.scoring.projection.LocalGraph` holds all of it as Python dicts, two entries
and a property dict per relationship: ~3 KB a relationship, 8.2M relationships of the three
contact types at 1M companies, more memory than the machine has.

:class:`ContactGraph` answers the same three questions from the frames it is given: one CSR
of both directions of every relationship (int32 and int8 arrays, in the frames' order) and
the property columns as they are; ``neighbours(id)`` assembles one party's dict when asked,
with :class:`LocalGraph`'s rules — self loops left out, parallel relationships of one type,
direction and role kept once (the first) — and in its order, so the two give the same key
contacts (``tests/unit/test_contact_graph.py`` compares them on a random network).
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.projection import EDGE_PROPS, present, row_props

__all__ = ["ContactGraph"]

Neighbours = dict[str, list[tuple[str, dict[str, Any], bool]]]


class Party(NamedTuple):
    """A party as :class:`~guanxi.scoring.projection.Node` shows it, made in a quarter of the
    time (no per-node ``extra`` dict): key contacts look up millions of them."""

    id: str
    label: str
    name: str | None
    nominee: bool
    customer: bool


class _Nodes(Mapping[str, Party]):
    """``nodes`` of a :class:`ContactGraph`: a read-only mapping of id → :class:`Party`,
    each made when asked, in the order of the node frame (then ends of relationships that
    are no party, label ``Unknown``)."""

    def __init__(self, g: ContactGraph) -> None:
        self._g = g

    def __getitem__(self, node_id: str) -> Party:
        return self._g.node(self._g.index[node_id])

    def __len__(self) -> int:
        return len(self._g.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._g.ids)


class _Column(Mapping[str, Any]):
    """One attribute of a :class:`ContactGraph`'s parties by id (its list, through the
    index): what key contacts look up a million times, without a dict per attribute."""

    def __init__(self, index: dict[str, int], values: list[Any]) -> None:
        self._index, self._values = index, values

    def __getitem__(self, node_id: str) -> Any:
        return self._values[self._index[node_id]]

    def get(self, node_id: str, default: Any = None) -> Any:
        i = self._index.get(node_id)
        return default if i is None else self._values[i]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)


class _Flagged(Container[str]):
    """The ids of a :class:`ContactGraph`'s parties whose flag is set (``in`` only)."""

    def __init__(self, index: dict[str, int], flags: list[bool]) -> None:
        self._index, self._flags = index, flags

    def __contains__(self, node_id: object) -> bool:
        i = self._index.get(node_id)  # type: ignore[call-overload]
        return i is not None and self._flags[i]


class ContactGraph:
    """What key contacts read of a whole graph, on arrays (module doc).

    ``nodes``: ``id, label, name[, nominee, customer]``; ``edges``: ``source_id, target_id,
    rel_type`` and property columns of :data:`~guanxi.scoring.projection.EDGE_PROPS`.
    """

    def __init__(self, nodes: pd.DataFrame, edges: pd.DataFrame, cache: int = 65536) -> None:
        ids = list(nodes["id"])
        index = {x: i for i, x in enumerate(ids)}
        for x in pd.unique(edges[["source_id", "target_id"]].to_numpy().ravel()):
            if x not in index:  # ends that are no party: LocalGraph's "Unknown" nodes
                index[x] = len(ids)
                ids.append(x)
        n_known = len(nodes)
        self.ids, self.index = ids, index
        # lists, not object arrays: a list item is read in a third of the time
        self.labels: list[str] = [*nodes["label"], *["Unknown"] * (len(ids) - n_known)]
        self.names: list[str | None] = [*nodes["name"], *[None] * (len(ids) - n_known)]
        flag = nodes["nominee"] if "nominee" in nodes else pd.Series([None] * n_known)
        self.nominee = [False] * len(ids)  # lists: a Python bool per read, no numpy scalar
        self.nominee[:n_known] = [
            is_nominee(name, bool(f) if present(f) else None)
            for name, f in zip(nodes["name"], flag, strict=True)
        ]
        self.customer = [False] * len(ids)
        if "customer" in nodes:
            self.customer[:n_known] = [bool(x) for x in nodes["customer"]]  # as LocalGraph
        src = edges["source_id"].map(index).to_numpy(np.int64)
        dst = edges["target_id"].map(index).to_numpy(np.int64)
        keep = np.flatnonzero(src != dst)  # LocalGraph.add_edge skips self loops
        m = len(keep)
        # both directions of each relationship, ordered by end then by relationship position:
        # each party's relationships in the frame's order, as LocalGraph appends them
        ends = np.r_[src[keep], dst[keep]]
        order = np.lexsort((np.r_[keep, keep], ends))
        self.indptr = np.r_[0, np.cumsum(np.bincount(ends, minlength=len(ids)))]
        self.nbr = np.r_[dst[keep], src[keep]][order].astype(np.int32)
        self.edge = np.r_[keep, keep][order].astype(np.int32)
        self.out = np.r_[np.ones(m, bool), np.zeros(m, bool)][order]
        types = edges["rel_type"].astype(str)
        self.type_names = sorted(set(types))
        self.rel_type = types.map({t: i for i, t in enumerate(self.type_names)}).to_numpy(np.int8)
        # per type, the property columns with a value for some relationship of that type (the
        # others are missing for all of them): a property dict is made per relationship read
        self.props = [
            [(c, edges[c].to_numpy(object)) for c in EDGE_PROPS
             if c in edges and edges.loc[(types == t).to_numpy(), c].notna().any()]
            for t in self.type_names
        ]  # fmt: skip
        self.nodes = _Nodes(self)
        self._cached = lru_cache(maxsize=cache)(self._neighbours)

    def column(self, attr: str) -> Mapping[str, Any]:
        """``labels`` or ``names`` (or ``customer``) by party id, read from the list."""
        return _Column(self.index, getattr(self, attr))

    def nominees(self) -> Container[str]:
        """The ids of the nominee-like parties (``in`` only)."""
        return _Flagged(self.index, self.nominee)

    def node(self, i: int) -> Party:
        """The party at position ``i``."""
        return Party(self.ids[i], self.labels[i], self.names[i], self.nominee[i], self.customer[i])

    def neighbours(self, node_id: str) -> Neighbours:
        """``{neighbour id: [(type, properties, outgoing), …]}`` as LocalGraph keeps it
        (the ``cache`` parties asked last are kept: a person's neighbours are read once per
        acquaintance; the caller must not change what it is given)."""
        return self._cached(node_id)

    def _neighbours(self, node_id: str) -> Neighbours:
        i = self.index.get(node_id)
        out: Neighbours = {}
        if i is None:
            return out
        for k in range(self.indptr[i], self.indptr[i + 1]):
            e, code = int(self.edge[k]), self.rel_type[self.edge[k]]
            props = row_props(self.props[code], e)
            t, o = self.type_names[code], bool(self.out[k])
            lst = out.setdefault(self.ids[self.nbr[k]], [])
            key = (t, o, props.get("role"))
            if not any((t2, o2, p2.get("role")) == key for t2, p2, o2 in lst):
                lst.append((t, props, o))
        return out

    def out_edges(self, rel_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(source, target, properties)`` of every kept ``rel_type`` relationship, in the
        order LocalGraph's adjacency gives them (by source, then neighbour, then list)."""
        if rel_type not in self.type_names:
            return
        code = self.type_names.index(rel_type)
        has = self.out & (self.rel_type[self.edge] == code)
        sources = np.unique(np.searchsorted(self.indptr, np.flatnonzero(has), side="right") - 1)
        for i in sources:
            u = self.ids[i]
            for v, lst in self.neighbours(u).items():
                for t, p, o in lst:
                    if t == rel_type and o:
                        yield u, v, p
