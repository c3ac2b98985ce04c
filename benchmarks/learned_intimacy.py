"""The pair features of ``guanxi train``'s learned intimacy, page by page, at scale.

The write-back scores every stored ``INTIMACY`` with the trained decoder, whose input is
:class:`~guanxi.gnn.pairs.PairFeatures` of the pair (the three-path counts are the costly
part). This reads the configured database as ``guanxi train`` does (the export, the whole
graph's pair features), then the first ``--pages`` keyset pages of companies with their
``INTIMACY`` (``gnn.intimacy_page``), and times the features of each page grouped by end
labels as :func:`guanxi.gnn.infer.learned_intimacy` asks for them. Nothing is written.

    python benchmarks/learned_intimacy.py --pages 10 --graph-cache tmp/graph-1m.pt

``--graph-cache`` keeps the exported graph (``torch.save``) so that a rerun skips the
export (5.5 min at 1M companies). Results: ``benchmarks/results/learned_intimacy.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guanxi.gnn.data import export_graph  # noqa: E402
from guanxi.gnn.pairs import PairFeatures  # noqa: E402
from guanxi.graph.client import GraphClient  # noqa: E402
from guanxi.graph.paging import keyset_pages  # noqa: E402

TYPES = {"Company": "company", "Person": "person"}


def _graph(client: GraphClient, cache: Path | None):
    if cache is not None and cache.exists():
        return torch.load(cache, weights_only=False), None
    t0 = time.perf_counter()
    graph = export_graph(client)
    took = time.perf_counter() - t0
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        torch.save(graph, cache)
    return graph, took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10, help="company pages to score")
    ap.add_argument("--page-size", type=int, default=5000)
    ap.add_argument("--graph-cache", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/learned_intimacy.json")
    a = ap.parse_args()
    with GraphClient() as client:
        graph, export_s = _graph(client, a.graph_cache)
        num = {t: graph.data[t].num_nodes for t in graph.data.node_types}
        t0 = time.perf_counter()
        pairs = PairFeatures(num, {et: graph.data[et].edge_index.numpy()
                                   for et in graph.data.edge_types})  # fmt: skip
        build_s = time.perf_counter() - t0
        text = client.library.text_for("gnn.intimacy_page", LABEL="Company")
        pages = []
        for i, page in enumerate(keyset_pages(client, "gnn.intimacy_page", a.page_size,
                                              text=text)):  # fmt: skip
            if i >= a.pages:
                break
            frame = pd.DataFrame(page["rels"], columns=["rid", "source_id", "target_id",
                                                        "target_label", "source_eid",
                                                        "target_eid"])  # fmt: skip
            t0, rows = time.perf_counter(), 0
            for tl, part in frame.groupby("target_label"):
                s = graph.index("company", part["source_id"].astype(str))
                t = graph.index(TYPES[tl], part["target_id"].astype(str))
                ok = (s >= 0) & (t >= 0)
                pairs.scores("company", TYPES[tl], s[ok], t[ok])
                rows += int(ok.sum())
            took = time.perf_counter() - t0
            pages.append({"rows": rows, "seconds": round(took, 2)})
            print(f"page {i + 1}: {rows} pairs in {took:.1f} s", file=sys.stderr, flush=True)
    rows = sum(p["rows"] for p in pages)
    secs = sum(p["seconds"] for p in pages)
    res = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_avg_1m": round(os.getloadavg()[0], 2)},  # fmt: skip
        "nodes": num,
        "export_s": round(export_s, 1) if export_s is not None else None,
        "graph_from_cache": str(a.graph_cache) if export_s is None else None,
        "pair_features_build_s": round(build_s, 1),
        "pages": pages,
        "rows": rows,
        "seconds": round(secs, 1),
        "rows_per_s": round(rows / secs) if secs else None,
        "median_page_rows_per_s": float(np.median([p["rows"] / max(p["seconds"], 1e-9)
                                                   for p in pages])) if pages else None,
    }  # fmt: skip
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2), encoding="utf-8")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
