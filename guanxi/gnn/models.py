"""The link-prediction model: a heterogeneous GraphSAGE encoder and a fused decoder.

Encoder: per-type input projection, then ``layers`` SAGE convolutions made heterogeneous
with ``torch_geometric.nn.to_hetero`` (one weight set per edge type, summed per
destination), ReLU and a residual between layers; output ``out_dim`` (64, the vector
index's width) per node.

Decoder: one MLP shared by the supervised edge types reads
``[z_s * z_t, pair features, one-hot edge type]`` where the pair features are those of
:class:`~guanxi.gnn.pairs.PairFeatures` (common neighbours, Adamic-Adar, resource
allocation, 3-paths and their random-walk weight on the undirected projection of all
relationship types, and a direct-link flag per other relationship type). Message passing
alone cannot count shared neighbours (two nodes with identical neighbourhoods and features
get identical embeddings whether or not they share neighbours); feeding the counts in lets
the learned part add what they miss: types, features, neighbour attributes. The decoder
is shared because the pair features mean the same for every type and the small types get
few batches (KNOWS: 4 of 61 per epoch at 10k companies); with one MLP per type the KNOWS
decoder trailed its own 3-path count (Hits@50 0.25 against 0.91).
"""

from __future__ import annotations

import logging

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn import SAGEConv, to_hetero

__all__ = ["Encoder", "LinkModel", "edge_key"]

log = logging.getLogger(__name__)


def edge_key(edge_type: tuple[str, str, str]) -> str:
    """``"src__rel__dst"``: a module-dict key for an edge type."""
    return "__".join(edge_type)


class _Sage(nn.Module):
    def __init__(self, hidden: int, out_dim: int, layers: int) -> None:
        super().__init__()
        self.inp = nn.LazyLinear(hidden)
        self.convs = nn.ModuleList(
            SAGEConv((-1, -1), hidden if i < layers - 1 else out_dim) for i in range(layers)
        )
        self.skip = nn.LazyLinear(out_dim)

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        h0 = torch.relu(self.inp(x))
        h = h0
        for i, conv in enumerate(self.convs):
            h = conv(h, edge_index)
            if i < len(self.convs) - 1:
                h = torch.relu(h) + h
        return h + self.skip(h0)


