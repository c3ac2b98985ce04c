"""``guanxi db start | stop | status | reset | init``: the local Neo4j server, or the one
``NEO4J_URI`` names."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.table import Table

from guanxi.commands.output import JsonOpt, command, connect, err, out, print_json
from guanxi.config import get_settings
from guanxi.errors import GuanxiError

# guanxi.graph.* are imported inside the commands: they load the Neo4j driver and pandas
# (~0.5 s), which `guanxi --help` and the other commands should not wait for

__all__ = ["register", "db_app"]

log = logging.getLogger(__name__)

db_app = typer.Typer(
    name="db", help="Manage the local Neo4j server (or inspect NEO4J_URI's).", no_args_is_help=True
)


@command(db_app, "start", audit=False)
def db_start() -> None:
    """Start the local Neo4j (resolving it with Maven on first use) and wait until ready."""
    from guanxi.graph.server import LocalServer

    s = get_settings()
    if s.external:
        err.print(f"NEO4J_URI is set ({s.neo4j_uri}); nothing to start.")
        return
    server = LocalServer(s)
    with err.status("Starting Neo4j…"):
        outcome = server.start(progress=lambda m: err.print(m))
    st = server.state()
    out.print(
        f"Neo4j {outcome} (pid {st.pid}): bolt://127.0.0.1:{s.bolt_port}  "
        f"http://127.0.0.1:{s.http_port}/browser/  home {server.root}"
    )


@command(db_app, "stop", audit=False)
def db_stop(
    timeout: Annotated[float, typer.Option(help="Seconds before SIGKILL.")] = 60.0,
) -> None:
    """Stop the local Neo4j; no JVM of this home is left running."""
    from guanxi.graph.server import LocalServer

    s = get_settings()
    if s.external:
        err.print(f"NEO4J_URI is set ({s.neo4j_uri}); guanxi does not stop external servers.")
        return
    server = LocalServer(s)
    pids = server.stop(timeout=timeout)
    left = server.our_jvms()
    if left:
        raise GuanxiError(f"JVMs still running after stop: {left}")
    out.print(f"Neo4j stopped (pids {pids})." if pids else "Neo4j was not running.")


@command(db_app, "status", audit=False)
def db_status(as_json: JsonOpt = False) -> None:
    """Show whether Neo4j runs, its version and edition, and the APOC/GDS procedure counts."""
    from guanxi.graph.admin import server_status

    st = server_status(get_settings())
    if as_json:
        print_json(st)
        return
    table = Table(show_header=False, box=None)
    for k, v in st.items():
        table.add_row(k, str(v))
    out.print(table)


@command(db_app, "reset")
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    data_only: Annotated[
        bool, typer.Option("--data-only", help="Delete all nodes but keep the server running.")
    ] = False,
) -> None:
    """Delete all data: stop the local server and remove its store (or, with
    --data-only or NEO4J_URI, delete every node through Cypher)."""
    from guanxi.graph.admin import wipe
    from guanxi.graph.server import LocalServer

    s = get_settings()
    if not yes:
        typer.confirm(f"Delete ALL data in {s.uri} ({s.neo4j_database})?", abort=True)
    if data_only or s.external:
        with connect() as c:
            n = wipe(c)
        out.print(f"Deleted {n} nodes.")
        return
    LocalServer(s).reset()
    out.print("Local Neo4j stopped and its data removed; `guanxi db start` begins afresh.")


@command(db_app, "init")
def db_init() -> None:
    """Apply the schema's constraints and indexes (idempotent)."""
    from guanxi.graph.admin import init_schema

    with connect() as c:
        names = init_schema(c)
    out.print(f"Schema applied: {len(names)} constraints and indexes.")


def register(app: typer.Typer) -> None:
    """Add ``guanxi db`` to ``app``."""
    app.add_typer(db_app, name="db")
