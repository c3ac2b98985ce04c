"""Groups, circles, propagation, payments by period and the planted opportunities, without
a database: the pure functions on tiny named cases and on a generated network's truth."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from guanxi.loaders.periods import period_lists
from guanxi.loaders.synthetic.generate import generate
from guanxi.loaders.synthetic.world import GeneratorConfig
from guanxi.scoring.circles import find_circles
from guanxi.scoring.groups import GroupRule, detect_groups
from guanxi.scoring.risk import Decay, propagate, propagation_edges

SASAC = "北京市人民政府国有资产监督管理委员会"


def holdings(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(h, lab, name, False, c, p) for h, lab, name, c, p in rows],
        columns=["holder_id", "holder_label", "holder_name", "nominee", "company_id", "pct"],
    )


def test_groups_join_by_person_control_not_by_the_state() -> None:
    h = holdings([
        ("P1", "Person", "张三", "A", 80.0), ("A", "Company", "甲", "B", 51.0),
        ("A", "Company", "甲", "C", 25.0), ("X", "Company", "戊", "C", 20.0),  # 25 vs 20: lead 5
        ("P1", "Person", "张三", "K", 100.0),  # the same person: K joins A's group
        ("S", "Company", SASAC, "D", 100.0), ("S", "Company", SASAC, "E", 100.0),
        ("D", "Company", "丁", "F", 60.0),
        ("P2", "Person", "李四", "G", 45.0), ("P3", "Person", "王五", "G", 45.0),  # a tie
    ])  # fmt: skip
    g = detect_groups(h)
    by = g.groupby("group_id")["company_id"].apply(list).to_dict()
    assert by == {"GRP-A": ["A", "B", "C", "K"], "GRP-D": ["D", "F"]}
    row = g.set_index("company_id").loc["F"]
    assert (row["parent_id"], row["controller_id"]) == ("D", "S")
    assert "绝对控股 60%" in row["evidence"]
    # a stricter lead drops C (25 % against 20 %)
    strict = detect_groups(h, rule=GroupRule(margin=10.0))
    assert "C" not in set(strict["company_id"])


def test_circles_are_the_strong_components_with_chains_in() -> None:
    g = pd.DataFrame({"guarantor_id": ["A", "B", "C", "D", "E", "X", "Y", "P"],
                      "borrower_id": ["B", "A", "D", "E", "C", "A", "X", "Q"],
                      "amount": [10, 20, 1, 2, 3, 5, 7, 9]})  # fmt: skip
    cs = find_circles(g)
    assert [(c.kind, c.members, c.total_amount) for c in cs] == [
        ("mutual", ("A", "B"), 30.0), ("ring", ("C", "D", "E"), 6.0)]  # fmt: skip
    assert cs[0].chains_in == {"X": 1, "Y": 2}
    # B and C of one group count as one party: the two circles become one knot through it
    merged = find_circles(g, collapse={"B": "G1", "C": "G1"})
    assert [(c.kind, c.members) for c in merged] == [("knot", ("A", "D", "E", "G1"))]


def test_propagation_takes_the_strongest_path_within_the_hop_limit() -> None:
    guar = pd.DataFrame({"guarantor_id": ["G"], "borrower_id": ["B"]})
    ctrl = pd.DataFrame({"holder_id": ["H"], "company_id": ["G"]})
    sup = pd.DataFrame({"supplier_id": ["S"], "buyer_id": ["H"], "share": [0.4]})
    e = propagation_edges(guar, ctrl, sup)
    f = pd.DataFrame({"party_id": ["B"], "kind": ["default"], "severity": [1.0]})
    got = {r.id: r for r in propagate(e, f, names={"B": "乙", "G": "担保人"})}
    assert got["G"].score == pytest.approx(0.8)
    assert got["H"].score == pytest.approx(0.8 * 0.6)
    assert got["S"].score == pytest.approx(0.8 * 0.6 * 0.5 * 0.4)
    assert got["S"].path == ("B", "G", "H", "S")
    assert got["S"].via == ("guarantee", "control", "supply")
    assert "乙(default) →担保→ 担保人" in got["G"].text
    short = {r.id for r in propagate(e, f, Decay(max_hops=2))}
    assert short == {"B", "G", "H"}


def test_payments_by_quarter() -> None:
    raw = pd.DataFrame({"p": ["a", "a", "a", "b"], "amount": [1.0, 2.0, 4.0, 8.0],
                        "date": [date(2024, 1, 5), date(2024, 3, 1), date(2024, 12, 1),
                                 date(2024, 5, 1)]})  # fmt: skip
    out = period_lists(raw, ["p"], "date", "amount").set_index("p")
    assert out.loc["a", "periods"] == ["2024Q1", "2024Q4"]
    assert out.loc["a", "period_amounts"] == [3.0, 4.0]
    assert out.loc["b", "periods"] == ["2024Q2"]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("risk") / "g"
    generate(GeneratorConfig(companies=2000, seed=5), out)
    return out


def _pairs(assign: dict[str, str | None]) -> set[tuple[str, str]]:
    by = defaultdict(list)
    for c, g in assign.items():
        if g:
            by[g].append(c)
    return {p for v in by.values() for p in itertools.combinations(sorted(v), 2)}


def test_groups_and_circles_match_the_synthetic_truth(net: Path) -> None:
    truth = json.loads((net / "ground_truth.json").read_text(encoding="utf-8"))
    sh = pd.read_csv(net / "shareholdings.csv", dtype=str)
    names = pd.concat([pd.read_csv(net / f, dtype=str)[["id", "name", "nominee"]]
                       for f in ("companies.csv", "persons.csv")])  # fmt: skip
    h = sh.merge(names, left_on="holder_id", right_on="id")
    h = pd.DataFrame({"holder_id": h["holder_id"], "holder_label": h["holder_type"],
                      "holder_name": h["name"], "nominee": h["nominee"] == "true",
                      "company_id": h["company_id"], "pct": h["pct"].astype(float)})  # fmt: skip
    g = detect_groups(h)
    want, got = _pairs(truth["group"]), _pairs(dict(zip(g["company_id"], g["group_id"],
                                                        strict=True)))  # fmt: skip
    hit = len(want & got)
    assert hit / len(got) >= 0.95 and hit / len(want) >= 0.95
    circles = find_circles(pd.read_csv(net / "guarantees.csv", dtype=str))
    assert {c.members for c in circles} == {tuple(sorted(c)) for c in truth["guarantee_circles"]}


def test_planted_opportunities_are_in_the_truth_and_the_files(net: Path) -> None:
    truth = json.loads((net / "ground_truth.json").read_text(encoding="utf-8"))["opportunities"]
    assert set(truth) == {
        "supply_chain",
        "group_extension",
        "executive_move",
        "product_maturity",
        "payment_flow",
        "long_tail",
        "tech_prospect",
    }
    assert all(truth[k] for k in truth)
    customers = set(pd.read_csv(net / "customers.csv", dtype=str)["company_id"])
    assert set(truth["product_maturity"]) <= customers
    assert not set(truth["executive_move"]) & customers
    ph = pd.read_csv(net / "product_holdings.csv", dtype=str, keep_default_na=False)
    due = ph[(ph["maturity"] > "2024-12-31") & (ph["maturity"] <= "2025-03-31")]
    assert set(truth["product_maturity"]) <= set(due["company_id"])
    assert (ph.loc[ph["product_code"] == "TX-CASH", "maturity"] == "").all()
    pos = pd.read_csv(net / "positions.csv", dtype=str, keep_default_na=False)
    recent = pos[(pos["since"] >= "2024-07-01") & pos["company_id"].isin(truth["executive_move"])]
    assert set(recent["company_id"]) == set(truth["executive_move"])
