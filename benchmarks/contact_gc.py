"""What Python's garbage collector costs key contacts (issue #21).

Ranking key contacts allocates millions of short-lived objects (facts, reasons, contacts)
beside the whole-graph structures a :class:`~guanxi.scoring.batch_contacts.ContactRanker`
holds, and every collection of the oldest generation walks all of those again. This reads
the configured database's party graph, sets a ranker up as ``guanxi score`` does, and ranks
the first ``--companies`` companies, once per mode, each in a fresh process:

- ``default``: the collector as Python sets it (threshold 700);
- ``frozen``: what the set-up left frozen (``gc.freeze``);
- ``lean``: frozen and the youngest generation collected every 50,000 allocations:
  ``run_scoring``'s setting (``batch._lean_gc``).

It reports the seconds, the seconds inside collections (``gc.callbacks``), the collections
per generation and what a full collection finds afterwards (0: ranking made no reference
cycles, so collecting less often keeps nothing longer). Writes
``benchmarks/results/contact_gc.json``.

    GUANXI_HOME=.guanxi/bench GUANXI_BOLT_PORT=7689 .venv/bin/python benchmarks/contact_gc.py
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "contact_gc.json"
MODES = ("default", "frozen", "lean")


def measure(mode: str, companies: int) -> dict:
    """Rank ``companies`` companies under ``mode`` in this process."""
    from guanxi.graph.client import GraphClient
    from guanxi.scoring import batch
    from guanxi.scoring.batch_contacts import ContactRanker
    from guanxi.scoring.contact_graph import ContactGraph
    from guanxi.scoring.party_read import party_frames

    with GraphClient() as c:
        nodes, edges = party_frames(c)
    g = ContactGraph(nodes, edges[edges["rel_type"].isin(batch.CONTACT_TYPES)])
    del nodes, edges
    ranker = ContactRanker(g, {}, 5, date.today())
    picked = ranker.companies()[:companies]
    if mode != "default":
        batch._release()  # collect, trim, freeze: what run_scoring does between phases
    if mode == "lean":
        gc.set_threshold(50_000, *gc.get_threshold()[1:])
    spent, started, per_gen = [0.0], [0.0], {0: 0, 1: 0, 2: 0}

    def clock(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            per_gen[info["generation"]] += 1

    gc.callbacks.append(clock)
    t = time.perf_counter()
    ranked = sum(1 for _ in ranker.rank(picked))
    seconds = time.perf_counter() - t
    gc.callbacks.remove(clock)
    gc.unfreeze()
    return {
        "mode": mode,
        "companies_ranked": ranked,
        "seconds": round(seconds, 2),
        "ms_per_company": round(1000 * seconds / max(ranked, 1), 3),
        "in_collections_s": round(spent[0], 2),
        "collections": per_gen,
        "unreachable_after": gc.collect(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int, default=30_000)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--one", choices=MODES, help=argparse.SUPPRESS)  # a child's mode
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(measure(a.one, a.companies)))
        return
    runs = []
    for mode in a.modes.split(","):
        cmd = [sys.executable, __file__, "--one", mode, "--companies", str(a.companies)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]), flush=True)
    from guanxi.config import Settings

    res = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": str(Settings().home_dir),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "runs": runs,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
