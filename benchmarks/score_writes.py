"""How fast ``guanxi score`` can write intimacy back, by rows per transaction (issue #21).

Reads ``--rows`` existing INTIMACY between companies (ends, score, evidence, text) from the
configured database, a random sample sorted by source as batch scoring sends them
(``--first``: the first in store order), and writes them again through
``scoring.write_intimacy`` (MERGE, properties set) with each ``--batches`` size,
``--repeats`` times in turn, from ``--streams`` threads at once, under the run id
``bench-score-writes`` (a later ``guanxi score`` deletes those as stale: run it on a bench
home, not the bank's). Reports rows/s per size and the CPU seconds of this process; writes
``benchmarks/results/score_writes.json``. ``--shapes`` also writes the same rows setting less
(``no-text``: score, evidence and run id; ``score-only``: score and run id), to show what the
evidence strings cost against the ``MERGE`` itself.

    GUANXI_HOME=.guanxi/bench GUANXI_BOLT_PORT=7689 .venv/bin/python \\
        benchmarks/score_writes.py --rows 200000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from guanxi.config import Settings
from guanxi.graph.client import GraphClient

RESULTS = Path(__file__).parent / "results" / "score_writes.json"
READ = (
    "MATCH (a:Company)-[i:INTIMACY]->(b:Company) WHERE rand() < $p RETURN a.id AS source_id, "
    "b.id AS target_id, i.score AS score, i.evidence AS evidence, i.text AS text LIMIT $n"
)
RUN_ID = "bench-score-writes"
COUNT = "MATCH ()-[i:INTIMACY]->() RETURN count(i) AS n"
#: what each shape sets on the relationship (``full``: what ``guanxi score`` sets)
SHAPES = {
    "full": "i.score = row.score, i.evidence = row.evidence, i.text = row.text",
    "no-text": "i.score = row.score, i.evidence = row.evidence",
    "score-only": "i.score = row.score",
}


def _write(client: GraphClient, rows: list[dict], text: str, size: int, streams: int) -> int:
    """Write ``rows`` from ``streams`` threads, each the rows of its share of sources."""
    parts = [[r for r in rows if hash(r["source_id"]) % streams == k] for k in range(streams)]
    with ThreadPoolExecutor(streams) as pool:
        done = pool.map(
            lambda part: client.write_batches(
                "scoring.write_intimacy", part, text=text, run_id=RUN_ID, batch_size=size
            ),
            parts,
        )
        return sum(done)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--batches", default="2000,5000,10000,20000")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--streams", type=int, default=1, help="threads writing at once")
    ap.add_argument("--first", action="store_true", help="the first rows in store order")
    ap.add_argument("--shapes", default="full", help=f"comma-separated, of {sorted(SHAPES)}")
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    client = GraphClient(Settings())
    total = client.run_text("bench.score_writes_count", COUNT)[0]["n"]
    p = 1.0 if a.first else min(1.0, 1.5 * a.rows / max(total, 1))
    rows = client.run_text("bench.score_writes_read", READ, {"n": a.rows, "p": p})
    rows.sort(key=lambda r: r["source_id"])  # batch scoring writes its pairs by source
    if not rows:
        raise SystemExit("no INTIMACY between companies: run guanxi score on this home first")
    full = client.library.text_for("scoring.write_intimacy", SOURCE="Company", TARGET="Company")
    if SHAPES["full"] not in full:
        raise SystemExit("scoring.write_intimacy no longer sets what SHAPES['full'] says")
    sizes = [int(x) for x in a.batches.split(",")]
    shapes = a.shapes.split(",")
    runs: dict[str, list[float]] = {f"{sh}/{s}": [] for sh in shapes for s in sizes}
    client.write_batches("scoring.write_intimacy", rows, text=full, run_id=RUN_ID,
                         batch_size=max(sizes))  # fmt: skip  # warm the page cache
    for rep in range(a.repeats):
        for sh in shapes:
            text = full.replace(SHAPES["full"], SHAPES[sh])
            for s in sizes:
                t = time.perf_counter()
                n = _write(client, rows, text, s, a.streams)
                rate = n / (time.perf_counter() - t)
                runs[f"{sh}/{s}"].append(round(rate))
                print(f"repeat {rep + 1}: {sh}, {s:>6} rows a transaction: {rate:,.0f} MERGEs/s",
                      flush=True)  # fmt: skip
    use = resource.getrusage(resource.RUSAGE_SELF)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows": len(rows),
        "intimacy_in_db": total,
        "sample": "first in store order" if a.first else "random, sorted by source",
        "streams": a.streams,
        "evidence_chars_mean": round(sum(len(r["evidence"]) for r in rows) / len(rows), 1),
        "shapes": {sh: SHAPES[sh] for sh in shapes},
        "merges_per_s": runs,
        "best_per_s": {s: max(v) for s, v in runs.items()},
        "python_cpu_s": round(use.ru_utime + use.ru_stime, 1),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["best_per_s"]))


if __name__ == "__main__":
    main()
