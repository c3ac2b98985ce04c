"""Load throughput: guanxi's Bolt loader vs Neo4j's own LOAD CSV, side by side.

For each size it generates the synthetic network (``guanxi generate``), wipes the database,
loads the folder with :func:`guanxi.loaders.load` (rows/s per family), then deletes the
relationships and loads the same relationship files through ``LOAD CSV … CALL {} IN
TRANSACTIONS`` from the server's import directory. Writes ``benchmarks/results/load.json``.

    python benchmarks/load.py --companies 10000 100000 [--batch-size 10000]
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import shutil
import tempfile
import time
from pathlib import Path

from guanxi.config import get_settings
from guanxi.graph.admin import init_schema, wipe
from guanxi.graph.client import GraphClient, translate_errors
from guanxi.loaders import load
from guanxi.loaders.synthetic.generate import generate as generate_network
from guanxi.loaders.synthetic.world import GeneratorConfig

log = logging.getLogger("benchmarks.load")
RESULTS = Path(__file__).parent / "results" / "load.json"
PEER = {"shareholdings": "HOLDS_SHARES", "positions": "SERVES_AS", "supply": "SUPPLIES",
        "guarantees": "GUARANTEES"}  # fmt: skip
REL_FAMILIES = set(PEER) | {"payments", "flows", "customers", "manages", "product_holdings",
                            "contacts"}  # fmt: skip


def generate(n: int, out: Path, seed: int = 7) -> str:
    """Write the synthetic network (``guanxi generate``); returns what wrote it."""
    generate_network(GeneratorConfig(companies=n, seed=seed), out, force=True)
    return f"guanxi generate --companies {n} --seed {seed}"


def run_autocommit(client: GraphClient, name: str, **params: object) -> float:
    """Run a named query in an auto-commit transaction (needed by CALL {} IN TRANSACTIONS);
    returns seconds."""
    from neo4j import Query

    q = client.library[name]
    t = time.perf_counter()
    with translate_errors(repr(name)), client.driver.session(database=client.database) as s:
        s.run(Query(q.text, metadata={"app": "guanxi", "query": name}), params).consume()
    return time.perf_counter() - t


def delete_rels(client: GraphClient, rel_type: str) -> None:
    while client.write("load.delete_rels", type=rel_type, limit=50_000)[0]["deleted"]:
        pass


def bench(client: GraphClient, n: int, batch: int, work: Path) -> dict:
    folder = work / f"net{n}"
    gen = generate(n, folder)
    wipe(client)
    report = load(client, [folder], batch_size=batch)
    fams = {k: {"rows": v.written, "seconds": round(v.elapsed_s, 3),
                "rows_per_s": round(v.rows_per_s)} for k, v in report.families.items()}  # fmt: skip
    rel = {k: v for k, v in report.families.items() if k in REL_FAMILIES}
    rel_rows = sum(v.written for v in rel.values())
    rel_s = sum(v.elapsed_s for v in rel.values())
    t = time.perf_counter()
    load(client, [folder], batch_size=batch)
    rerun_s = time.perf_counter() - t
    import_dir = get_settings().home_dir / "neo4j" / "import"
    peer: dict[str, dict] = {}
    for fam, rel_type in PEER.items():
        src = folder / f"{fam}.csv"
        if not src.exists():
            continue
        shutil.copy(src, import_dir / src.name)
        delete_rels(client, rel_type)
        secs = run_autocommit(client, f"load.peer_{fam}", file=f"file:///{src.name}", batch=batch)
        rows = report.families[fam].written
        peer[fam] = {"rows": rows, "seconds": round(secs, 3), "rows_per_s": round(rows / secs)}
        (import_dir / src.name).unlink()
    bolt_same = sum(report.families[f].written for f in peer)
    bolt_same_s = sum(report.families[f].elapsed_s for f in peer)
    peer_rate = sum(p["rows"] for p in peer.values()) / sum(p["seconds"] for p in peer.values())
    bolt_rate = bolt_same / bolt_same_s
    return {
        "companies": n, "generator": gen, "batch_size": batch,
        "families": fams, "validate_s": round(report.validate_s, 3),
        "total_s": round(report.elapsed_s, 3), "rerun_s": round(rerun_s, 3),
        "relationships_per_s": round(rel_rows / rel_s),
        "load_csv": peer, "load_csv_rels_per_s": round(peer_rate),
        "bolt_rels_per_s_same_families": round(bolt_rate),
        "ratio_vs_load_csv": round(bolt_rate / peer_rate, 3),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    runs = []
    with GraphClient() as client, tempfile.TemporaryDirectory() as tmp:
        init_schema(client)
        for n in args.companies:
            runs.append(bench(client, n, args.batch_size, Path(tmp)))
            print(json.dumps(runs[-1], ensure_ascii=False))
        wipe(client)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "load", "machine": {"cpus": __import__("os").cpu_count(),
                                         "python": platform.python_version()},
        "targets": {"bolt_rels_per_s": 50_000, "ratio_vs_load_csv": 0.7}, "runs": runs,
    }, indent=2, ensure_ascii=False), encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
