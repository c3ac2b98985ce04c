"""Risk flags from a file: ``company_id, kind, severity[, since, note]`` (CSV, UTF-8), one
flag per company and kind (default, litigation, watch). Every row is checked first; a bad
row (unknown company, unknown kind, severity outside 0–1, a bad date, a duplicate) rejects
the whole file with row-level errors and nothing is written (docs/risk.md "Flags")."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd

from guanxi.errors import InvalidData, RowError
from guanxi.graph.gateway import Gateway

__all__ = ["FLAG_KINDS", "read_flags", "load_flags"]

log = logging.getLogger(__name__)

FLAG_KINDS = ("default", "litigation", "watch")
REQUIRED = ("company_id", "kind", "severity")


def read_flags(path: Path) -> tuple[list[dict], list[RowError]]:
    """The flags of ``path`` as rows, and the problems found (row numbers count the header
    as row 1)."""
    name = str(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        return [], [RowError(name, None, None, None, f"cannot read the file: {e}")]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return [], [RowError(name, 1, c, None, "required column missing") for c in missing]
    rows, errors, seen = [], [], set()
    for i, r in enumerate(df.to_dict("records"), start=2):
        bad = len(errors)
        cid, kind = r["company_id"].strip(), r["kind"].strip()
        if not cid:
            errors.append(RowError(name, i, "company_id", cid, "required value missing"))
        if kind not in FLAG_KINDS:
            errors.append(RowError(name, i, "kind", kind, f"not one of {', '.join(FLAG_KINDS)}"))
        try:
            sev = float(r["severity"])
            if not 0.0 <= sev <= 1.0:
                raise ValueError
        except ValueError:
            sev = None
            errors.append(RowError(name, i, "severity", r["severity"], "not a number in 0-1"))
        since = r.get("since", "").strip() or None
        if since:
            try:
                since = date.fromisoformat(since)
            except ValueError:
                errors.append(RowError(name, i, "since", since, "not a date (YYYY-MM-DD)"))
        if (cid, kind) in seen:
            errors.append(RowError(name, i, "company_id", cid, f"duplicate flag {kind!r}"))
        seen.add((cid, kind))
        if len(errors) == bad:
            rows.append({"row": i, "company_id": cid, "kind": kind, "severity": sev,
                         "since": since, "note": r.get("note", "").strip() or None})  # fmt: skip
    return rows, errors


def load_flags(client: Gateway, path: Path | str) -> int:
    """Validate ``path`` and write its flags (``RiskFlag -[:FLAGS]-> Company``). Returns the
    flags written. Raises InvalidData (with every row error) and writes nothing when a row
    is bad or names a company that is not in the graph."""
    path = Path(path)
    rows, errors = read_flags(path)
    if rows and not errors:
        known = {
            r["id"]
            for r in client.read("risk.known_companies", ids=[r["company_id"] for r in rows])
        }
        errors = [RowError(str(path), r["row"], "company_id", r["company_id"],
                           "no such company in the graph")
                  for r in rows if r["company_id"] not in known]  # fmt: skip
    if errors:
        rows_bad = len({e.row for e in errors})
        raise InvalidData(
            f"{path}: {len(errors)} problem(s) in {rows_bad} row(s); nothing loaded", errors
        )
    for r in rows:
        r.pop("row")
    client.write_batches("risk.write_flags", rows, source=path.name)
    client.write("admin.bump_graph_version", why=f"risk flags {path.name}")
    log.info("loaded %d risk flags from %s", len(rows), path)
    return len(rows)
