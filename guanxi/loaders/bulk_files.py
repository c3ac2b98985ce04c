"""Typed canonical frames → CSV files in the format of Neo4j's offline importer.

What the Bolt loader (:mod:`guanxi.loaders.writer`) would write, row for row, as importer
files: a node family's rows with their key as ``id:ID(Company)`` (the key stays a
property), its links (a branch's ``parent_id``) as ``PART_OF`` / ``WORKS_AT`` files, the stub
nodes of a mapping's ``stubs``, and each relationship family — aggregated first where it
aggregates (raw ``payments`` → ``PAYS``) — split by start and end label
(``:START_ID(Person)``, ``:END_ID(Company)``). Every row carries the provenance the Bolt
loader SETs: ``source`` (its file), ``load_id``, ``loaded_at``, ``ingested_by``.

A column's importer type is the type of the values the Bolt loader would send, not only
the schema's: a float column whose values are all whole numbers reaches Neo4j as integers
through Bolt (``pd.to_numeric``), so it is written as ``long`` here too. Files are written
``chunk_rows`` rows at a time with pyarrow (each chunk its own file with its own header),
so no family is ever rendered as text all at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from guanxi.graph.importer import ImportInput
from guanxi.graph.schema import get_schema
from guanxi.loaders.families import STUB_LABELS, Family, snake
from guanxi.loaders.validation import BAD, FILE
from guanxi.loaders.writer import Provenance, aggregate

__all__ = ["BulkFiles", "column_kind"]

log = logging.getLogger(__name__)

_ARROW = {"string": pa.string(), "long": pa.int64(), "double": pa.float64(),
          "boolean": pa.bool_(), "date": pa.date32()}  # fmt: skip


def _scalar_kind(t: type) -> str:
    if issubclass(t, (bool, np.bool_)):
        return "boolean"
    if issubclass(t, (int, np.integer)):
        return "long"
    if issubclass(t, (float, np.floating)):
        return "double"
    if issubclass(t, datetime):
        return "datetime"
    if issubclass(t, date):
        return "date"
    if issubclass(t, str):
        return "string"
    raise ValueError(f"no importer type for {t.__name__} values")


def column_kind(values: pd.Series) -> str:
    """The importer type of a column of Python values (None/NaN: missing): ``string``,
    ``long``, ``double``, ``boolean``, ``date``, or an array ``string[]`` / ``double[]``.

    Raises
    ------
    ValueError
        When the values are of several types (the importer has one type per column).

    Examples
    --------
    >>> column_kind(pd.Series([1.5, None]))
    'double'
    >>> column_kind(pd.Series([["a", "b"], None]))
    'string[]'
    """
    present = values.dropna().tolist()
    types = set(map(type, present))
    if not types:
        return "string"
    if any(issubclass(t, list) for t in types):
        items = {_scalar_kind(type(x)) for v in present for x in v}
        kinds = {f"{k}[]" for k in items} or {"string[]"}
    else:
        kinds = {_scalar_kind(t) for t in types}
    if len(kinds) != 1:
        raise ValueError(f"values of several types in one column: {sorted(kinds)}")
    return kinds.pop()


def _arrow(values: pd.Series, kind: str) -> pa.Array:
    vals = values.tolist()
    if kind.endswith("[]"):  # the importer's arrays: items joined by the array delimiter
        fmt = repr if kind == "double[]" else str
        joined = [";".join(fmt(x) for x in v) if isinstance(v, list) and v else None
                  for v in vals]  # fmt: skip
        return pa.array(joined, pa.string())
    if kind == "double":
        vals = [None if v is None else float(v) for v in vals]
    return pa.array(vals, _ARROW[kind], from_pandas=True)


@dataclass
class BulkFiles:
    """Writes importer files under ``folder``; ``inputs`` lists them in write order."""

    folder: Path
    prov: Provenance
    chunk_rows: int = 500_000
    inputs: list[ImportInput] = field(default_factory=list)
    multiline: bool = False

    def write(self, kind: str, name: str, ids: list[tuple[str, str]], df: pd.DataFrame,
              props: list[str], source: pd.Series | str) -> int:  # fmt: skip
        """Write ``df`` as ``kind`` (``nodes``/``relationships``) of ``name``: ``ids`` are
        ``(header, column)`` pairs (``id:ID(Company)``, ``:START_ID(Person)``), ``props``
        the property columns (missing values: no property). Returns rows written."""
        for start in range(0, len(df), self.chunk_rows):
            part = df.iloc[start : start + self.chunk_rows]
            src = source.iloc[start : start + self.chunk_rows] if isinstance(source, pd.Series) \
                else pd.Series(source, index=part.index)  # fmt: skip
            self._chunk(kind, name, ids, part, props, src)
        return len(df)

    def _chunk(self, kind: str, name: str, ids: list[tuple[str, str]], part: pd.DataFrame,
               props: list[str], source: pd.Series) -> None:  # fmt: skip
        header, arrays = [], []
        for head, col in ids:
            header.append(head)
            arrays.append(pa.array(part[col].tolist(), pa.string()))
        for p in props:
            k = column_kind(part[p])
            header.append(f"{p}:{k}")
            arrays.append(_arrow(part[p], k))
        n, p = len(part), self.prov
        header += ["source:string", "load_id:string", "loaded_at:datetime", "ingested_by:string"]
        arrays += [pa.array(source.astype(str).tolist(), pa.string()),
                   pa.array([p.load_id] * n, pa.string()),
                   pa.array([p.loaded_at.isoformat()] * n, pa.string()),
                   pa.array([p.ingested_by] * n, pa.string())]  # fmt: skip
        for a in arrays:
            if pa.types.is_string(a.type) and pc.any(pc.match_substring_regex(a, "[\r\n]")).as_py():
                self.multiline = True
        stem = snake(name) if kind == "nodes" else name.lower()
        path = self.folder / f"{kind}-{stem}-{len(self.inputs):04d}.csv"
        with path.open("wb") as f:
            f.write((",".join(header) + "\n").encode("utf-8"))
            table = pa.table(arrays, names=[f"c{i}" for i in range(len(arrays))])
            pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False))
        self.inputs.append(ImportInput(kind, name, path))

    def node_family(self, fam: Family, df: pd.DataFrame) -> int:
        """A node family's good rows and its links; returns node rows written."""
        schema, label, key = get_schema(), fam.label or "", fam.key[0]
        good = df[~df[BAD]]
        props = [p for p in fam.props if p != key]
        n = self.write("nodes", label, [(f"{key}:ID({label})", key)], good, props, good[FILE])
        for link in fam.links:
            sub = good[good[link.column].notna()]
            end = schema.rel(link.rel_type).to[0]
            ids = [(f":START_ID({label})", key), (f":END_ID({end})", link.column)]
            self.write("relationships", link.rel_type, ids, sub, [], sub[FILE])
        return n

    def stubs(self, stub_ids: dict[str, set[str]], source: str) -> int:
        """Stub nodes ``{key, name: key, stub: true}`` of :data:`STUB_LABELS`; ids sent."""
        n = 0
        for label, ids in stub_ids.items():
            if label not in STUB_LABELS or not ids:
                continue
            key = get_schema().node(label).key
            keys = sorted(ids)
            df = pd.DataFrame({key: keys, "name": keys, "stub": [True] * len(keys)})
            n += self.write("nodes", label, [(f"{key}:ID({label})", key)], df,
                            ["name", "stub"], source)  # fmt: skip
        return n

    def rel_family(self, fam: Family, df: pd.DataFrame) -> int:
        """A relationship family's good rows (aggregated first), one file group per start
        and end label; returns relationships written."""
        rel = get_schema().rel(fam.rel_type or "")
        a, b = fam.refs
        good = aggregate(fam, df[~df[BAD]])
        starts = rel.from_ if a.label_column else (a.label or "",)
        ends = rel.to if b.label_column else (b.label or "",)
        props = [*((rel.key,) if rel.key else ()), *fam.props]
        n = 0
        for start, end in product(starts, ends):
            part = good
            for ref, label in ((a, start), (b, end)):
                if ref.label_column:
                    part = part[part[ref.label_column] == label]
            if part.empty:
                continue
            ids = [(f":START_ID({start})", a.column), (f":END_ID({end})", b.column)]
            n += self.write("relationships", rel.name, ids, part, props, part[FILE])
        return n

    def family(self, fam: Family, df: pd.DataFrame) -> int:
        """Write one family (node or relationship); returns rows written as the Bolt
        loader counts them."""
        return self.node_family(fam, df) if fam.kind == "node" else self.rel_family(fam, df)

    def summary(self) -> dict[str, Any]:
        """Files written per kind, for the report."""
        return {"files": len(self.inputs), "multiline": self.multiline}
