"""One training run end to end: export, validate, train, save, write back.

:func:`train_and_publish` is what ``guanxi train`` runs: it streams the graph out of
Neo4j, keeps ``val_share`` of each target edge type aside as a validation set (removed from
the graph the model trains on), trains, measures AUC / Hits@50 / MRR on that set beside
the Adamic-Adar baseline, saves the model and its card, then writes the embeddings, the
customer similarity, the prospect propensity (:mod:`guanxi.gnn.propensity`) and the learned
intimacy back (embeddings from the full graph).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from guanxi.errors import NotFound
from guanxi.gnn.data import GraphData, export_graph, recount_degrees
from guanxi.gnn.evaluate import embed, evaluate_links, gnn_scorer, heuristic_scorers
from guanxi.gnn.infer import normalised_embeddings, write_embeddings, write_intimacy
from guanxi.gnn.pairs import PairFeatures
from guanxi.gnn.propensity import closeness_features, fit_propensity
from guanxi.gnn.train import Progress, TrainConfig, TrainResult, save, train
from guanxi.graph.gateway import Gateway

__all__ = ["train_and_publish", "split_validation"]

log = logging.getLogger(__name__)


Positives = dict[str, tuple[str, str, np.ndarray, np.ndarray]]


def split_validation(
    graph: GraphData, share: float, seed: int, min_edges: int = 20
) -> tuple[GraphData, Positives]:
    """A copy of ``graph`` without ``share`` of each edge type, and those edges."""
    gen = torch.Generator().manual_seed(seed)
    data = graph.data.clone()
    val: Positives = {}
    for et in data.edge_types:
        ei = data[et].edge_index
        if ei.shape[1] < min_edges:
            continue
        mask = torch.rand(ei.shape[1], generator=gen) < share
        val["__".join(et)] = (et[0], et[2], ei[0, mask].numpy(), ei[1, mask].numpy())
        data[et].edge_index = ei[:, ~mask]
        data[et].edge_attr = data[et].edge_attr[~mask]
    return replace(graph, data=recount_degrees(data), _lookup={}), val


def _sample(val: Positives, cap: int, seed: int) -> Positives:
    """At most ``cap`` pairs of each type (a seeded sample): the metrics need a few thousand,
    and scoring every validation pair of a 100k-company network took minutes."""
    rng = np.random.default_rng(seed)
    out: Positives = {}
    for key, (st, dt, s, t) in val.items():
        keep = np.sort(rng.choice(len(s), cap, replace=False)) if len(s) > cap else slice(None)
        out[key] = (st, dt, s[keep], t[keep])
    return out


@dataclass(frozen=True)
class WriteBack:
    """What :func:`_write_back` wrote (``written``: embeddings, intimacy) and when each
    write was done, in seconds from the write-back's start (``seconds``: embeddings,
    intimacy, and write_back, the whole)."""

    written: dict[str, int]
    seconds: dict[str, float]


def _write_back(client: Gateway, result: TrainResult, graph: GraphData,
                num: dict[str, int], say: Progress) -> WriteBack:  # fmt: skip
    """Embeddings, customer similarity and propensity, then the learned intimacy: the two
    writes overlap. A company's write waits on the vector index inside Neo4j (one core)
    while the blend is mostly Python scoring pairs (the other), so the embeddings go from a
    thread while the blend runs; one after the other they took 9.9 and 10.6 min at 1M
    companies. They never touch the same entity (node properties, relationship
    properties)."""
    t0 = time.perf_counter()
    z_full = embed(result.model, graph.data)
    emb = normalised_embeddings(result.model, graph, z_full)
    customers = graph.customer if graph.customer is not None else \
        np.zeros(len(graph.ids["company"]), dtype=bool)  # fmt: skip
    full_pairs = PairFeatures(num, {et: graph.data[et].edge_index.numpy()
                                    for et in graph.data.edge_types})  # fmt: skip
    close = closeness_features(full_pairs.adj, full_pairs.offsets["company"], customers)
    propensity = fit_propensity(np.hstack([graph.data["company"].x.numpy(), close]), customers)
    del close

    def embeddings() -> tuple[int, float]:
        n = write_embeddings(client, graph, emb, customers, result.run_id, propensity=propensity)
        return n, time.perf_counter() - t0

    # on an error in the blend, leaving the block still waits for the embeddings' thread
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embeddings") as pool:
        job = pool.submit(embeddings)
        blended = write_intimacy(client, result.model, graph, full_pairs, result.run_id,
                                 z=z_full)  # fmt: skip
        blend_done = time.perf_counter() - t0
        embedded, embed_done = job.result()
    say("embeddings", 1, 1)
    say("intimacy", 1, 1)
    return WriteBack(
        written={"embeddings": embedded, "intimacy": blended},
        seconds={
            "embeddings": embed_done,
            "intimacy": blend_done,
            "write_back": time.perf_counter() - t0,
        },
    )


def train_and_publish(client: Gateway, home: Path, config: TrainConfig | None = None,
                      val_share: float = 0.05, write: bool = True, val_cap: int = 2000,
                      progress: Progress | None = None) -> dict[str, Any]:  # fmt: skip
    """Run the whole pipeline; returns the summary that ``guanxi train --json`` prints.

    ``progress(stage, advance, total)`` reports the stages (export, train steps, validate,
    embeddings, intimacy); the summary's ``seconds`` times each.
    """
    cfg = config or TrainConfig()
    say = progress or (lambda _s, _n, _t: None)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    graph = export_graph(client)
    if graph.data["company"].num_nodes == 0:
        raise NotFound("No Company nodes to train on: load data first (`guanxi load`)")
    seconds["export"] = time.perf_counter() - t0
    say("export", 1, 1)
    train_graph, val = split_validation(graph, val_share, cfg.seed)
    result = train(train_graph, cfg, progress)
    seconds["train"] = result.seconds
    t0 = time.perf_counter()
    z = embed(result.model, train_graph.data)
    edge_types = {"__".join(e): e for e in graph.data.edge_types}
    base = heuristic_scorers(result.pairs)
    scorers = {"gnn": gnn_scorer(result.model, z, result.pairs, edge_types),
               "adamic_adar": base["adamic_adar"]}  # fmt: skip
    num = {t: graph.data[t].num_nodes for t in graph.data.node_types}
    val = {k: v for k, v in val.items() if k in {"__".join(t) for t in cfg.targets}}
    metrics = evaluate_links(_sample(val, val_cap, cfg.seed), num, scorers,
                             n_neg=min(10000, 20 * max(num.values())))  # fmt: skip
    folder = save(result, graph, home, metrics)
    # the training projection, its embeddings and pair features are done with: the
    # write-back builds those of the whole graph, and both at once did not fit at 1M companies
    del scorers, base, z, train_graph
    result.pairs = None  # type: ignore[assignment]
    seconds["validate"] = time.perf_counter() - t0
    say("validate", 1, 1)
    written = {"embeddings": 0, "intimacy": 0}
    if write:
        done = _write_back(client, result, graph, num, say)
        written, seconds = done.written, {**seconds, **done.seconds}
    return {
        "run_id": result.run_id,
        "model_dir": str(folder),
        "nodes": num,
        "losses": [round(x, 4) for x in result.losses],
        "metrics": {k: v.get("mean", {}) for k, v in metrics.items()},
        "export_seconds": round(seconds["export"], 2),
        "train_seconds": round(result.seconds, 2),
        "steps": result.steps,
        "stopped": result.stopped,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "device": result.device,
        "written": written,
    }
