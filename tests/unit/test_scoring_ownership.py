"""Equity penetration and actual controller on tiny named graphs."""

import pandas as pd
import pytest

from guanxi.scoring.controllers import ControlRule, actual_controllers
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.ownership import beneficial_owners
from guanxi.scoring.penetration import penetrated_stakes, stakes_in


def holdings(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["holder_id", "company_id", "pct"])


def parties(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(i, n, lab, False) for i, n, lab in rows], columns=["id", "name", "label", "nominee"]
    )


def test_pyramid_60_60_gives_36() -> None:
    h = holdings(("A", "B", 60), ("B", "C", 60))
    assert stakes_in(h, "C")["A"] == pytest.approx(36.0)
    s = penetrated_stakes(h)
    got = s[(s.holder_id == "A") & (s.company_id == "C")].stake.iloc[0]
    assert got == pytest.approx(36.0)


def test_two_paths_are_summed() -> None:
    # A holds 50% of B and 20% of C directly; B holds 40% of C: 20 + 0.5*40 = 40
    h = holdings(("A", "B", 50), ("A", "C", 20), ("B", "C", 40))
    assert stakes_in(h, "C")["A"] == pytest.approx(40.0)


def test_cross_holding_cycle_matches_geometric_series() -> None:
    # P holds 50% of X; X and Y hold 20% of each other; Y holds 60% of Z.
    h = holdings(("P", "X", 50), ("X", "Y", 20), ("Y", "X", 20), ("Y", "Z", 60))
    # P -> X -> Y -> Z, plus every extra loop X->Y->X multiplies by 0.04
    expected = 0.5 * 0.2 * 0.6 / (1 - 0.04) * 100
    assert stakes_in(h, "Z")["P"] == pytest.approx(expected)
    s = penetrated_stakes(h)
    got = s[(s.holder_id == "P") & (s.company_id == "Z")].stake.iloc[0]
    assert got == pytest.approx(expected, rel=1e-5)


def test_absolute_control_follows_chain_upward() -> None:
    h = holdings(("P", "B", 80), ("B", "C", 55), ("Q", "C", 30))
    ctl = actual_controllers(
        h,
        parties(("P", "张三", "Person"), ("B", "B公司", "Company"), ("Q", "李四", "Person")),
        ["C"],
    )["C"]
    assert ctl.controller_id == "P"
    assert ctl.kind == "absolute"
    assert ctl.chain == ("P", "B", "C")
    assert ctl.stake == pytest.approx(44.0)
    assert ctl.paths[0] == (("P", "B", 80.0), ("B", "C", 55.0))


def test_nominee_40_and_person_30_gives_the_person_relative_control() -> None:
    h = holdings(("N", "C", 40), ("P", "C", 30), ("Q", "C", 5))
    p = parties(
        ("N", "香港中央结算有限公司", "Company"), ("P", "张三", "Person"), ("Q", "李四", "Person")
    )
    ctl = actual_controllers(h, p, ["C"])["C"]
    assert ctl.controller_id == "P"
    assert ctl.kind == "relative"
    assert ctl.votes == pytest.approx(30.0)


def test_nominee_is_never_controller_even_alone() -> None:
    h = holdings(("N", "C", 70))
    p = parties(("N", "HKSCC NOMINEES LIMITED", "Company"))
    assert actual_controllers(h, p, ["C"])["C"].controller_id is None


def test_contested_blocs_give_only_a_suspected_controller() -> None:
    h = holdings(("P", "C", 35), ("Q", "C", 30))
    ctl = actual_controllers(h, parties(("P", "甲", "Person"), ("Q", "乙", "Person")), ["C"])["C"]
    assert (ctl.kind, ctl.controller_id) == ("suspected", "P")
    assert "疑似实际控制人" in ctl.reason and "领先不足10点" in ctl.reason
    loose = ControlRule(margin=5.0)
    assert actual_controllers(h, None, ["C"], loose)["C"].kind == "relative"


