"""The lookalike vector and its reasons (guanxi.gnn.similarity, apps.lookalike_reasons) and
the generator's structural truth (chain positions), all without a database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guanxi.gnn.apps import lookalike_reasons
from guanxi.gnn.data import build_graph
from guanxi.gnn.similarity import (
    BLOCKS,
    block_slices,
    chain_position,
    combine_blocks,
    lookalike_vectors,
    mean_over,
    reduce_block,
)
from guanxi.loaders.synthetic.generate import generate_world
from guanxi.loaders.synthetic.trade import CHAIN_ROLES
from guanxi.loaders.synthetic.world import GeneratorConfig


def test_mean_over_by_hand() -> None:
    vals = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]])
    out = mean_over(np.array([0, 1, 2]), np.array([1, 1, 0]), vals, 3)
    assert out.tolist() == [[5.0, 4.0], [2.0, 1.0], [0.0, 0.0]]


def test_chain_position_tells_apart_links_of_a_chain() -> None:
    # 0 -> 1 -> 2 -> 3: the two middle firms have the same degrees; one more hop differs
    p = chain_position(np.array([0, 1, 2]), np.array([1, 2, 3]), 4, hops=1)
    assert p.shape == (4, 12)
    l1 = np.log1p(1.0)
    assert p[1, :4].tolist() == pytest.approx([l1, l1, 1.0, 1.0])
    assert p[2, :4].tolist() == pytest.approx(p[1, :4].tolist())
    # mean over suppliers: firm 1's supplier (0) has no supplier itself, firm 2's (1) has
    assert p[1, 4:8].tolist() == pytest.approx([0.0, l1, 0.0, 1.0])
    assert p[2, 4:8].tolist() == pytest.approx([l1, l1, 1.0, 1.0])


def test_reduce_block_keeps_empty_rows_empty_and_others_unit() -> None:
    a = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 1.0, 0.0], [0.0, 2.0, 1.0]])
    out = reduce_block(a, 2)
    assert out.shape == (4, 2)
    assert out[1].tolist() == [0.0, 0.0]
    assert np.linalg.norm(out[[0, 2, 3]], axis=1) == pytest.approx([1.0, 1.0, 1.0])


def test_cosine_is_the_sum_of_the_blocks_dot_products() -> None:
    rng = np.random.default_rng(0)
    widths = dict(BLOCKS)
    blocks = {k: reduce_block(rng.normal(size=(5, w + 2)), w) for k, w in widths.items()}
    blocks["suppliers"][2] = 0.0  # a firm without suppliers
    v = combine_blocks(blocks)
    assert v.shape == (5, 64) and np.linalg.norm(v, axis=1) == pytest.approx(np.ones(5))
    parts = [float(v[0, b["start"] : b["end"]] @ v[2, b["start"] : b["end"]])
             for b in block_slices()]  # fmt: skip
    assert sum(parts) == pytest.approx(float(v[0] @ v[2]), abs=1e-6)
    assert parts[[b["kind"] for b in block_slices()].index("suppliers")] == 0.0


def test_reasons_shares_by_hand() -> None:
    row = {
        "id": "B",
        "parts": [{"kind": "profile", "part": 0.4}, {"kind": "suppliers", "part": 0.3},
                  {"kind": "buyers", "part": -0.1}, {"kind": "network", "part": 0.2}],
        "industry": "制造业", "region": None, "band": "small", "tags": ["high_tech"],
        "suppliers": ["甲公司", "乙公司"], "buyers": [],
    }  # fmt: skip
    r = lookalike_reasons(row)
    # total 0.8: profile 0.5, suppliers 0.375, network 0.25; buyers pull down, left out
    assert [(x.kind, x.share) for x in r] == [
        ("profile", 0.5), ("suppliers", 0.375), ("network", 0.25)]  # fmt: skip
    assert r[0].text == "same industry: 制造业; same size band: small; shared tags: high_tech"
    assert r[1].names == ("甲公司", "乙公司") and r[1].text == "shared suppliers: 甲公司, 乙公司"
    assert r[2].refs == ("B",) and not r[0].refs  # only the GNN's block is internal
    assert str(r[1]) == "shared suppliers: 甲公司, 乙公司 (38%)"


def test_lookalike_vectors_put_supply_chain_twins_together() -> None:
    # two chains a0->a1->a2 and b0->b1->b2 with identical profiles everywhere: the middle
    # links are each other's nearest, the ends are not
    ids = ["a0", "a1", "a2", "b0", "b1", "b2"]
    companies = pd.DataFrame({"id": ids, "industry": "x", "region": "r"})
    src, dst = ["a0", "a1", "b0", "b1"], ["a1", "a2", "b1", "b2"]
    edges = pd.DataFrame({"source_id": src, "target_id": dst, "source_label": "Company",
                          "target_label": "Company", "rel_type": "SUPPLIES"})  # fmt: skip
    g = build_graph(companies, pd.DataFrame({"id": []}), edges)
    v = lookalike_vectors(g)
    sims = v @ v.T
    np.fill_diagonal(sims, -1)
    assert ids[int(sims[1].argmax())] == "b1" and ids[int(sims[0].argmax())] == "b0"


def test_generator_chain_roles_shape_the_supply_network() -> None:
    w = generate_world(GeneratorConfig(companies=600, seed=3))
    role, s = w.co["role"], w.frames["supply"]
    op = w.co["arch"] >= 0
    assert set(np.unique(role[op])) == set(range(len(CHAIN_ROLES)))
    assert (role[~op] == -1).all()
    a, b = role[s["supplier"].to_numpy()], role[s["buyer"].to_numpy()]
    nxt = (b == np.minimum(a + 1, len(CHAIN_ROLES) - 1)).mean()
    assert nxt > 0.6  # most supply goes to the next link of the chain


def test_ground_truth_names_every_operating_company_position(tmp_path) -> None:
    import json

    from guanxi.loaders.synthetic.generate import generate

    generate(GeneratorConfig(companies=200, seed=5), tmp_path)
    truth = json.loads((tmp_path / "ground_truth.json").read_text("utf-8"))
    assert set(truth["chain_role"]) == set(truth["archetype"])
    special = {c for c, a in truth["archetype"].items() if a in ("custodian", "state_asset_admin")}
    assert {truth["chain_role"][c] for c in special} <= {"none"}
    assert set(truth["chain_role"].values()) - {"none"} <= set(CHAIN_ROLES)
