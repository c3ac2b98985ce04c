"""What Neo4j takes through Bolt on this machine: the ceiling under guanxi's loader (issue 3).

Writes ``--rels`` relationships between existing nodes in batches of ``--batch`` rows, one
transaction per batch, each way a loader could send them, and reports rows/s:

* ``lookup_only`` — the two endpoint lookups by constrained key and nothing else (no write):
  the most any relationship load of this shape can reach through one Bolt stream;
* ``merge`` — ``MERGE`` with a map of properties per row plus provenance (guanxi's loader);
* ``create`` — the same with ``CREATE`` (what a loader could use for rows it knows are new);
* ``create_columnar`` — ``CREATE`` with one list parameter per column instead of a map per row;
* ``create_columnar_2_streams`` — two of those at once from two threads of this process,
  the rows split by end node (no shared end-node locks), the rate over both.

It uses its own labels (``BenchA``/``BenchB``, type ``BENCH_T``) in the configured database
and removes them, their constraints and relationships at the end. Writes
``benchmarks/results/write_ceiling.json``.

    .venv/bin/python benchmarks/write_ceiling.py --rels 300000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import threading
import time
from pathlib import Path

from guanxi.graph.client import GraphClient

RESULTS = Path(__file__).parent / "results" / "write_ceiling.json"
A, B, T = "BenchA", "BenchB", "BENCH_T"
PROV = "x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at, x.ingested_by = $by"
ROWS = f"UNWIND $rows AS r MATCH (a:{A} {{id: r.a}}) MATCH (b:{B} {{id: r.b}}) "
COLS = (
    f"UNWIND range(0, size($a) - 1) AS i MATCH (a:{A} {{id: $a[i]}}) MATCH (b:{B} {{id: $b[i]}}) "
)
QUERIES = {
    "lookup_only": ROWS + "RETURN count(*) AS n",
    "merge": ROWS + f"MERGE (a)-[x:{T}]->(b) SET x += r.props, {PROV} RETURN count(*) AS n",
    "create": ROWS + f"CREATE (a)-[x:{T}]->(b) SET x += r.props, {PROV} RETURN count(*) AS n",
    "create_columnar": COLS + f"CREATE (a)-[x:{T}]->(b) SET x.role = $role[i], "
    f"x.since = $since[i], x.pct = $pct[i], {PROV} RETURN count(*) AS n",
}


def _implicit(client: GraphClient, text: str) -> None:
    with client.driver.session(database=client.database) as s:
        s.run(text).consume()


def _setup(client: GraphClient, n_a: int, n_b: int) -> None:
    _cleanup(client)
    for label in (A, B):
        _implicit(client, f"CREATE CONSTRAINT bench_{label} IF NOT EXISTS "
                          f"FOR (n:{label}) REQUIRE n.id IS UNIQUE")  # fmt: skip
    for label, n in ((A, n_a), (B, n_b)):
        for i in range(0, n, 20_000):
            client.run_text("bench.nodes", f"UNWIND range($lo, $hi) AS i CREATE (:{label} "
                            "{id: $p + toString(i)})", {"lo": i, "hi": min(n, i + 20_000) - 1,
                            "p": label[-1]}, write=True)  # fmt: skip


def _cleanup(client: GraphClient) -> None:
    for label in (A, B):
        _implicit(client, f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} "
                          "IN TRANSACTIONS OF 20000 ROWS")  # fmt: skip
        _implicit(client, f"DROP CONSTRAINT bench_{label} IF EXISTS")


def _clear_rels(client: GraphClient) -> None:
    _implicit(client, f"MATCH ()-[x:{T}]->() CALL (x) {{ DELETE x }} IN TRANSACTIONS OF 50000 ROWS")


def _send(client: GraphClient, kind: str, pairs: list[tuple[str, str]], batch: int) -> None:
    prov = {"source": "bench.csv", "load_id": "bench", "by": "HO",
            "loaded_at": dt.datetime.now(dt.UTC)}  # fmt: skip
    since = dt.date(2020, 1, 1)
    for i in range(0, len(pairs), batch):
        part = pairs[i : i + batch]
        if kind == "create_columnar":
            params = {"a": [a for a, _ in part], "b": [b for _, b in part],
                      "role": ["director"] * len(part), "since": [since] * len(part),
                      "pct": [1.5] * len(part)}  # fmt: skip
        else:
            props = {"role": "director", "since": since, "pct": 1.5}
            params = {"rows": [{"a": a, "b": b, "props": props} for a, b in part]}
        client.run_text(f"bench.{kind}", QUERIES[kind], {**params, **prov}, write=True)


def _count(client: GraphClient) -> int:
    return client.run_text("bench.count", f"MATCH ()-[x:{T}]->() RETURN count(x) AS n")[0]["n"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rels", type=int, default=300_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    n_a, n_b = args.rels // 2, args.rels // 6
    rng = random.Random(1)
    pairs = sorted({(f"A{rng.randrange(n_a)}", f"B{rng.randrange(n_b)}")
                    for _ in range(args.rels)})  # fmt: skip
    res: dict = {"benchmark": "write_ceiling", "rels": len(pairs), "batch": args.batch,
                 "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                 "rows_per_s": {}}  # fmt: skip
    with GraphClient() as client:
        _setup(client, n_a, n_b)
        try:
            for kind in QUERIES:
                _clear_rels(client)
                t = time.perf_counter()
                _send(client, kind, pairs, args.batch)
                rate = len(pairs) / (time.perf_counter() - t)
                written = _count(client)
                assert kind == "lookup_only" or written == len(pairs), (kind, written)
                res["rows_per_s"][kind] = round(rate)
                print(f"{kind:28s} {rate:9.0f} rows/s")
            _clear_rels(client)
            halves = [[p for p in pairs if int(p[1][1:]) % 2 == h] for h in (0, 1)]
            threads = [
                threading.Thread(target=_send, args=(client, "create_columnar", h, args.batch))
                for h in halves
            ]
            t = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            rate = len(pairs) / (time.perf_counter() - t)
            assert _count(client) == len(pairs)
            res["rows_per_s"]["create_columnar_2_streams"] = round(rate)
            print(f"{'create_columnar_2_streams':28s} {rate:9.0f} rows/s")
        finally:
            _cleanup(client)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
