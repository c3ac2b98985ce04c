"""Batch scoring phase by phase, in the order and with the hand-offs of ``guanxi score``
(issue #21).

``guanxi score`` at 1M companies takes longer than one sitting; this runs the same functions
as ``scoring.batch.run_scoring``, in the same order, freeing what it frees, against the
configured database, and times each phase with the resident memory of this process (now and
peak):

- ``read``: the whole party graph in keyset pages (``party_read.party_frames``);
- ``centrality``: the projection from those frames, PageRank, sampled betweenness
  (``--pivots`` of them, the time projected onto the 256 of ``guanxi score``) and weighted
  degree on arrays, and their write-back (``write_centrality``);
- ``arrays``: the party arrays and the contact graph built, then the frames dropped;
- ``intimacy``: the array scorer's set-up and its chunks of candidate pairs
  (``--score-chunks``, 0: all; the time per pair projected onto every pair; ``--sample N``
  scores N pairs in 200 evenly spaced runs instead of the first ones, which at 1M are the
  pairs of the largest hubs), the first
  ``--write-chunks`` chunks also written
  (``batch.write_intimacy``), the write rate of those rows projected onto every kept pair;
  then the arrays dropped;
- ``contacts``: key contacts ranked company by company and written a page at a time by one
  worker per core (``ContactRanker``, ``contact_workers.rank_and_write``); with
  ``--contact-companies N`` only the first N, in this process (the time projected onto
  every company).

The whole-run estimate is the sum of the phases with the projected parts. Rows written here
carry the run id ``bench-phases``; a later ``guanxi score`` replaces them.

    GUANXI_HOME=.guanxi/s1m ... .venv/bin/python benchmarks/score_phases.py \\
        --out benchmarks/results/score_phases-1m.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3
RUN_ID = "bench-phases"


def _rss() -> dict:
    """This process's resident memory now and its peak so far, in GiB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"rss_gib": round(now / GIB, 2), "peak_rss_gib": round(peak / GIB, 2)}


