"""Opportunity rules, groups and circles on the synthetic network, against its ground truth.

Generates the network, wipes the database, loads it (``--no-load``: use what is loaded),
runs group detection (``run_groups``, as ``guanxi groups run``), then every opportunity rule
bank-wide (``run_rules``, as ``guanxi opportunities run``), timed, and reports:

* groups: pairwise precision and recall of co-membership against ``ground_truth.group``;
* circles: the ``guarantee_circles`` found, missed, and false circles;
* per rule: precision@50 against ``ground_truth.opportunities[rule]`` (hits in the top 50 /
  50) and the random baseline over the rule's population (customers or non-customers):
  its expected precision |truth ∩ population| / |population| and one seeded draw of 50;
* seconds per rule and in all (the target: all rules over 100k companies in < 120 s).

Writes ``benchmarks/results/opportunities.json`` (one entry per size, replaced on rerun).

    python benchmarks/opportunities.py --companies 100000 --seed 7
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import platform
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from guanxi.access.scope import Scope
from guanxi.access.users import User
from guanxi.graph.admin import init_schema, wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.synthetic.generate import generate
from guanxi.loaders.synthetic.world import GeneratorConfig
from guanxi.opportunities import list_rules, run_rules
from guanxi.scoring.risk_graph import list_circles, run_groups

log = logging.getLogger("benchmarks.opportunities")
RESULTS = Path(__file__).parent / "results" / "opportunities.json"
K = 50
BANK = Scope(User("benchmark", "admin", "HO"), frozenset(), frozenset(), root=True)


def pairs(assign: dict[str, str | None]) -> set[tuple[str, str]]:
    by = defaultdict(list)
    for c, g in assign.items():
        if g:
            by[g].append(c)
    return {p for v in by.values() for p in itertools.combinations(sorted(v), 2)}


def group_quality(client: GraphClient, truth: dict[str, str | None]) -> dict:
    rows = client.run_text("bench", "MATCH (c:Company)-[:MEMBER_OF]->(g:Group) "
                           "RETURN c.id AS c, g.id AS g")  # fmt: skip
    found = {r["c"]: r["g"] for r in rows}
    t, f = pairs(truth), pairs(found)
    hit = len(t & f)
    return {"truth_pairs": len(t), "found_pairs": len(f),
            "precision": round(hit / len(f), 4) if f else None,
            "recall": round(hit / len(t), 4) if t else None,
            "groups_truth": len({g for g in truth.values() if g}),
            "groups_found": len(set(found.values()))}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-load", action="store_true", help="use the loaded graph and --out")
    ap.add_argument("--out", default=None, help="generated folder (default: a temp dir)")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    out = Path(a.out or tempfile.mkdtemp(prefix="guanxi-opp-"))
    timing: dict[str, float] = {}
    client = GraphClient()
    if not a.no_load:
        t = time.perf_counter()
        generate(GeneratorConfig(companies=a.companies, seed=a.seed), out, force=True)
        timing["generate_s"] = time.perf_counter() - t
        wipe(client)
        init_schema(client)
        t = time.perf_counter()
        load(client, [out])
        timing["load_s"] = time.perf_counter() - t
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    t = time.perf_counter()
    g = run_groups(client)
    timing["groups_s"] = time.perf_counter() - t
    t = time.perf_counter()
    circles = list_circles(client, BANK)
    timing["circles_s"] = time.perf_counter() - t
    tc = {tuple(sorted(c)) for c in truth["guarantee_circles"]}
    fc = {c.members for c in circles}
    t = time.perf_counter()
    as_of = {"as_of": f"{GeneratorConfig().year}-12-31"}  # the synthetic data's year end
    run = run_rules(client, None, BANK, params={"product_maturity": as_of}, limit=None)
    timing["rules_s"] = time.perf_counter() - t
    customers = {r["c"] for r in client.run_text(
        "bench", "MATCH (c:Company)-[:CUSTOMER_OF]->() RETURN DISTINCT c.id AS c")}  # fmt: skip
    companies = [c for c, k in truth["archetype"].items()
                 if k not in ("custodian", "state_asset_admin")]  # fmt: skip
    rng = random.Random(a.seed)
    rules = {}
    for info in list_rules():
        items = [o for o in run.items if o.rule == info.name]
        want = set(truth["opportunities"].get(info.name, []))
        if info.name == "risk_exclusion":  # not a conversion: the circles' customer members
            want = {m for c in truth["guarantee_circles"] for m in c} & customers
        top = [o.company_id for o in items[:K]]
        pop = sorted(customers) if info.target == "customer" else sorted(
            c for c in companies if c not in customers)  # fmt: skip
        draw = rng.sample(pop, min(K, len(pop)))
        rules[info.name] = {
            "results": len(items),
            "truth": len(want),
            "precision_at_50": round(len(set(top) & want) / K, 4) if want else None,
            "ceiling_at_50": round(min(K, len(want)) / K, 4),
            "random_expected": round(len(want & set(pop)) / len(pop), 4) if want else None,
            "random_draw": round(len(set(draw) & want) / K, 4) if want else None,
            "seconds": round(run.elapsed[info.name], 3),
        }
    entry = {
        "companies": a.companies, "seed": a.seed,
        "generator": f"guanxi generate --companies {a.companies} --seed {a.seed}",
        "timing_s": {k: round(v, 2) for k, v in timing.items()},
        "groups": {**group_quality(client, truth["group"]), "run": g},
        "circles": {"truth": len(tc), "found": len(fc), "missed": len(tc - fc),
                    "false": len(fc - tc)},
        "rules": rules,
    }  # fmt: skip
    log.info("%s", json.dumps(entry, ensure_ascii=False, indent=1))
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": []}
    runs = [r for r in old.get("runs", []) if r.get("companies") != a.companies]
    doc = {"benchmark": "opportunities",
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
           "targets": {"rules_s_at_100k": 120, "group_precision": 0.95, "group_recall": 0.95},
           "runs": sorted([*runs, entry], key=lambda r: r["companies"])}  # fmt: skip
    RESULTS.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    client.close()


if __name__ == "__main__":
    main()