def _by_destination(
    conv: nn.Module, h_src: Tensor, h_dst: Tensor, ei: Tensor, chunk: int,
    into: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """``conv((h_src, h_dst), ei)`` computed for ``chunk`` destination nodes at a time (the
    edges sorted by destination, stably, so each node sums its messages in the same order),
    added in place to ``into`` when given (the sum over edge types, without a whole-graph
    temporary per type)."""
    order = torch.argsort(ei[1], stable=True)
    ei = ei[:, order]
    n = h_dst.shape[0]
    out = into if into is not None else h_dst.new_empty((n, conv.out_channels))
    cuts = torch.searchsorted(ei[1], torch.arange(0, n + chunk, chunk)).tolist()
    for k, lo in enumerate(range(0, n, chunk)):
        e = ei[:, cuts[k] : cuts[k + 1]].clone()
        e[1] -= lo
        part = conv((h_src, h_dst[lo : lo + chunk]), e)
        if into is None:
            out[lo : lo + chunk] = part
        else:
            out[lo : lo + chunk] += part
    return out


class Encoder(nn.Module):
    """Heterogeneous GraphSAGE (``to_hetero``) over a graph's metadata."""

    def __init__(self, metadata: tuple, hidden: int = 64, out_dim: int = 64, layers: int = 2):
        super().__init__()
        self.net = to_hetero(_Sage(hidden, out_dim, layers), metadata, aggr="sum")

    def forward(self, x: dict[str, Tensor], edge_index: dict[tuple, Tensor]) -> dict[str, Tensor]:
        return self.net(x, edge_index)

    def trimmed(self, x: dict[str, Tensor], edge_index: dict[tuple, Tensor],
                nodes_per_hop: dict[str, list[int]], edges_per_hop: dict[tuple, list[int]]
                ) -> dict[str, Tensor]:  # fmt: skip
        """:meth:`forward` on a sampled batch, for its seed nodes only (PyG's hierarchical
        sampling idea, ``trim_to_layer``, carried one step further): the batch holds its
        nodes per type in hop order (the seeds first) and its edges per type in the order
        of the hop that drew them (``num_sampled_nodes`` / ``num_sampled_edges``). Layer
        ``i`` of ``L`` only needs outputs for the nodes within ``L - 1 - i`` hops of a seed,
        and only the edges drawn by those hops; the rest cannot reach a seed any more. With
        fanout (10, 5) the last hop holds most of a batch's nodes, so the first layer
        transforms ~1/5 of them and the last layer only the seeds. Returns, per node type,
        the seeds' rows (the first ``nodes_per_hop[t][0]``), equal to ``forward``'s."""
        net = self.net
        depth = len(net.convs)
        h0 = {t: torch.relu(net.inp[t](v)) for t, v in x.items()}
        h = h0
        for i, convs in enumerate(net.convs):
            reach = depth - i  # hops 0 .. reach-1 of destinations stay
            out: dict[str, Tensor] = {}
            for et, ei in edge_index.items():  # summed in to_hetero's order of edge types
                src, _, dst = et
                n_dst = sum(nodes_per_hop[dst][:reach])
                m = sum(edges_per_hop[et][:reach])
                part = convs[edge_key(et)]((h[src], h[dst][:n_dst]), ei[:, :m])
                out[dst] = part if dst not in out else out[dst] + part
            if i < depth - 1:
                out = {t: torch.relu(v) + v for t, v in out.items()}
            h = out
        return {t: v + net.skip[t](h0[t][: len(v)]) for t, v in h.items()}

    @torch.no_grad()
    def layerwise(
        self, x: dict[str, Tensor], edge_index: dict[tuple, Tensor], chunk: int = 262_144
    ) -> dict[str, Tensor]:
        """What :meth:`forward` returns, one layer at a time over all nodes and each edge
        type's convolution over ``chunk`` destination nodes at a time: the messages of a
        whole-graph forward (one hidden vector per edge) took ~12 GB at 1M companies; this
        holds the input states, one layer's and the next's, and one chunk's messages (the
        sums over edge types, the activation and the skip are made in place)."""
        net = self.net
        h0 = {t: torch.relu(net.inp[t](v)) for t, v in x.items()}
        h = h0
        for i, convs in enumerate(net.convs):
            out: dict[str, Tensor] = {}
            for et, ei in edge_index.items():  # summed in to_hetero's order of edge types
                src, _, dst = et
                out[dst] = _by_destination(convs[edge_key(et)], h[src], h[dst], ei, chunk,
                                           out.get(dst))  # fmt: skip
            if i < len(net.convs) - 1:
                for v in out.values():
                    v.add_(torch.relu(v))
            h = out
        for t, v in h.items():
            v.add_(net.skip[t](h0[t]))
        return h


class LinkModel(nn.Module):
    """Encoder plus a decoder shared by the supervised edge types.

    Parameters
    ----------
    metadata : tuple
        ``HeteroData.metadata()`` of the message-passing graph.
    targets : list of edge types
        The edge types the model predicts.
    hidden, out_dim, layers : int
        Encoder widths and depth.
    fused : bool
        Whether the decoder reads the pair features (``False``: dot product only).
    pair_dim : int
        Width of the pair features (:attr:`~guanxi.gnn.pairs.PairFeatures.dim`).
    """

    def __init__(self, metadata: tuple, targets: list[tuple[str, str, str]], hidden: int = 64,
                 out_dim: int = 64, layers: int = 2, fused: bool = True,
                 pair_dim: int = 5) -> None:  # fmt: skip
        super().__init__()
        self.pair_dim = pair_dim
        self.encoder = Encoder(metadata, hidden, out_dim, layers)
        self.fused = fused
        self.targets = [edge_key(t) for t in targets]
        self.decoder = nn.Sequential(nn.Linear(out_dim + pair_dim + len(targets), hidden),
                                     nn.ReLU(), nn.Linear(hidden, 1))  # fmt: skip

    def decode(self, zs: Tensor, zt: Tensor, pair: Tensor | None, edge_type: tuple) -> Tensor:
        """Logits for pairs of source / target embeddings of ``edge_type``."""
        if not self.fused:
            return (zs * zt).sum(-1)
        if pair is None:
            pair = zs.new_zeros(len(zs), self.pair_dim)
        # unit vectors: the product is bounded, so no pair of unusual nodes (far from the
        # sampled training neighbourhoods) can outvote the pair features
        zs, zt = F.normalize(zs, dim=-1), F.normalize(zt, dim=-1)
        kind = zs.new_zeros(len(zs), len(self.targets))
        kind[:, self.targets.index(edge_key(edge_type))] = 1.0
        return self.decoder(torch.cat([zs * zt, pair, kind], -1)).squeeze(-1)
