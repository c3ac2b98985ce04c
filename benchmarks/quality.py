"""Scoring quality on the synthetic network, against its ground truth.

Generates the network (``generate(GeneratorConfig(companies=N, seed=S))``), wipes the
database, applies the schema, loads the folder, runs batch scoring (``run_scoring``), then
on a seeded sample of operating companies calls the same library functions as the CLI:

* ``company_contacts`` (``guanxi contacts``): precision@3 against ``decision_makers``
  (hits in the top 3 / min(3, |truth|));
* ``company_ownership`` (``guanxi ownership``): rank of the true actual controller (1 when
  the reported controller is the truth, else its place among the holders by penetrated
  stake, after the reported controller), the share where we wrongly say "no controlling
  party", and false controllers where the truth is null;
* ``contact_paths`` (``guanxi paths --to C``, origin = the whole bank) for non-customer
  targets: the top path passes through one of the target's true decision makers — over the
  targets with any path (the issue's figure), and over those whose search graph has a route
  bank → decision maker → target within 4 hops at all (the share a ranking can reach).

Writes ``benchmarks/results/quality.json``.

    python benchmarks/quality.py --companies 10000 --seed 7 --sample 500
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from guanxi.graph.admin import init_schema, wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.synthetic.generate import generate
from guanxi.loaders.synthetic.world import GeneratorConfig
from guanxi.scoring.batch import run_scoring
from guanxi.scoring.contact_paths import contact_paths
from guanxi.scoring.key_contacts import company_contacts
from guanxi.scoring.ownership import company_ownership
from guanxi.scoring.path_index_cache import get_index

log = logging.getLogger("benchmarks.quality")
RESULTS = Path(__file__).parent / "results" / "quality.json"
TARGETS = {"precision_at_3": 0.8, "controller_first": 0.95, "path_success": 0.9}
EXAMPLES = 8


def _ms(xs: list[float]) -> dict:
    if not xs:
        return {}
    s = sorted(xs)
    return {
        "p50_ms": round(1e3 * s[len(s) // 2], 2),
        "p95_ms": round(1e3 * s[min(len(s) - 1, int(0.95 * len(s)))], 2),
        "mean_ms": round(1e3 * statistics.fmean(s), 2),
    }


def eval_contacts(client, sample: list[str], truth: dict[str, list[str]]) -> dict:
    precs, times, misses = [], [], []
    for cid in sample:
        dms = truth[cid]
        t = time.perf_counter()
        res = company_contacts(client, cid, 3)
        times.append(time.perf_counter() - t)
        top = [c.id for c in res[:3]]
        hits = len(set(top) & set(dms))
        p = hits / min(3, len(dms))
        precs.append(p)
        if p < 1 and len(misses) < EXAMPLES:
            misses.append(
                {
                    "company": cid,
                    "truth": dms,
                    "top3": [{"id": c.id, "score": round(c.score, 3), "reasons": c.reasons}
                             for c in res[:3]],
                }
            )  # fmt: skip
    return {
        "companies": len(precs),
        "precision_at_3": round(statistics.fmean(precs), 4) if precs else None,
        "perfect_share": round(sum(p == 1 for p in precs) / len(precs), 4) if precs else None,
        "latency": _ms(times),
        "misses": misses,
    }


def eval_controller(client, sample: list[str], truth: dict[str, str | None]) -> dict:
    ranks: list[int | None] = []
    ident, wrong_none, none_top, false_ctl, null_truth = 0, 0, 0, 0, 0
    times: list[float] = []
    misses: list[dict] = []
    for cid in sample:
        want = truth.get(cid)
        t = time.perf_counter()
        res = company_ownership(client, cid).to_dict()
        times.append(time.perf_counter() - t)
        got = res["controller"]["controller"]
        if want is None:
            null_truth += 1
            false_ctl += got is not None
            continue
        # ranking: the reported controller first, then the holders by penetrated stake
        holders = [h["id"] for h in res["holders"] if h["id"] != got]
        rank = 1 if got == want else (holders.index(want) + 2 if want in holders else None)
        ranks.append(rank)
        ident += got == want
        wrong_none += got is None
        none_top += got is None and bool(holders) and holders[0] == want
        if got != want and len(misses) < EXAMPLES:
            c = res["controller"]
            misses.append(
                {
                    "company": cid,
                    "truth": want,
                    "reported": got,
                    "kind": c["kind"],
                    "votes": c["votes"],
                    "reason": c["reason"],
                    "rank_of_truth": rank,
                    "top_holders": [(h["id"], round(h["stake"], 2), round(h["direct"], 2),
                                     h["nominee"]) for h in res["holders"][:5]],
                }
            )  # fmt: skip
    n = len(ranks)

    def share(x: float) -> float | None:
        return round(x / n, 4) if n else None

    return {
        "companies_with_controller": n,
        "companies_with_null_truth": null_truth,
        "first_share": share(ident),
        "top3_share": share(sum(r is not None and r <= 3 for r in ranks)),
        "not_found_share": share(sum(r is None for r in ranks)),
        "wrong_no_controlling_party_share": share(wrong_none),
        "truth_is_top_holder_when_none_reported": none_top,
        "false_controllers_where_truth_null": false_ctl,
        "latency": _ms(times),
        "misses": misses,
    }


def _hops(
    arcs: dict[str, dict[str, float]], starts: set[str], limit: int, stop: str | None = None
) -> dict[str, int]:
    """Breadth-first hop counts from ``starts`` along ``arcs`` up to ``limit``, not going on
    from ``stop``."""
    dist = dict.fromkeys(starts, 0)
    level = list(starts)
    for d in range(1, limit + 1):
        nxt = []
        for u in level:
            if u == stop:
                continue
            for v in arcs.get(u, ()):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        level = nxt
    return dist


def dm_reachable(ix, target: str, dms: set[str], max_hops: int = 4) -> bool:
    """Whether the search graph has a bank → decision maker → target route within
    ``max_hops`` (hops from the bank to the person plus hops on to the target)."""
    ball = ix.ball(target, None, max_hops)
    rev: dict[str, dict[str, float]] = {}
    for u, nbrs in ball.arcs.items():
        for v in nbrs:
            rev.setdefault(v, {})[u] = 1.0
    fwd = _hops(ball.arcs, ball.origins, max_hops, stop=target)  # paths end at the target
    back = _hops(rev, {target}, max_hops)
    return any(d in fwd and d in back and fwd[d] + back[d] <= max_hops for d in dms)


def eval_paths(client, targets: list[str], truth: dict[str, list[str]]) -> dict:
    ok, last_hop_ok, none, times, misses = 0, 0, 0, [], []
    reachable, ok_reachable = 0, 0
    ix = get_index(client)
    kinds: dict[str, int] = {}
    for cid in targets:
        dms = set(truth[cid])
        t = time.perf_counter()
        paths = contact_paths(client, cid).paths
        times.append(time.perf_counter() - t)
        if not paths:
            none += 1
            continue
        nodes = [paths[0].hops[0].source_id] + [h.target_id for h in paths[0].hops]
        hit = bool(dms & set(nodes[:-1]))
        ok += hit
        if dm_reachable(ix, cid, dms):
            reachable += 1
            ok_reachable += hit
        last_hop_ok += len(nodes) >= 2 and nodes[-2] in dms
        if not hit:
            last = paths[0].hops[-1]
            kind = (
                f"last hop {last.rel_type} from a company (partner introduction)"
                if last.source_id[:1] != "P"
                else f"last hop {last.rel_type} from a person who is not a decision maker"
            )
            kinds[kind] = kinds.get(kind, 0) + 1
        if not hit and len(misses) < EXAMPLES:
            misses.append(
                {
                    "target": cid,
                    "decision_makers": sorted(dms),
                    "path": [(h.source_id, h.rel_type, round(h.intimacy, 3)) for h in
                             paths[0].hops] + [(cid, None, None)],
                    "score": round(paths[0].score, 5),
                    "introducer": paths[0].introducer,
                }
            )  # fmt: skip
    found = len(targets) - none
    return {
        "targets": len(targets),
        "with_path": found,
        "success_where_path": round(ok / found, 4) if found else None,
        "with_decision_maker_route": reachable,
        "success_where_decision_maker_route": round(ok_reachable / reachable, 4)
        if reachable
        else None,
        "last_intermediate_is_decision_maker": round(last_hop_ok / found, 4) if found else None,
        "success_over_all_targets": round(ok / len(targets), 4) if targets else None,
        "no_path_share": round(none / len(targets), 4) if targets else None,
        "latency": _ms(times),
        "miss_kinds": dict(sorted(kinds.items(), key=lambda x: -x[1])),
        "misses": misses,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sample", type=int, default=500, help="Companies evaluated.")
    ap.add_argument("--data", type=Path, help="Folder for the generated files (default: temp).")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="Skip wipe/load/score: the same N and seed are already loaded and "
        "scored (load and score timings are kept from --out when it has them).",
    )
    args = ap.parse_args()
    prev = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    logging.basicConfig(level=logging.WARNING)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, GraphClient() as client:
        folder = args.data or Path(tmp) / f"synthetic-{args.companies}-{args.seed}"
        t = time.perf_counter()
        generate(GeneratorConfig(companies=args.companies, seed=args.seed), folder, force=True)
        timings["generate_s"] = time.perf_counter() - t
        print(f"generated in {timings['generate_s']:.1f} s", flush=True)
        gt = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
        customers = set(pd.read_csv(folder / "customers.csv", dtype=str)["company_id"])
        if args.reuse:
            same = (prev.get("companies"), prev.get("seed")) == (args.companies, args.seed)
            scoring = prev.get("scoring") if same else None
            for key in ("load_s", "score_s"):
                if same and key in prev.get("timings", {}):
                    timings[key] = prev["timings"][key]
        else:
            t = time.perf_counter()
            wipe(client)
            init_schema(client)
            load(client, [folder])
            timings["load_s"] = time.perf_counter() - t
            print(f"loaded in {timings['load_s']:.1f} s", flush=True)
            t = time.perf_counter()
            scoring = run_scoring(client)
            timings["score_s"] = time.perf_counter() - t
            print(f"scored in {timings['score_s']:.1f} s: {scoring}", flush=True)

        dm = {c: v for c, v in gt["decision_makers"].items() if v}
        rnd = random.Random(args.seed)
        sample = rnd.sample(sorted(dm), min(args.sample, len(dm)))
        t = time.perf_counter()
        contacts = eval_contacts(client, sample, dm)
        timings["eval_contacts_s"] = time.perf_counter() - t
        t = time.perf_counter()
        control = eval_controller(client, sample, gt["controller"])
        timings["eval_ownership_s"] = time.perf_counter() - t
        t = time.perf_counter()
        paths = eval_paths(client, [c for c in sample if c not in customers], dm)
        timings["eval_paths_s"] = time.perf_counter() - t

    figures = {
        "precision_at_3": contacts["precision_at_3"],
        "controller_first": control["first_share"],
        "path_success": paths["success_where_path"],
        "path_success_where_decision_maker_route": paths["success_where_decision_maker_route"],
    }
    result = {
        "benchmark": "quality",
        "companies": args.companies,
        "seed": args.seed,
        "sample": len(sample),
        "reused_database": args.reuse,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": TARGETS,
        "figures": figures,
        "pass": {k: v is not None and v >= TARGETS[k] for k, v in figures.items() if k in TARGETS},
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "scoring": scoring,
        "key_contacts": contacts,
        "controller": control,
        "paths": paths,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n",
                        encoding="utf-8")  # fmt: skip
    print(json.dumps({k: result[k] for k in ("figures", "pass", "timings")}, indent=2))


if __name__ == "__main__":
    main()
