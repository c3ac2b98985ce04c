"""Loading after entity resolution: ids merged into a canonical party stay merged.

``guanxi resolve`` turns a merged party into a ``SourceRecord`` (docs/resolution.md). When
its source is loaded again, :func:`redirect` points every relationship row that names the
merged id at the canonical party instead, and marks the node rows of merged ids
(``MERGED_INTO``): :func:`write_source_records` SETs their values on the source record,
so a re-load neither recreates the duplicate nor loses what the row says.
"""

from __future__ import annotations

import logging

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.loaders.families import FAMILIES
from guanxi.loaders.validation import BAD, FILE
from guanxi.loaders.writer import Provenance, node_rows

__all__ = ["MERGED_INTO", "aliases", "redirect", "write_source_records"]

log = logging.getLogger(__name__)

#: Hidden column of node frames: the canonical id a row's merged party now lives in.
MERGED_INTO = "_merged_into"


def aliases(client: Gateway | None) -> dict[str, str]:
    """Merged id → canonical id (empty without a database or merges)."""
    if client is None:
        return {}
    return {r["id"]: r["canonical"] for r in client.read("resolve.aliases")}


def redirect(frames: dict[str, pd.DataFrame], merged: dict[str, str]) -> None:
    """Point relationship endpoints at canonical parties and mark merged node rows, in
    place (the frames are the validated string frames of one load)."""
    if not merged:
        return
    for name, df in frames.items():
        fam = FAMILIES[name]
        if fam.kind == "node":
            df[MERGED_INTO] = df[fam.key[0]].map(merged)
            continue
        for ref in fam.refs:
            if ref.column in df.columns:
                df[ref.column] = df[ref.column].map(lambda v: merged.get(v, v))


def write_source_records(client: Gateway, name: str, df: pd.DataFrame, prov: Provenance) -> int:
    """SET the good rows of merged ids on their source records; returns rows written."""
    fam = FAMILIES[name]
    good = df[~df[BAD]] if BAD in df.columns else df
    n = 0
    for source, part in good.groupby(FILE, sort=False):
        n += client.write_batches(
            "resolve.update_source_records", node_rows(fam, part), **prov.params(str(source))
        )
    log.info("%s: %d rows of merged parties written to their source records", name, n)
    return n