def _save(out: dict, path: Path) -> None:
    """Write what is measured so far (a run the kernel kills keeps its finished phases)."""
    out["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)
    out["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["phases"]), flush=True)


def _centrality(client, nodes, edges, pivots: int) -> tuple[dict, dict]:
    from guanxi.scoring.centrality import (
        TYPE_WEIGHTS,
        betweenness,
        pagerank,
        weighted_degree,
        write_centrality,
    )
    from guanxi.scoring.projection import Projection, centrality_edges

    t = time.perf_counter()
    proj = Projection.from_edges(centrality_edges(nodes, edges, TYPE_WEIGHTS))
    proj_s = time.perf_counter() - t
    t = time.perf_counter()
    prank = pagerank(proj.matrix, symmetric=proj.symmetric)
    pr_s = time.perf_counter() - t
    t = time.perf_counter()
    btw = betweenness(proj.matrix, pivots=pivots)
    bt_s = time.perf_counter() - t
    cen = pd.DataFrame({"node_id": proj.ids, "pagerank": prank, "betweenness": btw,
                        "weighted_degree": weighted_degree(proj.matrix)})  # fmt: skip
    del proj
    t = time.perf_counter()
    n = write_centrality(client, cen, nodes, RUN_ID)
    write_s = time.perf_counter() - t
    bt_256 = bt_s * 256 / pivots  # one BFS and one dependency pass per pivot
    phase = {
        "seconds": round(proj_s + pr_s + bt_256 + write_s, 1),
        "projection_s": round(proj_s, 1),
        "pagerank_s": round(pr_s, 1),
        "pivots": pivots,
        "betweenness_s": round(bt_s, 1),
        "betweenness_256_pivots_s": round(bt_256, 1),
        "write_s": round(write_s, 1),
        "nodes_written": n,
    }
    return phase, dict(zip(cen["node_id"], cen["pagerank"], strict=True))


def _intimacy(client, pa, today: date, a: argparse.Namespace) -> dict:
    from guanxi.scoring.batch import write_intimacy
    from guanxi.scoring.intimacy_arrays import intimacy_chunks
    from guanxi.scoring.party_arrays import candidate_pairs

    chunk_s: list[float] = []
    pairs: list[int] = []
    write_s = 0.0
    kept = written = 0
    seen = {"total": 0, "done": 0}

    def progress(done: int, total: int) -> None:
        seen["total"] = total
        pairs.append(done - seen["done"])
        seen["done"] = done

    t = time.perf_counter()
    cand = candidate_pairs(pa, 50)
    setup = time.perf_counter() - t
    total = len(cand)
    if a.sample:  # evenly spaced runs of pairs: hubs' pairs come first in code order
        runs = np.linspace(0, total - 1000, 200).astype(np.int64)
        take = max(1, a.sample // 200)
        cand = np.unique(np.concatenate([cand[r : r + take] for r in runs]))
    size = max(1000, a.sample // 8) if a.sample else 500_000  # several chunks to time
    it = intimacy_chunks(pa, today, two_hop_min=a.two_hop_min, progress=progress, pairs=cand,
                         chunk=size)  # fmt: skip
    while a.score_chunks == 0 or len(chunk_s) < a.score_chunks:
        t = time.perf_counter()
        part = next(it, None)
        if part is None:
            break
        chunk_s.append(time.perf_counter() - t)
        kept += len(part)
        if len(chunk_s) <= a.write_chunks:
            t = time.perf_counter()
            written += write_intimacy(client, part, RUN_ID)
            write_s += time.perf_counter() - t
        print(f"chunk {len(chunk_s)}: {chunk_s[-1]:.1f} s, {pairs[-1]} pairs, {len(part)} kept",
              flush=True)  # fmt: skip
    # chunks differ in size (split by their ends' neighbours): project per pair scored;
    # the first chunk also builds the weight and shared-neighbour matrices
    per_pair = sum(chunk_s[1:]) / max(sum(pairs[1:]), 1)
    setup += chunk_s[0] - per_pair * pairs[0] if len(chunk_s) > 1 else chunk_s[0]
    rate = written / write_s if write_s else None
    kept_all = kept * total / max(seen["done"], 1)  # the pairs scored stand for all
    return {
        "candidate_pairs": total,
        "sample": a.sample,
        "two_hop_min": a.two_hop_min,
        "chunks_scored": len(chunk_s),
        "pairs_scored": seen["done"],
        "setup_s": round(setup, 1),
        "us_per_pair": round(per_pair * 1e6, 2),
        "score_s": round(setup + per_pair * total, 1),
        "pairs_kept_in_scored": kept,
        "pairs_kept_projected": round(kept_all),
        "rows_written": written,
        "write_s": round(write_s, 1),
        "write_rows_per_s": round(rate) if rate else None,
        "projected_write_s": round(kept_all / rate, 1) if rate else None,
    }


def _contacts(client, g, pr: dict, today: date, limit: int) -> dict:
    from guanxi.scoring.batch_contacts import ContactRanker
    from guanxi.scoring.contact_workers import (
        rank_and_write,
        ranking_processes,
        write_contact_pages,
    )

    companies = sum(1 for x in g.labels if x == "Company")
    t = time.perf_counter()
    ranker = ContactRanker(g, pr, 5, today)
    setup_s = time.perf_counter() - t
    t = time.perf_counter()
    if limit:  # the first companies, in this process (as a share of the whole)
        ranked = itertools.islice(ranker.rank(ranker.companies()), limit)
        done, n_kc = write_contact_pages(client, ranked, RUN_ID)
        processes = 1
    else:
        done, n_kc = rank_and_write(ranker, client, RUN_ID, say=print)
        processes = ranking_processes(companies)
    run_s = time.perf_counter() - t
    share = companies / max(done, 1)  # companies with a candidate stand for all
    return {
        "companies": companies,
        "companies_ranked": done,
        "processes": processes,
        "setup_s": round(setup_s, 1),
        "rank_and_write_s": round(run_s, 1),
        "key_contacts_written": n_kc,
        "seconds": round(setup_s + run_s * (share if limit else 1), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-chunks", type=int, default=4, help="intimacy chunks written")
    ap.add_argument("--score-chunks", type=int, default=0, help="intimacy chunks scored (0: all)")
    ap.add_argument("--sample", type=int, default=0,
                    help="intimacy pairs scored, 200 runs across all (0: in order)")  # fmt: skip
    ap.add_argument("--contact-companies", type=int, default=0,
                    help="companies ranked and written (0: all)")  # fmt: skip
    ap.add_argument("--phases", default="centrality,intimacy,contacts")
    ap.add_argument("--two-hop-min", type=float, default=None,
                    help="as guanxi score --two-hop-min")  # fmt: skip
    ap.add_argument("--pivots", type=int, default=256,
                    help="betweenness pivots timed (the figure is projected onto 256)")  # fmt: skip
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/score_phases.json")
    a = ap.parse_args()
    phases = a.phases.split(",")

    from guanxi.graph.client import GraphClient
    from guanxi.scoring.batch import CONTACT_TYPES, _release
    from guanxi.scoring.contact_graph import ContactGraph
    from guanxi.scoring.party_arrays import party_arrays
    from guanxi.scoring.party_read import party_frames

    out: dict = {"benchmark": "score_phases", "command": " ".join(os.sys.argv), "phases": {}}
    ph = out["phases"]
    today = date.today()
    with GraphClient() as client:
        t = time.perf_counter()
        nodes, edges = party_frames(client)
        out["parties"], out["relationships"] = len(nodes), len(edges)
        ph["read"] = {"seconds": round(time.perf_counter() - t, 1), **_rss()}
        _save(out, a.out)
        pr: dict[str, float] = {}
        if "centrality" in phases:
            ph["centrality"], pr = _centrality(client, nodes, edges, a.pivots)
            ph["centrality"].update(_rss())
            _save(out, a.out)
        t = time.perf_counter()
        g = ContactGraph(nodes, edges[edges["rel_type"].isin(CONTACT_TYPES)])
        pa = party_arrays(nodes, edges, today)
        del nodes, edges
        _release()
        ph["arrays"] = {"seconds": round(time.perf_counter() - t, 1), **_rss()}
        _save(out, a.out)
        if "intimacy" in phases:
            ph["intimacy"] = {**_intimacy(client, pa, today, a), **_rss()}
            _save(out, a.out)
        del pa
        _release()
        if "contacts" in phases:
            ph["contacts"] = {**_contacts(client, g, pr, today, a.contact_companies), **_rss()}
            _save(out, a.out)
    if all(k in ph for k in ("centrality", "intimacy", "contacts")):
        inti = ph["intimacy"]
        parts = [ph[k]["seconds"] for k in ("read", "centrality", "arrays", "contacts")]
        est = sum(parts) + inti["score_s"] + (inti["projected_write_s"] or 0)
        out["estimated_score_min"] = round(est / 60, 1)
    out["complete"] = True
    _save(out, a.out)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
