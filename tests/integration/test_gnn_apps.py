"""GNN against the real Neo4j: export, train, write back, lookalikes, recommend, prospects.

One small synthetic network (200 companies) is loaded once for the module; the model is
trained for a few epochs (well under a minute) and its vectors written behind the index.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from guanxi.errors import NotFound
from guanxi.gnn.apps import lookalikes, prospects, recommend
from guanxi.gnn.data import export_graph
from guanxi.gnn.runs import train_and_publish
from guanxi.gnn.train import TrainConfig, train


@pytest.fixture(scope="module")
def trained(client, tmp_path_factory):
    from guanxi.graph.admin import wipe
    from guanxi.loaders.load import load
    from guanxi.loaders.synthetic.generate import generate
    from guanxi.loaders.synthetic.world import GeneratorConfig

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("syn")
    generate(GeneratorConfig(companies=200, seed=11), folder, force=True)
    wipe(client)
    load(client, [folder])
    home = tmp_path_factory.mktemp("home")
    summary = train_and_publish(client, Path(home), TrainConfig(epochs=8, batch_size=128, lr=1e-2))
    yield client, summary, folder
    wipe(client)


def test_export_keeps_ids_and_counts(trained) -> None:
    client, _, folder = trained
    graph = export_graph(client, batch_size=37)  # several pages
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert graph.data["company"].num_nodes == manifest["nodes"]["Company"]
    assert graph.data["person"].num_nodes == manifest["nodes"]["Person"]
    first = graph.ids["company"][0]
    assert graph.index("company", [first])[0] == 0
    assert graph.customer is not None and graph.customer.any()
    # pages of 37 nodes give what one page gives: every node, feature and edge once
    whole = export_graph(client, batch_size=100_000)
    for t in ("company", "person"):
        assert list(graph.ids[t]) == list(whole.ids[t])
        assert torch.equal(graph.data[t].x, whole.data[t].x)
    assert set(graph.data.edge_types) == set(whole.data.edge_types)
    for et in whole.data.edge_types:
        assert torch.equal(graph.data[et].edge_index, whole.data[et].edge_index)
        assert torch.equal(graph.data[et].edge_attr, whole.data[et].edge_attr)
    for rel, et in (("SUPPLIES", ("company", "supplies", "company")),
                    ("SERVES_AS", ("person", "serves_as", "company")),
                    ("KNOWS", ("person", "knows", "person"))):  # fmt: skip
        pairs = client.console(
            f"MATCH (a)-[:{rel}]->(b) WHERE a:Company OR a:Person "
            "RETURN count(DISTINCT [a.id, b.id])"
        )["rows"][0][0]
        assert pairs > 0 and graph.data[et].edge_index.shape[1] == pairs  # parallel ones once


def test_train_saves_card_and_writes_embeddings(trained) -> None:
    client, summary, _ = trained
    card = json.loads((Path(summary["model_dir"]) / "card.json").read_text("utf-8"))
    assert card["run_id"] == summary["run_id"] and card["data"]["nodes"]["company"] == 200
    assert min(summary["losses"][-3:]) < summary["losses"][0]  # loss falls
    rows = client.console(
        "MATCH (c:Company) WHERE c.embedding IS NOT NULL "
        "RETURN count(c) AS n, min(size(c.embedding)) AS d"
    )["rows"]
    assert rows[0] == [200, 64]


def test_lookalikes_shape_and_reasons(trained) -> None:
    client, _, _ = trained
    cid = client.console(
        "MATCH (c:Company) WHERE c.industry IS NOT NULL RETURN c.id ORDER BY c.id LIMIT 1"
    )["rows"][0][0]
    res = lookalikes(client, cid, k=5)
    assert res["company"] == cid and len(res["lookalikes"]) == 5
    scores = [o["score"] for o in res["lookalikes"]]
    assert scores == sorted(scores, reverse=True)
    assert all(set(o) == {"id", "name", "score", "reasons", "why"} for o in res["lookalikes"])
    assert cid not in {o["id"] for o in res["lookalikes"]}
    me = client.console("MATCH (c:Company {id: $id}) RETURN c.industry", {"id": cid})["rows"][0][0]
    for o in res["lookalikes"]:
        other = client.console("MATCH (c:Company {id: $id}) RETURN c.industry", {"id": o["id"]})[
            "rows"
        ][0][0]
        why = {r["kind"]: r for r in o["why"]}
        assert len(o["why"]) == len(o["reasons"]) and all(0 < r["share"] <= 1 for r in o["why"])
        # the shares split the cosine (Neo4j's score is (1 + cos) / 2); blocks that pull the
        # score down are left out, so the listed shares add up to at least 1
        assert sum(r["share"] for r in o["why"]) >= 0.99
        if "profile" in why:
            assert (f"same industry: {me}" in why["profile"]["text"]) == (other == me)
        for kind in ("suppliers", "buyers", "holders"):
            for name in why.get(kind, {}).get("names", []):  # shared parties really shared
                q = ("MATCH (a:Company {id: $a}), (b:Company {id: $b}), (m) "
                     "WHERE coalesce(m.name, m.id) = $m AND (m)--(a) AND (m)--(b) "
                     "RETURN count(m)")  # fmt: skip
                n = client.console(q, {"a": cid, "b": o["id"], "m": name})["rows"][0][0]
                assert n >= 1, (kind, name)
    with pytest.raises(NotFound):
        lookalikes(client, "NO-SUCH-COMPANY")


def test_recommend_excludes_held_products(trained) -> None:
    client, _, _ = trained
    cid = client.console(
        "MATCH (c:Company)-[:SUPPLIES]-(:Company)-[:HOLDS_PRODUCT]->() "
        "RETURN c.id ORDER BY c.id LIMIT 1"
    )["rows"][0][0]
    res = recommend(client, cid)
    held = {
        r[0]
        for r in client.console(
            "MATCH (:Company {id: $id})-[:HOLDS_PRODUCT]->(p) RETURN p.code", {"id": cid}
        )["rows"]
    }
    assert res["products"], "a supply partner holds products, so something is recommended"
    assert not held & {p["code"] for p in res["products"]}
    assert all(p["reasons"] for p in res["products"])


def test_prospects_are_non_customers_per_branch(trained) -> None:
    client, _, _ = trained
    res = prospects(client, None, k=5)
    assert res["branches"]
    customers = {
        r[0]
        for r in client.console("MATCH (c:Company)-[:CUSTOMER_OF]->() RETURN DISTINCT c.id")["rows"]
    }
    for items in res["branches"].values():
        assert len(items) <= 5
        assert not customers & {p["id"] for p in items}
        assert [p["score"] for p in items] == sorted((p["score"] for p in items), reverse=True)
    # ranked by the propensity model `guanxi train` wrote for every company
    assert client.console("MATCH (c:Company) WHERE c.prospect_score IS NULL RETURN count(c)")[
        "rows"
    ] == [[0]]
    assert all(
        any(r.startswith("propensity ") for r in p["reasons"])
        for items in res["branches"].values()
        for p in items
    )
    branch = next(b for b in res["branches"] if b != "unassigned")
    only = prospects(client, branch, k=3)
    assert list(only["branches"]) == [branch]


def test_learned_intimacy_blends_into_every_intimacy(trained) -> None:
    """Paged write-back: every company / person INTIMACY gets the learned score and the
    documented blend, across several pages of source nodes."""
    from guanxi.gnn.infer import BLEND_ALPHA, learned_intimacy, write_intimacy
    from guanxi.gnn.pairs import PairFeatures
    from guanxi.scoring.batch import run_scoring

    client, _, _ = trained
    run_scoring(client)
    graph = export_graph(client)
    result = train(graph, TrainConfig(epochs=1, max_steps=3, batch_size=64))
    num = {t: graph.data[t].num_nodes for t in graph.data.node_types}
    pairs = PairFeatures(
        num, {et: graph.data[et].edge_index.numpy() for et in graph.data.edge_types}
    )
    sent = write_intimacy(client, result.model, graph, pairs, "gnn-test", page_size=37)
    rows = client.console(
        "MATCH (a)-[i:INTIMACY]->(b) WHERE (a:Company OR a:Person) AND (b:Company OR b:Person) "
        "RETURN count(i) AS n, count(i.gnn_score) AS g, "
        "sum(CASE WHEN i.gnn_run_id = 'gnn-test' THEN 1 ELSE 0 END) AS mine, "
        "max(abs(i.blended_score - ($a * i.score + (1 - $a) * i.gnn_score))) AS err, "
        "min(i.gnn_score) AS lo, max(i.gnn_score) AS hi",
        {"a": BLEND_ALPHA},
    )["rows"][0]
    n, g, mine, err, lo, hi = rows
    assert n > 37 and sent == n == g == mine
    assert err < 1e-9 and 0.0 <= lo <= hi <= 1.0 and hi > lo
    # each relationship holds its own pair's score (the lists are sent side by side)
    stored = pd.DataFrame(
        client.console(
            "MATCH (a)-[i:INTIMACY]->(b) WHERE (a:Company OR a:Person) AND "
            "(b:Company OR b:Person) RETURN a.id, labels(a)[0], b.id, labels(b)[0], i.gnn_score"
        )["rows"],
        columns=["source_id", "source_label", "target_id", "target_label", "gnn_score"],
    )
    expected = learned_intimacy(result.model, graph, pairs, stored)
    assert len(set(stored["gnn_score"].round(6))) > 1
    assert np.allclose(stored["gnn_score"].to_numpy(), expected, atol=1e-6)
    # the guard: a relationship whose ends are not the ones read (replaced meanwhile) is
    # skipped, the right ends are written
    rid, a, b = client.console(
        "MATCH (a:Company)-[i:INTIMACY]->(b) RETURN elementId(i), elementId(a), elementId(b) "
        "LIMIT 1"
    )["rows"][0]
    for ends, n in (((b, a), 0), ((a, a), 0), ((a, b), 1)):
        params = {"sources": [ends[0]], "targets": [ends[1]], "scores": [0.5]}
        out = client.write("gnn.write_intimacy", rids=[rid], alpha=0.7, run_id="g", **params)
        assert out[0]["written"] == n, ends
