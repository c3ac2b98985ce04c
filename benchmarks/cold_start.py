"""Cold starts of the contact-path index: a new process's first ``guanxi paths`` call.

    .venv/bin/python benchmarks/cold_start.py [--companies 100000] [--runs 3] [--reuse]

Generates ``--companies`` (seed 7) into ``data/bench-<n>``, loads it into the configured
database (skipped with ``--reuse`` when the database already holds that many companies),
then runs ``guanxi paths --to T --json`` as new processes, each timed from start to exit:
the first after the saved index is deleted (it builds and saves it), then ``--runs`` more
(each loads the saved index), and the same with ``GUANXI_PATH_INDEX_PERSIST=false`` once
(the old behaviour); and, inside this process, the load of the saved index against a build.
``guanxi ownership T --json`` is timed too: a process that connects and
reads without the index, the floor under any CLI call. Writes
``benchmarks/results/cold_start.json`` (one run per size, replaced by size).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from guanxi.config import get_settings
from guanxi.graph.admin import graph_version
from guanxi.graph.client import GraphClient
from guanxi.scoring.path_index_cache import _build
from guanxi.scoring.path_index_store import index_dir, load_index

OUT = Path(__file__).parent / "results" / "cold_start.json"
BIN = Path(sys.executable).parent / "guanxi"


def _timed(args: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    res = subprocess.run([str(BIN), *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, check=False)  # fmt: skip
    if res.returncode != 0:
        raise SystemExit(f"guanxi {' '.join(args)} failed: {res.stderr[-2000:]}")
    return round(time.perf_counter() - t0, 3)


def _companies(client: GraphClient) -> int:
    return client.console("MATCH (c:Company) RETURN count(c) AS n")["rows"][0][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="Keep the loaded graph when it fits.")
    a = ap.parse_args()
    data = Path("data") / f"bench-{a.companies}"
    with GraphClient() as client:
        if not (a.reuse and _companies(client) >= a.companies):
            if not (data / "manifest.json").exists():
                _timed(["generate", "-n", str(a.companies), "-o", str(data), "--force"])
            load_s = _timed(["load", str(data)])
            print(f"loaded {a.companies} companies in {load_s}s", file=sys.stderr)
        # a target with paths: a non-customer company held by a person an RM knows
        target = client.console(
            "MATCH (:RelationshipManager)-[:KNOWS]->(:Person)-[:SERVES_AS]->(c:Company) "
            "WHERE NOT (c)-[:CUSTOMER_OF]->() RETURN c.id LIMIT 1"
        )["rows"][0][0]
        s = get_settings()
        folder = index_dir(s)
        n = _companies(client)
    shutil.rmtree(folder, ignore_errors=True)
    paths = ["paths", "--to", target, "--json"]
    first = _timed(paths)
    saved = [_timed(paths) for _ in range(a.runs)]
    unsaved = _timed(paths, {"GUANXI_PATH_INDEX_PERSIST": "false"})
    floor = [_timed(["ownership", target, "--json"]) for _ in range(a.runs)]
    # the index alone, in this process: load of the saved folder against a build
    with GraphClient() as client:
        version = graph_version(client)
        t0 = time.perf_counter()
        ix = load_index(folder, version)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        _build(client, version)
        build_s = time.perf_counter() - t0
    if ix is None:
        raise SystemExit(f"no saved index of version {version} in {folder}")
    size_mb = round(sum(f.stat().st_size for f in folder.iterdir()) / 2**20, 1)
    run = {
        "companies": n,
        "target": target,
        "first_call_builds_and_saves_s": first,
        "new_process_loads_saved_s": saved,
        "new_process_loads_saved_median_s": statistics.median(saved),
        "without_saved_index_s": unsaved,
        "cli_floor_ownership_s": statistics.median(floor),
        "in_process_index_load_s": round(load_s, 3),
        "in_process_index_build_s": round(build_s, 3),
        "index_on_disk_mb": size_mb,
        "target_s": 2.0,
    }
    print(json.dumps(run, indent=2))
    old = json.loads(OUT.read_text()) if OUT.exists() else {"benchmark": "cold_start", "runs": []}
    old["runs"] = [r for r in old["runs"] if r["companies"] != n] + [run]
    old["runs"].sort(key=lambda r: r["companies"])
    OUT.write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
