"""The demo pipeline: every stage, in order, on fresh synthetic data.

schema → generate (seeded) → validate + load → batch scoring (centrality, intimacy,
key contacts) → GNN training with embeddings and lookalikes (optional) → demo API users.
:func:`build_network` is the part without the GNN, shared with the benchmarks and the
notebook tests.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guanxi.access.users import UserStore
from guanxi.config import Settings
from guanxi.graph.admin import init_schema, wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.synthetic.generate import generate
from guanxi.loaders.synthetic.world import GeneratorConfig
from guanxi.scoring.batch import run_scoring
from guanxi.scoring.projection import clear_cache

__all__ = ["run_demo", "build_network"]

log = logging.getLogger(__name__)


def build_network(
    client: GraphClient,
    data_dir: Path,
    companies: int,
    seed: int = 7,
    say: Callable[[str], None] = log.info,
) -> dict[str, Any]:
    """Schema, wipe, generate ``companies`` synthetic companies into ``data_dir``, load them
    and run batch scoring. Used by the demo, the benchmarks and the notebook tests.
    Returns timings, the rows written and the scoring run id."""
    out: dict[str, Any] = {}
    say("Applying the schema …")
    init_schema(client)
    say("Clearing the database …")
    wipe(client)
    clear_cache()
    say(f"Generating {companies} synthetic companies (seed {seed}) in {data_dir} …")
    t0 = time.perf_counter()
    generate(GeneratorConfig(companies=companies, seed=seed), data_dir, force=True)
    out["generate_s"] = round(time.perf_counter() - t0, 1)
    say("Validating and loading …")
    report = load(client, [data_dir])
    out["loaded rows"] = report.written
    out["load_s"] = round(report.elapsed_s, 1)
    say("Scoring: centrality, intimacy, key contacts …")
    t0 = time.perf_counter()
    scored = run_scoring(client, say=say)
    out["score_s"] = round(time.perf_counter() - t0, 1)
    out["scoring run"] = scored.get("run_id")
    return out


def run_demo(
    settings: Settings,
    companies: int = 2000,
    seed: int = 7,
    say: Callable[[str], None] = log.info,
    train: bool = True,
) -> dict[str, Any]:
    """Wipe the database, build the network (:func:`build_network`), train the GNN and
    create demo users. Returns a summary for the console, including the demo keys."""
    with GraphClient(settings) as client:
        client.verify()
        summary = build_network(client, settings.home_dir / "demo-data", companies, seed, say)
        if train:
            # imported here, not at the top: guanxi.gnn.runs loads torch and torch_geometric
            # (seconds and some hundred MB), which build_network's users (benchmarks, the
            # notebook and soak tests) and `run_demo(train=False)` never need
            from guanxi.gnn.runs import train_and_publish
            from guanxi.gnn.train import TrainConfig

            say("Training the GNN (embeddings, lookalikes, learned intimacy) …")
            t0 = time.perf_counter()
            train_and_publish(client, settings.home_dir, TrainConfig(epochs=2))
            summary["train_s"] = round(time.perf_counter() - t0, 1)
        counts = client.read("admin.counts")[0]
        summary["nodes"] = counts["nodes"]
        summary["relationships"] = counts["relationships"]
        branch = client.read("demo.first_branch")
        store = UserStore(settings)
        summary["admin key (HO)"] = store.add("demo-admin", "admin", "HO")
        if branch:
            b = branch[0]["id"]
            summary[f"RM key ({b})"] = store.add("demo-rm", "rm", b)
            summary[f"analyst key ({b})"] = store.add("demo-analyst", "analyst", b)
    return summary
