"""Versions and change events from snapshots (guanxi.loaders.versions), on tiny named cases."""

from __future__ import annotations

from datetime import date
from itertools import permutations

import pytest

from guanxi.graph.history import MIN_DATE
from guanxi.graph.schema import get_schema
from guanxi.loaders.versions import Version, changes_between, observe, rebuild

D1, D2, D3 = date(2020, 3, 31), date(2020, 6, 30), date(2020, 9, 30)
A = ("Person", "p1", "c1", None)
B = ("Company", "x1", "c1", None)
SPEC = get_schema().rel("HOLDS_SHARES").history
assert SPEC is not None

SNAPSHOTS = {
    D1: {A: {"pct": 30.0}, B: {"pct": 10.0}},
    D2: {A: {"pct": 35.0}},
    D3: {A: {"pct": 35.0}, B: {"pct": 12.0}},
}


def _apply(order: list[date]) -> dict:
    """Load the snapshots one at a time in ``order``, as apply_snapshot does."""
    versions: list[Version] = []
    seen: list[date] = []
    for d in order:
        obs = observe(versions, sorted(seen))
        obs[d] = SNAPSHOTS[d]
        seen.append(d)
        versions = [v for vs in rebuild(obs, ("pct",)).values() for v in vs]
    return {(v.fact, v.valid_from, v.valid_to, v.props["pct"]) for v in versions}


def test_versions_split_on_value_change_and_absence() -> None:
    got = _apply([D1, D2, D3])
    assert got == {
        (A, D1, D2, 30.0), (A, D2, None, 35.0),
        (B, D1, D2, 10.0), (B, D3, None, 12.0),
    }  # fmt: skip


@pytest.mark.parametrize("order", list(permutations([D1, D2, D3])))
def test_any_load_order_and_repeats_give_the_same_versions(order: tuple[date, ...]) -> None:
    assert _apply(list(order)) == _apply([D1, D2, D3])
    assert _apply([*order, order[0]]) == _apply([D1, D2, D3])


def test_a_fact_loaded_without_snapshot_counts_from_before_every_snapshot() -> None:
    old = [Version(A, None, None, {"pct": 30.0})]
    obs = observe(old, [MIN_DATE])
    obs[D2] = {}
    (v,) = rebuild(obs, ("pct",))[A]
    assert (v.valid_from, v.valid_to) == (None, D2)


def test_changes_between_names_entries_exits_and_moves_over_the_threshold() -> None:
    before = {A: {"pct": 30.0}, B: {"pct": 10.0}}
    after = {A: {"pct": 30.5}, ("Person", "p2", "c1", None): {"pct": 5.0}}
    ev = changes_between(before, after, company_id="c1", on=D2, prev=D1,
                         rel_type="HOLDS_SHARES", spec=SPEC, threshold=1.0)  # fmt: skip
    assert [(e["kind"], e["party_id"], e["before"], e["after"]) for e in ev] == [
        ("holder_entered", "p2", None, 5.0), ("holder_left", "x1", 10.0, None),
    ]  # fmt: skip
    ev = changes_between(before, after, company_id="c1", on=D2, prev=D1,
                         rel_type="HOLDS_SHARES", spec=SPEC, threshold=0.5)  # fmt: skip
    assert ("stake_changed", "p1", 30.0, 30.5) in {
        (e["kind"], e["party_id"], e["before"], e["after"]) for e in ev
    }
