"""The bank's candidates for a match: matching key → company id, from a CSV file or from
every company in the graph (through the named query ``psi.candidates``).

A file has a header row with ``id`` (the company id to report) and either ``uscc`` or
``name`` + ``region`` (a row may have both; the USCC wins when it is well formed). Rows
without a usable key are skipped and counted in the log. Two companies with the same key
keep the first (the clash is logged with the count only)."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from guanxi.errors import InvalidData
from guanxi.graph.gateway import Gateway
from guanxi.psi.keys import company_key

__all__ = ["candidates_from_rows", "candidates_from_file", "candidates_from_graph", "read_keys"]

log = logging.getLogger(__name__)


def candidates_from_rows(rows: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """Key → id for rows with ``id`` and ``uscc`` and/or ``name`` + ``region``."""
    out: dict[str, str] = {}
    skipped = clashes = 0
    for row in rows:
        cid = row.get("id")
        key = company_key(row.get("uscc"), row.get("name"), row.get("region"))
        if not cid or key is None:
            skipped += 1
        elif key in out:
            clashes += 1
        else:
            out[key] = str(cid)
    if skipped or clashes:
        log.info("PSI candidates: %d rows without a key, %d duplicate keys", skipped, clashes)
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise InvalidData(f"Cannot read {str(path)!r}: {e.strerror}") from e


def candidates_from_file(path: Path) -> dict[str, str]:
    """Candidates from a CSV file (``id`` and ``uscc`` or ``name`` + ``region``)."""
    rows = _read_csv(path)
    if rows and "id" not in rows[0]:
        raise InvalidData(f"{str(path)!r} has no 'id' column")
    return candidates_from_rows(rows)


def candidates_from_graph(client: Gateway) -> dict[str, str]:
    """Candidates from every company in the graph (its id as USCC, else name + region)."""
    rows = client.read("psi.candidates")
    return candidates_from_rows({"uscc": r["id"], **r} for r in rows)


def read_keys(path: Path) -> list[str]:
    """The partner's set from a file: a CSV with ``uscc`` and/or ``name`` + ``region``
    columns, or a plain list with one USCC (or name) per line. Returns distinct keys."""
    text_rows = _read_csv(path)
    if text_rows and ({"uscc", "name"} & set(text_rows[0])):
        keys = (company_key(r.get("uscc"), r.get("name"), r.get("region")) for r in text_rows)
    else:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        keys = (company_key(line, line, None) for line in lines if line.strip())
    found = list(dict.fromkeys(k for k in keys if k))
    if not found:
        raise InvalidData(f"{str(path)!r} holds no usable USCC or name")
    return found
