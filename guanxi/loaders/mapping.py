"""YAML column mappings: a source's files, columns and value codes → canonical families.

A mapping lists ``tables``; each names a file (a glob), the canonical family it feeds and,
per canonical column, where the value comes from (``from``, ``const``, ``hash``, ``cases``)
and how it is cleaned (``null_values``, ``regex``, ``replace``, ``pct``, ``pad``, ``split``,
``map``, ``date_format``, ``classify``). One file may feed several families. The format is
documented with examples in docs/loading.md; no source needs Python code of its own.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from guanxi.errors import ConfigError
from guanxi.loaders.families import FAMILIES
from guanxi.loaders.names import account_owner
from guanxi.loaders.readers import ROW

__all__ = ["Mapping", "Table", "load_mapping", "apply_table", "MAPPINGS_DIR"]

log = logging.getLogger(__name__)

#: The one mappings folder: shipped with the package, so a bare name works wherever guanxi
#: is installed (``guanxi load DIR --mapping cn_ashare_exec``).
MAPPINGS_DIR = Path(__file__).parent / "mappings"
_SPEC_KEYS = {
    "from", "join", "const", "hash", "prefix", "length", "cases", "when", "null_values",
    "regex", "replace", "pct", "pad", "split", "map", "unmapped", "date_format", "classify",
    "default", "upper", "lower", "account_owner",
}  # fmt: skip
_CONFLICT_POLICIES = ("warn", "error")


@dataclass(frozen=True)
class Table:
    """One source file (glob) feeding one family."""

    file: str
    family: str
    columns: dict[str, Any]
    read: dict[str, Any]
    where: dict[str, Any]
    dedupe: str = "error"
    optional: bool = False
    conflicts: str = "warn"


@dataclass(frozen=True)
class Mapping:
    """A whole mapping file."""

    name: str
    source: str
    tables: tuple[Table, ...]
    stubs: frozenset[str]
    path: Path | None = None

    def tables_for(self, file: Path) -> list[Table]:
        """The tables whose ``file`` glob matches ``file``'s name."""
        return [t for t in self.tables if fnmatch.fnmatch(file.name, t.file)]


def load_mapping(path: Path | str) -> Mapping:
    """Read and check a mapping YAML: any path, or the name of a mapping shipped in
    ``guanxi/loaders/mappings/`` (:data:`MAPPINGS_DIR`: ``cn_ashare_exec``, or a path that
    does not exist whose stem names one). Raises :class:`ConfigError` on a malformed
    mapping."""
    p = Path(path)
    if not p.exists() and (MAPPINGS_DIR / f"{p.stem}.yaml").exists():
        p = MAPPINGS_DIR / f"{p.stem}.yaml"
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"Cannot read mapping {path}: {e}") from e
    if not isinstance(raw, dict) or not raw.get("tables"):
        raise ConfigError(f"Mapping {p}: expected a mapping with a `tables` list")
    tables = []
    for i, t in enumerate(raw["tables"]):
        fam = t.get("family")
        if fam not in FAMILIES:
            raise ConfigError(f"Mapping {p}: table {i} has unknown family {fam!r}")
        for col, spec in (t.get("columns") or {}).items():
            if col not in FAMILIES[fam].col_index:
                raise ConfigError(f"Mapping {p}: {fam} has no column {col!r}")
            bad = set(spec) - _SPEC_KEYS if isinstance(spec, dict) else set()
            if bad:
                raise ConfigError(f"Mapping {p}: {fam}.{col}: unknown keys {sorted(bad)}")
        if t.get("conflicts", "warn") not in _CONFLICT_POLICIES:
            raise ConfigError(f"Mapping {p}: table {i}: conflicts must be warn or error")
        tables.append(
            Table(
                file=t["file"], family=fam, columns=t.get("columns") or {},
                read=t.get("read") or {}, where=t.get("where") or {},
                dedupe=t.get("dedupe", "error"), optional=bool(t.get("optional", False)),
                conflicts=t.get("conflicts", "warn"),
            )
        )  # fmt: skip
    name = raw.get("name", p.stem)
    return Mapping(
        name, raw.get("source", name), tuple(tables), frozenset(raw.get("stubs") or ()), p
    )


def _hash(values: list[Any], prefix: str, length: int) -> str:
    key = "\x1f".join("" if _missing(v) else str(v) for v in values)
    return prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:length]


