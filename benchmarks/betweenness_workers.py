"""Sampled betweenness on one process against its sources split across processes
(``guanxi.scoring.betweenness.parallel_dependencies``; issue #21).

A random graph of the size of the 1M-company projection's order (1M nodes, 3M edges) and
``--pivots`` sources, timed with 1 and 2 workers; results in
``benchmarks/results/betweenness_workers.json``.

    .venv/bin/python benchmarks/betweenness_workers.py [--nodes 1000000 --edges 3000000 --pivots 64]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

OUT = Path(__file__).resolve().parent / "results" / "betweenness_workers.json"


def main() -> None:
    from guanxi.scoring.betweenness import betweenness_arrays

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=3_000_000)
    ap.add_argument("--pivots", type=int, default=64)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    r, c = rng.integers(0, a.nodes, a.edges), rng.integers(0, a.nodes, a.edges)
    m = sp.csr_matrix((np.ones(a.edges), (r, c)), shape=(a.nodes, a.nodes))
    m = ((m + m.T) > 0).astype(float).tocsr()
    out: dict = {"nodes": a.nodes, "edges": a.edges, "pivots": a.pivots, "seconds": {}}
    got = {}
    for workers in (1, 2):
        t = time.perf_counter()
        got[workers] = betweenness_arrays(m, k=a.pivots, workers=workers)
        out["seconds"][str(workers)] = round(time.perf_counter() - t, 1)
        print(workers, "workers", out["seconds"][str(workers)], "s", flush=True)
    out["equal"] = bool(np.allclose(got[1], got[2], rtol=1e-12, atol=1e-15))
    out["speedup"] = round(out["seconds"]["1"] / out["seconds"]["2"], 2)
    out["cpus"], out["load_avg_1m"] = os.cpu_count(), round(os.getloadavg()[0], 2)
    out["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
