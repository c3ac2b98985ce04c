"""The pure rules of campaigns on hand-made cases: the control arm, the assignment rule,
the funnel, the KNOWS update, the simulator's conversion probability."""

from __future__ import annotations

import math

import pytest

from guanxi.campaigns.arms import RmSlot, assign_rms, split_arms
from guanxi.campaigns.simulate import TrueEffects, conversion_probability
from guanxi.campaigns.touches import ALPHA, knows_target
from guanxi.campaigns.views import funnel_counts


def test_control_arm_is_seeded_stratified_and_order_free() -> None:
    strata = {f"a{i}": ("B1", "IT") for i in range(10)} | {f"b{i}": ("B2", "MFG") for i in range(5)}
    arms = split_arms(strata, 0.2, 7)
    assert split_arms(dict(reversed(list(strata.items()))), 0.2, 7) == arms
    control = [t for t, a in arms.items() if a == "control"]
    assert len(control) == 3  # round(0.2 * 15)
    assert (
        sum(t.startswith("a") for t in control) == 2
        and sum(t.startswith("b") for t in control) == 1
    )
    many = {f"c{i}": ("B", "X") for i in range(100)}
    assert split_arms(many, 0.2, 7) != split_arms(many, 0.2, 8)  # the seed decides which
    assert all(a == "treatment" for a in split_arms(strata, 0.0, 7).values())
    with pytest.raises(ValueError):
        split_arms(strata, 1.0, 7)


def test_assignment_rules_and_capacity() -> None:
    rms = [
        RmSlot("R1", "B1", "上海"),
        RmSlot("R2", "B1", "上海"),
        RmSlot("R3", "B2", "北京", load=1),
    ]
    targets = [
        ("c1", "北京", "R1", None),  # warm path from R1
        ("c2", "北京", None, "R2"),  # starts at a customer R2 manages
        ("c3", "北京", None, None),  # region: R3, the only 北京 RM
        ("c4", "深圳", None, None),  # nobody serves 深圳: least loaded of all
        ("c5", "北京", "R1", None),  # R1 is full after c1 and c4
    ]
    got = [(a.company_id, a.rm_id, a.rule) for a in assign_rms(targets, rms, 2)]
    assert got[:3] == [
        ("c1", "R1", "warm_path"),
        ("c2", "R2", "customer_rm"),
        ("c3", "R3", "region"),
    ]
    assert got[3] == ("c4", "R1", "branch")  # R1 and R2 at 1, R3 at 2 (full): R1 by id
    assert got[4] == ("c5", "R2", "branch")  # R1 full, R3 full: R2
    over = assign_rms([("x", None, None, None)], [RmSlot("R9", "B", "", load=5)], 2)
    assert [(a.rm_id, a.rule) for a in over] == [("R9", "overflow")]


def test_funnel_counts_best_outcome_and_conversions() -> None:
    rows = [
        {"touches": 0, "outcomes": [], "converted": False},
        {"touches": 2, "outcomes": ["no_answer", "meeting"], "converted": False},
        {"touches": 1, "outcomes": ["declined"], "converted": False},
        {"touches": 3, "outcomes": ["contacted", "interested", "converted"], "converted": True},
    ]
    assert funnel_counts(rows) == {"targets": 4, "tasked": 4, "touched": 3, "contacted": 3,
                                   "meeting": 2, "interested": 1, "converted": 1}  # fmt: skip


def test_knows_update_rule_by_hand() -> None:
    assert knows_target("no_answer") is None
    s = 0.0
    for outcome in ("meeting", "meeting"):
        s += ALPHA * (knows_target(outcome) - s)
    assert s == pytest.approx(0.357)  # 0.21, then 0.21 + 0.3 (0.7 - 0.21)


def test_conversion_probability_by_hand() -> None:
    eff = TrueEffects()
    z = -2.944 + 1.2 + 3.0 * 0.1 + 1.5 * 0.8
    assert conversion_probability(eff, True, "visit", 0.1, 0.8) == pytest.approx(
        1 / (1 + math.exp(-z))
    )
    assert conversion_probability(eff, False, "visit", 0.1, 0.8) == pytest.approx(0.05, abs=1e-3)
