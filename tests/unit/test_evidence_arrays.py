"""relationship_terms (guanxi/scoring/evidence_arrays.py) gives every relationship the term
relationship_term gives it, on random properties with the awkward values in them."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from guanxi.scoring.evidence import ROLE_SENIORITY, relationship_term
from guanxi.scoring.evidence_arrays import relationship_terms
from guanxi.scoring.projection import EDGE_PROPS

TODAY = date(2026, 12, 1)
TYPES = ["HOLDS_SHARES", "SERVES_AS", "SUPPLIES", "PAYS", "GUARANTEES", "KNOWS", "MANAGES",
         "OWNS_PRODUCT"]  # fmt: skip


def _value(rng: random.Random, column: str):
    odd = [None, float("nan"), "", "x", True, -3, "12.5", "2024-13-45", "20241118",
           "2025-06-01T10:00:00", date(2025, 1, 2)]  # fmt: skip
    if rng.random() < 0.08:
        return rng.choice(odd)
    if rng.random() < 0.3:
        return None
    if column in ("until", "last", "end", "last_contact", "since"):
        return str(
            date(2020, 1, 1).fromordinal(date(2020, 1, 1).toordinal() + rng.randint(0, 2900))
        )
    if column == "role":
        return rng.choice([*ROLE_SENIORITY, "advisor"])
    if column == "kind":
        return rng.choice(["direct", "deemed"])
    if column == "count":
        return rng.randint(0, 60)
    return rng.choice([rng.uniform(-5, 120), rng.uniform(0, 3e8), rng.random(), 0, 50])


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_terms_as_one_by_one(seed: int, monkeypatch) -> None:
    from guanxi.scoring import evidence_arrays

    scalar = []
    monkeypatch.setattr(evidence_arrays, "relationship_term",
                        lambda *a: scalar.append(a) or relationship_term(*a))  # fmt: skip
    rng = random.Random(seed)
    n = 6000
    types = np.array([rng.choice(TYPES) for _ in range(n)], object)
    columns = {c: np.array([_value(rng, c) for _ in range(n)], object) for c in EDGE_PROPS}
    got = relationship_terms(types, columns, TODAY)
    for i in range(n):
        props = {c: v for c, col in columns.items() if (v := col[i]) is not None and v == v}
        assert got[i] == pytest.approx(relationship_term(types[i], props, TODAY), abs=1e-12), (
            types[i],
            props,
        )
    assert (got > 0).mean() > 0.5 and len(set(np.round(got, 6))) > 500
    assert 0 < len(scalar) < n / 4  # the odd values only go one by one


def test_no_columns_and_no_rows() -> None:
    assert relationship_terms(np.array([], object), {}, TODAY).shape == (0,)
    got = relationship_terms(np.array(["MANAGES", "PAYS"], object), {}, TODAY)
    assert list(got) == [
        relationship_term("MANAGES", {}, TODAY),
        relationship_term("PAYS", {}, TODAY),
    ]
