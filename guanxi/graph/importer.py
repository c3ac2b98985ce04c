"""Neo4j's offline importer (``neo4j-admin database import full``) for the local server.

``guanxi load --bulk`` converts canonical files into the importer's CSV format
(:mod:`guanxi.loaders.bulk_files`) and hands them to :func:`run_import`, which launches the
admin entry point with the same Java, classpath and ``NEO4J_HOME`` / ``NEO4J_CONF`` as
``guanxi db start`` (:class:`~guanxi.graph.server.LocalServer`). The importer replaces the
database's store (``--overwrite-destination``), so it runs only while the server is
stopped and only into an empty database; the caller checks both. Memory and threads come
from the settings (``GUANXI_IMPORT_HEAP``, ``GUANXI_IMPORT_OFF_HEAP``,
``GUANXI_IMPORT_THREADS``; docs/loading.md "Bulk first load").
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from guanxi.errors import ServerError
from guanxi.graph.server import LocalServer
from guanxi.graph.server_setup import ADMIN_ENTRY_POINT

__all__ = ["ImportInput", "import_command", "run_import", "store_exists"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportInput:
    """One importer CSV file (header on its first line): ``kind`` is ``nodes`` or
    ``relationships``, ``name`` the label or relationship type it writes."""

    kind: str
    name: str
    path: Path

    def arg(self) -> str:
        """``--nodes=Company=/tmp/…/companies-0.csv``."""
        return f"--{self.kind}={self.name}={self.path}"


def store_exists(server: LocalServer) -> bool:
    """Whether the configured database has store files under the server's data folder (a
    server that never started has none)."""
    db = server.data_dir / "databases" / server.settings.neo4j_database
    return db.is_dir() and any(db.iterdir())


def import_command(
    server: LocalServer,
    inputs: list[ImportInput],
    *,
    multiline: bool = False,
    report_file: Path | None = None,
) -> list[str]:
    """The ``java … Neo4jAdminCommand database import full …`` command line."""
    s = server.settings
    cmd = [
        server.java(),
        f"-Xmx{s.import_heap}",
        f"-Dbasedir={server.root}",
        "-cp",
        f"{server.dist / 'lib'}/*",  # no plugins: the importer needs none (faster start)
        ADMIN_ENTRY_POINT,
        "database",
        "import",
        "full",
        s.neo4j_database,  # before the file lists: --relationships takes several values
        "--overwrite-destination=true",
        f"--threads={s.import_threads}",
        f"--max-off-heap-memory={s.import_off_heap}",
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--array-delimiter=;",
        f"--multiline-fields={'true' if multiline else 'false'}",
    ]
    if report_file is not None:
        cmd.append(f"--report-file={report_file}")
    return cmd + [i.arg() for i in inputs]


def run_import(
    server: LocalServer,
    inputs: list[ImportInput],
    *,
    multiline: bool = False,
    work_dir: Path,
) -> float:
    """Run the importer (the server must be stopped). Returns the seconds it took.

    Raises
    ------
    ServerError
        When the server still runs, or the importer exits non-zero (its last output and
        report are in the message).
    """
    if server.pid() is not None:
        raise ServerError(f"Neo4j under {server.root} is running; stop it before an import")
    server.write_conf()
    report = work_dir / "import.report"
    cmd = import_command(server, inputs, multiline=multiline, report_file=report)
    env = {
        **os.environ,
        "NEO4J_HOME": str(server.root),
        "NEO4J_CONF": str(server.conf_dir),
        "HEAP_SIZE": server.settings.import_heap,
    }
    log.info("importing %d files into %s", len(inputs), server.root)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work_dir)
    elapsed = time.perf_counter() - t0
    # kept beside the server's logs: the importer's phases, memory and any bad entries
    (server.logs_dir / "import.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        bad = report.read_text(encoding="utf-8")[-1500:] if report.exists() else ""
        raise ServerError(
            f"neo4j-admin database import failed (exit {proc.returncode}): "
            f"{(proc.stdout + proc.stderr)[-2500:]}\n{bad}"
        )
    log.info("import done in %.1fs", elapsed)
    return elapsed
