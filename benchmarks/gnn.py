"""GNN benchmark: link prediction against baselines, lookalikes, latency, training time.

    python benchmarks/gnn.py [--companies 10000] [--epochs 10] [--real] [--latency]

(a) synthetic: ``guanxi generate`` network, the generator's ``held_out_edges``;
(b) real (``--real``): A-share top-10 holders announced up to 2020-05 as the graph, the new
    holder-company pairs of the 2020-Q3 snapshot as positives (both ends seen before);
(c) lookalike precision@10 (same archetype) on the synthetic companies;
(d) ``--train-db``: ``guanxi train`` (default configuration) on the database configured by
    the environment, timed per stage (export, train, validate, write-back);
(e) ``--latency``: p95 of ``gnn.lookalikes`` through Cypher on that database (whatever is
    loaded there; its size is recorded);
(f) ``--prospects FOLDER``: precision@k of ``guanxi prospects`` against the generator's
    ``converters`` (``FOLDER/ground_truth.json``; FOLDER is what the database was loaded
    from, scored and trained on), beside the base rate of a random pick.
Writes benchmarks/results/gnn.json (merging with what is there).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from guanxi.gnn.data import build_graph
from guanxi.gnn.evaluate import embed, evaluate_links, gnn_scorer, heuristic_scorers
from guanxi.gnn.files import graph_from_folder, held_out_positives
from guanxi.gnn.infer import lookalike_embeddings
from guanxi.gnn.train import TrainConfig, train

log = logging.getLogger("benchmarks.gnn")
OUT = Path(__file__).parent / "results" / "gnn.json"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "cn_ashare_holders"
COMPANY_LIKE = re.compile(
    r"公司|基金|计划|银行|企业|合伙|信托|集团|账户|资产管理|证券|保险|中心|[A-Za-z]{2,}"
)


def link_benchmark(graph, positives, epochs: int) -> dict:
    """Train on ``graph``, score ``positives`` with the GNN and every baseline."""
    t0 = time.perf_counter()
    result = train(graph, TrainConfig(epochs=epochs))
    train_s = time.perf_counter() - t0
    z = embed(result.model, graph.data)
    edge_types = {"__".join(e): e for e in graph.data.edge_types}
    scorers = heuristic_scorers(result.pairs)
    scorers["gnn"] = gnn_scorer(result.model, z, result.pairs, edge_types)
    num = {t: graph.data[t].num_nodes for t in graph.data.node_types}
    t1 = time.perf_counter()
    metrics = evaluate_links(positives, num, scorers)
    return {"metrics": metrics, "train_seconds": round(train_s, 1),
            "eval_seconds": round(time.perf_counter() - t1, 1), "losses": result.losses,
            "nodes": num, "_z": z, "_model": result}  # fmt: skip


def precision_at_10(emb: np.ndarray, labels: np.ndarray, queries: int = 2000) -> float:
    """Share of the 10 nearest companies (cosine) with the query's archetype."""
    e = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(7)
    q = rng.choice(len(e), min(queries, len(e)), replace=False)
    sims = e[q] @ e.T
    sims[np.arange(len(q)), q] = -np.inf
    top = np.argpartition(-sims, 10, axis=1)[:, :10]
    return float((labels[top] == labels[q][:, None]).mean())


def synthetic(companies: int, epochs: int) -> dict:
    from guanxi.loaders.synthetic.generate import generate
    from guanxi.loaders.synthetic.world import GeneratorConfig

    with tempfile.TemporaryDirectory() as tmp:
        generate(GeneratorConfig(companies=companies, seed=7), tmp)
        truth = json.loads((Path(tmp) / "ground_truth.json").read_text("utf-8"))
        graph = graph_from_folder(tmp, truth["held_out_edges"])
    positives = held_out_positives(graph, truth["held_out_edges"])
    res = link_benchmark(graph, positives, epochs)
    arch = truth["archetype"]
    labels = np.array([arch.get(i, "?") for i in graph.ids["company"]])
    z = res.pop("_z")["company"].numpy()
    x = graph.data["company"].x.numpy()
    res.pop("_model")
    res["lookalike_precision@10"] = {
        "index_vector": precision_at_10(lookalike_embeddings(z, x), labels),
        "gnn_embedding_only": precision_at_10(z - z.mean(0), labels),
        "attributes_only": precision_at_10(x - x.mean(0), labels),
    }
    res["companies"] = companies
    return res


