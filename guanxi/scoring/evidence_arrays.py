"""Every relationship's noisy-OR term at once (:func:`relationship_terms`): what
:func:`~guanxi.scoring.evidence.relationship_term` gives one relationship, computed per type
on numpy columns.

The party arrays of batch scoring need the term of each of 12.8M relationships at 1M
companies; one Python call each (an :class:`~guanxi.records.Evidence` made to read its
``w·s``) was most of the arrays' build. The formulas are those of
:func:`~guanxi.scoring.evidence.edge_evidence`. Values of an unexpected kind (a number as a
string, a date that is no ``YYYY-MM-DD`` text, a role that is no text) are left to the
scalar function, row by row, so the result is that function's on any input
(``tests/unit/test_evidence_arrays.py`` compares the two).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from guanxi.scoring.evidence import (
    KNOWS_HALF_LIFE_DAYS,
    PAY_HALF_LIFE_DAYS,
    ROLE_SENIORITY,
    WEIGHTS,
    relationship_term,
)
from guanxi.scoring.projection import row_props

__all__ = ["relationship_terms", "READS"]

#: the property columns each type's formula (and :func:`~guanxi.scoring.evidence.edge_evidence`)
#: reads
READS: dict[str, tuple[str, ...]] = {
    "HOLDS_SHARES": ("pct",),
    "SERVES_AS": ("role", "until"),
    "SUPPLIES": ("amount", "share"),
    "PAYS": ("amount", "count", "last"),
    "GUARANTEES": ("amount", "end"),
    "KNOWS": ("strength", "last_contact", "since"),
    "MANAGES": (),
}
_DATES = {"until", "last", "end", "last_contact", "since"}
_NUMBER = (int, float)


def relationship_terms(
    types: np.ndarray, columns: dict[str, np.ndarray], today: date
) -> np.ndarray:
    """The term of each relationship (``types[i]`` and ``columns[c][i]``, None or NaN for
    no value), as :func:`~guanxi.scoring.evidence.relationship_term` gives it."""
    out = np.zeros(len(types))
    for rel_type in pd.unique(types):
        rows = np.flatnonzero(types == rel_type)
        reads = READS.get(rel_type)
        if reads is None:
            continue  # a type that gives no evidence: 0
        cols = {c: _column(columns, c, rows) for c in reads}
        plain = np.ones(len(rows), bool)
        for c, v in cols.items():
            plain &= _plain(v, c)
        fast = rows[plain]
        out[fast] = _terms(rel_type, {c: v[plain] for c, v in cols.items()}, today, len(fast))
        for r in rows[~plain]:  # anything unusual: the scalar function, as it is
            out[r] = relationship_term(rel_type, row_props(columns.items(), r), today)
    return out


def _column(columns: dict[str, np.ndarray], c: str, rows: np.ndarray) -> np.ndarray:
    col = columns.get(c)
    return np.full(len(rows), None, object) if col is None else col[rows]


def _plain(values: np.ndarray, column: str) -> np.ndarray:
    """Which values the array formulas take as they are: no value, or a number (not a
    bool), or for dates an ISO ``YYYY-MM-DD…`` text, or for the role a text."""
    ok = _date_ok if column in _DATES else _text_ok if column == "role" else _number_ok
    return np.fromiter(map(ok, values), bool, len(values))


def _date_ok(v: Any) -> bool:
    return v is None or (type(v) is str and _iso(v)) or v != v


def _text_ok(v: Any) -> bool:
    return v is None or type(v) is str or v != v


def _number_ok(v: Any) -> bool:
    return v is None or type(v) in _NUMBER


def _iso(v: str) -> bool:
    return len(v) >= 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit() and \
        v[5:7].isdigit() and v[8:10].isdigit()  # fmt: skip


def _num(values: np.ndarray, default: float) -> np.ndarray:
    x = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    return np.where(np.isnan(x), default, x)


def _sat(x: np.ndarray, scale: float) -> np.ndarray:
    return np.where(x > 0, 1.0 - np.exp(-np.where(x > 0, x, 0.0) / scale), 0.0)


def _days(values: np.ndarray, today: date) -> np.ndarray:
    """Days from each date to ``today`` (NaN where there is none or it is no valid date)."""
    s = pd.Series(values, dtype=object).where(pd.notna(values), None)
    d = pd.to_datetime(s.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    return (pd.Timestamp(today) - d).dt.days.to_numpy(float)


def _decay(days: np.ndarray, half_life: float) -> np.ndarray:
    return np.where(np.isnan(days), 1.0, 0.5 ** (np.maximum(np.nan_to_num(days), 0) / half_life))


def _terms(rel_type: str, c: dict[str, np.ndarray], today: date, n: int) -> np.ndarray:
    w = WEIGHTS
    if rel_type == "HOLDS_SHARES":
        s, weight = np.sqrt(np.minimum(1.0, np.maximum(_num(c["pct"], 0.0), 0.0) / 50.0)), \
            w["shareholding"]  # fmt: skip
    elif rel_type == "SERVES_AS":
        role = pd.Series(c["role"], dtype=object).fillna("").to_numpy(object)
        seniority = np.fromiter((ROLE_SENIORITY.get(x or "", 0.4) for x in role), float,
                                len(role))  # fmt: skip
        ended = _days(c["until"], today) > 0
        s, weight = seniority * np.where(ended, 0.4, 1.0), w["role"]
    elif rel_type == "SUPPLIES":
        share = _num(c["share"], 0.0)
        s, weight = np.maximum(np.minimum(share, 1.0), _sat(_num(c["amount"], 0.0), 5e7)), \
            w["supply"]  # fmt: skip
    elif rel_type == "PAYS":
        rec = _decay(_days(c["last"], today), PAY_HALF_LIFE_DAYS)
        s = 0.5 * _sat(_num(c["amount"], 0.0), 1e8) + 0.5 * _sat(_num(c["count"], 1.0), 24.0)
        s, weight = s * rec, w["payment"]
    elif rel_type == "GUARANTEES":
        ended = _days(c["end"], today) > 0
        s = (0.6 + 0.4 * _sat(_num(c["amount"], 0.0), 5000.0)) * np.where(ended, 0.5, 1.0)
        weight = w["guarantee"]
    elif rel_type == "KNOWS":
        last = c["last_contact"].copy()
        none = np.fromiter((not v or v != v for v in last), bool, len(last))
        last[none] = c["since"][none]  # `last_contact or since`, as the scalar reads it
        rec = _decay(_days(last, today), KNOWS_HALF_LIFE_DAYS)
        strength = _num(c["strength"], 0.5)
        s, weight = np.minimum(np.maximum(strength, 0.0), 1.0) * (0.5 + 0.5 * rec), w["knows"]
    else:  # MANAGES
        s, weight = np.ones(n), w["manages"]
    return np.clip(weight * s, 0.0, 1.0)
