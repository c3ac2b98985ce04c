"""The ``guanxi`` command (Typer): builds the app and registers the command modules of
``guanxi.commands``. The CLI prints; library code logs."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Annotated

import typer

from guanxi.commands import MODULES
from guanxi.commands.queries import parse_params
from guanxi.config import get_settings

__all__ = ["app", "main", "parse_params"]

log = logging.getLogger(__name__)

app = typer.Typer(
    name="guanxi",
    help="guanxi (关系): graph analytics for corporate banking on Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


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


for _name in MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
