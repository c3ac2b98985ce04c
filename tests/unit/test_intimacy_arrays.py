"""The array batch intimacy gives the reference's pairs, scores and evidence."""

from __future__ import annotations

import json
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from guanxi.scoring.intimacy import batch_intimacy
from guanxi.scoring.intimacy_arrays import array_intimacy
from guanxi.scoring.party_arrays import candidate_pairs, party_arrays
from guanxi.scoring.projection import EDGE_PROPS, LocalGraph

TODAY = date(2026, 6, 30)


def _frames(seed: int, companies: int = 60, persons: int = 90):
    rng = random.Random(seed)
    nodes = [(f"C{i:03d}", "Company", f"公司{i}", None, False) for i in range(companies)]
    nodes += [(f"P{i:03d}", "Person", f"人{i}", None, False) for i in range(persons)]
    nodes += [("R1", "RelationshipManager", "经理", None, False)]
    nodes += [("N1", "Company", "香港中央结算有限公司", None, False)]
    nodes += [("P900", "Person", None, True, False)]  # flagged nominee without a name
    cs = [n[0] for n in nodes if n[1] == "Company"]
    ps = [n[0] for n in nodes if n[1] == "Person"]
    rows = []

    def add(s, t, ty, **p):
        rows.append({"source_id": s, "target_id": t, "rel_type": ty, **p})

    roles = ["chairman", "director", "cfo", "supervisor", "independent_director", None]
    for _ in range(220):
        p, c = rng.choice(ps), rng.choice(cs)
        until = rng.choice([None, "2020-01-01", "2030-01-01"])
        add(p, c, "SERVES_AS", role=rng.choice(roles), until=until)
    for _ in range(140):
        h = rng.choice(ps + cs)
        add(
            h, rng.choice(cs), "HOLDS_SHARES", pct=rng.choice([0.5, 5.0, 30.0, 60.0]), kind="direct"
        )
    for _ in range(80):
        add(
            rng.choice(cs),
            rng.choice(cs),
            "SUPPLIES",
            amount=rng.random() * 1e8,
            share=rng.choice([None, 0.2, 0.7]),
        )
    for _ in range(80):
        add(
            rng.choice(cs),
            rng.choice(cs),
            "PAYS",
            amount=rng.random() * 2e8,
            count=rng.randint(1, 40),
            last=rng.choice([None, "2026-05-01", "2024-01-01"]),
        )
    for _ in range(30):
        add(
            rng.choice(cs),
            rng.choice(cs),
            "GUARANTEES",
            amount=rng.random() * 9000,
            end=rng.choice([None, "2025-01-01"]),
        )
    for _ in range(60):
        add(
            rng.choice(ps + ["R1"]),
            rng.choice(ps),
            "KNOWS",
            strength=rng.random(),
            last_contact=rng.choice([None, "2026-01-01"]),
            since="2019-01-01",
        )
    for c in rng.sample(cs, 8):
        add("R1", c, "MANAGES")
    for c in rng.sample(cs, 30):  # a nominee holder and a nominee executive
        add("N1", c, "HOLDS_SHARES", pct=1.0, kind="nominee")
        add("P900", c, "SERVES_AS", role="director")
    add(cs[0], cs[0], "PAYS", amount=5.0, count=1)  # a self loop is ignored
    rows.append(dict(rows[0]))  # a duplicate relationship counts once
    nf = pd.DataFrame(nodes, columns=["id", "label", "name", "nominee", "customer"])
    ef = pd.DataFrame(rows).reindex(columns=["source_id", "target_id", "rel_type", *EDGE_PROPS])
    ef = ef.astype(object).where(ef.notna(), None)
    return nf, ef


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_pairs_scores_and_evidence_as_the_reference(seed):
    nodes, edges = _frames(seed)
    ref = batch_intimacy(LocalGraph.from_frames(nodes, edges), TODAY, hub_cap=12)
    # chunks of 97 pairs, split further where their ends' neighbours pass 60 (hubs alone)
    got = array_intimacy(nodes, edges, TODAY, hub_cap=12, chunk=97, max_cost=60)
    key = ["source_id", "target_id"]
    ref, got = ref.sort_values(key, ignore_index=True), got.sort_values(key, ignore_index=True)
    assert len(ref) > 200
    assert list(got["source_id"]) == list(ref["source_id"])
    assert list(got["target_id"]) == list(ref["target_id"])
    assert list(got["source_label"]) == list(ref["source_label"])
    assert (got["score"] - ref["score"]).abs().max() <= 2e-6
    assert list(got["text"]) == list(ref["text"])
    for g, r in zip(got["evidence"], ref["evidence"], strict=True):
        assert json.loads(g) == json.loads(r)
    kinds = {e["kind"] for ev in ref["evidence"] for e in json.loads(ev)}
    assert {"indirect", "shared_executives", "colleagues", "role", "payment"} <= kinds


