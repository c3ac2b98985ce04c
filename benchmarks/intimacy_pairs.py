"""What the stored intimacy pairs are (issue #21): how many are directly linked and how many
two hops apart, how the two-hop ones spread over ``--two-hop-min`` thresholds, and how many
score exactly 0.3 (one shared employer or one shared executive: w 0.6 × s 0.5, two
relationships the graph already holds). Reads the ``INTIMACY`` of the configured database
(run ``guanxi score`` first; the thresholds above the one it ran with are what a higher
``--two-hop-min`` would have kept) and writes ``benchmarks/results/intimacy_pairs.json``.

    GUANXI_HOME=.guanxi/bench GUANXI_BOLT_PORT=7689 .venv/bin/python \\
        benchmarks/intimacy_pairs.py
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.scoring.projection import PARTY_REL_TYPES

RESULTS = Path(__file__).parent / "results" / "intimacy_pairs.json"
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
COUNT = (
    "MATCH (a)-[i:INTIMACY]->(b)\n"
    "WITH i.score AS s, EXISTS { (a)-[r]-(b) WHERE type(r) IN $types } AS direct\n"
    "RETURN direct, count(*) AS n, sum(CASE WHEN s = 0.3 THEN 1 ELSE 0 END) AS exactly_03, "
    + ", ".join(
        f"sum(CASE WHEN s >= {t} THEN 1 ELSE 0 END) AS at_{k}" for k, t in enumerate(THRESHOLDS)
    )  # fmt: skip
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    client = GraphClient(Settings())
    t = time.perf_counter()
    rows = client.run_text("bench.intimacy_pairs", COUNT, {"types": list(PARTY_REL_TYPES)})
    if not rows:
        raise SystemExit("no INTIMACY in this database: run guanxi score first")
    by = {("direct" if r["direct"] else "two_hop"): r for r in rows}
    empty = {"n": 0, "exactly_03": 0, **{f"at_{k}": 0 for k in range(len(THRESHOLDS))}}
    two = by.get("two_hop", empty)
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "home": str(Settings().home),
        "read_s": round(time.perf_counter() - t, 1),
        "stored": sum(r["n"] for r in rows),
        "directly_linked": by["direct"]["n"] if "direct" in by else 0,
        "two_hops_apart": two["n"],
        "two_hop_exactly_0_3": two["exactly_03"],
        "two_hop_at_least": {str(t): two[f"at_{k}"] for k, t in enumerate(THRESHOLDS)},
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
