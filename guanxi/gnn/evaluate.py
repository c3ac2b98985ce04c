"""Link-prediction evaluation: the GNN and the baselines side by side.

Every scorer sees the same positives (held-out edges, absent from the graph) and the same
negatives. Per edge type:

* **AUC**: positives against ``n_neg`` random pairs of the right node types (ties count
  one half).
* **Hits@50** (OGB ``collab`` definition): the share of positives scored strictly above
  the 50th-highest of those random negatives.
* **MRR**: each positive against ``mrr_negatives`` corrupted targets of the same source;
  rank = 1 + #higher + #tied / 2.

Baselines: common neighbours, Adamic-Adar, resource allocation (all on the untyped
projection, :class:`~guanxi.gnn.pairs.PairFeatures`), personalised PageRank from the
source (power iteration, restart 0.15), and FastRP embeddings (cosine), computed here in
numpy with GDS's algorithm so that graphs not held in Neo4j get it too.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
import torch
from torch_geometric.data import HeteroData

from guanxi.gnn.data import message_graph
from guanxi.gnn.models import LinkModel
from guanxi.gnn.pairs import PairFeatures, fastrp

__all__ = ["auc", "hits_at_k", "mrr", "Scorer", "heuristic_scorers", "gnn_scorer",
           "fastrp", "evaluate_links", "embed"]  # fmt: skip

log = logging.getLogger(__name__)

#: scorer(src_type, dst_type, rel, s, t) -> scores
Scorer = Callable[[str, str, str, np.ndarray, np.ndarray], np.ndarray]


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties one half)."""
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    sorted_v = allv[order]
    # average ranks of ties
    _, start, counts = np.unique(sorted_v, return_index=True, return_counts=True)
    avg = start + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    r = ranks[: len(pos)].sum()
    return float((r - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def hits_at_k(pos: np.ndarray, neg: np.ndarray, k: int = 50) -> float:
    """Share of positives above the k-th highest negative (OGB)."""
    if len(pos) == 0:
        return float("nan")
    if len(neg) < k:
        return 1.0
    threshold = np.partition(neg, -k)[-k]
    return float((pos > threshold).mean())


def mrr(pos: np.ndarray, neg: np.ndarray) -> float:
    """Mean reciprocal rank of ``pos[i]`` among ``neg[i, :]``."""
    if len(pos) == 0:
        return float("nan")
    higher = (neg > pos[:, None]).sum(1)
    tied = (neg == pos[:, None]).sum(1)
    return float((1.0 / (1.0 + higher + tied / 2.0)).mean())


def _ppr_scorer(pairs: PairFeatures, alpha: float = 0.15, iters: int = 20) -> Scorer:
    a = pairs.adj

    @functools.cache
    def walk() -> sp.csr_matrix:  # column-stochastic; made at the first call: most callers
        return (sp.diags(1 / np.maximum(pairs.degree, 1)) @ a).T.tocsr()  # never ask

    def score(st: str, dt: str, rel: str, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        u = np.asarray(s) + pairs.offsets[st]
        v = np.asarray(t) + pairs.offsets[dt]
        out = np.zeros(len(u))
        sources, inv = np.unique(u, return_inverse=True)
        for i in range(0, len(sources), 256):
            chunk = sources[i : i + 256]
            e = np.zeros((a.shape[0], len(chunk)), dtype=np.float32)
            e[chunk, np.arange(len(chunk))] = 1.0
            x = e.copy()
            for _ in range(iters):
                x = (1 - alpha) * (walk() @ x) + alpha * e
            sel = (inv >= i) & (inv < i + len(chunk))
            out[sel] = x[v[sel], inv[sel] - i]
        return out

    return score


def _embedding_scorer(emb: Callable[[], np.ndarray], offsets: dict[str, int]) -> Scorer:
    @functools.cache
    def unit() -> np.ndarray:  # made at the first call, as the walk of the PPR scorer
        e = emb()
        return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)

    def score(st: str, dt: str, rel: str, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        e = unit()
        return (e[np.asarray(s) + offsets[st]] * e[np.asarray(t) + offsets[dt]]).sum(1)

    return score


def heuristic_scorers(pairs: PairFeatures, fastrp_emb: np.ndarray | None = None
                      ) -> dict[str, Scorer]:  # fmt: skip
    """The baselines: ``common_neighbours``, ``adamic_adar``, ``resource_allocation``,
    ``personalised_pagerank`` and ``fastrp`` (numpy FastRP unless ``fastrp_emb`` given)."""

    def col(i: int) -> Scorer:  # the neighbour counts only: not the three-path columns
        return lambda st, dt, rel, s, t: pairs.scores(st, dt, s, t, three=False)[:, i]

    def emb() -> np.ndarray:  # FastRP of a 1M-company graph: ~40 s and ~3 GB while made
        return fastrp_emb if fastrp_emb is not None else pairs.frp

    return {
        "common_neighbours": col(0),
        "adamic_adar": col(1),
        "resource_allocation": col(2),
        "personalised_pagerank": _ppr_scorer(pairs),
        "fastrp": _embedding_scorer(emb, pairs.offsets),
    }


@torch.no_grad()
def embed(model: LinkModel, data: HeteroData) -> dict[str, torch.Tensor]:
    """Full-graph node embeddings (message passing over all observed edges), computed
    layer by layer in chunks of destination nodes (``Encoder.layerwise``)."""
    model.eval()
    mp = message_graph(data)
    return model.encoder.layerwise(mp.x_dict, mp.edge_index_dict)


def gnn_scorer(model: LinkModel, z: dict[str, torch.Tensor], pairs: PairFeatures,
               edge_types: dict[str, tuple[str, str, str]]) -> Scorer:  # fmt: skip
    """Score pairs with the trained decoder of the matching edge type."""

    @torch.no_grad()
    def score(st: str, dt: str, rel: str, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        et = edge_types[rel]
        pf = pairs.features(st, dt, s, t, et) if model.fused else None
        zs, zt = z[st][torch.as_tensor(s)], z[dt][torch.as_tensor(t)]
        return model.decode(zs, zt, pf, et).numpy()

    return score


def evaluate_links(
    positives: dict[str, tuple[str, str, np.ndarray, np.ndarray]],
    num_nodes: dict[str, int],
    scorers: dict[str, Scorer],
    n_neg: int = 10000,
    mrr_negatives: int = 100,
    seed: int = 7,
) -> dict[str, dict[str, dict[str, float]]]:
    """Evaluate every scorer on every edge type.

    Parameters
    ----------
    positives : dict
        ``rel -> (src_type, dst_type, s, t)`` held-out pairs (type-local indices).
    num_nodes : dict
        Node count per type, to draw negatives.

    Returns
    -------
    dict
        ``scorer -> rel -> {"auc", "hits@50", "mrr", "positives"}`` plus ``"mean"``
        (macro average over edge types) per scorer.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, dict[str, dict[str, float]]] = {name: {} for name in scorers}
    for rel, (st, dt, s, t) in sorted(positives.items()):
        if len(s) == 0:
            continue
        ns = rng.integers(0, num_nodes[st], n_neg)
        nt = rng.integers(0, num_nodes[dt], n_neg)
        ms = np.repeat(s, mrr_negatives)
        mt = rng.integers(0, num_nodes[dt], len(ms))
        for name, fn in scorers.items():
            pos = fn(st, dt, rel, s, t)
            neg = fn(st, dt, rel, ns, nt)
            per = fn(st, dt, rel, ms, mt).reshape(len(s), mrr_negatives)
            out[name][rel] = {"auc": auc(pos, neg), "hits@50": hits_at_k(pos, neg, 50),
                              "mrr": mrr(pos, per), "positives": int(len(s))}  # fmt: skip
    for name, rels in out.items():
        if rels:
            out[name]["mean"] = {m: float(np.mean([r[m] for r in rels.values()]))
                                 for m in ("auc", "hits@50", "mrr")}  # fmt: skip
    return out
