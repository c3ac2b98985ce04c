"""Time (docs/time.md): as-of reads against current reads, current reads before and after
this issue, the snapshot load and the storage it adds.

Steps, each a sub-command writing into ``benchmarks/results/time.json`` (merged):

    measure --label NAME [--as-of DATE]   p50/p95 of ownership and ego network (depth 2) for
                                          --samples companies (current; and as of DATE)
    snapshot DIR --date DATE              the snapshot load (seconds, rows, events), the
                                          storage before and after (node, relationship and
                                          property counts; store size on disk)
    quality DIR                           recall / precision of the change events against
                                          DIR/ground_truth.json snapshot_changes
    paths --as-of DATE                    the contact-path index build, current and as of
                                          DATE, and p50/p95 of contact paths with each
    ab --base DIR                         the current-state queries this issue touched, as
                                          the base checkout DIR has them and as now, run
                                          alternately per company in one process

``measure`` runs with whatever guanxi is on PYTHONPATH: run it with PYTHONPATH=/work/main
for the code before this issue (the current state only: it knows nothing of ``as_of``).
The run at 100k companies, one client, after a warm-up, is in docs/time.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from guanxi.graph.client import GraphClient

RESULTS = Path(__file__).parent / "results" / "time.json"


def _pct(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2)}


def _timed(fns: dict[str, Callable[[str], Any]], ids: list[str]) -> dict[str, dict]:
    """p50/p95 of each of ``fns`` over ``ids``, interleaved per id (all of them on one id,
    then the next), so that the load of a shared machine weighs on each alike."""
    for i in ids[:10]:  # warm-up
        for fn in fns.values():
            fn(i)
    times: dict[str, list[float]] = {k: [] for k in fns}
    for i in ids:
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn(i)
            times[k].append((time.perf_counter() - t0) * 1000)
    return {k: _pct(v) for k, v in times.items()}


def _sample(client: GraphClient, n: int, seed: int) -> list[str]:
    """Companies with holders (the ones ownership and as-of reads have work for)."""
    rows = client.console(
        "MATCH (c:Company) WHERE EXISTS { (c)<-[:HOLDS_SHARES]-() } RETURN c.id ORDER BY c.id",
        row_cap=1_000_000,
    )["rows"]
    return random.Random(seed).sample([r[0] for r in rows], n)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from guanxi.scoring.ego import ego_network
    from guanxi.scoring.ownership import company_ownership

    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    with GraphClient() as client:
        ids = _sample(client, args.samples, args.seed)
        fns: dict[str, Callable[[str], Any]] = {
            "ownership": lambda i: company_ownership(client, i),
            "ego_depth2": lambda i: ego_network(client, i, depth=2),
        }
        if as_of and "as_of" in inspect.signature(company_ownership).parameters:
            fns["ownership_as_of"] = lambda i: company_ownership(client, i, as_of=as_of)
            fns["ego_depth2_as_of"] = lambda i: ego_network(client, i, depth=2, as_of=as_of)
        out: dict[str, Any] = _timed(fns, ids)
        if "ownership_as_of" in out:
            for k in ("ownership", "ego_depth2"):
                out[f"{k}_as_of_ratio_p95"] = round(
                    out[f"{k}_as_of"]["p95_ms"] / out[k]["p95_ms"], 3
                )
    return {"samples": len(ids), "as_of": args.as_of, **out}


def _storage(client: GraphClient) -> dict[str, Any]:
    c = client.console(
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } "
        "CALL () { MATCH ()-[r:HELD_SHARES|SERVED_AS|SUPPLIED|GUARANTEED]->() "
        "RETURN count(r) AS history } "
        "CALL () { MATCH (c:Change) RETURN count(c) AS changes } "
        "RETURN nodes, rels, history, changes"
    )["rows"][0]
    home = Path(os.environ.get("GUANXI_HOME", ".guanxi")) / "neo4j" / "data" / "databases"
    du = subprocess.run(["du", "-sb", str(home)], capture_output=True, text=True, check=False)
    size = int(du.stdout.split()[0]) if du.stdout else None
    return {"nodes": c[0], "relationships": c[1], "history_relationships": c[2],
            "change_nodes": c[3], "store_bytes": size}  # fmt: skip


def snapshot(args: argparse.Namespace) -> dict[str, Any]:
    from guanxi.loaders import load
    from guanxi.scoring.changes import record_controller_changes

    on = date.fromisoformat(args.date)
    with GraphClient() as client:
        before = _storage(client)
        t0 = time.perf_counter()
        rep = load(client, [Path(args.dir)], snapshot=on)
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        ctl = record_controller_changes(
            client, rep.snapshots["shareholdings"].changed, load_id=rep.load_id
        )
        ctl_s = time.perf_counter() - t1
        after = _storage(client)
    rows = sum(f.read for f in rep.families.values())
    return {
        "date": args.date, "rows": rows, "load_s": round(load_s, 1),
        "rows_per_s": round(rows / load_s), "controller_changes_s": round(ctl_s, 1),
        "controller_changes": ctl,
        "families": {k: {"rewritten": v.rewritten, "events": v.events}
                     for k, v in rep.snapshots.items()},
        "storage_before": before, "storage_after": after,
        "store_growth_pct": round(100 * (after["store_bytes"] / before["store_bytes"] - 1), 2)
        if before["store_bytes"] else None,
    }  # fmt: skip


def quality(args: argparse.Namespace) -> dict[str, Any]:
    from guanxi.scoring.changes import recent_changes

    truth = json.loads((Path(args.dir) / "ground_truth.json").read_text("utf-8"))
    entry = truth["snapshot_changes"]
    want = {(c["company"], c["kind"], c["party"], c["key"]) for c in entry["changes"]}
    kinds = {c["kind"] for c in entry["changes"]}
    with GraphClient() as client:
        evs = recent_changes(client, since=date.fromisoformat(entry["date"]), kinds=kinds,
                             limit=5000)  # fmt: skip
    got = {(e.company_id, e.kind, e.party_id, e.key if e.rel_type == "SERVES_AS" else None)
           for e in evs}  # fmt: skip
    hits = len(want & got)
    return {"truth": len(want), "events": len(got), "recall": hits / len(want),
            "precision": hits / len(got) if got else 0.0}  # fmt: skip


def paths(args: argparse.Namespace) -> dict[str, Any]:
    from guanxi.scoring.contact_paths import contact_paths
    from guanxi.scoring.path_index_cache import clear_index, get_index

    as_of = date.fromisoformat(args.as_of)
    out: dict[str, Any] = {"as_of": args.as_of}
    with GraphClient() as client:
        for label, d in (("current", None), ("as_of", as_of)):
            clear_index()
            t0 = time.perf_counter()
            ix = get_index(client, d)
            out[f"index_build_s_{label}"] = round(time.perf_counter() - t0, 1)
            out[f"index_pairs_{label}"] = int(len(ix.indices) // 2)
        get_index(client)  # both held now: the searches below build nothing
        ids = _sample(client, args.samples, args.seed)
        out.update(_timed({
            "paths": lambda i: contact_paths(client, i, None, 3, 4),
            "paths_as_of": lambda i: contact_paths(client, i, None, 3, 4, as_of=as_of),
        }, ids))  # fmt: skip
    return out


def ab(args: argparse.Namespace) -> dict[str, Any]:
    """Base (before this issue) and current query texts, interleaved per company: the ego
    expansion (which now leaves the history types out) and the ownership upstream read."""
    from guanxi.graph.history import history_types
    from guanxi.graph.library import QueryLibrary

    base = QueryLibrary(Path(args.base) / "guanxi" / "graph" / "queries")
    hidden = ["embedding", "load_id", "loaded_at", "source"]
    ego = {"keys": None, "types": [], "limit": 4000, "hidden": hidden, "with_branches": False}
    past = sorted(history_types())
    out: dict[str, Any] = {"base": args.base}
    with GraphClient() as client:
        ids = _sample(client, args.samples, args.seed)
        now = client.library

        def run(lib: QueryLibrary, name: str, i: str, **extra: Any) -> None:
            params = {**ego, "keys": [i]} if name == "api.ego_expand" else {}
            params |= {"company_id": i, "nominee_patterns": [], **extra}
            client.run_text(name, lib[name].text, params)

        out["ownership_upstream_same_text"] = (
            base["scoring.ownership_upstream"].text == now["scoring.ownership_upstream"].text
        )
        out.update(_timed({
            "ego_expand_base": lambda i: run(base, "api.ego_expand", i),
            "ego_expand_now": lambda i: run(now, "api.ego_expand", i, past=past),
            "ownership_upstream_base": lambda i: run(base, "scoring.ownership_upstream", i),
            "ownership_upstream_now": lambda i: run(now, "scoring.ownership_upstream", i),
        }, ids))  # fmt: skip
        for k in ("ego_expand", "ownership_upstream"):
            out[f"{k}_p95_ratio"] = round(out[f"{k}_now"]["p95_ms"] / out[f"{k}_base"]["p95_ms"], 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="step", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--label", required=True)
    m.add_argument("--as-of")
    m.add_argument("--samples", type=int, default=200)
    m.add_argument("--seed", type=int, default=19)
    s = sub.add_parser("snapshot")
    s.add_argument("dir")
    s.add_argument("--date", required=True)
    q = sub.add_parser("quality")
    q.add_argument("dir")
    b = sub.add_parser("ab")
    b.add_argument("--base", required=True)
    b.add_argument("--samples", type=int, default=400)
    b.add_argument("--seed", type=int, default=23)
    pa = sub.add_parser("paths")
    pa.add_argument("--as-of", required=True)
    pa.add_argument("--samples", type=int, default=60)
    pa.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    steps = {"measure": measure, "snapshot": snapshot, "quality": quality, "paths": paths, "ab": ab}
    result = steps[args.step](args)
    data = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
    data.update(
        {
            "benchmark": "time",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
    )
    data[args.label if args.step == "measure" else args.step] = result
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