def test_tied_or_small_blocs_have_no_controller() -> None:
    tied = actual_controllers(holdings(("P", "C", 40), ("Q", "C", 40)), None, ["C"])["C"]
    assert tied.kind == "none" and tied.controller_id is None
    small = actual_controllers(holdings(("P", "C", 29), ("Q", "C", 10)), None, ["C"])["C"]
    assert small.kind == "none" and small.controller_id is None


def test_suspected_control_does_not_roll_up() -> None:
    # P leads B only 40 vs 35 (suspected); B holds 60% of C: C's controller is B, not P
    h = holdings(("P", "B", 40), ("Q", "B", 35), ("B", "C", 60))
    res = actual_controllers(h, None, ["B", "C"])
    assert (res["B"].kind, res["B"].controller_id) == ("suspected", "P")
    assert (res["C"].kind, res["C"].controller_id) == ("absolute", "B")


def test_blocs_aggregate_votes_of_controlled_holders() -> None:
    # P controls B (60%); B holds 25% of C and P holds 10% directly: bloc 35% vs Q 20%
    h = holdings(("P", "B", 60), ("B", "C", 25), ("P", "C", 10), ("Q", "C", 20))
    ctl = actual_controllers(h, None, ["C"])["C"]
    assert ctl.controller_id == "P"
    assert ctl.votes == pytest.approx(35.0)
    assert len(ctl.paths) == 2


def test_control_cycle_terminates() -> None:
    h = holdings(("A", "B", 60), ("B", "A", 60))
    res = actual_controllers(h, None, ["A", "B"])
    assert set(res) == {"A", "B"}


def test_beneficial_owners_threshold_and_nominees() -> None:
    h = holdings(("P", "B", 50), ("B", "C", 60), ("Q", "C", 26), ("N", "C", 14))
    p = parties(
        ("P", "张三", "Person"),
        ("Q", "李四", "Person"),
        ("N", "某证券投资基金", "Company"),
        ("B", "B公司", "Company"),
    )
    owners = beneficial_owners(h, "C", p, threshold=25.0)
    assert [(o.id, round(o.stake, 6)) for o in owners] == [("P", 30.0), ("Q", 26.0)]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("香港中央结算有限公司", True),
        ("中国证券金融股份有限公司", True),
        ("全国社保基金一一八组合", True),
        ("UBS AG custodian", True),
        ("张三", False),
        ("贵州茅台酒股份有限公司", False),
        # names from the real A-share top-10 extract (docs/scoring.md, "On real data")
        ("全国社会保障基金理事会转持一户", True),
        ("基本养老保险基金一二零二组合", True),
        ("中国平安人寿保险股份有限公司-传统-普通保险产品", True),
        ("前海人寿保险股份有限公司-万能型保险产品", True),
        ("TCL集团股份有限公司-第一期员工持股计划", True),
        ("深圳华侨城股份有限公司回购专用证券账户", True),
        ("华泰证券股份有限公司客户信用交易担保证券账户", True),
        ("陕西坚瑞沃能股份有限公司破产企业财产处置专用账户", True),
        ("中原出版传媒-国泰君安证券-18中原EB担保及信托财产专户", True),
        ("中国国际金融香港资产管理有限公司-客户资金", True),
        ("DBS VICKERS (HONG KONG) LTD A/C CLIENTS", True),
        ("VANGUARD EMERGING MARKETS STOCK INDEX FUND", True),
        ("中央汇金资产管理有限责任公司", True),
        ("中央汇金投资有限责任公司", False),  # controlling holder of four big banks
        ("中国平安保险(集团)股份有限公司-集团本级-自有资金", False),  # own money
        ("国家体育总局体育基金管理中心", False),
    ],
)
def test_nominee_patterns(name: str, expected: bool) -> None:
    assert is_nominee(name) is expected
