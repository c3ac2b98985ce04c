"""``guanxi load``: load canonical files, folders or mapped sources into Neo4j."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guanxi.commands.output import JsonOpt, add_commands, connect, err, out, print_json
from guanxi.errors import InvalidData, RowError

if TYPE_CHECKING:
    from guanxi.graph.client import GraphClient
    from guanxi.loaders.load import LoadReport

# guanxi.loaders.load is imported inside the command: it loads pandas and the Neo4j driver
# (~1 s), which `guanxi --help` and the other commands should not wait for

__all__ = ["register", "error_table"]

log = logging.getLogger(__name__)

_SHOW = 50


def error_table(errors: list[RowError], limit: int = _SHOW) -> Table:
    """A rich table of row errors: file, row, column, value, reason."""
    table = Table("severity", "file", "row", "column", "value", "reason", show_lines=False)
    for e in errors[:limit]:
        value = "" if e.value is None else str(e.value)
        table.add_row(
            e.severity, e.file, "" if e.row is None else str(e.row), e.column or "",
            value[:40], e.reason,
        )  # fmt: skip
    return table


def load_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", "-m", help="YAML column mapping: a path, or a shipped one by name."
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Write good rows; save rejects.")
    ] = False,
    reject_file: Annotated[
        Path | None, typer.Option("--reject-file", help="Where rejected rows go (CSV).")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", help="Rows per transaction.")
    ] = None,
    org: Annotated[
        str, typer.Option("--org", help="Branch id of the ingesting organisation.")
    ] = "HO",
    snapshot: Annotated[
        str | None,
        typer.Option(
            "--snapshot",
            help="YYYY-MM-DD: the files are the full state of the companies they report "
            "on, on that date (history and change events, docs/time.md).",
        ),
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="First load into an EMPTY local database with Neo4j's offline importer "
            "(stops and restarts the server; docs/loading.md).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Validate everything, then load it (nothing is written if any row is invalid,
    unless --skip-bad-rows). Exit code 4 on invalid data."""
    from guanxi.commands.changes import parse_date
    from guanxi.loaders.load import load

    on = parse_date(snapshot, "--snapshot")

    if skip_bad_rows and reject_file is None:
        reject_file = Path("rejects.csv")
    if bulk:
        if on is not None:
            raise typer.BadParameter("--bulk is a first load; load snapshots without --bulk")
        _bulk(paths, mapping, skip_bad_rows, reject_file, org, as_json)
        return
    bar = Progress(
        TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, disable=as_json, transient=False,
    )  # fmt: skip
    tasks: dict[str, int] = {}

    def progress(family: str, n: int, total: int) -> None:
        if family not in tasks:
            tasks[family] = bar.add_task(family, total=total)
        bar.advance(tasks[family], n)

    try:
        with connect() as client, bar:
            report = load(
                client, paths, mapping=mapping, skip_bad_rows=skip_bad_rows,
                reject_file=reject_file, batch_size=batch_size, ingested_by=org,
                progress=progress, snapshot=on,
            )  # fmt: skip
            if on is not None:
                _controller_changes(client, report)
    except InvalidData as e:  # the rows first; the error itself as every command reports it
        if not as_json:
            err.print(error_table(e.errors))
            if len(e.errors) > _SHOW:
                err.print(f"… and {len(e.errors) - _SHOW} more (use --json for all)")
        raise
    if as_json:
        print_json(report.to_dict())
        return
    _show_report(report)


def _bulk(
    paths: list[Path], mapping: Path | None, skip_bad_rows: bool, reject_file: Path | None,
    org: str, as_json: bool,
) -> None:  # fmt: skip
    """``guanxi load --bulk``: the offline importer (guanxi.loaders.bulk)."""
    from guanxi.loaders.bulk import bulk_load

    try:
        report = bulk_load(
            paths, mapping=mapping, skip_bad_rows=skip_bad_rows, reject_file=reject_file,
            ingested_by=org, progress=lambda m: None if as_json else err.print(m),
        )  # fmt: skip
    except InvalidData as e:
        if not as_json:
            err.print(error_table(e.errors))
        raise
    if as_json:
        print_json(report.to_dict())
        return
    _show_report(report)
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
    out.print(
        f"bulk: {report.nodes:,} nodes, {report.relationships:,} relationships in the database "
        f"({report.relationships_per_s:,.0f} relationships/s overall); {phases}"
    )


def _controller_changes(client: GraphClient, report: LoadReport) -> None:
    """After a snapshot load: the controller changes of the companies whose holdings moved."""
    from guanxi.loaders.families import FAMILIES
    from guanxi.scoring.changes import record_controller_changes

    for name, res in report.snapshots.items():
        if FAMILIES[name].rel_type == "HOLDS_SHARES":
            record_controller_changes(client, res.changed, load_id=report.load_id)


def _show_report(report: LoadReport) -> None:
    table = Table("family", "read", "written", "rejected", "seconds", "rows/s")
    for name, f in report.families.items():
        table.add_row(name, str(f.read), str(f.written), str(f.rejected),
                      f"{f.elapsed_s:.2f}", f"{f.rows_per_s:,.0f}")  # fmt: skip
    out.print(table)
    if report.warnings:
        err.print(error_table(report.warnings))
    if report.errors:
        err.print(f"{len(report.errors)} rows rejected; see {report.reject_file}")
    for name, res in report.snapshots.items():
        out.print(
            f"snapshot {report.snapshot} {name}: {res.rewritten} facts rewritten, "
            f"{res.events} change events ({len(res.changed)} companies reported on)"
        )
    out.print(
        f"load {report.load_id}: {report.written} rows in {report.elapsed_s:.1f}s "
        f"({report.rows_per_s:,.0f} rows/s); stubs {report.stubs or 0}"
    )


def register(app: typer.Typer) -> None:
    """Add ``guanxi load`` to ``app``."""
    add_commands(app, {"load": load_command})
