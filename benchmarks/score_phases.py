"""Batch scoring phase by phase, with a time budget for the intimacy write-back (issue #21).

``guanxi score`` at 1M companies takes hours on 2 cores, longer than one sitting; this runs
the same functions as ``scoring.batch.run_scoring`` one phase at a time against the
configured database and times each with the peak RSS of this process:

- ``read``: the whole party graph in keyset pages (``party_read.party_frames``);
- ``centrality``: the projection, PageRank, sampled betweenness (``--pivots`` of them, the
  time projected onto the 256 of ``guanxi score``) and weighted degree on arrays, and their
  write-back (``write_centrality``);
- ``intimacy``: the array scorer's set-up and chunks of 500,000 candidate pairs
  (``--score-chunks``, 0: all; the time per chunk projected onto every chunk, the chunks
  being alike in size), the first ``--write-chunks`` chunks also written
  (``batch.write_intimacy``), the write rate of those rows projected onto every kept pair;
- ``contacts``: key contacts of every company (``graph_contacts`` on a ``ContactGraph``),
  not written.

The whole-run estimate is read + centrality + intimacy (scoring + projected writes) +
contacts (+ their write-back at the measured intimacy write rate). Rows written here carry
the run id ``bench-phases``; a later ``guanxi score`` replaces them.

    GUANXI_HOME=.guanxi/s1m ... .venv/bin/python benchmarks/score_phases.py \\
        --out benchmarks/results/score_phases-1m.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3


def _rss_gib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB, 2)


def _save(out: dict, path: Path) -> None:
    """Write what is measured so far (a run the kernel kills keeps its finished phases)."""
    out["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)
    out["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["phases"]), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-chunks", type=int, default=4, help="intimacy chunks written")
    ap.add_argument("--score-chunks", type=int, default=0, help="intimacy chunks scored (0: all)")
    ap.add_argument("--phases", default="read,centrality,intimacy,contacts")
    ap.add_argument("--two-hop-min", type=float, default=None,
                    help="as guanxi score --two-hop-min")  # fmt: skip
    ap.add_argument("--pivots", type=int, default=256,
                    help="betweenness pivots timed (the figure is projected onto 256)")  # fmt: skip
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/score_phases.json")
    a = ap.parse_args()
    phases = a.phases.split(",")

    from guanxi.graph.client import GraphClient
    from guanxi.scoring.batch import CONTACT_TYPES, graph_contacts, write_intimacy
    from guanxi.scoring.centrality import (
        TYPE_WEIGHTS,
        betweenness,
        pagerank,
        weighted_degree,
        write_centrality,
    )
    from guanxi.scoring.contact_graph import ContactGraph
    from guanxi.scoring.intimacy_arrays import iter_intimacy
    from guanxi.scoring.projection import fetch_frames, fetch_projection

    out: dict = {"benchmark": "score_phases", "phases": {}}
    run_id = "bench-phases"
    with GraphClient() as client:
        t = time.perf_counter()
        nodes, edges = fetch_frames(client, run_id)
        out["parties"], out["relationships"] = len(nodes), len(edges)
        out["phases"]["read"] = {
            "seconds": round(time.perf_counter() - t, 1),
            "rss_gib": _rss_gib(),
        }
        _save(out, a.out)
        pr: dict[str, float] = {}
        if "centrality" in phases:
            t = time.perf_counter()
            proj = fetch_projection(client, TYPE_WEIGHTS, run_id)
            proj_s = time.perf_counter() - t
            t0 = time.perf_counter()
            prank = pagerank(proj.matrix, symmetric=proj.symmetric)
            pr_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            btw = betweenness(proj.matrix, pivots=a.pivots)
            bt_s = time.perf_counter() - t0
            cen = pd.DataFrame({"node_id": proj.ids, "pagerank": prank, "betweenness": btw,
                                "weighted_degree": weighted_degree(proj.matrix)})  # fmt: skip
            t0 = time.perf_counter()
            n = write_centrality(client, cen, nodes, run_id)
            write_s = time.perf_counter() - t0
            pr = dict(zip(cen["node_id"], cen["pagerank"], strict=True))
            bt_256 = bt_s * 256 / a.pivots  # one BFS and one dependency pass per pivot
            out["phases"]["centrality"] = {
                "seconds": round(proj_s + pr_s + bt_256 + write_s, 1),
                "projection_s": round(proj_s, 1),
                "pagerank_s": round(pr_s, 1),
                "pivots": a.pivots,
                "betweenness_s": round(bt_s, 1),
                "betweenness_256_pivots_s": round(bt_256, 1),
                "write_s": round(write_s, 1),
                "nodes_written": n,
                "rss_gib": _rss_gib(),
            }
            _save(out, a.out)
        if "intimacy" in phases:
            chunk_s: list[float] = []
            write_s = 0.0
            kept = written = 0
            seen = {"total": 0}

            def progress(done: int, total: int) -> None:
                seen["total"] = total

            it = iter_intimacy(nodes, edges, two_hop_min=a.two_hop_min, progress=progress)
            while a.score_chunks == 0 or len(chunk_s) < a.score_chunks:
                t0 = time.perf_counter()
                part = next(it, None)
                if part is None:
                    break
                chunk_s.append(time.perf_counter() - t0)
                kept += len(part)
                if len(chunk_s) <= a.write_chunks:
                    t0 = time.perf_counter()
                    written += write_intimacy(client, part, run_id)
                    write_s += time.perf_counter() - t0
                print(f"chunk {len(chunk_s)}: {chunk_s[-1]:.1f} s, {len(part)} kept", flush=True)
            n_chunks = -(-seen["total"] // 500_000)
            per_chunk = sum(chunk_s[1:]) / max(len(chunk_s) - 1, 1)
            setup = chunk_s[0] - per_chunk if len(chunk_s) > 1 else chunk_s[0]
            rate = written / write_s if write_s else None
            kept_all = kept * n_chunks / len(chunk_s)  # the chunks scored stand for all
            out["phases"]["intimacy"] = {
                "candidate_pairs": seen["total"],
                "two_hop_min": a.two_hop_min,
                "chunks": n_chunks,
                "chunks_scored": len(chunk_s),
                "setup_s": round(setup, 1),
                "chunk_s": round(per_chunk, 1),
                "score_s": round(setup + per_chunk * n_chunks, 1),
                "pairs_kept_in_scored": kept,
                "pairs_kept_projected": round(kept_all),
                "rows_written": written,
                "write_s": round(write_s, 1),
                "write_rows_per_s": round(rate) if rate else None,
                "projected_write_s": round(kept_all / rate, 1) if rate else None,
                "rss_gib": _rss_gib(),
            }
            _save(out, a.out)
        if "contacts" in phases:
            t = time.perf_counter()
            g = ContactGraph(nodes, edges[edges["rel_type"].isin(CONTACT_TYPES)])
            contacts = graph_contacts(g, pr)
            n_kc = sum(len(v) for v in contacts.values())
            out["phases"]["contacts"] = {
                "seconds": round(time.perf_counter() - t, 1),
                "key_contacts": n_kc,
                "rss_gib": _rss_gib(),
            }
            _save(out, a.out)
        ph = out["phases"]
        inti = ph.get("intimacy", {})
        rate = inti.get("write_rows_per_s")
        if all(k in ph for k in ("centrality", "intimacy", "contacts")) and rate:
            est = (
                ph["read"]["seconds"]
                + ph["centrality"]["seconds"]
                + inti["score_s"]
                + inti["projected_write_s"]
                + ph["contacts"]["seconds"]
                + ph["contacts"]["key_contacts"] / rate
            )
            out["estimated_score_min"] = round(est / 60, 1)
    out["complete"] = True
    _save(out, a.out)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
