"""Load orchestration: collect → validate everything → write in dependency order.

Nothing is written until every file has been read and validated. With errors, the load
raises :class:`InvalidData` (the database is unchanged) unless ``skip_bad_rows``; then the
good rows are written and the rejected ones saved, with their reasons, to a reject CSV.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from guanxi.errors import InvalidData, RowError
from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import get_schema
from guanxi.loaders.aliases import MERGED_INTO, aliases, redirect, write_source_records
from guanxi.loaders.collect import collect_frames
from guanxi.loaders.families import FAMILIES, ORDER
from guanxi.loaders.mapping import Mapping, load_mapping
from guanxi.loaders.merge import merge_node_rows
from guanxi.loaders.readers import frame_to_strings
from guanxi.loaders.references import check_references, check_share_totals
from guanxi.loaders.report import FamilyReport, LoadReport, write_rejects
from guanxi.loaders.snapshot import apply_snapshot
from guanxi.loaders.validation import BAD, FILE, validate_family
from guanxi.loaders.writer import Provenance, write_family, write_stubs

__all__ = ["FamilyReport", "LoadReport", "check", "load", "load_frames", "prepare", "Progress"]

log = logging.getLogger(__name__)

#: ``progress(family, rows_done_now, rows_total_of_family)``
Progress = Callable[[str, int, int], None]


def prepare(
    frames: dict[str, list[pd.DataFrame]],
    client: Gateway | None,
    stubs: frozenset[str] = frozenset(),
) -> tuple[dict[str, pd.DataFrame], list[RowError], dict[str, set[str]]]:
    """Validate every family's frames (strings, ``_file``, ``_row``) together.

    Returns the typed frames (``_bad`` marks rows with errors), all errors and warnings,
    and the stub ids per label.
    """
    typed: dict[str, pd.DataFrame] = {}
    problems: list[RowError] = []
    for name in ORDER:
        if name in frames:
            df = pd.concat(frames[name], ignore_index=True)
            df, conflicts, bad_keys = merge_node_rows(FAMILIES[name], df)
            typed[name], errs = validate_family(FAMILIES[name], df)
            if bad_keys:
                key = FAMILIES[name].key[0]
                typed[name].loc[typed[name][key].isin(bad_keys), BAD] = True
            problems += conflicts + errs
    # after entity resolution: merged ids lead to their canonical party (docs/resolution.md)
    redirect(typed, aliases(client))
    ref_errors, stub_ids = check_references(typed, client, stubs)
    problems += ref_errors
    if "shareholdings" in typed:
        problems += check_share_totals(typed["shareholdings"])
    return typed, problems, stub_ids


def check(
    report: LoadReport,
    frames: dict[str, list[pd.DataFrame]],
    read_errors: list[RowError],
    client: Gateway | None,
    *,
    stubs: frozenset[str],
    skip_bad_rows: bool,
    reject_file: Path | str | None,
) -> tuple[dict[str, pd.DataFrame], dict[str, set[str]]]:
    """Validate the frames of one load into ``report`` (errors, warnings, rows read and
    rejected per family, ``validate_s``); the typed frames and stub ids per label.

    Raises
    ------
    InvalidData
        When a row has an error and ``skip_bad_rows`` is false (with ``skip_bad_rows`` the
        errors go to ``reject_file``). The Bolt and the bulk loader both validate here.
    """
    t0 = time.perf_counter()
    typed, problems, stub_ids = prepare(frames, client, stubs)
    problems = read_errors + sorted(problems, key=lambda e: (e.file, e.row or 0))
    report.errors = [e for e in problems if e.severity == "error"]
    report.warnings = [e for e in problems if e.severity != "error"]
    for name, df in typed.items():
        report.families[name] = FamilyReport(read=len(df), rejected=int(df[BAD].sum()))
    report.validate_s = time.perf_counter() - t0
    if report.errors and not skip_bad_rows:
        files = sorted({e.file for e in report.errors})
        raise InvalidData(
            f"{len(report.errors)} errors in {', '.join(files)}; nothing was written",
            report.errors + report.warnings,
        )
    if report.errors and reject_file:
        raw = {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
        write_rejects(Path(reject_file), report.errors, raw)
        report.reject_file = str(reject_file)
    return typed, stub_ids


def _run(
    client: Gateway,
    frames: dict[str, list[pd.DataFrame]],
    read_errors: list[RowError],
    *,
    stubs: frozenset[str],
    skip_bad_rows: bool,
    reject_file: Path | str | None,
    batch_size: int | None,
    ingested_by: str,
    progress: Progress | None,
    stub_source: str,
    snapshot: date | None = None,
) -> LoadReport:
    t0 = time.perf_counter()
    report = LoadReport(load_id=uuid.uuid4().hex[:12], snapshot=snapshot)
    typed, stub_ids = check(
        report, frames, read_errors, client, stubs=stubs, skip_bad_rows=skip_bad_rows,
        reject_file=reject_file,
    )  # fmt: skip
    prov = Provenance(report.load_id, datetime.now(UTC), ingested_by)
    size = batch_size or client.settings.batch_size
    report.stubs = {k: write_stubs(client, {k: v}, prov, stub_source) for k, v in stub_ids.items()}
    try:
        for name, df in typed.items():
            fam, fr = FAMILIES[name], report.families[name]
            total = fr.read - fr.rejected
            if fam.aggregate:
                total = len(df.loc[~df[BAD], list(fam.key)].drop_duplicates())

            def tick(n: int, _name: str = name, _total: int = total) -> None:
                if progress:
                    progress(_name, n, _total)

            t1 = time.perf_counter()
            if MERGED_INTO in df.columns and df[MERGED_INTO].notna().any():
                merged = df[MERGED_INTO].notna()
                fr.written = write_source_records(client, name, df[merged], prov)
                df = df[~merged]
            if snapshot and fam.rel_type and get_schema().rel(fam.rel_type).history:
                res = apply_snapshot(
                    client, fam, df, snapshot, prov, source=stub_source,
                    threshold=client.settings.stake_change_points,
                )  # fmt: skip
                report.snapshots[name], fr.written = res, fr.read - fr.rejected
            else:
                fr.written += write_family(client, fam, df, prov, batch_size=size, on_batch=tick)
            fr.elapsed_s = time.perf_counter() - t1
    finally:  # even a write that failed half-way changed the graph
        client.write("admin.bump_graph_version", why=f"load {report.load_id}")
    report.elapsed_s = time.perf_counter() - t0
    log.info("load %s: %d rows in %.1fs", report.load_id, report.written, report.elapsed_s)
    return report


def load(
    client: Gateway,
    paths: Sequence[Path | str],
    *,
    mapping: Mapping | Path | str | None = None,
    skip_bad_rows: bool = False,
    reject_file: Path | str | None = None,
    batch_size: int | None = None,
    ingested_by: str = "HO",
    progress: Progress | None = None,
    snapshot: date | None = None,
) -> LoadReport:
    """Load files or folders (a folder with ``manifest.json``, canonical file names, or the
    files a ``mapping`` names) into Neo4j.

    Raises
    ------
    InvalidData
        When any row has an error and ``skip_bad_rows`` is false; nothing is written.

    With ``snapshot``, the versioned relationship families are the full state on that date
    of the companies they report on (:mod:`guanxi.loaders.snapshot`, docs/time.md).
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    frames, read_errors, source = collect_frames([Path(p) for p in paths], mapping)
    return _run(
        client, frames, read_errors, stubs=mapping.stubs if mapping else frozenset(),
        skip_bad_rows=skip_bad_rows, reject_file=reject_file,
        batch_size=batch_size, ingested_by=ingested_by,
        progress=progress, stub_source=source, snapshot=snapshot,
    )  # fmt: skip


def load_frames(
    client: Gateway,
    frames: dict[str, pd.DataFrame],
    *,
    source: str = "dataframe",
    stubs: frozenset[str] = frozenset(),
    skip_bad_rows: bool = False,
    batch_size: int | None = None,
    ingested_by: str = "HO",
    progress: Progress | None = None,
    snapshot: date | None = None,
) -> LoadReport:
    """Load canonical DataFrames (family name → frame) from Python; rows are numbered as
    in a file (first data row = 2) and the file is named ``<source>/<family>``."""
    prepared: dict[str, list[pd.DataFrame]] = {}
    for name, df in frames.items():
        if name not in FAMILIES:
            raise InvalidData(f"Unknown family {name!r}; known: {', '.join(ORDER)}")
        s = frame_to_strings(df)
        s[FILE] = f"{source}/{name}"
        prepared[name] = [s]
    return _run(
        client, prepared, [], stubs=stubs, skip_bad_rows=skip_bad_rows, reject_file=None,
        batch_size=batch_size, ingested_by=ingested_by,
        progress=progress, stub_source=source, snapshot=snapshot,
    )  # fmt: skip