def _holder_frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    hc = pd.read_csv(folder / "holder_company.csv", dtype=str)
    hc = hc.rename(columns={":END_ID(Company)": "company", "holderFullname:string": "holder",
                            "holdRatio:double": "pct"})  # fmt: skip
    return hc[["company", "holder", "pct"]], hc


def real() -> dict:
    train_pairs, _ = _holder_frames(REAL / "import_2020-05")
    q3 = pd.read_csv(REAL / "relation_tushare_top10_2020Q3.csv", dtype=str)
    q3 = q3.rename(columns={"ts_code": "company", "holder_name": "holder"})
    comp = pd.read_csv(REAL / "import_2020-05" / "company.csv", dtype=str)
    comp = comp.rename(columns={"companyId:ID(Company)": "id", "area:string": "region",
                                "industry:string": "industry"})  # fmt: skip
    concepts = pd.read_csv(REAL / "import_2020-05" / "company_concept.csv", dtype=str)
    tags = concepts.groupby(":START_ID(Company)")[":END_ID(Concept)"].agg(list)
    comp["tags"] = comp["id"].map(tags)
    comp["listed"] = "true"
    holders = pd.DataFrame({"holder": train_pairs["holder"].unique()})
    holders["label"] = np.where(holders["holder"].str.contains(COMPANY_LIKE), "Company", "Person")
    holders["id"] = "H:" + holders["holder"]
    hid = dict(zip(holders["holder"], holders["id"], strict=True))
    hlabel = dict(zip(holders["holder"], holders["label"], strict=True))
    edges = pd.DataFrame({
        "source_id": train_pairs["holder"].map(hid),
        "source_label": train_pairs["holder"].map(hlabel),
        "target_id": train_pairs["company"], "target_label": "Company",
        "rel_type": "HOLDS_SHARES", "pct": train_pairs["pct"]})  # fmt: skip
    companies = pd.concat([comp[["id", "industry", "region", "tags", "listed"]],
                           holders[holders["label"] == "Company"][["id"]]])  # fmt: skip
    persons = holders[holders["label"] == "Person"][["id"]]
    graph = build_graph(companies, persons, edges)
    seen = set(zip(train_pairs["holder"], train_pairs["company"], strict=True))
    new = q3[[(h, c) not in seen for h, c in zip(q3["holder"], q3["company"], strict=True)]]
    new = new.drop_duplicates(["holder", "company"])
    known = new[new["holder"].isin(hid.keys())]
    triples = [[hid[h], c, "HOLDS_SHARES"] for h, c in zip(known["holder"], known["company"],
                                                          strict=True)]  # fmt: skip
    positives = held_out_positives(graph, triples)
    res = link_benchmark(graph, positives, epochs=10)
    res.pop("_z"), res.pop("_model")
    res["q3_pairs"] = int(len(q3.drop_duplicates(["holder", "company"])))
    res["new_pairs"] = int(len(new))
    res["new_pairs_known_holder"] = int(len(known))
    res["evaluated"] = int(sum(len(v[2]) for v in positives.values()))
    return res


def train_db() -> dict:
    """``guanxi train``'s pipeline with its defaults on the configured database."""
    from guanxi.config import get_settings
    from guanxi.gnn.runs import train_and_publish
    from guanxi.graph.client import GraphClient

    t0 = time.perf_counter()
    with GraphClient() as c:
        res = train_and_publish(c, get_settings().home_dir, TrainConfig())
    res["total_seconds"] = round(time.perf_counter() - t0, 1)
    res["train_config"] = {k: v for k, v in vars(TrainConfig()).items() if k != "targets"}
    return res


