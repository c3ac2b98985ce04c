"""What the ``company_embedding`` vector index costs ``guanxi train``'s write-back (issue #21).

At 1M companies the write-back set company embeddings at ~2,400 rows/s against ~10,000 for
persons, whose embeddings are not indexed: every company row waits on the HNSW insert. This
writes seeded random unit vectors (64 dimensions, as the model writes) to every company of
the configured database through the write-back's own query (``gnn.write_company_embeddings``,
2,000 rows a transaction), once per mode:

- ``indexed``: the index as ``guanxi db init`` makes it, in place while writing;
- ``rebuild``: the index dropped, the rows written, the index created again and awaited
  ONLINE (the population timed apart);
- ``ef50``: the index in place, built with ``vector.hnsw.ef_construction`` 50 (default 100);
- ``none``: no index at all (the floor: what the writes cost without HNSW).

Each indexed mode also reports recall@10 of the index against the exact cosine top 10
(numpy) over ``--queries`` seeded random companies, and the median query time. Random
vectors in 64 dimensions are the hard case for HNSW: the model's vectors cluster.

Each mode starts from companies without an embedding (``--overwrite``: writes once untimed,
then times a second write over the first, as a retrain does). Afterwards the index is
created as the schema says and the embeddings are removed, so run it on a bench home:
a later ``guanxi train`` writes real ones. ``benchmarks/results/embedding_writes.json``.

    GUANXI_HOME=.guanxi/bench GUANXI_BOLT_PORT=7689 .venv/bin/python \\
        benchmarks/embedding_writes.py --modes indexed,rebuild,none
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.graph.schema import get_schema

RESULTS = Path(__file__).parent / "results" / "embedding_writes.json"
INDEX = "company_embedding"
MODES = ("indexed", "rebuild", "ef50", "none")


def _index_statement(ef: int | None = None) -> str:
    stmt = dict(get_schema().ddl())[INDEX]
    if ef is not None:
        stmt = stmt.replace("}}", f", `vector.hnsw.ef_construction`: {ef}}}}}")
    return stmt


def _auto(client: GraphClient, text: str) -> None:
    """Schema statements and ``IN TRANSACTIONS`` need an auto-commit transaction."""
    with client.driver.session(database=client.database) as session:
        session.run(text).consume()


def _drop(client: GraphClient) -> None:
    _auto(client, f"DROP INDEX {INDEX} IF EXISTS")


def _await(client: GraphClient) -> float:
    """Seconds until the index is ONLINE."""
    t = time.perf_counter()
    while True:
        rows = client.run_text(
            "bench.vector_state",
            "SHOW INDEXES YIELD name, state, populationPercent WHERE name = $name "
            "RETURN state, populationPercent",
            {"name": INDEX},
        )
        if rows and rows[0]["state"] == "ONLINE":
            return time.perf_counter() - t
        if rows and rows[0]["state"] == "FAILED":
            raise SystemExit(f"{INDEX} population FAILED")
        time.sleep(0.5)


def _clear(client: GraphClient) -> None:
    _drop(client)
    _auto(
        client,
        "MATCH (c:Company) WHERE c.embedding IS NOT NULL "
        "CALL (c) { REMOVE c.embedding } IN TRANSACTIONS OF 10000 ROWS",
    )


def _write(client: GraphClient, ids: list[str], vectors: np.ndarray) -> float:
    rows = (
        {"id": i, "embedding": v.tolist(), "customer_similarity": 0.0, "prospect_score": None}
        for i, v in zip(ids, vectors, strict=True)
    )
    t = time.perf_counter()
    client.write_batches("gnn.write_company_embeddings", rows, batch_size=2000,
                         run_id="bench-embedding-writes")  # fmt: skip
    return time.perf_counter() - t


QUERY = (
    "MATCH (c:Company {id: $id}) CALL db.index.vector.queryNodes($index, $k + 1, c.embedding) "
    "YIELD node WHERE node <> c RETURN collect(node.id)[..$k] AS ids"
)


def recall(client: GraphClient, ids: list[str], vectors: np.ndarray, queries: int,
           k: int = 10) -> dict:  # fmt: skip
    """Recall@k of the index against the exact cosine top k (numpy), over ``queries``
    seeded random companies, and the median query time."""
    pick = np.random.default_rng(11).choice(len(ids), min(queries, len(ids)), replace=False)
    hits, times = 0, []
    for q in pick:
        sims = vectors @ vectors[q]
        sims[q] = -np.inf
        exact = {ids[j] for j in np.argpartition(-sims, k)[:k]}
        t = time.perf_counter()
        got = client.run_text("bench.vector_query", QUERY, {"id": ids[q], "index": INDEX, "k": k})
        times.append(time.perf_counter() - t)
        hits += len(exact & set(got[0]["ids"]))
    return {f"recall_at_{k}": round(hits / (k * len(pick)), 4),
            "query_ms_p50": round(1000 * float(np.median(times)), 2)}  # fmt: skip


def run_mode(client: GraphClient, mode: str, ids: list[str], vectors: np.ndarray,
             overwrite: bool, queries: int) -> dict:  # fmt: skip
    _clear(client)
    if mode in ("indexed", "ef50"):
        _auto(client, _index_statement(50 if mode == "ef50" else None))
        _await(client)
    if overwrite:
        _write(client, ids, vectors[::-1].copy())
    if mode == "rebuild":
        _drop(client)
    seconds = _write(client, ids, vectors)
    out = {"write_s": round(seconds, 1)}
    if mode == "rebuild":
        _auto(client, _index_statement())
        out["populate_s"] = round(_await(client), 1)
        seconds += out["populate_s"]
    out["total_s"] = round(seconds, 1)
    out["rows_per_s"] = round(len(ids) / seconds)
    if mode != "none" and queries:
        out.update(recall(client, ids, vectors, queries))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modes", default="indexed,rebuild,none", help=f"of {MODES}")
    ap.add_argument("--limit", type=int, help="only the first N companies in id order")
    ap.add_argument("--overwrite", action="store_true", help="time a write over embeddings")
    ap.add_argument("--queries", type=int, default=300, help="recall@10 queries per mode")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    modes = a.modes.split(",")
    if bad := set(modes) - set(MODES):
        raise SystemExit(f"unknown modes {sorted(bad)}; choose from {MODES}")
    client = GraphClient(Settings())
    ids = [r["id"] for r in client.run_text(
        "bench.company_ids", "MATCH (c:Company) RETURN c.id AS id ORDER BY id LIMIT $n",
        {"n": a.limit or 2**62})]  # fmt: skip
    if not ids:
        raise SystemExit("no Company nodes: load a network into this home first")
    vectors = np.random.default_rng(7).standard_normal((len(ids), 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    results = {}
    try:
        for mode in modes:
            results[mode] = run_mode(client, mode, ids, vectors, a.overwrite, a.queries)
            print(f"{mode}: {results[mode]}", flush=True)
    finally:
        _clear(client)
        _auto(client, _index_statement())
        _await(client)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "companies": len(ids),
        "overwrite": a.overwrite,
        "vectors": "seeded random unit vectors, 64 dimensions",
        "heap_pagecache": f"{os.environ.get('GUANXI_HEAP', '?')}/"
        f"{os.environ.get('GUANXI_PAGECACHE', '?')}",  # fmt: skip
        "modes": results,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
