"""``guanxi generate``: write a synthetic enterprise network as canonical files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guanxi.commands.output import add_commands, err, out

# guanxi.loaders.synthetic is imported inside the command: it loads pandas and numpy, which
# `guanxi --help` and the other commands should not wait for

__all__ = ["register"]

log = logging.getLogger(__name__)


def generate(
    companies: Annotated[
        int, typer.Option("--companies", "-n", min=200, help="Company nodes to generate.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives identical files.")] = 7,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write (created when missing).")
    ] = Path("data/synthetic"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a folder with a generated network.")
    ] = False,
    second_snapshot: Annotated[
        str | None,
        typer.Option(
            "--second-snapshot",
            help="YYYY-MM-DD: also write snapshot_<date>/ with known changes "
            "(ground_truth.json snapshot_changes; docs/time.md).",
        ),
    ] = None,
) -> None:
    """Generate a synthetic Chinese enterprise network with a bank around it: canonical
    CSV files, manifest.json (the counts loading must produce) and ground_truth.json."""
    from guanxi.commands.changes import parse_date
    from guanxi.loaders import synthetic
    from guanxi.loaders.synthetic.snapshot import second_snapshot as write_second

    on = parse_date(second_snapshot, "--second-snapshot")
    cfg = synthetic.GeneratorConfig(companies=companies, seed=seed)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("generating", total=1)

        def step(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        result = synthetic.generate(cfg, out_dir, force=force, progress=step)
    table = Table(title=f"{result.out} (seed {seed}, {result.elapsed:.1f}s)")
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for label, n in result.manifest["nodes"].items():
        table.add_row("node", label, f"{n:,}")
    for rel, n in result.manifest["relationships"].items():
        table.add_row("relationship", rel, f"{n:,}")
    table.add_row("rows", "payments.csv", f"{result.rows['payments']:,}")
    if on is not None:
        entry = write_second(result.out, on, seed=seed)
        table.add_row("snapshot", entry["folder"], f"{len(entry['changes']):,} changes")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``guanxi generate`` to ``app``."""
    add_commands(app, {"generate": generate}, audit=False)
