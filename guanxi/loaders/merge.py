"""Rows of one load that share a node key become one node row, values combined.

A party often arrives through several tables of one load: a holder of a top-20 register
that is also an issuer of the same file, a bank that is originator in some transfers and
beneficiary in others. :func:`merge_node_rows` folds the string rows of one node family
that share its key into the first of them: each column takes the first non-missing value
(``list<string>`` columns: the union of the items, in order), so nothing that has a value
is dropped. Two different values of one column are a *conflict*: a ``RowError`` on the
later row naming the earlier one, a warning by default, an error where the mapping table
says ``conflicts: error`` (then the merged row is rejected). Relationship keys are not
merged here: a duplicate relationship key stays an error (:mod:`~guanxi.loaders.validation`).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from guanxi.errors import RowError
from guanxi.loaders.families import Family
from guanxi.loaders.readers import ROW

__all__ = ["CONFLICTS", "merge_node_rows"]

log = logging.getLogger(__name__)

#: Hidden column: the conflict policy of the table a row came from (``warn`` | ``error``).
CONFLICTS = "_conflicts"
_FILE = "_file"


def _items(v: Any) -> list[str]:
    return [x.strip() for x in str(v).split(";") if x.strip()]


def merge_node_rows(fam: Family, df: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError], set]:
    """Fold rows sharing ``fam``'s key (string frame with ``_file``/``_row``).

    Returns the merged frame (the first row of each key stands for it, its ``_file`` and
    ``_row`` kept), the conflicts as ``RowError`` and the keys whose conflicts are errors.
    Rows without a key are left as they are (validation reports them).
    """
    if fam.kind != "node" or df.empty or fam.key[0] not in df.columns:
        return df, [], set()
    key = fam.key[0]
    has_key = df[key].notna()
    dup = has_key & df[key].duplicated(keep=False)
    if not dup.any():
        return df, [], set()
    lists = {c.name for c in fam.columns if c.type == "list<string>"}
    cols = [c for c in df.columns if c not in (_FILE, ROW, CONFLICTS, key)]
    errors: list[RowError] = []
    bad_keys: set = set()
    merged: dict[int, dict[str, Any]] = {}
    drop: list[int] = []
    sub = df.loc[dup]
    for k, group in sub.groupby(key, sort=False):
        recs = group.to_dict("index")
        first_i = next(iter(recs))
        out = dict(recs[first_i])
        seen: dict[str, tuple[Any, str, Any]] = {}
        for i, rec in recs.items():
            policy = rec.get(CONFLICTS) or "warn"
            for c in cols:
                v = rec.get(c)
                if v is None or (isinstance(v, float) and v != v):
                    continue
                if c in lists:
                    have = _items(out.get(c)) if out.get(c) is not None else []
                    out[c] = ";".join(dict.fromkeys([*have, *_items(v)]))
                    continue
                if c not in seen:
                    seen[c] = (v, rec[_FILE], rec[ROW])
                    out[c] = v
                elif str(v) != str(seen[c][0]):
                    v0, f0, r0 = seen[c]
                    severity = "error" if policy == "error" else "warning"
                    why = f"{fam.label} {k!r}: conflicts with {f0} row {r0} ({v0!r}); " + (
                        "row rejected" if severity == "error" else "kept the first value"
                    )
                    errors.append(RowError(rec[_FILE], int(rec[ROW]), c, v, why, severity))
                    if severity == "error":
                        bad_keys.add(k)
            if i != first_i:
                drop.append(i)
        merged[first_i] = out
    out_df = df.drop(index=drop)
    for i, rec in merged.items():
        for c in cols:
            out_df.at[i, c] = rec.get(c)
    log.info("%s: %d rows merged into %d nodes", fam.name, len(sub), len(merged))
    return out_df, errors, bad_keys
