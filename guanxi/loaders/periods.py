"""Payment flows by period: raw payments → per payer–payee pair the quarters with payments
(``periods``, ``2024Q3``) and the amount paid in each (``period_amounts``, same order).

The schema decision (docs/data-model.md "PAYS"): ``PAYS`` stays one relationship per pair
with its totals, and carries its history as two parallel lists, so that a flow's change
against its own past is one read of one relationship, and a load is still one MERGE per
pair (re-loading the same payments sets the same lists)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

__all__ = ["PERIOD_HOWS", "period_lists"]

log = logging.getLogger(__name__)

#: The aggregation names (in ``Aggregation.into``) computed here, not by pandas.
PERIOD_HOWS = ("quarters", "quarter_sums")


def period_lists(df: pd.DataFrame, keys: list[str], date: str, amount: str) -> pd.DataFrame:
    """``keys`` + ``periods`` (sorted quarter labels) + ``period_amounts`` per key; rows
    without a date are left out (keys with only such rows are absent).

    Examples
    --------
    >>> from datetime import date as d
    >>> raw = pd.DataFrame({"a": ["x", "x", "x"], "amount": [1.0, 2.0, 4.0],
    ...                     "date": [d(2024, 1, 5), d(2024, 2, 1), d(2024, 7, 1)]})
    >>> period_lists(raw, ["a"], "date", "amount").iloc[0].tolist()
    ['x', ['2024Q1', '2024Q3'], [3.0, 4.0]]
    >>> raw.loc[1, "date"] = None
    >>> period_lists(raw, ["a"], "date", "amount").iloc[0].tolist()
    ['x', ['2024Q1', '2024Q3'], [1.0, 4.0]]
    """
    when = pd.to_datetime(df[date])
    dated = when.notna()  # an undated payment counts in the totals, in no period
    df, when = df[dated], when[dated]
    q = when.dt.year.astype(int).astype(str) + "Q" + when.dt.quarter.astype(int).astype(str)
    per = (
        df.assign(_q=q.to_numpy(), _a=pd.to_numeric(df[amount]).astype(float))
        .groupby([*keys, "_q"], sort=True)["_a"].sum().round(2).reset_index()
    )  # fmt: skip
    # the lists cut from the sorted rows (a Python list per group through pandas' agg took
    # 10 s of a 10k network's 23,000 pairs)
    sizes = per.groupby(keys, sort=True).size()
    bounds = np.cumsum(sizes.to_numpy())[:-1]
    out = sizes.index.to_frame(index=False)
    out["periods"] = [a.tolist() for a in np.split(per["_q"].to_numpy(dtype=object), bounds)]
    out["period_amounts"] = [a.tolist() for a in np.split(per["_a"].to_numpy(), bounds)]
    return out
