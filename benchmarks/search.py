"""Company search by name fragment (``api.company_search``) with and without its TEXT index.

Samples ``--queries`` two-character fragments of real company names from the loaded
database, runs the library query (which the planner answers from the TEXT index
``company_name_text``) and the same query forced to scan the label (``USING SCAN``, what
it cost before the index), one client, after a warm-up; checks both give the same rows and
writes p50/p95 to ``benchmarks/results/search.json``.

    .venv/bin/python benchmarks/search.py          # against the configured Neo4j
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

from guanxi.graph.client import GraphClient

RESULTS = Path(__file__).parent / "results" / "search.json"
SCAN_HINT = "MATCH (c:Company) USING SCAN c:Company WHERE c.name CONTAINS $q"


def _run(client: GraphClient, text: str, frags: list[str]) -> tuple[dict, dict]:
    for f in frags[:10]:  # warm-up
        client.console(text, {"q": f, "limit": 20})
    times, rows = [], {}
    for f in frags:
        t0 = time.perf_counter()
        rows[f] = client.console(text, {"q": f, "limit": 20})["rows"]
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1)}, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    with GraphClient() as client:
        companies = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
        names = [
            r[0]
            for r in client.console("MATCH (c:Company) RETURN c.name SKIP 1000 LIMIT 2000")["rows"]
        ]
        rng = random.Random(args.seed)
        frags = [n[2:4] if len(n) > 4 else n[:2] for n in rng.sample(names, args.queries)]
        text = client.library["api.company_search"].text
        indexed, a = _run(client, text, frags)
        scanned, b = _run(
            client, text.replace("MATCH (c:Company) WHERE c.name CONTAINS $q", SCAN_HINT), frags
        )
    result = {
        "benchmark": "company_search",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "companies": companies,
        "queries": len(frags),
        "text_index": indexed,
        "label_scan": scanned,
        "same_rows": a == b,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
