"""Cross-file validation: referential integrity against the file set and the database,
and the total shareholding of each company.

An edge whose endpoint is neither among the valid node rows of this load nor already in
the database is an error, unless the mapping allows stub nodes for that label; then the
id is collected and :mod:`guanxi.loaders.writer` creates a stub node (``stub: true``).
"""

from __future__ import annotations

import logging

import pandas as pd

from guanxi.errors import RowError
from guanxi.graph.gateway import Gateway
from guanxi.loaders.families import FAMILIES, ORDER, snake
from guanxi.loaders.readers import ROW
from guanxi.loaders.validation import BAD, FILE

__all__ = ["check_references", "check_share_totals", "existing_query", "LABELS"]

log = logging.getLogger(__name__)

#: The labels of the node families: the labels a reference may point at.
LABELS = tuple(f.label for f in FAMILIES.values() if f.kind == "node" and f.label)
_CHUNK = 50_000


def existing_query(label: str) -> str:
    """The named query (``load/lookup.cypher``) returning which of ``$ids`` are keys of
    existing ``label`` nodes: ``load.existing_`` + the label in snake case."""
    return f"load.existing_{snake(label)}"


def _in_database(client: Gateway | None, label: str, ids: set[str]) -> set[str]:
    if client is None or not ids:
        return set()
    found: set[str] = set()
    items = sorted(ids)
    for i in range(0, len(items), _CHUNK):
        rows = client.read(existing_query(label), ids=items[i : i + _CHUNK])
        found.update(r["id"] for r in rows)
    return found


def check_references(
    frames: dict[str, pd.DataFrame],
    client: Gateway | None,
    stubs: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[RowError], dict[str, set[str]]]:
    """Check every reference column of the validated ``frames`` (family → typed frame).

    Marks rows with an unknown endpoint as bad (``_bad``) in place. Returns the errors and,
    per label, the ids that need stub nodes.
    """
    known: dict[str, set[str]] = {label: set() for label in LABELS}
    for name, df in frames.items():
        fam = FAMILIES[name]
        if fam.kind == "node" and fam.label:
            known[fam.label].update(df.loc[~df[BAD], fam.key[0]].dropna().tolist())
    errors: list[RowError] = []
    stub_ids: dict[str, set[str]] = {}
    for name in ORDER:
        if name not in frames:
            continue
        fam, df = FAMILIES[name], frames[name]
        for ref in fam.refs:
            vals = df[ref.column]
            labels = df[ref.label_column] if ref.label_column else pd.Series(ref.label, df.index)
            for label in labels.dropna().unique():
                if label not in known:
                    continue  # an invalid type value, reported by validate_family
                rows = (labels == label) & vals.notna()
                missing = set(vals[rows]) - known[label]
                missing -= _in_database(client, label, missing)
                if not missing:
                    continue
                if label in stubs:
                    stub_ids.setdefault(label, set()).update(missing)
                    continue
                unknown = rows & vals.isin(missing)
                df.loc[unknown, BAD] = True
                sub = df.loc[unknown]
                errors += [
                    RowError(f, int(r), ref.column, v,
                             f"unknown {label} {v!r} (not in the files nor the database)")
                    for f, r, v in zip(sub[FILE], sub[ROW], sub[ref.column], strict=True)
                ]  # fmt: skip
    return errors, stub_ids


def check_share_totals(df: pd.DataFrame, tolerance: float = 0.01) -> list[RowError]:
    """Warnings for companies whose holders' ``pct`` sum to more than 100 % (deemed
    interests restate stakes held elsewhere in the chain and are not summed)."""
    ok = df.loc[~df[BAD] & df["pct"].notna()]
    if "kind" in ok.columns:
        ok = ok[ok["kind"].fillna("direct") != "deemed"]
    if ok.empty:
        return []
    totals = ok["pct"].astype(float).groupby(ok["company_id"]).sum()
    over = totals[totals > 100 + tolerance]
    files = ok.groupby("company_id")[FILE].first()
    return [
        RowError(files[cid], None, "pct", cid,
                 f"total shareholding of company {cid!r} is {total:.2f}% (> 100%)", "warning")
        for cid, total in over.items()
    ]  # fmt: skip
