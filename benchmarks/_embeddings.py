"""Peer methods of the lookalike benchmark that are not guanxi's own: node2vec-style random
walk embeddings (skip-gram with negative sampling) and GDS FastRP + kNN in the database.

PyG's ``Node2Vec`` needs ``torch-cluster`` or ``pyg-lib`` for its walks, and neither has a
PyPI wheel for this torch, so the walks are drawn here (uniform, p = q = 1: DeepWalk, the
node2vec setting PyG uses by default) and the skip-gram is the same objective.
"""

from __future__ import annotations

import logging

import numpy as np
import torch

log = logging.getLogger("benchmarks.embeddings")


def random_walks(src: np.ndarray, dst: np.ndarray, n: int, walks: int, length: int,
                 seed: int = 7) -> np.ndarray:  # fmt: skip
    """Uniform walks on the undirected graph: ``(n · walks, length)`` node ids; a node
    without neighbours stays where it is."""
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    start = np.searchsorted(a, np.arange(n))
    deg = np.bincount(a, minlength=n)
    rng = np.random.default_rng(seed)
    cur = np.tile(np.arange(n), walks)
    out = [cur]
    for _ in range(length - 1):
        d = deg[cur]
        pick = start[cur] + (rng.random(len(cur)) * np.maximum(d, 1)).astype(np.int64)
        cur = np.where(d > 0, b[np.minimum(pick, len(b) - 1)], cur)
        out.append(cur)
    return np.stack(out, axis=1)


def node2vec(src: np.ndarray, dst: np.ndarray, n: int, dim: int = 64, walks: int = 5,
             length: int = 12, window: int = 3, epochs: int = 1, neg: int = 5,
             seed: int = 7) -> np.ndarray:  # fmt: skip
    """Skip-gram with negative sampling over :func:`random_walks`; ``(n, dim)``."""
    torch.manual_seed(seed)
    w = random_walks(src, dst, n, walks, length, seed)
    pairs = [np.stack([w[:, :-o].ravel(), w[:, o:].ravel()], 1) for o in range(1, window + 1)]
    pairs = np.concatenate(pairs)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    emb = torch.nn.Embedding(n, dim)
    ctx = torch.nn.Embedding(n, dim)
    torch.nn.init.normal_(emb.weight, std=0.1)
    torch.nn.init.zeros_(ctx.weight)
    opt = torch.optim.SparseAdam(list(emb.parameters()) + list(ctx.parameters()), lr=0.01)
    emb.sparse = ctx.sparse = True
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for chunk in np.array_split(rng.permutation(len(pairs)), max(1, len(pairs) // 4096)):
            p = torch.as_tensor(pairs[chunk])
            u, v = emb(p[:, 0]), ctx(p[:, 1])
            nv = ctx(torch.randint(0, n, (len(p), neg)))
            pos = torch.nn.functional.logsigmoid((u * v).sum(-1))
            negs = torch.nn.functional.logsigmoid(-(nv @ u.unsqueeze(-1)).squeeze(-1)).sum(-1)
            loss = -(pos + negs).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return emb.weight.detach().numpy().astype(np.float64)


def fastrp_knn(client, nodes: list[tuple[int, str]], edges: np.ndarray, candidates: np.ndarray,
               k: int = 50, dim: int = 128, seed: int = 7) -> dict[int, list[int]]:  # fmt: skip
    """GDS FastRP + kNN in the database on a projection built from rows alone.

    ``nodes``: (integer id, label) of every node; ``edges``: ``(2, E)`` integer ids;
    ``candidates``: the ids kNN ranks (labelled ``Candidate`` in the projection). Returns
    each candidate's ``k`` nearest candidates, best first.
    """
    cand = set(int(c) for c in candidates)
    label = {i: ("Candidate" if i in cand else lab) for i, lab in nodes}
    rows = [{"s": int(s), "t": int(t), "sl": label[int(s)], "tl": label[int(t)]}
            for s, t in edges.T]  # fmt: skip
    touched = set(edges.ravel().tolist())
    rows += [{"s": i, "t": None, "sl": lab, "tl": None}
             for i, lab in label.items() if i not in touched]  # fmt: skip
    graph = f"lookalikes-{seed}"
    client.read("gnn.fastrp_drop", graph=graph)
    try:
        client.read("gnn.fastrp_project", graph=graph, rows=rows, timeout=600)
        client.read("gnn.fastrp_embed", graph=graph, dim=dim, seed=seed, timeout=600)
        df = client.read_df("gnn.fastrp_knn", graph=graph, label="Candidate", k=k, seed=seed,
                            timeout=600)  # fmt: skip
    finally:
        client.read("gnn.fastrp_drop", graph=graph)
    df = df.sort_values(["node", "similarity", "other"], ascending=[True, False, True])
    return {int(a): g["other"].astype(int).tolist() for a, g in df.groupby("node")}