def prospect_precision(folder: Path, ks: tuple[int, ...] = (10, 50, 100, 200)) -> dict:
    """Precision@k of the prospect ranking against the generator's likely converters: over
    all branches (each company once; a prospect's score does not depend on the branch) and
    per branch (top 10, mean). The base rate is the converters' share of the candidates
    ``guanxi prospects`` ranks (every active non-customer, non-nominee company)."""
    from guanxi.gnn.apps import prospects
    from guanxi.graph.client import GraphClient

    truth = json.loads((folder / "ground_truth.json").read_text("utf-8"))
    conv = set(truth["converters"])
    with GraphClient() as c:  # the global top K lies within every branch's top K
        res = prospects(c, None, k=max(ks))
        pool = {r[0] for r in c.console(
            "MATCH (c:Company) WHERE NOT (c)-[:CUSTOMER_OF]->() "
            "AND coalesce(c.status, 'active') = 'active' AND NOT coalesce(c.nominee, false) "
            "RETURN c.id", row_cap=10**7)["rows"]}  # fmt: skip
    best: dict[str, float] = {}
    for items in res["branches"].values():
        for p in items:
            best[p["id"]] = max(best.get(p["id"], 0.0), p["score"])
    ranked = sorted(best, key=lambda i: (-best[i], i))
    per_branch = [np.mean([p["id"] in conv for p in items[:10]])
                  for items in res["branches"].values() if len(items) >= 10]  # fmt: skip
    return {
        "candidates": len(pool),
        "converters": len(conv),
        "base_rate": round(len(conv & pool) / max(len(pool), 1), 4),
        "precision@k": {k: round(float(np.mean([i in conv for i in ranked[:k]])), 4) for k in ks},
        "per_branch_precision@10": round(float(np.mean(per_branch)), 4) if per_branch else None,
        "branches": len(per_branch),
    }


def latency(runs: int = 200) -> dict:
    from guanxi.gnn.similarity import block_slices
    from guanxi.graph.client import GraphClient

    blocks = block_slices()
    with GraphClient() as c:
        ids = [r[0] for r in c.console("MATCH (c:Company) WHERE c.embedding IS NOT NULL "
                                          "RETURN c.id AS id LIMIT 500")["rows"]]  # fmt: skip
        n = c.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
        for i in range(20):  # warm-up (plan cache, index pages), not timed
            c.read("gnn.lookalikes", id=ids[-1 - i % len(ids)], k=10, blocks=blocks)
        times = []
        for i in range(runs):
            t = time.perf_counter()
            c.read("gnn.lookalikes", id=ids[i % len(ids)], k=10, blocks=blocks)
            times.append((time.perf_counter() - t) * 1000)
    return {"companies_in_db": n, "runs": runs, "p50_ms": float(np.percentile(times, 50)),
            "p95_ms": float(np.percentile(times, 95))}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--companies", type=int, default=10000)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--real", action="store_true")
    p.add_argument("--train-db", action="store_true")
    p.add_argument("--latency", action="store_true")
    p.add_argument("--prospects", type=Path, metavar="FOLDER")
    p.add_argument("--skip-synthetic", action="store_true")
    a = p.parse_args()
    logging.basicConfig(level=logging.INFO)
    torch.set_num_threads(2)
    out = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
    sections = {
        "synthetic": (not a.skip_synthetic, lambda: synthetic(a.companies, a.epochs)),
        "real_ashare_holders": (a.real, real),
        "train_db": (a.train_db, train_db),
        "lookalike_latency": (a.latency, latency),
        "prospects": (a.prospects is not None, lambda: prospect_precision(a.prospects)),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for key, (wanted, run) in sections.items():
        if wanted:  # written after each section: a later failure keeps what was measured
            out[key] = run()
            OUT.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=float), "utf-8")
    log.info("wrote %s", OUT)


if __name__ == "__main__":
    main()