def _missing(value: Any) -> bool:
    """None, a float NaN or pandas' NA: a missing value, never the text "nan"."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _one(value: Any, spec: dict[str, Any]) -> Any:
    """Clean one scalar by the spec's transforms (after split)."""
    if _missing(value):
        return None
    v = str(value).strip()
    if v in (spec.get("null_values") or ()) or v == "":
        return None
    if spec.get("account_owner"):  # "X-集团本级-自有资金" is X's own account: X
        v = account_owner(v) or v
    if "regex" in spec:
        m = re.search(spec["regex"], v)
        if not m:
            return v
        v = m.group(1) if m.groups() else m.group(0)
    for old, new in (spec.get("replace") or {}).items():
        v = v.replace(str(old), str(new))
    if spec.get("pct"):
        v = v.replace("%", "").replace("％", "").strip()
    if spec.get("upper"):
        v = v.upper()
    if spec.get("lower"):
        v = v.lower()
    if "pad" in spec and v.isdigit():
        v = v.zfill(int(spec["pad"]))
    if "map" in spec:
        table = {str(k): v2 for k, v2 in spec["map"].items()}
        if v in table:
            v = table[v]
        elif "default" in spec and "classify" not in spec:
            v = spec["default"]
        elif spec.get("unmapped", "keep") == "null":
            return None
    if "date_format" in spec:
        # a value that does not parse is left as it is: validation reports "not a date"
        with contextlib.suppress(ValueError):
            v = datetime.strptime(v, spec["date_format"]).strftime("%Y-%m-%d")
    if "classify" in spec:
        hit = next((c["value"] for c in spec["classify"] if re.search(c["pattern"], v)), None)
        v = hit if hit is not None else spec.get("default", v)
    return None if v is None else str(v)


def _source(rec: dict[str, Any], spec: dict[str, Any], out: dict[str, Any]) -> Any:
    def get(col: str) -> Any:
        return out[col] if col in out else rec.get(col)

    if "const" in spec:
        return spec["const"]
    if "hash" in spec:
        cols = spec["hash"] if isinstance(spec["hash"], list) else [spec["hash"]]
        # cleaning steps (upper, regex, replace, …) apply to each value before hashing
        vals = [_one(get(c), spec) for c in cols]
        if all(v is None for v in vals):
            return None
        return _hash(vals, spec.get("prefix", ""), int(spec.get("length", 16)))
    src = spec.get("from")
    if isinstance(src, list):
        parts = [get(c) for c in src]
        return spec.get("join", "").join(str(p) for p in parts if not _missing(p)) or None
    return get(src) if src else None


def _value(rec: dict[str, Any], spec: Any, out: dict[str, Any]) -> Any:
    if isinstance(spec, str):
        spec = {"from": spec}
    if "cases" in spec:
        for case in spec["cases"]:
            when = case.get("when") or {}
            if all(_matches(out.get(k), w) for k, w in when.items()):
                return _value(rec, case, out)
        return None
    raw = _source(rec, spec, out)
    if "hash" in spec:
        return raw
    if "split" in spec and raw is not None:
        items = [_one(x, spec) for x in str(raw).split(spec["split"])]
        return list(dict.fromkeys(x for x in items if x is not None)) or None
    return _one(raw, spec)


def _matches(value: Any, want: Any) -> bool:
    """``want`` is a value, a list of values, ``{matches: regex}`` or ``{not_matches: regex}``."""
    if isinstance(want, dict):
        text = "" if value is None else str(value)
        if "matches" in want:
            return re.search(want["matches"], text) is not None
        if "not_matches" in want:
            return re.search(want["not_matches"], text) is None
        raise ConfigError(f"Mapping `where`: unknown condition {sorted(want)}")
    return value in want if isinstance(want, list) else value == want


def apply_table(table: Table, raw: pd.DataFrame) -> pd.DataFrame:
    """Map a source frame (strings, ``_row``) to the table's family columns.

    Split columns explode into one row per item; ``where`` keeps matching rows (a key
    naming a mapped column tests the mapped value, any other key the source column); ``dedupe``
    ``first``/``last`` collapses rows with the same key (``error`` leaves duplicates for
    validation to report).
    """
    fam = FAMILIES[table.family]
    recs = raw.to_dict("records")
    before = {k: w for k, w in table.where.items() if k not in table.columns}
    if before:
        recs = [r for r in recs if all(_matches(r.get(k), w) for k, w in before.items())]
    rows = []
    for rec in recs:
        out: dict[str, Any] = {}
        for col, spec in table.columns.items():
            out[col] = _value(rec, spec, out)
        out[ROW] = rec[ROW]
        rows.append(out)
    df = pd.DataFrame(rows, columns=[*table.columns, ROW])
    for col in table.columns:
        if df[col].map(lambda v: isinstance(v, list)).any():
            df = df.explode(col, ignore_index=True)
    for col, want in table.where.items():
        if col not in table.columns:
            continue
        df = df[df[col].map(lambda v, w=want: _matches(v, w))]
    if table.dedupe in ("first", "last") and all(k in df.columns for k in fam.key):
        df = df.drop_duplicates(list(fam.key), keep=table.dedupe)
    df = df.astype(object).where(df.notna(), None)
    return df.reset_index(drop=True)
