"""The ``guanxi`` command (Typer). The CLI prints; library code logs."""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from guanxi.commands.queries import parse_params
from guanxi.config import get_settings
from guanxi.errors import GuanxiError

__all__ = ["app", "main", "parse_params"]

log = logging.getLogger(__name__)

app = typer.Typer(
    name="guanxi",
    help="guanxi (关系): graph analytics for corporate banking on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Manage the local Neo4j server (or inspect NEO4J_URI's).", no_args_is_help=True
)
app.add_typer(db_app, name="db")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _setup_logging(verbose: bool) -> None:
    level = logging.DEBUG if verbose else getattr(logging, get_settings().log_level, 20)
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    # planner notices (unknown label, cartesian product) are not errors of ours
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    _setup_logging(verbose)


def fail(e: GuanxiError, as_json: bool = False) -> typer.Exit:
    """Print a guanxi error (as JSON on stdout with ``--json``) and return the exit."""
    if as_json:
        print(json.dumps(e.to_dict(), ensure_ascii=False))
    else:
        err.print(f"[bold red]error:[/] {e}", highlight=False, markup=True)
    return typer.Exit(e.exit_code)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


# --------------------------------------------------------------------------- db
@db_app.command("start")
def db_start() -> None:
    """Start the local Neo4j (resolving it with Maven on first use) and wait until ready."""
    from guanxi.graph.server import LocalServer

    s = get_settings()
    if s.external:
        err.print(f"NEO4J_URI is set ({s.neo4j_uri}); nothing to start.")
        return
    try:
        server = LocalServer(s)
        with err.status("Starting Neo4j…"):
            outcome = server.start(progress=lambda m: err.print(m))
    except GuanxiError as e:
        raise fail(e) from e
    st = server.state()
    out.print(
        f"Neo4j {outcome} (pid {st.pid}): bolt://127.0.0.1:{s.bolt_port}  "
        f"http://127.0.0.1:{s.http_port}/browser/  home {server.root}"
    )


@db_app.command("stop")
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
        raise fail(GuanxiError(f"JVMs still running after stop: {left}"))
    out.print(f"Neo4j stopped (pids {pids})." if pids else "Neo4j was not running.")


@db_app.command("status")
def db_status(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show whether Neo4j runs, its version and edition, and the APOC/GDS procedure counts."""
    from guanxi.graph.admin import server_status

    try:
        st = server_status(get_settings())
    except GuanxiError as e:
        raise fail(e, as_json) from e
    if as_json:
        print_json(st)
        return
    table = Table(show_header=False, box=None)
    for k, v in st.items():
        table.add_row(k, str(v))
    out.print(table)


@db_app.command("reset")
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    data_only: Annotated[
        bool, typer.Option("--data-only", help="Delete all nodes but keep the server running.")
    ] = False,
) -> None:
    """Delete all data: stop the local server and remove its store (or, with
    --data-only or NEO4J_URI, delete every node through Cypher)."""
    from guanxi.graph.admin import wipe
    from guanxi.graph.client import GraphClient

    s = get_settings()
    if not yes:
        typer.confirm(f"Delete ALL data in {s.uri} ({s.neo4j_database})?", abort=True)
    try:
        if data_only or s.external:
            with GraphClient(s) as c:
                n = wipe(c)
            out.print(f"Deleted {n} nodes.")
            return
        from guanxi.graph.server import LocalServer

        LocalServer(s).reset()
        out.print("Local Neo4j stopped and its data removed; `guanxi db start` begins afresh.")
    except GuanxiError as e:
        raise fail(e) from e


@db_app.command("init")
def db_init() -> None:
    """Apply the schema's constraints and indexes (idempotent)."""
    from guanxi.graph.admin import init_schema
    from guanxi.graph.client import GraphClient

    try:
        with GraphClient() as c:
            names = init_schema(c)
    except GuanxiError as e:
        raise fail(e) from e
    out.print(f"Schema applied: {len(names)} constraints and indexes.")


# ------------------------------------------------------------------------ serve
@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default GUANXI_API_WORKERS, 1).")
    ] = None,
) -> None:
    """Serve the HTTP API and pages (uvicorn). Each worker process holds its own
    contact-path index (built at start)."""
    import uvicorn

    from guanxi.api.app import create_app

    s = get_settings()
    n = workers or s.api_workers
    host, port = host or s.api_host, port or s.api_port
    if n == 1:
        uvicorn.run(create_app(s), host=host, port=port, log_level="info")
    else:  # workers need an import string; each builds the app from the same environment
        uvicorn.run("guanxi.api.app:create_app", factory=True, workers=n, host=host, port=port,
                    log_level="info")  # fmt: skip


@app.command("demo")
def demo(
    companies: Annotated[int, typer.Option(help="Synthetic companies to generate.")] = 2000,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    train: Annotated[bool, typer.Option("--train/--no-train", help="Train the GNN.")] = True,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve at the end.")] = True,
) -> None:
    """Run the whole pipeline on fresh synthetic data, then serve the API and pages."""
    from guanxi.pipeline import run_demo

    s = get_settings()
    try:
        summary = run_demo(
            s, companies=companies, seed=seed, train=train, say=lambda m: err.print(m)
        )
    except GuanxiError as e:
        raise fail(e) from e
    base = f"http://{s.api_host}:{s.api_port}"
    out.print("\n[bold]guanxi is ready[/]")
    for k, v in summary.items():
        out.print(f"  {k}: {v}")
    out.print(f"  API health:   {base}/api/v1/health")
    out.print(f"  API docs:     {base}/api/docs")
    out.print(f"  Pages:        {base}/ui/  (sign in with a key above)")
    if not s.external:
        out.print(
            f"  Neo4j Browser: http://127.0.0.1:{s.http_port}/browser/  (user neo4j, "
            f"password in {s.home_dir / 'password'})"
        )
    if serve_api:
        serve(host=None, port=None)


def _register_commands() -> None:
    import importlib

    from guanxi.commands import MODULES

    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        module.register(app)


_register_commands()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