def test_candidates_skip_hubs_and_nominees():
    nodes, edges = _frames(4)
    pa = party_arrays(nodes, edges, TODAY)
    with_hubs = candidate_pairs(pa, hub_cap=1000)
    capped = candidate_pairs(pa, hub_cap=3)
    assert set(pa.codes) <= set(capped) < set(with_hubs)
    n1 = int(pa.ids.searchsorted("N1"))
    c = [int(pa.ids.searchsorted(x)) for x in ("C000", "C001")]
    assert pa.nominee[n1] and pa.nominee[int(pa.ids.searchsorted("P900"))]
    assert not pa.nominee[c].any()


def test_candidates_made_in_small_batches_are_the_same():
    nodes, edges = _frames(5)
    pa = party_arrays(nodes, edges, TODAY)
    whole = candidate_pairs(pa, hub_cap=12)
    assert len(whole) > 500 and (whole[1:] > whole[:-1]).all()
    assert (candidate_pairs(pa, hub_cap=12, batch=7) == whole).all()


def test_chunks_split_by_cost_cover_every_pair_once():
    from guanxi.scoring.intimacy_arrays import _bounds

    nodes, edges = _frames(5)
    pa = party_arrays(nodes, edges, TODAY)
    cand = candidate_pairs(pa, hub_cap=12)
    deg = np.diff(pa.adj.indptr)
    cost = deg[cand // pa.n] + deg[cand % pa.n] + 1
    spans = list(_bounds(cand, deg, pa.n, 50, 40))
    assert spans[0][0] == 0 and spans[-1][1] == len(cand)
    assert all(a < b for a, b in spans)
    assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
    assert all(b - a <= 50 for a, b in spans)
    # a chunk passes the budget by at most its first pair
    assert all(cost[a:b].sum() < 40 + cost[a] for a, b in spans)
    assert max(cost[a:b].sum() for a, b in spans) > 20
    assert len(spans) > len(cand) / 50


def test_min_score_drops_weak_pairs():
    nodes, edges = _frames(5)
    all_pairs = array_intimacy(nodes, edges, TODAY, min_score=0.0)
    kept = array_intimacy(nodes, edges, TODAY, min_score=0.3)
    assert len(kept) < len(all_pairs)
    assert kept["score"].min() >= 0.3


def test_two_hop_min_drops_only_weak_pairs_not_directly_linked():
    nodes, edges = _frames(5)
    every = array_intimacy(nodes, edges, TODAY)
    kept = array_intimacy(nodes, edges, TODAY, two_hop_min=0.3)
    linked = {frozenset(p) for p in zip(edges["source_id"], edges["target_id"], strict=True)}
    direct = [frozenset(p) in linked for p in zip(every["source_id"], every["target_id"],
                                                  strict=True)]  # fmt: skip
    want = every[pd.Series(direct, index=every.index) | (every["score"] >= 0.3)]
    assert 0 < len(kept) < len(every) and any(direct) and not all(direct)
    pd.testing.assert_frame_equal(kept.reset_index(drop=True), want.reset_index(drop=True))


def test_nominee_mask_agrees_with_is_nominee():
    from guanxi.scoring.nominees import is_nominee, nominee_mask

    names = pd.Series(["香港中央结算有限公司", "张三", None, "", "HKSCC Nominees Ltd", "某某公司"])
    flags = pd.Series([None, None, True, False, None, False], dtype=object)
    want = [is_nominee(n, f) for n, f in zip(names, flags, strict=True)]
    assert list(nominee_mask(names, flags)) == want
    assert list(nominee_mask(names)) == [is_nominee(n) for n in names]
