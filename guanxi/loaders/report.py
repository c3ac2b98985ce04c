"""What a load did (:class:`LoadReport`, per family :class:`FamilyReport`) and the reject
file of ``--skip-bad-rows``; shared by the Bolt loader (:mod:`guanxi.loaders.load`) and the
bulk loader (:mod:`guanxi.loaders.bulk`)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from guanxi.errors import RowError
from guanxi.loaders.readers import ROW
from guanxi.loaders.snapshot import SnapshotResult
from guanxi.loaders.validation import FILE

__all__ = ["FamilyReport", "LoadReport", "write_rejects"]

log = logging.getLogger(__name__)


@dataclass
class FamilyReport:
    """Rows read, written and rejected for one family, and how long writing took."""

    read: int = 0
    written: int = 0
    rejected: int = 0
    elapsed_s: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.written / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass
class LoadReport:
    """What a load did: per-family counts, elapsed time, errors, warnings, stubs."""

    load_id: str
    families: dict[str, FamilyReport] = field(default_factory=dict)
    elapsed_s: float = 0.0
    validate_s: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    stubs: dict[str, int] = field(default_factory=dict)
    reject_file: str | None = None
    #: the snapshot date of a ``--snapshot`` load, and what it did per versioned family
    snapshot: date | None = None
    snapshots: dict[str, SnapshotResult] = field(default_factory=dict)

    @property
    def written(self) -> int:
        return sum(f.written for f in self.families.values())

    @property
    def rows_per_s(self) -> float:
        return self.written / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "elapsed_s": round(self.elapsed_s, 3),
            "validate_s": round(self.validate_s, 3),
            "written": self.written,
            "rows_per_s": round(self.rows_per_s, 1),
            "families": {
                k: {**asdict(v), "rows_per_s": round(v.rows_per_s, 1)}
                for k, v in self.families.items()
            },
            "stubs": self.stubs,
            "reject_file": self.reject_file,
            "snapshot": self.snapshot.isoformat() if self.snapshot else None,
            "changes": {
                k: {"rewritten": v.rewritten, "events": v.events} for k, v in self.snapshots.items()
            },  # fmt: skip
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [e.to_dict() for e in self.warnings],
        }


def write_rejects(path: Path, errors: list[RowError], raw: dict[str, pd.DataFrame]) -> None:
    """The reject CSV of ``--skip-bad-rows``: each error with its row's values as JSON."""
    records: dict[tuple[str, int], str] = {}
    for df in raw.values():
        cols = [c for c in df.columns if c not in (FILE, ROW)]
        for rec in df.to_dict("records"):
            records[(rec[FILE], rec[ROW])] = json.dumps(
                {c: rec[c] for c in cols if isinstance(rec[c], str)}, ensure_ascii=False
            )
    rows = [
        {**e.to_dict(), "record": records.get((e.file, e.row or -1))}
        for e in errors
        if e.severity == "error"
    ]
    pd.DataFrame(rows, columns=["file", "row", "column", "value", "reason", "severity", "record"]
                 ).to_csv(path, index=False, encoding="utf-8")  # fmt: skip
