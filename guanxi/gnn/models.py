"""The link-prediction model: a heterogeneous GraphSAGE encoder and a fused decoder.

Encoder: per-type input projection, then ``layers`` SAGE convolutions made heterogeneous
with ``torch_geometric.nn.to_hetero`` (one weight set per edge type, summed per
destination), ReLU and a residual between layers; output ``out_dim`` (64, the vector
index's width) per node.

Decoder (one small MLP per supervised edge type) reads
``[z_s * z_t, pair features]`` where the pair features are the neighbourhood-overlap
counts of :class:`PairFeatures` (common neighbours, Adamic-Adar, resource allocation on
the undirected projection of all relationship types). Message passing alone cannot count
shared neighbours (two nodes with identical neighbourhoods and features get identical
embeddings whether or not they share neighbours); feeding the counts in lets the learned
part add what they miss: types, features, neighbour attributes. The ablation in
``benchmarks/gnn.py`` (``gnn_dot``: the same encoder with a plain dot-product decoder)
shows what each part contributes.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor, nn
from torch_geometric.nn import SAGEConv, to_hetero

__all__ = ["Encoder", "LinkModel", "PairFeatures", "edge_key"]

log = logging.getLogger(__name__)

PAIR_DIM = 5


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


class Encoder(nn.Module):
    """Heterogeneous GraphSAGE (``to_hetero``) over a graph's metadata."""

    def __init__(self, metadata: tuple, hidden: int = 64, out_dim: int = 64, layers: int = 2):
        super().__init__()
        self.net = to_hetero(_Sage(hidden, out_dim, layers), metadata, aggr="sum")

    def forward(self, x: dict[str, Tensor], edge_index: dict[tuple, Tensor]) -> dict[str, Tensor]:
        return self.net(x, edge_index)


class LinkModel(nn.Module):
    """Encoder plus one decoder per supervised edge type.

    Parameters
    ----------
    metadata : tuple
        ``HeteroData.metadata()`` of the message-passing graph.
    targets : list of edge types
        The edge types the model predicts.
    hidden, out_dim, layers : int
        Encoder widths and depth.
    fused : bool
        Whether decoders read the pair features (``False``: dot product only).
    """

    def __init__(self, metadata: tuple, targets: list[tuple[str, str, str]], hidden: int = 64,
                 out_dim: int = 64, layers: int = 2, fused: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.encoder = Encoder(metadata, hidden, out_dim, layers)
        self.fused = fused
        self.decoders = nn.ModuleDict({
            edge_key(t): nn.Sequential(nn.Linear(out_dim + PAIR_DIM, hidden), nn.ReLU(),
                                       nn.Linear(hidden, 1))
            for t in targets
        })  # fmt: skip

    def decode(self, zs: Tensor, zt: Tensor, pair: Tensor | None, edge_type: tuple) -> Tensor:
        """Logits for pairs of source / target embeddings of ``edge_type``."""
        if not self.fused:
            return (zs * zt).sum(-1)
        if pair is None:
            pair = zs.new_zeros(len(zs), PAIR_DIM)
        return self.decoders[edge_key(edge_type)](torch.cat([zs * zt, pair], -1)).squeeze(-1)


class PairFeatures:
    """Neighbourhood-overlap features of node pairs on the untyped, undirected projection.

    Nodes of all types share one index space (``offsets[t] + i``).

    Notes
    -----
    For a pair (u, v) with common neighbours ``Γ(u) ∩ Γ(v)``:
    ``cn = |Γ(u) ∩ Γ(v)|``, ``aa = Σ 1 / log(deg w)``, ``ra = Σ 1 / deg w``; the features
    are ``[log1p(cn), log1p(aa), log1p(10·ra), log1p(p3), cos_frp]`` where ``p3`` counts
    the paths of length 3 from u to v (hubs of degree > ``hub_degree`` skipped as
    intermediates) and ``cos_frp`` is the cosine of the nodes' FastRP embeddings (multi-hop
    proximity, the signal personalised PageRank uses).
    """

    def __init__(
        self, num_nodes: dict[str, int], edges: dict[tuple, np.ndarray], hub_degree: int = 200
    ) -> None:
        self.offsets: dict[str, int] = {}
        n = 0
        for t in sorted(num_nodes):
            self.offsets[t] = n
            n += num_nodes[t]
        rows, cols = [], []
        for (s, _, d), ei in edges.items():
            if ei.size == 0:
                continue
            rows.append(ei[0] + self.offsets[s])
            cols.append(ei[1] + self.offsets[d])
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        a = sp.coo_matrix((np.ones(len(r) * 2), (np.r_[r, c], np.r_[c, r])), shape=(n, n))
        a = a.tocsr()
        a.data[:] = 1.0  # collapse multi-edges
        a.setdiag(0)
        a.eliminate_zeros()
        self.adj = a
        deg = np.asarray(a.sum(1)).ravel()
        self.degree = deg
        with np.errstate(divide="ignore"):
            self.adj_aa = (a @ sp.diags(np.where(deg > 1, 1 / np.log(np.maximum(deg, 2)), 0))
                           ).tocsr()  # fmt: skip
            self.adj_ra = (a @ sp.diags(np.where(deg > 0, 1 / np.maximum(deg, 1), 0))).tocsr()
        keep = sp.diags((deg <= hub_degree).astype(np.float64))
        self.adj_nohub = (a @ keep).tocsr()
        from guanxi.gnn.evaluate import fastrp

        frp = fastrp(a, dim=64)
        self.frp = frp / np.maximum(np.linalg.norm(frp, axis=1, keepdims=True), 1e-12)

    def scores(self, src_type: str, dst_type: str, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """``(n, 5)`` raw ``[cn, aa, ra, p3, cos_frp]`` for pairs ``(s[i], t[i])``."""
        u = np.asarray(s, dtype=np.int64) + self.offsets[src_type]
        v = np.asarray(t, dtype=np.int64) + self.offsets[dst_type]
        out = np.zeros((len(u), PAIR_DIM))
        step = 4096
        for i in range(0, len(u), step):
            au = self.adj[u[i : i + step]]
            out[i : i + step, 0] = np.asarray(au.multiply(self.adj[v[i : i + step]]).sum(1)).ravel()
            out[i : i + step, 1] = np.asarray(
                au.multiply(self.adj_aa[v[i : i + step]]).sum(1)
            ).ravel()
            out[i : i + step, 2] = np.asarray(
                au.multiply(self.adj_ra[v[i : i + step]]).sum(1)
            ).ravel()
            two = self.adj_nohub[u[i : i + step]] @ self.adj_nohub
            out[i : i + step, 3] = np.asarray(
                two.multiply(self.adj[v[i : i + step]]).sum(1)
            ).ravel()
        out[:, 4] = (self.frp[u] * self.frp[v]).sum(1)
        return out

    def features(self, src_type: str, dst_type: str, s: np.ndarray, t: np.ndarray) -> Tensor:
        """The log-scaled decoder input for pairs (float32 tensor)."""
        raw = self.scores(src_type, dst_type, s, t)
        raw[:, 2] *= 10.0
        raw[:, :4] = np.log1p(raw[:, :4])
        return torch.from_numpy(raw.astype(np.float32))
