"""The contact-path search alone: the array fast path against the reference, same targets.

    .venv/bin/python benchmarks/path_search.py [--targets 300] [--seed 11]

Builds the contact-path index of the configured database, draws non-RM, non-person
targets, and times ``search()`` (what ``guanxi paths`` and the API run) against
``find_paths(ix.ball(...))`` (the dictionary reference it replaced, now the tests' oracle in
``tests/oracles/paths.py``) for the whole bank as origin, k=3, 4 hops; checks that both
return the same paths. Writes
``benchmarks/results/path_search.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from guanxi.graph.client import GraphClient
from guanxi.scoring.path_index import COMPANY
from guanxi.scoring.path_index_cache import get_index
from guanxi.scoring.path_search import PathConfig, search

# the reference search is the tests' oracle: import it from the repository root
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.oracles.paths import find_paths  # noqa: E402

OUT = Path(__file__).parent / "results" / "path_search.json"


def _stats(ms: list[float]) -> dict[str, float]:
    return {"mean_ms": round(float(np.mean(ms)), 2), "p50_ms": round(float(np.median(ms)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--targets", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    with GraphClient() as client:
        t0 = time.perf_counter()
        ix = get_index(client)
        build_s = time.perf_counter() - t0
    companies = [i for i, lab in zip(ix.ids, ix.label.tolist(), strict=True) if lab == COMPANY]
    if not companies:
        raise SystemExit("No companies in the database: load and score a network first")
    targets = random.Random(a.seed).sample(companies, min(a.targets, len(companies)))
    cfg = PathConfig()
    ref_ms, fast_ms, same, found = [], [], 0, 0
    for t in targets:
        t1 = time.perf_counter()
        ref = find_paths(ix.ball(t, None, cfg.max_hops), t, 3, cfg)
        t2 = time.perf_counter()
        fast = search(ix, t, None, 3, cfg)
        t3 = time.perf_counter()
        ref_ms.append((t2 - t1) * 1e3)
        fast_ms.append((t3 - t2) * 1e3)
        same += [f.nodes for f in ref] == [f.nodes for f in fast]
        found += bool(fast)
    out = {
        "parties": len(ix), "index_build_s": round(build_s, 1), "targets": len(targets),
        "targets_with_a_path": found, "identical_results": same,
        "reference_ball_find_paths": _stats(ref_ms), "search": _stats(fast_ms),
        "speed_up_mean": round(float(np.mean(ref_ms) / np.mean(fast_ms)), 2),
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
