"""The soak run, short: ``benchmarks/soak.py``'s machinery for ~20 s with 10 clients
against a real ``guanxi serve`` (1 worker) on a generated 300-company network.

It asserts what a noisy machine cannot change: no errors, every endpoint of the mix
exercised, the worker alive, the JSON written. Latency and memory growth are reported in
the JSON but not asserted. Random unit vectors stand in for ``guanxi train``'s embeddings
so that the lookalikes share runs too.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.pipeline import build_network

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "benchmarks" / "soak.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("soak", mod)
    spec.loader.exec_module(mod)
    return mod


def _fake_embeddings(client: GraphClient, dims: int = 64) -> None:
    rng = random.Random(7)
    rows = []
    for (cid,) in client.console("MATCH (c:Company) RETURN c.id")["rows"]:
        v = [rng.gauss(0, 1) for _ in range(dims)]
        n = sum(x * x for x in v) ** 0.5
        rows.append({"id": cid, "v": [x / n for x in v]})
    client.console(
        "UNWIND $rows AS r MATCH (c:Company {id: r.id}) SET c.embedding = r.v",
        {"rows": rows},
        allow_write=True,
    )


def test_soak_short(db: GraphClient, settings: Settings, tmp_path: Path) -> None:
    soak = _soak_module()
    build_network(db, tmp_path / "data", companies=300)
    _fake_embeddings(db)
    opts = soak.SoakOptions(
        duration_s=20, warmup_s=5, clients=10, workers=1, sample_s=1, timeout_s=30
    )

    result = soak.run_soak(settings, opts, tmp_path / "run", say=lambda _: None)
    soak.write_result(result, tmp_path / "soak.json")

    stats = result["endpoints"]
    errors = {ep: s["error_samples"] for ep, s in stats.items() if s["errors"]}
    assert result["errors"] == 0, (errors, result.get("server_log_tail"))
    assert result["skipped"] == {}
    assert set(result["mix"]) == set(soak.DEFAULT_MIX)
    assert {ep for ep, s in stats.items() if s["measured_requests"] > 0} == set(soak.DEFAULT_MIX)
    assert result["pass"]["errors"] and result["pass"]["all_endpoints"]
    assert result["pass"]["workers_alive"]
    workers = [p for p in result["memory"]["processes"] if p["role"] == "worker"]
    assert len(workers) == 1 and workers[0]["end_mib"] > 0
    written = json.loads((tmp_path / "soak.json").read_text())
    assert written["endpoints"].keys() == stats.keys()
    assert written["callers"] == {"role": "analyst", "branch": "HO", "users": 10}
