"""Neighbour sampling for ``LinkNeighborLoader`` without compiled extensions.

PyG samples neighbours with ``pyg-lib`` or ``torch-sparse``. Neither ships a wheel on PyPI
for every torch build (the project's torch has none), so :class:`TorchNeighborSampler`
subclasses PyG's ``NeighborSampler`` and, only when neither extension is importable,
replaces its heterogeneous sampling step with a vectorised pure-PyTorch one. With
``pyg-lib`` installed (e.g. on a GPU box) PyG's own routine runs unchanged.

Semantics match ``torch-sparse``'s ``hetero_neighbor_sample`` (not disjoint, no time):
per hop and per edge type, each frontier node of the destination type draws up to ``k``
of its incoming edges uniformly. Nodes of higher degree draw ``k`` positions with
replacement and keep the distinct ones, so a hub may yield slightly fewer than ``k``
neighbours; draws come from torch's global generator, so a seeded run is deterministic.
Like ``pyg-lib``'s, the output counts the nodes each hop added per type (the seeds first)
and the edges each hop drew per edge type, in the order the batch holds them: what
:meth:`guanxi.gnn.models.Encoder.trimmed` needs to skip the nodes a layer cannot reach.
"""

from __future__ import annotations

import logging

import torch
import torch_geometric.typing as pyg_typing
from torch import Tensor
from torch_geometric.sampler import HeteroSamplerOutput, NeighborSampler

__all__ = ["TorchNeighborSampler", "has_compiled_sampler"]

log = logging.getLogger(__name__)


def has_compiled_sampler() -> bool:
    """True when ``pyg-lib`` or ``torch-sparse`` provides PyG's sampling kernels."""
    return bool(pyg_typing.WITH_PYG_LIB or pyg_typing.WITH_TORCH_SPARSE)


def _sample_in_edges(colptr: Tensor, nodes: Tensor, k: int) -> tuple[Tensor, Tensor]:
    """Sample up to ``k`` incoming CSC positions per node.

    Returns ``(positions, owner)``: positions into the CSC ``row`` array and, for each,
    the index into ``nodes`` of the destination that drew it.
    """
    start = colptr[nodes]
    deg = colptr[nodes + 1] - start
    take = deg if k < 0 else torch.clamp(deg, max=k)  # k < 0: all neighbours
    owner = torch.repeat_interleave(torch.arange(len(nodes)), take)
    if owner.numel() == 0:
        return owner.new_empty(0), owner
    offset = torch.arange(owner.numel()) - torch.repeat_interleave(
        torch.cumsum(take, 0) - take, take
    )
    full = deg[owner] <= take[owner]
    rand = (torch.rand(owner.numel()) * deg[owner]).long()
    local = torch.where(full, offset, rand)
    pos = start[owner] + local
    if not bool(full.all()):  # drop repeated draws of high-degree nodes
        pos, inv = torch.unique(pos, return_inverse=True)
        owner = torch.empty_like(pos).scatter_(0, inv, owner)
    return pos, owner


class TorchNeighborSampler(NeighborSampler):
    """PyG's ``NeighborSampler`` with a pure-PyTorch fallback for heterogeneous graphs."""

    def _sample(self, seed, seed_time=None, **kwargs):  # type: ignore[override]
        if has_compiled_sampler() or not isinstance(seed, dict):
            return super()._sample(seed, seed_time, **kwargs)
        if self.disjoint or seed_time is not None:
            raise NotImplementedError("the pure-PyTorch sampler supports neither disjoint "
                                      "nor temporal sampling; install pyg-lib")  # fmt: skip
        frontier = {t: s.long() for t, s in seed.items()}
        rows: dict[str, list[Tensor]] = {r: [] for r in self.colptr_dict}
        cols: dict[str, list[Tensor]] = {r: [] for r in self.colptr_dict}
        edges: dict[str, list[Tensor]] = {r: [] for r in self.colptr_dict}
        # sampled nodes per type in local order: the seeds first, then each hop's new ones
        maps = {t: frontier.get(t, torch.empty(0, dtype=torch.long)) for t in self.node_types}
        hops = self.num_neighbors.num_hops
        # per hop: the nodes it added (hop 0: the seeds), the edges it drew
        n_nodes = {t: [len(maps[t])] + [0] * hops for t in self.node_types}
        n_edges = {r: [0] * hops for r in self.colptr_dict}
        fanouts = self.num_neighbors.get_mapped_values(self.edge_types)
        for hop in range(hops):
            new_front: dict[str, list[Tensor]] = {t: [] for t in self.node_types}
            for rel, colptr in self.colptr_dict.items():
                src_t, _, dst_t = self.to_edge_type[rel]
                front = frontier.get(dst_t)
                k = fanouts[rel][hop] if hop < len(fanouts[rel]) else 0
                if front is None or front.numel() == 0 or k == 0:
                    continue
                pos, owner = _sample_in_edges(colptr, front, k)
                if pos.numel() == 0:
                    continue
                src = self.row_dict[rel][pos]
                dst_global = front[owner]
                # register new source nodes
                known = maps[src_t]
                is_new = ~torch.isin(src, known)
                fresh = torch.unique(src[is_new])
                if fresh.numel():
                    maps[src_t] = torch.cat([known, fresh])
                    new_front[src_t].append(fresh)
                    n_nodes[src_t][hop + 1] += fresh.numel()
                n_edges[rel][hop] += pos.numel()
                rows[rel].append(_lookup(maps[src_t], src))
                cols[rel].append(_lookup(maps[dst_t], dst_global))
                edges[rel].append(pos)
            frontier = {t: torch.cat(v) for t, v in new_front.items() if v}
            if not frontier:
                break
        empty = torch.empty(0, dtype=torch.long)
        row = {self.to_edge_type[r]: torch.cat(v) if v else empty for r, v in rows.items()}
        col = {self.to_edge_type[r]: torch.cat(v) if v else empty for r, v in cols.items()}
        edge = {self.to_edge_type[r]: torch.cat(v) if v else empty for r, v in edges.items()}
        if self.sample_direction == "backward":
            row, col = col, row
        return HeteroSamplerOutput(node=maps, row=row, col=col, edge=edge, batch=None,
                                   num_sampled_nodes=n_nodes,
                                   num_sampled_edges={self.to_edge_type[r]: v
                                                      for r, v in n_edges.items()})  # fmt: skip


def _lookup(table: Tensor, values: Tensor) -> Tensor:
    """Positions of ``values`` in the (unsorted, duplicate-free) ``table``."""
    order = torch.argsort(table)
    return order[torch.searchsorted(table[order], values)]
