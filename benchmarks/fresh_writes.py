"""New INTIMACY written with ``MERGE`` against ``CREATE`` (issue #21).

``guanxi score`` writes its pairs with ``MERGE``: a pair scored before is updated in place.
When no INTIMACY exists yet (the first scoring after a bulk load) every ``MERGE`` still
walks the relationship chain of one end to find none, and at 1M companies those chains are
not in the page cache. This measures what that walk costs: ``--rows`` pairs of persons who
serve the same company (the most common stored pair), written as new INTIMACY with evidence
and text of the usual length from ``--streams`` threads, once with ``scoring.write_intimacy``
(``MERGE``) and once with ``scoring.create_intimacy`` (``CREATE``), ``--repeats`` times in
turn, each write deleted again before the next. Every repeat draws fresh pairs (offset by
the repeat), so that no variant finds the pages the one before it read.

Rows carry the run id ``bench-fresh-writes`` and are deleted at the end; run it on a bench
home. Writes ``benchmarks/results/fresh_writes.json``.

    GUANXI_HOME=.guanxi/s1m GUANXI_BOLT_PORT=7691 .venv/bin/python benchmarks/fresh_writes.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from guanxi.config import Settings
from guanxi.graph.client import GraphClient

RESULTS = Path(__file__).parent / "results" / "fresh_writes.json"
RUN_ID = "bench-fresh-writes"
PAIRS = (
    "MATCH (c:Company) WITH c SKIP $skip LIMIT $companies "
    "MATCH (p:Person)-[:SERVES_AS]->(c)<-[:SERVES_AS]-(q:Person) WHERE p.id < q.id "
    "RETURN DISTINCT p.id AS source_id, q.id AS target_id LIMIT $n"
)
DELETE = (
    "MATCH ()-[i:INTIMACY]->() WHERE i.run_id = $run_id WITH i LIMIT 10000 DELETE i "
    "RETURN count(*) AS n"
)
EVIDENCE = json.dumps(
    {"shared_neighbours": 1, "paths": [["SERVES_AS", "SERVES_AS"]], "via": ["某某科技有限公司"]},
    ensure_ascii=False,
)
TEXT = "同在某某科技有限公司任职"


def _write(client: GraphClient, name: str, rows: list[dict], streams: int) -> int:
    text = client.library.text_for(name, SOURCE="Person", TARGET="Person")
    parts = [rows[k::streams] for k in range(streams)]
    with ThreadPoolExecutor(streams) as pool:
        done = pool.map(
            lambda part: client.write_batches(
                name,
                sorted(part, key=lambda r: r["source_id"]),
                text=text,
                run_id=RUN_ID,
                batch_size=2000,
            ),
            parts,
        )
        return sum(done)


def _delete(client: GraphClient) -> None:
    """Delete this benchmark's rows (INTIMACY is scanned by type: run it on a bench home)."""
    while client.run_text("bench.fresh_writes_delete", DELETE, {"run_id": RUN_ID}, write=True)[0][
        "n"
    ]:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--streams", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    client = GraphClient(Settings())
    runs: dict[str, list[float]] = {"merge": [], "create": []}
    _delete(client)  # what an interrupted run left
    companies = a.rows * 3 // 2  # a company yields a pair or more; each draw its own companies
    for rep in range(a.repeats):
        for variant, name in (("merge", "scoring.write_intimacy"),
                              ("create", "scoring.create_intimacy")):  # fmt: skip
            skip = (2 * rep + (variant == "create")) * companies
            rows = [
                {**r, "score": 0.3, "evidence": EVIDENCE, "text": TEXT}
                for r in client.run_text(
                    "bench.fresh_writes_pairs",
                    PAIRS,
                    {"skip": skip, "companies": companies, "n": a.rows},
                )
            ]
            t = time.perf_counter()
            n = _write(client, name, rows, a.streams)
            rate = n / (time.perf_counter() - t)
            runs[variant].append(round(rate))
            print(f"repeat {rep + 1}: {variant}: {n:,} new INTIMACY at {rate:,.0f}/s", flush=True)
            _delete(client)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_1m": round(os.getloadavg()[0], 1),
        },  # fmt: skip
        "database": str(Settings().home_dir),
        "rows": a.rows,
        "streams": a.streams,
        "writes_per_s": runs,
        "create_over_merge": round(sum(runs["create"]) / max(sum(runs["merge"]), 1), 2),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
