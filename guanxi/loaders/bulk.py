"""The bulk first load: canonical files → Neo4j's offline importer → constraints and indexes.

``guanxi load --bulk DIR`` (docs/loading.md "Bulk first load") runs, in order:

1. **empty check** — the importer replaces the store, so the database must be empty: asked
   through Bolt when the local server runs, else from its store files (a store that exists
   is opened by starting the server and asking). A database with nodes is refused
   (:class:`~guanxi.errors.Conflict`), and so is ``NEO4J_URI`` (an external server's store
   is not ours to replace; :class:`~guanxi.errors.ConfigError`).
2. **validate** — exactly the Bolt loader's validation (:func:`guanxi.loaders.load.check`):
   bad input raises the same :class:`~guanxi.errors.InvalidData`, nothing is imported.
3. **convert** — the typed frames into importer CSV files under ``GUANXI_HOME``
   (:class:`~guanxi.loaders.bulk_files.BulkFiles`), family by family in chunks; each
   family's frame is released once written. The folder is deleted afterwards.
4. **import** — the server is stopped, ``neo4j-admin database import full`` runs
   (:func:`guanxi.graph.importer.run_import`), the server is started again.
5. **indexes** — the schema's constraints and indexes (``guanxi db init``), and the graph
   version stamp the Bolt loader bumps (``admin.bump_graph_version``).
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from guanxi.config import Settings, get_settings
from guanxi.errors import ConfigError, Conflict
from guanxi.graph.admin import init_schema
from guanxi.graph.client import GraphClient
from guanxi.graph.importer import run_import, store_exists
from guanxi.graph.server import LocalServer
from guanxi.loaders.bulk_files import BulkFiles
from guanxi.loaders.collect import collect_frames
from guanxi.loaders.families import FAMILIES
from guanxi.loaders.load import check
from guanxi.loaders.mapping import Mapping, load_mapping
from guanxi.loaders.report import LoadReport
from guanxi.loaders.validation import BAD
from guanxi.loaders.writer import Provenance

__all__ = ["BulkReport", "bulk_load", "ensure_empty"]

log = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass
class BulkReport(LoadReport):
    """A :class:`LoadReport` with the bulk load's phases (seconds), the counts in the
    database afterwards, and the importer files written."""

    phases: dict[str, float] = field(default_factory=dict)
    nodes: int = 0
    relationships: int = 0
    files: int = 0

    @property
    def relationships_per_s(self) -> float:
        return self.relationships / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "bulk": True,
            "phases": {k: round(v, 3) for k, v in self.phases.items()},
            "nodes": self.nodes,
            "relationships": self.relationships,
            "nodes_per_s": round(self.nodes / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "relationships_per_s": round(self.relationships_per_s, 1),
            "files": self.files,
        }


def _count(settings: Settings) -> tuple[int, int]:
    with GraphClient(settings) as c:
        r = c.read("admin.counts")[0]
    return int(r["nodes"]), int(r["relationships"])


def ensure_empty(server: LocalServer, say: Say) -> None:
    """Refuse unless the local database is empty (no store, or no nodes).

    Raises
    ------
    Conflict
        When the database holds nodes.
    """
    if server.pid() is None:
        if not store_exists(server):
            return
        say("Neo4j is stopped and its store exists: starting it to check that it is empty …")
        server.start(progress=say)
    nodes, rels = _count(server.settings)
    if nodes:
        raise Conflict(
            f"--bulk imports only into an empty database; {server.settings.uri} holds "
            f"{nodes} nodes and {rels} relationships. Load increments without --bulk, or "
            "empty it first (`guanxi db reset`)"
        )


def bulk_load(
    paths: Sequence[Path | str],
    *,
    settings: Settings | None = None,
    mapping: Mapping | Path | str | None = None,
    skip_bad_rows: bool = False,
    reject_file: Path | str | None = None,
    ingested_by: str = "HO",
    progress: Say | None = None,
) -> BulkReport:
    """Load files or folders into the empty local database with the offline importer;
    the same validation, nodes, relationships and properties as :func:`guanxi.loaders.load`.

    Raises
    ------
    ConfigError
        When ``NEO4J_URI`` points at an external server.
    Conflict
        When the database is not empty.
    InvalidData
        When a row has an error and ``skip_bad_rows`` is false; nothing is imported.
    """
    settings = settings or get_settings()
    say = progress or (lambda _m: None)
    if settings.external:
        raise ConfigError(
            f"NEO4J_URI is set ({settings.neo4j_uri}): --bulk replaces the store of the local "
            "server guanxi manages and cannot reach another server's. Stop that server and "
            "run `neo4j-admin database import full` there, or load without --bulk"
        )
    server = LocalServer(settings)
    t0 = time.perf_counter()
    report = BulkReport(load_id=uuid.uuid4().hex[:12])
    ensure_empty(server, say)
    report.phases["check_empty"] = time.perf_counter() - t0
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    say("Validating …")
    frames, read_errors, source = collect_frames([Path(p) for p in paths], mapping)
    typed, stub_ids = check(
        report, frames, read_errors, None, stubs=mapping.stubs if mapping else frozenset(),
        skip_bad_rows=skip_bad_rows, reject_file=reject_file,
    )  # fmt: skip
    del frames
    _refuse_double_pays(typed)
    report.phases["validate"] = time.perf_counter() - t0 - report.phases["check_empty"]
    work = settings.home_dir / f"bulk-{report.load_id}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        _convert_import(server, report, typed, stub_ids, source, work, ingested_by, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t1 = time.perf_counter()
    say("Creating constraints and indexes …")
    with GraphClient(settings) as client:
        init_schema(client)
        client.write("admin.bump_graph_version", why=f"load {report.load_id}")
    report.phases["indexes"] = time.perf_counter() - t1
    report.nodes, report.relationships = _count(settings)
    report.elapsed_s = time.perf_counter() - t0
    log.info("bulk load %s: %d nodes, %d relationships in %.1fs", report.load_id,
             report.nodes, report.relationships, report.elapsed_s)  # fmt: skip
    return report


def _refuse_double_pays(typed: dict) -> None:
    """``payments`` and ``flows`` both write ``PAYS``; through Bolt a pair in both is one
    relationship (MERGE, the later family's values SET over), the importer would make two."""
    if "payments" not in typed or "flows" not in typed:
        return
    pairs = [set(zip(df.loc[~df[BAD], "payer_id"], df.loc[~df[BAD], "payee_id"], strict=True))
             for df in (typed["payments"], typed["flows"])]  # fmt: skip
    both = sorted(pairs[0] & pairs[1])
    if both:
        raise Conflict(
            f"--bulk: {len(both)} payer-payee pairs are in both payments and flows (first: "
            f"{both[0][0]} → {both[0][1]}); bulk-load one family, then the other without --bulk"
        )


def _convert_import(
    server: LocalServer, report: BulkReport, typed: dict, stub_ids: dict[str, set[str]],
    source: str, work: Path, ingested_by: str, say: Say,
) -> None:  # fmt: skip
    t = time.perf_counter()
    prov = Provenance(report.load_id, datetime.now(UTC), ingested_by)
    files = BulkFiles(work, prov, chunk_rows=server.settings.import_chunk_rows)
    say(f"Converting to the importer's format under {work} …")
    report.stubs = {k: files.stubs({k: v}, source) for k, v in stub_ids.items()}
    for name in list(typed):
        t1 = time.perf_counter()
        report.families[name].written = files.family(FAMILIES[name], typed.pop(name))
        report.families[name].elapsed_s = time.perf_counter() - t1
    report.files = len(files.inputs)
    report.phases["convert"] = time.perf_counter() - t
    t = time.perf_counter()
    if server.pid() is not None:
        say("Stopping Neo4j for the import (the importer needs the store to itself) …")
        server.stop()
    report.phases["stop"] = time.perf_counter() - t
    say(f"Importing {report.files} files with neo4j-admin database import full …")
    try:
        report.phases["import"] = run_import(
            server, files.inputs, multiline=files.multiline, work_dir=work
        )
    finally:
        t = time.perf_counter()
        say("Starting Neo4j again …")
        server.start(progress=say)
        report.phases["start"] = time.perf_counter() - t
