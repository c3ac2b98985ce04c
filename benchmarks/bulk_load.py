"""Bulk first load: ``guanxi load --bulk`` (Neo4j's offline importer) per phase.

For each size it generates the synthetic network (``guanxi generate --seed 7``) unless
``--data`` names a folder that holds it already (``data/bench-<N>`` is reused when
present), empties the local test database, bulk-loads the folder and reports nodes/s,
relationships/s over the whole load, the phases (check, validate, convert, stop, import,
start, indexes), the peak RSS of this Python process and of the importer JVM (its own
report's "Peak memory usage" too), and the machine's load average before and after (the
machine is shared). With ``--compare-bolt`` the database is then wiped and the same folder
loaded through Bolt (:func:`guanxi.loaders.load`): node counts per label and relationship
counts per type must be equal. Writes ``benchmarks/results/bulk_load.json``.

    python benchmarks/bulk_load.py --companies 10000 100000 [--compare-bolt] [--data DIR]

The database (``GUANXI_HOME``'s local server) is wiped: run it against a test home.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import resource
import time
from pathlib import Path

from guanxi.config import get_settings
from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.bulk import bulk_load
from guanxi.loaders.synthetic.generate import generate as generate_network
from guanxi.loaders.synthetic.world import GeneratorConfig

log = logging.getLogger("benchmarks.bulk_load")
ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "bulk_load.json"
TARGET_RELS_PER_S = 100_000


def folder_for(n: int, data: Path | None, seed: int = 7) -> tuple[Path, str]:
    """The network of ``n`` companies: ``data`` or ``data/bench-<n>`` when it holds a
    manifest, else generated there; returns the folder and how it was made."""
    folder = data or ROOT / "data" / f"bench-{n}"
    if (folder / "manifest.json").exists():
        return folder, f"reused {folder}"
    t = time.perf_counter()
    generate_network(GeneratorConfig(companies=n, seed=seed), folder, force=True)
    return folder, f"guanxi generate --companies {n} --seed {seed} ({time.perf_counter() - t:.0f}s)"


def counts(client: GraphClient) -> tuple[dict[str, int], dict[str, int]]:
    labels = {r["label"]: r["count"] for r in client.read("admin.label_counts") if r["count"]}
    types = {r["type"]: r["count"] for r in client.read("admin.rel_type_counts") if r["count"]}
    return labels, types


def _rss_mib(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: KiB


def _importer_peak() -> str | None:
    log_file = get_settings().home_dir / "neo4j" / "logs" / "import.log"
    if not log_file.exists():
        return None
    m = re.search(r"Peak memory usage: (\S+)", log_file.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def bench(n: int, data: Path | None, compare_bolt: bool) -> dict:
    folder, made = folder_for(n, data)
    with GraphClient() as client:
        wipe(client)
    load_before = os.getloadavg()
    report = bulk_load([folder])
    load_after = os.getloadavg()
    out = {
        "companies": n, "data": made, "load_id": report.load_id,
        "nodes": report.nodes, "relationships": report.relationships,
        "elapsed_s": round(report.elapsed_s, 2),
        "nodes_per_s": round(report.nodes / report.elapsed_s),
        "relationships_per_s": round(report.relationships_per_s),
        "relationships_per_s_import_only": round(
            report.relationships / report.phases["import"]),
        "phases_s": {k: round(v, 2) for k, v in report.phases.items()},
        "files": report.files,
        # the importer JVM's RSS is not measurable through getrusage (a forked child starts
        # with the parent's pages): its own report's peak is given instead
        "peak_rss_mib": {"python": _rss_mib(resource.RUSAGE_SELF),
                         "importer_reported": _importer_peak()},
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "target_relationships_per_s": TARGET_RELS_PER_S,
    }  # fmt: skip
    with GraphClient() as client:  # a new driver: the new store's bookmarks start afresh
        bulk_counts = counts(client)
        out["labels"], out["types"] = bulk_counts
        if compare_bolt:
            wipe(client)
            t = time.perf_counter()
            load(client, [folder])
            bolt_counts = counts(client)
            out["bolt"] = {"elapsed_s": round(time.perf_counter() - t, 2),
                           "equal_counts": bolt_counts == bulk_counts,
                           "labels": bolt_counts[0], "types": bolt_counts[1]}  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--data", type=Path, default=None, help="folder holding the network")
    ap.add_argument("--compare-bolt", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    runs = []
    previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    kept = {r["companies"]: r for r in previous.get("runs", [])}
    for n in args.companies:
        kept[n] = bench(n, args.data if len(args.companies) == 1 else None, args.compare_bolt)
        print(json.dumps(kept[n], ensure_ascii=False))
    runs = [kept[k] for k in sorted(kept)]
    s = get_settings()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "bulk_load",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "importer": {"heap": s.import_heap, "max_off_heap_memory": s.import_off_heap,
                     "threads": s.import_threads, "chunk_rows": s.import_chunk_rows},
        "target": {"relationships_per_s": TARGET_RELS_PER_S, "at_companies": 1_000_000},
        "runs": runs,
    }, indent=2, ensure_ascii=False), encoding="utf-8")  # fmt: skip


if __name__ == "__main__":
    main()
