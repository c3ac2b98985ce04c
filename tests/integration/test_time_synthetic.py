"""Time on the synthetic network: the second snapshot of ``guanxi generate
--second-snapshot`` has known changes (ground_truth.json ``snapshot_changes``); after the
base load and the snapshot load, the change events have recall and precision 1.0. Loading
two snapshots in either order gives the same versions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from guanxi.graph.client import GraphClient
from guanxi.loaders import load, load_frames
from guanxi.loaders.synthetic import GeneratorConfig, generate
from guanxi.loaders.synthetic.snapshot import second_snapshot
from guanxi.scoring.changes import recent_changes

ON = date(2025, 6, 30)
KINDS = {"holder_entered", "holder_left", "stake_changed", "executive_appointed",
         "executive_left"}  # fmt: skip


def test_change_events_match_the_ground_truth(db: GraphClient, tmp_path: Path) -> None:
    generate(GeneratorConfig(companies=300, seed=11), tmp_path)
    entry = second_snapshot(tmp_path, ON, seed=11)
    truth = json.loads((tmp_path / "ground_truth.json").read_text("utf-8"))["snapshot_changes"]
    assert truth == json.loads(json.dumps(entry)) and len(truth["changes"]) >= 8
    load(db, [tmp_path])
    rep = load(db, [tmp_path / truth["folder"]], snapshot=ON)
    assert rep.snapshots["shareholdings"].events + rep.snapshots["positions"].events > 0
    want = {(c["company"], c["kind"], c["party"], c["key"]) for c in truth["changes"]}
    got = {
        (e.company_id, e.kind, e.party_id, e.key if e.rel_type == "SERVES_AS" else None)
        for e in recent_changes(db, since=ON, limit=5000)
        if e.kind in KINDS
    }
    hits = len(want & got)
    assert (hits / len(got), hits / len(want)) == (1.0, 1.0), want ^ got


def _versions(client: GraphClient) -> set[tuple]:
    rows = client.console(
        "MATCH (a)-[r:HOLDS_SHARES|HELD_SHARES]->(b) "
        "RETURN a.id AS a, b.id AS b, r.pct AS pct, toString(r.valid_from) AS f, "
        "toString(r.valid_to) AS t, type(r) AS type"
    )
    return {tuple(r) for r in rows["rows"]}


def test_snapshots_in_either_order_give_the_same_versions(db: GraphClient) -> None:
    nodes = pd.DataFrame({"id": ["C1", "H1", "H2"], "name": ["一", "二", "三"]})
    s1 = pd.DataFrame({"holder_id": ["H1", "H2"], "holder_type": "Company",
                       "company_id": "C1", "pct": ["30", "10"]})  # fmt: skip
    s2 = pd.DataFrame({"holder_id": ["H1"], "holder_type": "Company", "company_id": "C1",
                       "pct": ["35"]})  # fmt: skip
    d1, d2 = date(2024, 3, 31), date(2024, 6, 30)
    states = []
    for order in (((s1, d1), (s2, d2)), ((s2, d2), (s1, d1), (s2, d2))):
        load_frames(db, {"companies": nodes})
        for frame, on in order:
            load_frames(db, {"shareholdings": frame}, snapshot=on)
        states.append(_versions(db))
        db.console("MATCH (n) DETACH DELETE n", allow_write=True)
    assert states[0] == states[1]
    assert ("H2", "C1", 10.0, "2024-03-31", "2024-06-30", "HELD_SHARES") in states[0]
