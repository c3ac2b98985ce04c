"""``guanxi serve`` (the HTTP API and pages) and ``guanxi demo`` (the whole pipeline on
fresh synthetic data, then serve)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from guanxi.commands.output import add_commands, err, out
from guanxi.config import get_settings

__all__ = ["register", "serve", "demo"]

log = logging.getLogger(__name__)

#: the app factory, by import string: every uvicorn worker builds its app from the same
#: environment (and the CLI imports no API code)
APP_FACTORY = "guanxi.api.app:create_app"


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default GUANXI_API_WORKERS, 1).")
    ] = None,
) -> None:
    """Serve the HTTP API and pages (uvicorn). Each worker process holds its own
    contact-path index (built at start)."""
    # imported here: uvicorn is only needed by this command (`guanxi --help` stays fast)
    import uvicorn

    s = get_settings()
    n = workers or s.api_workers
    host, port = host or s.api_host, port or s.api_port
    uvicorn.run(APP_FACTORY, factory=True, workers=n, host=host, port=port, log_level="info")


def demo(
    companies: Annotated[int, typer.Option(help="Synthetic companies to generate.")] = 2000,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    train: Annotated[bool, typer.Option("--train/--no-train", help="Train the GNN.")] = True,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve at the end.")] = True,
) -> None:
    """Run the whole pipeline on fresh synthetic data, then serve the API and pages."""
    # imported here: the pipeline pulls in the driver, pandas and the scorers (seconds)
    from guanxi.pipeline import run_demo

    s = get_settings()
    summary = run_demo(s, companies=companies, seed=seed, train=train, say=lambda m: err.print(m))
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


def register(app: typer.Typer) -> None:
    """Add ``guanxi serve`` and ``guanxi demo`` to ``app``."""
    add_commands(app, {"serve": serve, "demo": demo}, audit=False)
