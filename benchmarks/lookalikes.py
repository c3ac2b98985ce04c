"""Lookalike benchmark: every peer method side by side on three truths, in one run.

    python benchmarks/lookalikes.py [--companies 3000] [--epochs 5] [--queries 1000]
                                    [--skip-real] [--skip-gds]

Truths
------
* synthetic ``archetype``: same archetype as the query (the generator's old truth);
* synthetic ``structural``: same supply-chain position (``chain_role`` in
  ``ground_truth.json``), which the network reveals (a position buys from the one before
  it and sells to the one after it) and the profile only partly; asked of companies with
  at least one ``SUPPLIES`` relationship (a firm outside every chain has no position to
  find), ranked among all operating companies;
* real ``coholding``: on the A-share top-10 holders announced up to 2020-05, the
  lookalikes of company c should be the companies that c's *new* 2020-Q3 holders also
  newly bought into: T(c) = {c' ≠ c in the 2020-05 graph : some holder h with (h, c) and
  (h, c') in the Q3 list and neither in the 2020-05 graph}, holders keyed by full name.
  Every company with a non-empty T(c) is a query (the data allows no more).

Methods: ``attributes`` (profile only), ``fastrp_knn`` (GDS FastRP + kNN in the database
configured by the environment), ``node2vec`` (random-walk skip-gram), ``gnn`` (guanxi's
GraphSAGE embedding), ``gnn+attributes`` (the index vector before this benchmark),
``network_blocks`` (guanxi's blocks without the GNN) and ``guanxi_default``
(:func:`guanxi.gnn.similarity.lookalike_vectors`, what ``guanxi train`` writes).
Precision@10 and recall@50 with 95 % bootstrap intervals (1 000 resamples of the queries).
Writes benchmarks/results/lookalikes.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).parent))
from _embeddings import fastrp_knn, node2vec  # noqa: E402

from guanxi.gnn.data import build_graph  # noqa: E402
from guanxi.gnn.evaluate import embed  # noqa: E402
from guanxi.gnn.files import graph_from_folder  # noqa: E402
from guanxi.gnn.infer import lookalike_embeddings  # noqa: E402
from guanxi.gnn.similarity import lookalike_vectors, profile_matrix  # noqa: E402
from guanxi.gnn.train import TrainConfig, train  # noqa: E402

log = logging.getLogger("benchmarks.lookalikes")
OUT = Path(__file__).parent / "results" / "lookalikes.json"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "cn_ashare_holders"
K = 50


def bootstrap(values: np.ndarray, reps: int = 1000, seed: int = 7) -> list[float]:
    """[mean, 2.5 %, 97.5 %] of the mean of ``values`` over bootstrap resamples."""
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (reps, len(values)))].mean(1)
    return [round(float(values.mean()), 4), round(float(np.percentile(means, 2.5)), 4),
            round(float(np.percentile(means, 97.5)), 4)]  # fmt: skip


def top_by_vectors(emb: np.ndarray, queries: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """The ``K`` nearest candidates (cosine) of each query, itself excluded, best first."""
    e = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    sims = e[queries] @ e[cand].T
    sims[queries[:, None] == cand[None, :]] = -np.inf
    part = np.argpartition(-sims, K, axis=1)[:, :K]
    order = np.argsort(-np.take_along_axis(sims, part, 1), axis=1, kind="stable")
    return cand[np.take_along_axis(part, order, 1)]


def score(top: np.ndarray, hits: Callable[[np.ndarray], np.ndarray], n_rel: np.ndarray) -> dict:
    """Precision@10 and recall@50 with intervals; ``hits(top)`` marks relevant entries."""
    h = hits(top) & (top >= 0)
    return {"precision@10": bootstrap(h[:, :10].mean(1)),
            "recall@50": bootstrap(h[:, :K].sum(1) / np.maximum(n_rel, 1))}  # fmt: skip


def homogeneous(graph) -> tuple[np.ndarray, int, list[tuple[int, str]]]:
    """All edges on one id space (companies first, persons after), node count, labels."""
    n = graph.data["company"].num_nodes
    off = {"company": 0, "person": n}
    edges = [graph.data[et].edge_index.numpy() + np.array([[off[et[0]]], [off[et[2]]]])
             for et in graph.data.edge_types]  # fmt: skip
    total = n + graph.data["person"].num_nodes
    labels = [(i, "Company" if i < n else "Person") for i in range(total)]
    return np.concatenate(edges, axis=1), total, labels


WALKS = {"walks": 5, "length": 12, "window": 3}  # node2vec settings (--walks, --walk-length)


def run_methods(graph, queries: np.ndarray, cand: np.ndarray, epochs: int, gds: bool) -> dict:
    """Top-``K`` lists of every method for ``queries``, and the seconds each took."""
    t = {}
    tops: dict[str, np.ndarray] = {}
    x = profile_matrix(graph)
    tops["attributes"] = top_by_vectors(x - x.mean(0), queries, cand)
    edges, total, labels = homogeneous(graph)
    if gds:
        from guanxi.graph.client import GraphClient

        t0 = time.perf_counter()
        with GraphClient() as c:
            near = fastrp_knn(c, labels, edges, cand, k=K)
        tops["fastrp_knn"] = np.array([(near.get(int(q), []) + [-1] * K)[:K] for q in queries])
        t["fastrp_knn"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    n2v = node2vec(edges[0], edges[1], total, **WALKS)
    tops["node2vec"] = top_by_vectors(n2v[: len(x)], queries, cand)
    t["node2vec"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    res = train(graph, TrainConfig(epochs=epochs))
    z = embed(res.model, graph.data)["company"].numpy()
    t["gnn_train"] = round(time.perf_counter() - t0, 1)
    tops["gnn"] = top_by_vectors(z - z.mean(0), queries, cand)
    full_x = graph.data["company"].x.numpy()
    tops["gnn+attributes"] = top_by_vectors(lookalike_embeddings(z, full_x), queries, cand)
    t0 = time.perf_counter()
    tops["network_blocks"] = top_by_vectors(lookalike_vectors(graph), queries, cand)
    tops["guanxi_default"] = top_by_vectors(lookalike_vectors(graph, z), queries, cand)
    t["guanxi_vectors"] = round(time.perf_counter() - t0, 1)
    return {"tops": tops, "seconds": t}


def label_truth(labels: np.ndarray, queries: np.ndarray, cand: np.ndarray, tops: dict) -> dict:
    """Scores of every method when relevant = same label as the query."""
    counts = pd.Series(labels[cand]).value_counts()
    n_rel = counts.reindex(labels[queries]).to_numpy() - 1
    hits = lambda top: labels[np.maximum(top, 0)] == labels[queries][:, None]  # noqa: E731
    return {m: score(top, hits, n_rel) for m, top in tops.items()}


def synthetic(companies: int, epochs: int, n_queries: int, gds: bool) -> dict:
    from guanxi.loaders.synthetic.generate import generate
    from guanxi.loaders.synthetic.world import GeneratorConfig

    with tempfile.TemporaryDirectory() as tmp:
        generate(GeneratorConfig(companies=companies, seed=7), tmp)
        truth = json.loads((Path(tmp) / "ground_truth.json").read_text("utf-8"))
        graph = graph_from_folder(tmp, truth["held_out_edges"])
    ids = graph.ids["company"]
    role = np.array([truth["chain_role"].get(i, "none") for i in ids])
    arch = np.array([truth["archetype"].get(i, "?") for i in ids])
    cand = np.flatnonzero(role != "none")
    sup = graph.edge_index("SUPPLIES", "Company", "Company")
    in_chain = np.isin(cand, sup.ravel())
    rng = np.random.default_rng(7)
    qa = np.sort(rng.choice(cand, min(n_queries, len(cand)), False))
    qs = np.sort(rng.choice(cand[in_chain], min(n_queries, int(in_chain.sum())), False))
    queries = np.union1d(qa, qs)
    run = run_methods(graph, queries, cand, epochs, gds)
    sa, ss = np.isin(queries, qa), np.isin(queries, qs)
    tops_a = {m: t[sa] for m, t in run["tops"].items()}
    tops_s = {m: t[ss] for m, t in run["tops"].items()}
    return {"companies": companies, "persons": int(graph.data["person"].num_nodes),
            "candidates": int(len(cand)), "in_supply_chain": int(in_chain.sum()),
            "queries": {"archetype": int(len(qa)), "structural": int(len(qs))},
            "epochs": epochs, "seconds": run["seconds"], "node2vec": dict(WALKS),
            "truths": {"archetype": label_truth(arch, qa, cand, tops_a),
                       "structural": label_truth(role, qs, cand, tops_s)}}  # fmt: skip


def real_graph():
    """The 2020-05 holder graph (companies: listed firms + company-like holders) and the
    holder pairs of 2020-05 and 2020-Q3."""
    from gnn import COMPANY_LIKE  # benchmarks/gnn.py: which holder names are companies

    g5 = pd.read_csv(REAL / "import_2020-05" / "holder_company.csv", dtype=str).rename(
        columns={":END_ID(Company)": "company", "holderFullname:string": "holder",
                 "holdRatio:double": "pct"})  # fmt: skip
    q3 = pd.read_csv(REAL / "relation_tushare_top10_2020Q3.csv", dtype=str)
    q3 = q3.rename(columns={"ts_code": "company", "holder_name": "holder"})
    comp = pd.read_csv(REAL / "import_2020-05" / "company.csv", dtype=str).rename(
        columns={"companyId:ID(Company)": "id", "area:string": "region",
                 "industry:string": "industry"})  # fmt: skip
    concepts = pd.read_csv(REAL / "import_2020-05" / "company_concept.csv", dtype=str)
    comp["tags"] = comp["id"].map(concepts.groupby(":START_ID(Company)")[":END_ID(Concept)"]
                                  .agg(list))  # fmt: skip
    comp["listed"] = "true"
    holders = pd.DataFrame({"holder": g5["holder"].unique()})
    holders["label"] = np.where(holders["holder"].str.contains(COMPANY_LIKE), "Company", "Person")
    holders["id"] = "H:" + holders["holder"]
    hid = dict(zip(holders["holder"], holders["id"], strict=True))
    hlabel = dict(zip(holders["holder"], holders["label"], strict=True))
    edges = pd.DataFrame({"source_id": g5["holder"].map(hid),
                          "source_label": g5["holder"].map(hlabel),
                          "target_id": g5["company"], "target_label": "Company",
                          "rel_type": "HOLDS_SHARES", "pct": g5["pct"]})  # fmt: skip
    companies = pd.concat([comp[["id", "industry", "region", "tags", "listed"]],
                           holders[holders["label"] == "Company"][["id"]]])  # fmt: skip
    graph = build_graph(companies, holders[holders["label"] == "Person"][["id"]], edges)
    return graph, comp["id"], g5, q3


def coholding_truth(g5: pd.DataFrame, q3: pd.DataFrame, listed: set[str]) -> dict[str, set]:
    """T(c) of the module doc for every company with a non-empty one."""
    seen = set(zip(g5["holder"], g5["company"], strict=True))
    q3 = q3.drop_duplicates(["holder", "company"])
    new = q3[[(h, c) not in seen and c in listed
              for h, c in zip(q3["holder"], q3["company"], strict=True)]]  # fmt: skip
    m = new[["holder", "company"]].merge(new[["holder", "company"]], on="holder")
    m = m[m["company_x"] != m["company_y"]]
    return {c: set(g["company_y"]) for c, g in m.groupby("company_x")}


def real(epochs: int, gds: bool) -> dict:
    graph, listed_ids, g5, q3 = real_graph()
    truth = coholding_truth(g5, q3, set(listed_ids))
    cand = graph.index("company", listed_ids)
    queries = np.sort(graph.index("company", list(truth)))
    run = run_methods(graph, queries, cand, epochs, gds)
    ids = graph.ids["company"]
    rel = [truth[ids[q]] for q in queries]
    n_rel = np.array([len(r) for r in rel])

    def hits(top: np.ndarray) -> np.ndarray:
        return np.array(
            [[t >= 0 and ids[t] in r for t in row] for row, r in zip(top, rel, strict=True)]
        )

    return {"companies": int(len(cand)), "holders": int(g5["holder"].nunique()),
            "queries": int(len(queries)), "epochs": epochs, "seconds": run["seconds"],
            "node2vec": dict(WALKS),
            "q3_companies": int(q3["company"].nunique()),
            "q3_companies_in_graph": int(q3["company"].isin(set(listed_ids)).sum() and
                                         len(set(q3["company"]) & set(listed_ids))),
            "median_truth_size": float(np.median(n_rel)),
            "truths": {"coholding": {m: score(t, hits, n_rel)
                                     for m, t in run["tops"].items()}}}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--companies", type=int, default=3000)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--skip-real", action="store_true")
    p.add_argument("--skip-synthetic", action="store_true")
    p.add_argument("--skip-gds", action="store_true")
    p.add_argument("--walks", type=int, default=5, help="node2vec walks per node")
    p.add_argument("--walk-length", type=int, default=12)
    p.add_argument("--window", type=int, default=3)
    a = p.parse_args()
    WALKS.update(walks=a.walks, length=a.walk_length, window=a.window)
    logging.basicConfig(level=logging.INFO)
    torch.set_num_threads(2)
    out = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not a.skip_synthetic:
        out["synthetic"] = synthetic(a.companies, a.epochs, a.queries, not a.skip_gds)
        OUT.write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")
    if not a.skip_real:
        out["real_ashare"] = real(a.epochs, not a.skip_gds)
        OUT.write_text(json.dumps(out, indent=2, ensure_ascii=False), "utf-8")
    log.info("wrote %s", OUT)


if __name__ == "__main__":
    main()
