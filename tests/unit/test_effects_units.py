"""Effect statistics and sharing rules on hand-computed cases (docs/effects.md), each
statistic also checked against a slower textbook version written here as the oracle."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from guanxi.effects.ledger import month_bounds, net_transfers, share_entries
from guanxi.effects.sharing import (
    fixed_weights,
    income_cents,
    load_rules,
    position_weights,
    shapley_weights,
    split_cents,
)
from guanxi.effects.statistics import kaplan_meier, uplift, wilson
from guanxi.effects.stats import breakdown, compute_stats, funnel
from guanxi.effects.targets import path_type, target_frame
from guanxi.errors import InvalidData
from guanxi.records import ShareEntry

Z = 1.959963984540054


def _wilson_oracle(k: int, n: int) -> tuple[float, float]:
    p = k / n
    c = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    h = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return c - h, c + h


@pytest.mark.parametrize(("k", "n"), [(3, 10), (0, 7), (7, 7), (45, 300)])
def test_wilson_matches_the_textbook_formula(k: int, n: int) -> None:
    r = wilson(k, n)
    assert (r.low, r.high) == pytest.approx(_wilson_oracle(k, n), abs=1e-9)
    assert r.rate == k / n


def test_wilson_hand_case_and_bad_counts() -> None:
    r = wilson(3, 10)
    assert (round(r.low, 4), round(r.high, 4)) == (0.1078, 0.6032)
    assert wilson(0, 0).rate is None
    with pytest.raises(ValueError, match="11 conversions out of 10"):
        wilson(11, 10)


def test_uplift_newcombe_hand_case() -> None:
    # Newcombe (1998), example (a): 56/70 against 48/80, hybrid score interval 0.0524–0.3339
    u = uplift(56, 70, 48, 80)
    assert u.diff == pytest.approx(0.2)
    assert (round(u.low, 4), round(u.high, 4)) == (0.0524, 0.3339)
    lo1, hi1 = _wilson_oracle(56, 70)
    lo0, hi0 = _wilson_oracle(48, 80)
    assert u.low == pytest.approx(0.2 - math.hypot(0.8 - lo1, hi0 - 0.6), abs=1e-9)
    assert u.high == pytest.approx(0.2 + math.hypot(hi1 - 0.8, 0.6 - lo0), abs=1e-9)
    assert 0 < u.p_value < 0.05 and not u.observational
    assert uplift(3, 10, 0, 0).diff is None
    assert uplift(0, 10, 0, 10).p_value == 1.0


def _km_oracle(d: list[float], e: list[bool]) -> list[tuple[float, float]]:
    s, out = 1.0, []
    for t in sorted({x for x, ev in zip(d, e, strict=True) if ev}):
        at_risk = sum(x >= t for x in d)
        deaths = sum(x == t and ev for x, ev in zip(d, e, strict=True))
        s *= 1 - deaths / at_risk
        out.append((t, s))
    return out


def test_kaplan_meier_censors_open_targets() -> None:
    d, e = [2, 3, 3, 5, 8], [True, True, False, True, False]
    s = kaplan_meier(d, e)
    assert [t for t, _ in s.steps] == [2, 3, 5]
    assert [p for _, p in s.steps] == pytest.approx([0.8, 0.6, 0.3])
    assert [x for st in s.steps for x in st] == pytest.approx(
        [x for st in _km_oracle(d, e) for x in st]
    )
    assert (s.median, s.n, s.events) == (5.0, 5, 3)
    assert kaplan_meier([4, 9], [False, False]).median is None
    with pytest.raises(ValueError, match="2 durations but 1"):
        kaplan_meier([1, 2], [True])


def test_split_cents_sums_exactly_and_breaks_ties_by_name() -> None:
    thirds = {k: Fraction(1, 3) for k in "abc"}
    assert split_cents(100, thirds) == {"a": 34, "b": 33, "c": 33}
    assert split_cents(-100, thirds) == {"a": -34, "b": -33, "c": -33}
    for total in (0, 1, 2, 99, 1_000_001, 123_456_789):
        w = {"x": Fraction(2, 7), "y": Fraction(3, 7), "z": Fraction(2, 7)}
        assert sum(split_cents(total, w).values()) == total


def test_rules_fixed_position_shapley_hand_cases() -> None:
    roles = {"originator": "O", "introducer": "I", "booking": "B"}
    fixed = fixed_weights(roles, {"booking": 0.5, "introducer": 0.3, "originator": 0.2})
    assert fixed == {"B": Fraction(1, 2), "I": Fraction(3, 10), "O": Fraction(1, 5)}
    no_intro = fixed_weights({**roles, "introducer": None}, {"booking": 0.5, "introducer": 0.3,
                                                             "originator": 0.2})  # fmt: skip
    assert no_intro == {"B": Fraction(4, 5), "O": Fraction(1, 5)}
    pos = {"first": 0.4, "middle": 0.2, "last": 0.4}
    assert position_weights(roles, pos) == {"O": Fraction(2, 5), "I": Fraction(1, 5),
                                            "B": Fraction(2, 5)}  # fmt: skip
    assert position_weights({**roles, "introducer": "B"}, pos) == {"O": Fraction(1, 2),
                                                                   "B": Fraction(1, 2)}  # fmt: skip
    game = {"booking": 0.4, "introducer": 0.3, "originator": 0.1, "together": 0.2}
    # by hand over the 6 orders of B, I, O: B 4.0/6, I 1.3/6, O 0.7/6
    assert shapley_weights(roles, game) == {"B": Fraction(2, 3), "I": Fraction(13, 60),
                                            "O": Fraction(7, 60)}  # fmt: skip
    assert shapley_weights({"originator": "B", "introducer": None, "booking": "B"}, game) == {
        "B": Fraction(1)}  # fmt: skip


def test_income_cents_uses_product_rates_then_defaults() -> None:
    rates = load_rules()["rates"]
    assert income_cents("product", "LOAN", 1e6, rates)[0] == 1_500_000
    assert income_cents("product", "LOAN", 1e6, rates, {"margin": 0.02, "fee": None})[0] == 2e6
    assert income_cents("product", "CASH", 5e7, rates)[0] == 2_000_000
    assert income_cents("product", "OTHER", 333.335, rates)[0] == 333  # 3.33335 CNY → 333 ¢
    assert income_cents("customer", None, None, rates)[0] == 500_000


def test_bad_rules_file_is_refused(tmp_path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("rule: fixed\nfixed: {booking: 0.5, introducer: 0.3, originator: 0.3}\n"
                   "position: {first: 1}\nshapley: {booking: 1}\n")  # fmt: skip
    with pytest.raises(InvalidData, match="fixed shares sum to 1.1"):
        load_rules(bad)
    with pytest.raises(InvalidData, match="not YYYY-MM"):
        month_bounds("2026-13")
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))


def _conv(value: float, path: list[str]) -> dict:
    touch = {"id": "X1", "outcome": "converted", "path_ids": path, "channel": "visit"}
    return {"id": "C/T/product/LOAN", "kind": "product", "at": date(2026, 11, 3), "value": value,
            "product": "LOAN", "campaign": "C", "owner": "BA", "company": "T", "task": "C:T",
            "rm_branch": "BA1", "customer_branch": None, "margin": None, "fee": None,
            "touches": [touch]}  # fmt: skip


def test_introduction_through_another_branchs_customer_credits_it() -> None:
    kinds = {"CB": {"id": "CB", "kind": "customer", "branch": "BB"}}
    for rule, want in (("fixed", {"BA1": 500_001, "BB": 300_000, "BA": 200_000}),
                       ("position", {"BA": 400_001, "BB": 200_000, "BA1": 400_000}),
                       ("shapley", {"BA1": 666_667, "BB": 216_667, "BA": 116_667})):  # fmt: skip
        rules = {**load_rules(), "rule": rule}
        es = share_entries(_conv(666_667.4, ["CB", "P", "T"]), kinds, rules, "2026-11")
        got = {e.branch: e.cents for e in es}
        assert sum(got.values()) == 1_000_001  # 666,667.4 × 1.5 % = 10,000.011 CNY
        assert got == want, rule
        bb = next(e for e in es if e.branch == "BB")
        assert bb.role == "introducer" and bb.explanation["path"] == ["CB", "P", "T"]
        assert bb.explanation["touch"] == "X1" and bb.explanation["rule"] == rule
    # the RM's own contact: the RM's branch introduces (the booking branch here)
    rm_kinds = {"RM-A": {"kind": "rm", "branch": "BA1"}}
    own = share_entries(_conv(1e6, ["RM-A", "P", "T"]), rm_kinds, load_rules(), "2026-11")
    assert {e.branch: e.role for e in own} == {"BA": "originator", "BA1": "introducer+booking"}


def test_net_transfers_cancel_opposite_debts() -> None:
    def e(b: str, payer: str, c: int) -> ShareEntry:
        return ShareEntry(f"{b}{payer}{c}", "2026-11", "v", "C", b, "introducer", c, "fixed",
                          payer=payer)  # fmt: skip

    out = net_transfers([e("BB", "BA", 500), e("BA", "BB", 200), e("BA", "BA", 900)])
    assert [(t.payer, t.payee, t.cents) for t in out] == [("BA", "BB", 300)]


ROWS = [
    {"company": "T1", "arm": "treatment", "task": "C:T1", "rm": "R1", "rm_name": "r1",
     "branch": "B1", "conversions": [{"id": "c1", "kind": "customer", "at": "2026-11-06",
                                      "value": None, "product": None}],
     "touches": 2, "best": 5,
     "approach": {"id": "x2", "channel": "visit", "path_ids": ["CB", "T1"]}},
    {"company": "T2", "arm": "treatment", "task": "C:T2", "rm": "R1", "rm_name": "r1",
     "branch": "B1", "conversions": [], "touches": 1, "best": 4,
     "approach": {"id": "x3", "channel": "phone", "path_ids": None}},
    {"company": "T3", "arm": "treatment", "task": "C:T3", "rm": "R2", "rm_name": "r2",
     "branch": "B2", "conversions": [], "touches": 0, "best": 0, "approach": None},
    {"company": "T4", "arm": "control", "task": None, "rm": None, "rm_name": None,
     "branch": None, "touches": 0, "best": 0, "approach": None,
     "conversions": [{"id": "c4", "kind": "product", "at": "2026-11-11", "value": 2e6,
                      "product": "LOAN"}]},
    {"company": "T5", "arm": "control", "task": None, "rm": None, "rm_name": None,
     "branch": None, "touches": 0, "best": 0, "approach": None, "conversions": []},
]  # fmt: skip


def test_target_frame_funnel_and_breakdowns_by_hand() -> None:
    kinds = {"CB": {"kind": "customer", "branch": "BB"}}
    df = target_frame(ROWS, kinds, date(2026, 11, 1), date(2026, 11, 21))
    assert df["days"].tolist() == [5.0, 20.0, 20.0, 10.0, 20.0]
    assert df["path_type"].fillna("-").tolist() == ["existing_customer", "cold", "-", "-", "-"]
    t = df[df["arm"] == "treatment"]
    assert funnel(t) == {"targets": 3, "touched": 2, "meeting": 2, "interested": 2,
                         "converted": 1}  # fmt: skip
    by = {g.key: (g.funnel["targets"], g.funnel["converted"]) for g in breakdown(t, "path_type")}
    assert by == {"existing_customer": (1, 1), "cold": (1, 0), "untouched": (1, 0)}
    s = compute_stats(df, "C", "c", date(2026, 11, 21), control_visible=True)
    assert (s.treatment.k, s.treatment.n, s.control.k, s.control.n) == (1, 3, 1, 2)
    assert s.uplift.diff == pytest.approx(1 / 3 - 1 / 2)
    assert (s.warm_vs_cold.first.n, s.warm_vs_cold.second.n) == (1, 1)
    assert s.warm_vs_cold.observational
    assert s.time_treatment.steps == ((5.0, pytest.approx(2 / 3)),)
    assert s.time_control.median == 10.0
    hidden = compute_stats(df[df["arm"] == "treatment"], "C", "c", date(2026, 11, 21), False)
    assert hidden.control is None and hidden.uplift is None
    with pytest.raises(InvalidData, match="No breakdown 'colour'"):
        breakdown(t, "colour")
    assert path_type(["R", "A", "B", "T"], "rm") == "two_or_more"
    assert isinstance(df, pd.DataFrame)
