"""Scenario reports at scale (issue #17): HTML and PDF latency per scenario and a pack of
200 reports, against the configured Neo4j.

Without ``--reuse`` it first generates, loads and scores ``--companies`` companies (the
database is wiped). The reader is a manager of the branch-level branch with the most
customers (a scoped reader: internal facts are read with scope and masked); the companies
are drawn at random, half among that branch's customers and half among all companies.
The contact-path index is built once first (reported apart: a running API builds it at
start) and each scenario and format is rendered once before timing (templates, fonts).
Then, for each scenario, ``--samples`` companies are rendered as HTML and as PDF (the PDF
with its pictures: ownership tree, ego network), each timed end to end
(:func:`guanxi.reports.service.render_report`); and a campaign of ``--pack`` treatment
targets is written as a zip of visit-brief PDFs (:func:`campaign_pack`).

Targets: HTML p95 < 1 s, PDF p95 < 4 s; the pack is timed. Results:
``benchmarks/results/reports.json``.

    .venv/bin/python benchmarks/reports.py --companies 100000
    .venv/bin/python benchmarks/reports.py --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from guanxi.access.scope import resolve_scope  # noqa: E402
from guanxi.access.users import User  # noqa: E402
from guanxi.config import get_settings  # noqa: E402
from guanxi.graph.client import GraphClient  # noqa: E402
from guanxi.reports.service import campaign_pack, render_report  # noqa: E402
from guanxi.scoring.path_index_cache import get_index  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "reports.json"
SCENARIOS = ("onboarding", "credit", "change", "visit")
PACK_ID = "CMP-BENCH-REPORTS"


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 3)


def _stats(xs: list[float]) -> dict:
    return {
        "n": len(xs),
        "p50_s": _pct(xs, 0.5),
        "p95_s": _pct(xs, 0.95),
        "max_s": round(max(xs), 3),
        "mean_s": round(statistics.mean(xs), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="use the loaded database as it is")
    ap.add_argument("--samples", type=int, default=20, help="companies per scenario and format")
    ap.add_argument("--pack", type=int, default=200, help="targets in the pack")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    client = GraphClient(get_settings())
    res: dict = {
        "benchmark": "reports",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg": os.getloadavg(),
        },
    }
    if not args.reuse:
        from guanxi.pipeline import build_network

        with tempfile.TemporaryDirectory() as d:
            res["build"] = build_network(client, Path(d), args.companies, args.seed)
    res["companies"] = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
    top = client.console(
        "MATCH (c:Company)-[:CUSTOMER_OF]->(:Branch)-[:PART_OF*0..]->(b:Branch) "
        "WHERE b.level = 'branch' RETURN b.id, count(DISTINCT c) AS n ORDER BY n DESC LIMIT 1"
    )["rows"][0]
    scope = resolve_scope(client, User(name="bench_mgr", role="manager", branch=top[0]))
    mine = [
        r[0]
        for r in client.console(
            "MATCH (c:Company)-[:CUSTOMER_OF]->(b:Branch) WHERE b.id IN $b RETURN DISTINCT c.id",
            {"b": sorted(scope.branches)},
            row_cap=10_000_000,
            max_bytes=10**9,
        )["rows"]
    ]
    every = [
        r[0]
        for r in client.console(
            "MATCH (c:Company) WHERE NOT coalesce(c.nominee, false) RETURN c.id",
            row_cap=10_000_000,
            max_bytes=10**9,
        )["rows"]
    ]
    rng = random.Random(args.seed)
    half = args.samples // 2
    sample = rng.sample(mine, min(half, len(mine)))
    sample += rng.sample(every, args.samples - len(sample))
    res["reader"] = {
        "role": "manager",
        "branch": top[0],
        "branches": len(scope.branches),
        "customers_in_scope": len(mine),
    }
    t0 = time.perf_counter()
    get_index(client)
    res["path_index_build_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    for s in SCENARIOS:
        for fmt in ("html", "pdf"):
            render_report(client, scope, sample[0], s, fmt)
    res["warm_up_s"] = round(time.perf_counter() - t0, 1)
    res["scenarios"] = {}
    for s in SCENARIOS:
        row: dict = {}
        for fmt in ("html", "pdf"):
            times, sizes, facts = [], [], []
            for cid in sample:
                t0 = time.perf_counter()
                r = render_report(client, scope, cid, s, fmt)
                times.append(time.perf_counter() - t0)
                sizes.append(len(r.content))
                facts.append(r.facts)
            row[fmt] = {
                **_stats(times),
                "mean_bytes": int(statistics.mean(sizes)),
                "mean_facts": round(statistics.mean(facts), 1),
            }
        res["scenarios"][s] = row
        print(s, json.dumps(row), flush=True)
    html = [res["scenarios"][s]["html"]["p95_s"] for s in SCENARIOS]
    pdf = [res["scenarios"][s]["pdf"]["p95_s"] for s in SCENARIOS]
    res["targets"] = {
        "html_p95_s": 1.0,
        "pdf_p95_s": 4.0,
        "html_p95_met": max(html) < 1.0,
        "pdf_p95_met": max(pdf) < 4.0,
    }
    targets = rng.sample(every, min(args.pack, len(every)))
    client.console(
        "MERGE (c:Campaign {id: $id}) SET c.name = 'report pack benchmark', "
        "c.owner_branch = $b WITH c OPTIONAL MATCH (c)-[t:TARGETS]->() DELETE t WITH DISTINCT c "
        "MATCH (x:Company) WHERE x.id IN $ids CREATE (c)-[:TARGETS {arm: 'treatment'}]->(x)",
        {"id": PACK_ID, "b": top[0], "ids": targets},
        allow_write=True,
    )
    t0 = time.perf_counter()
    body, failed = campaign_pack(client, scope, PACK_ID, "visit", "pdf")
    wall = time.perf_counter() - t0
    res["pack"] = {
        "reports": len(targets),
        "scenario": "visit",
        "format": "pdf",
        "wall_s": round(wall, 1),
        "per_report_s": round(wall / len(targets), 3),
        "zip_bytes": len(body),
        "failed": len(failed),
    }
    client.console(
        "MATCH (c:Campaign {id: $id}) DETACH DELETE c", {"id": PACK_ID}, allow_write=True
    )
    res["machine"]["load_avg_end"] = os.getloadavg()
    print(json.dumps(res["pack"]), json.dumps(res["targets"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
