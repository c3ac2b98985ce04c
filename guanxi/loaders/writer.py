"""The bulk writer: typed canonical frames → batched ``UNWIND $rows … MERGE`` statements.

Nodes are MERGEd on their constrained key, relationships MERGEd between endpoints
MATCHed by their keys (``SERVES_AS`` per role), so re-running a load reaches the same
counts. The statements are built from the schema (:meth:`Schema.merge_nodes`,
:meth:`Schema.merge_rels`, :meth:`Schema.merge_stubs`) and sent under a ``load.*`` name for
the server's query log. Every node and relationship gets the provenance properties:
``source``, ``load_id``, ``loaded_at`` and ``ingested_by``. Raw payments are aggregated per
payer–payee pair into ``PAYS {amount, count, first, last}``, which is SET (not added to).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import product
from typing import Any

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import get_schema
from guanxi.loaders.families import STUB_LABELS, Family, snake
from guanxi.loaders.periods import PERIOD_HOWS, period_lists
from guanxi.loaders.readers import ROW
from guanxi.loaders.validation import BAD, FILE

__all__ = [
    "Provenance",
    "Statement",
    "node_rows",
    "statements",
    "aggregate",
    "write_family",
    "write_stubs",
]

log = logging.getLogger(__name__)

_STUB_BATCH = 10_000


@dataclass(frozen=True)
class Provenance:
    """Who wrote what, when: the provenance properties of one load run."""

    load_id: str
    loaded_at: datetime
    ingested_by: str = "HO"

    def params(self, source: str) -> dict[str, Any]:
        """The ``$source``, ``$load_id``, ``$loaded_at``, ``$ingested_by`` parameters (the
        schema's ``provenance`` properties)."""
        return {
            "source": source,
            "load_id": self.load_id,
            "loaded_at": self.loaded_at,
            "ingested_by": self.ingested_by,
        }


@dataclass(frozen=True)
class Statement:
    """One write of a family: its query-log name, Cypher text and rows. ``counts``: its
    rows are the family's rows (not a node file's links, such as a branch's parent)."""

    name: str
    text: str
    rows: list[dict[str, Any]]
    counts: bool = True


def _plain(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Records with Python scalars (None for missing) for the driver."""
    recs = df.astype(object).where(df.notna(), None).to_dict("records")
    for r in recs:
        for k, v in r.items():
            if hasattr(v, "item") and not isinstance(v, (str, list)):
                r[k] = v.item()
    return recs


def _props(rec: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: rec[k] for k in names if rec[k] is not None}


def node_rows(fam: Family, df: pd.DataFrame) -> list[dict[str, Any]]:
    """``[{key, props}]`` for a node family (rows already free of errors)."""
    key = fam.key[0]
    names = tuple(p for p in fam.props if p != key)
    return [{"key": r[key], "props": _props(r, names)} for r in _plain(df[list(fam.props)])]


def _node_statements(fam: Family, df: pd.DataFrame) -> Iterator[Statement]:
    schema, label = get_schema(), fam.label or ""
    yield Statement(f"load.{fam.name}", schema.merge_nodes(label), node_rows(fam, df))
    for link in fam.links:
        sub = df[df[link.column].notna()]
        rows = [{"a": a, "b": b, "props": {}}
                for a, b in zip(sub[fam.key[0]], sub[link.column], strict=True)]  # fmt: skip
        end = schema.rel(link.rel_type).to[0]
        text = schema.merge_rels(link.rel_type, label, end)
        yield Statement(f"load.{fam.name}_{link.rel_type.lower()}", text, rows, counts=False)


def _rel_statements(fam: Family, df: pd.DataFrame) -> Iterator[Statement]:
    """One statement per start and end label (a label column picks the rows of each),
    rows sorted by the start id."""
    schema, (a, b) = get_schema(), fam.refs
    rel = schema.rel(fam.rel_type or "")
    df = df.sort_values([a.column, b.column], kind="stable")
    starts = rel.from_ if a.label_column else (a.label or "",)
    ends = rel.to if b.label_column else (b.label or "",)
    cols = [a.column, b.column, *fam.props, *((rel.key,) if rel.key else ())]
    for start, end in product(starts, ends):
        part, name = df, f"load.{fam.name}"
        for ref, label in ((a, start), (b, end)):
            if ref.label_column:
                part, name = part[part[ref.label_column] == label], f"{name}_{snake(label)}"
        if part.empty:
            continue
        rows = []
        for r in _plain(part[cols]):
            row = {"a": r[a.column], "b": r[b.column], "props": _props(r, fam.props)}
            if rel.key:
                row["key"] = r[rel.key]
            rows.append(row)
        yield Statement(name, schema.merge_rels(rel.name, start, end), rows)


def statements(fam: Family, df: pd.DataFrame) -> list[Statement]:
    """The writes of one family's good rows (aggregated already when it aggregates)."""
    make = _node_statements if fam.kind == "node" else _rel_statements
    return list(make(fam, df))


def aggregate(fam: Family, df: pd.DataFrame) -> pd.DataFrame:
    """Raw rows → one row per endpoint pair with the relationship's properties, as the
    family's :class:`~guanxi.loaders.families.Aggregation` says (payments: amount sum,
    count, first and last date)."""
    spec = fam.aggregate
    if spec is None:
        return df
    # a float column summed by pandas: a Python lambda per group took 3.4 s of a 10k load
    floats = {c.name for c in fam.columns if c.type == "float"}
    df = df.assign(**{c: pd.to_numeric(df[c]).astype(float) for c in floats if c in df})
    keys = [r.column for r in fam.refs]
    # dates as datetime64 for min/max: on date objects pandas aggregates group by group
    dates = {col for _, col, how in spec.into if how in ("min", "max")
             and col in fam.col_index and fam.col_index[col].type == "date"}  # fmt: skip
    g = df.assign(**{c: pd.to_datetime(df[c]) for c in dates if c in df}).groupby(keys, sort=True)
    out = g.agg(
        **{prop: (col, how) for prop, col, how in spec.into if how not in PERIOD_HOWS},
        **{FILE: (FILE, "first"), ROW: (ROW, "first")},
    ).reset_index()
    for prop, col, how in spec.into:
        if col in dates and how in ("min", "max"):  # back to dates, None where none
            out[prop] = pd.Series([None if pd.isna(d) else d.date() for d in out[prop]],
                                  dtype=object, index=out.index)  # fmt: skip
    hows = {how: (prop, col) for prop, col, how in spec.into if how in PERIOD_HOWS}
    if hows:  # payments by quarter (guanxi.loaders.periods)
        per = period_lists(df, keys, hows["quarters"][1], hows["quarter_sums"][1])
        per = per.rename(columns={"periods": hows["quarters"][0],
                                  "period_amounts": hows["quarter_sums"][0]})  # fmt: skip
        out = out.merge(per, on=keys, how="left")
        for prop, _ in hows.values():  # a pair with no dated payment: no periods
            out[prop] = [v if isinstance(v, list) else None for v in out[prop]]
    out[BAD] = False
    return out


def write_family(
    client: Gateway,
    fam: Family,
    df: pd.DataFrame,
    prov: Provenance,
    *,
    batch_size: int = 10_000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Write the good rows of one family, per source file. Returns rows written."""
    good = aggregate(fam, df[~df[BAD]] if BAD in df.columns else df)
    written = 0
    for source, part in good.groupby(FILE, sort=False):
        params = prov.params(str(source))
        for st in statements(fam, part):
            n = client.write_batches(
                st.name, st.rows, text=st.text, batch_size=batch_size, on_batch=on_batch,
                **params,
            )  # fmt: skip
            written += n if st.counts else 0
        log.info("wrote %s from %s", fam.name, source)
    return written


def write_stubs(
    client: Gateway, stub_ids: dict[str, set[str]], prov: Provenance, source: str
) -> int:
    """Create the stub nodes collected by reference checking (:data:`STUB_LABELS` only).
    Returns ids sent."""
    n = 0
    schema = get_schema()
    for label, ids in stub_ids.items():
        if label not in STUB_LABELS:
            continue
        rows = [{"key": i} for i in sorted(ids)]
        client.write_batches(
            f"load.stubs_{snake(label)}", rows, text=schema.merge_stubs(label),
            batch_size=_STUB_BATCH, **prov.params(source),
        )  # fmt: skip
        n += len(rows)
    return n
