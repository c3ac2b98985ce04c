"""The review file of entity resolution: candidate pairs out, a person's decisions in.

:func:`write_review` writes the open ``SAME_AS`` candidates as CSV (UTF-8 with BOM, so
Excel shows Chinese) or Excel (``.xlsx``) with one row per pair: both parties' ids, names
and sources, the match weight and probability, the per-field evidence in words, and an
empty ``decision`` column. :func:`read_review` reads it back: ``accept`` / ``reject`` (also
``yes``/``no``, ``y``/``n``, ``1``/``0``, ``是``/``否``, ``同意``/``拒绝``); blank rows are
left open. Any other value is an error naming file, row and column, and nothing is applied.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from guanxi.errors import InvalidData, RowError
from guanxi.loaders.readers import ROW, read_table
from guanxi.loaders.resolution import Decision

__all__ = ["REVIEW_COLUMNS", "evidence_text", "write_review", "read_review"]

log = logging.getLogger(__name__)

REVIEW_COLUMNS = [
    "left_id", "left_name", "left_source", "right_id", "right_name", "right_source",
    "label", "weight", "probability", "evidence", "decision", "note",
]  # fmt: skip
_ACCEPT = {"accept", "accepted", "yes", "y", "1", "true", "是", "同意", "接受"}
_REJECT = {"reject", "rejected", "no", "n", "0", "false", "否", "拒绝"}


def evidence_text(evidence: str | None) -> str:
    """Per-field evidence in words: ``name: same name (×4.8e+05); share_class: …``."""
    if not evidence:
        return ""
    parts = []
    for comp, ev in json.loads(evidence).items():
        parts.append(f"{comp}: {ev['level']} (×{ev['bf']:.3g})")
    return "; ".join(parts)


def write_review(candidates: pd.DataFrame, path: Path | str) -> Path:
    """Write ``candidates`` (the ``resolve.candidates`` rows) to ``path`` (``.csv`` or
    ``.xlsx``) with an empty ``decision`` column."""
    path = Path(path)
    df = candidates.copy()
    df["evidence"] = df["evidence"].map(evidence_text)
    df["decision"] = ""
    df["note"] = ""
    df = df.reindex(columns=REVIEW_COLUMNS)
    if path.suffix.lower() == ".xlsx":
        df.to_excel(path, index=False, sheet_name="review")
    else:
        df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def read_review(path: Path | str) -> list[Decision]:
    """The decisions of a filled-in review file (blank decisions skipped).

    Raises
    ------
    InvalidData
        A missing column, an empty id, or a decision that is neither accept nor reject
        (each error names the file, row and column).
    """
    path = Path(path)
    df = read_table(path, name=path.name)
    errors: list[RowError] = []
    for col in ("left_id", "right_id", "decision"):
        if col not in df.columns:
            errors.append(RowError(path.name, None, col, None, "missing column"))
    if errors:
        raise InvalidData(f"{path.name}: not a review file", errors)
    out = []
    for rec in df.to_dict("records"):
        raw = rec["decision"]
        if raw is None:
            continue
        word = str(raw).strip().lower()
        row = int(rec[ROW])
        if word in _ACCEPT:
            decision = "accept"
        elif word in _REJECT:
            decision = "reject"
        else:
            errors.append(RowError(path.name, row, "decision", raw, "not accept or reject"))
            continue
        for col in ("left_id", "right_id"):
            if not rec[col]:
                errors.append(RowError(path.name, row, col, None, "missing id"))
        out.append(Decision(str(rec["left_id"]), str(rec["right_id"]), decision, row))
    if errors:
        raise InvalidData(f"{len(errors)} errors in {path.name}; nothing was applied", errors)
    return out
