"""What every command shares: the consoles (``out``, ``err``), JSON and table printing,
help text from docstrings, and :func:`command`, which registers a command with the error
handling of them all: a :class:`~guanxi.errors.GuanxiError` is printed (as JSON on stdout
with ``--json``) and becomes the exit code of its class."""

from __future__ import annotations

import functools
import getpass
import inspect
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console

from guanxi.config import Settings, get_settings
from guanxi.errors import GuanxiError

if TYPE_CHECKING:
    from guanxi.graph.client import GraphClient

__all__ = [
    "out",
    "err",
    "JsonOpt",
    "print_json",
    "print_result",
    "answer",
    "print_columns",
    "help_text",
    "command",
    "add_commands",
    "reports_errors",
    "fail",
    "connect",
    "audit_cli",
    "audits",
]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

#: the root app's name: its commands are audited by their own name (``paths``), those of a
#: group by both (``risk show``)
ROOT = "guanxi"

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def print_json(data: Any) -> None:
    """``data`` as one line of JSON on stdout (non-ASCII kept; dates and the like as text)."""
    print(json.dumps(data, ensure_ascii=False, default=str))


def print_result(data: Any, as_json: bool, show: Callable[[Any], None]) -> None:
    """``data`` as JSON with ``--json`` (:func:`print_json`), else ``show(data)`` for people."""
    if as_json:
        print_json(data)
    else:
        show(data)


def answer(fetch: Callable[[GraphClient], Any], as_json: bool, show: Callable[[Any], None]) -> None:
    """Connect to Neo4j, ``fetch(client)`` a result and print it (:func:`print_result`)."""
    with connect() as client:
        res = fetch(client)
    print_result(res, as_json, show)


def print_columns(head: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Plain aligned columns that are never cut, whatever the terminal's width (a CJK
    character counts 2)."""
    table = [tuple(head), *(tuple(r) for r in rows)]
    widths = [max(cell_len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        cells = (v + " " * (w - cell_len(v)) for v, w in zip(r, widths, strict=True))
        out.print("  ".join(cells).rstrip(), markup=False, highlight=False)


def help_text(doc: str | None) -> str:
    """A docstring as help: the lines of each paragraph joined into one, so ``--help`` and
    the command list show sentences, not the source's line breaks."""
    paragraphs = inspect.cleandoc(doc or "").split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def fail(e: GuanxiError, as_json: bool = False) -> typer.Exit:
    """Print a guanxi error (as JSON on stdout with ``--json``) and return the exit."""
    if as_json:
        print(json.dumps(e.to_dict(), ensure_ascii=False))
    else:
        err.print(f"[bold red]error:[/] {e}", highlight=False, markup=True)
    return typer.Exit(e.exit_code)


def reports_errors(fn: F) -> F:
    """``fn`` with a :class:`GuanxiError` printed by :func:`fail` and turned into its exit
    code (``--json``, the ``as_json`` parameter, decides the form)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GuanxiError as e:
            raise fail(e, bool(kwargs.get("as_json", False))) from e

    return wrapper  # type: ignore[return-value]


def command(app: typer.Typer, name: str, *, audit: bool = True) -> Callable[[F], F]:
    """Register the decorated function as command ``name`` of ``app``: its docstring as
    help (:func:`help_text`), its guanxi errors reported (:func:`reports_errors`), and —
    unless ``audit=False`` (server lifecycle, file-only commands) — a ``cli`` audit record
    written whenever the command does not write its own (:func:`audits`)."""

    def register(fn: F) -> F:
        group = app.info.name if isinstance(app.info.name, str) else ""
        path = name if group in ("", ROOT) else f"{group} {name}"
        run = reports_errors(audits(fn, path) if audit else fn)
        run.__guanxi_audit__ = audit  # type: ignore[attr-defined]
        app.command(name, help=help_text(fn.__doc__))(run)
        return fn

    return register


#: set by :func:`audit_cli` while a command runs, so :func:`audits` adds no second record
_audited: ContextVar[bool] = ContextVar("guanxi_cli_audited", default=False)


def _plain(v: Any) -> Any:
    """A parameter value as JSON-able audit data (paths and dates as text)."""
    if isinstance(v, Path | date):
        return str(v)
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v if v is None or isinstance(v, str | int | float | bool) else str(v)


def audits(fn: F, path: str) -> F:
    """``fn`` leaving one ``cli`` audit record: what it ran (``path``, the command path,
    e.g. ``risk show``), as whom (``--user`` or the operator), its parameters (redacted by the
    log) and 200, the refusal's HTTP status, 400 for another non-zero exit or 500 for a
    crash. A command that calls :func:`audit_cli` itself (naming the query and the rows it
    read) gets no second record."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _audited.set(False)
        status = 500
        try:
            res = fn(*args, **kwargs)
            status = 200
            return res
        except GuanxiError as e:
            status = e.http_status
            raise
        except typer.Exit as e:
            status = 200 if e.exit_code == 0 else 400
            raise
        finally:
            if not _audited.get():
                params = {k: _plain(v) for k, v in kwargs.items() if k not in ("as_json", "user")}
                audit_cli(path, kwargs.get("user"), None, params, None, status)
            _audited.reset(token)

    return wrapper  # type: ignore[return-value]


def add_commands(
    app: typer.Typer, commands: dict[str, Callable[..., Any]], *, audit: bool = True
) -> None:
    """Register each of ``commands`` (name → function) on ``app`` with :func:`command`."""
    for name, fn in commands.items():
        command(app, name, audit=audit)(fn)


def connect(settings: Settings | None = None) -> GraphClient:
    """A client of the configured Neo4j (``settings``: the environment's by default); use
    it as a context manager."""
    # imported here: the driver and pandas take ~0.5 s to import, and `guanxi --help` and
    # the commands that never touch the database should not wait for them
    from guanxi.graph.client import GraphClient

    return GraphClient(settings)


def audit_cli(
    command: str,
    user: str | None,
    query: str | None,
    params: dict[str, Any] | None,
    res: Any,
    status: int,
) -> None:
    """One ``cli`` record in the audit trail for a command that reads bank data: the API
    user it ran as (or the operator's login), the query or what was read, the rows
    (``res["rows"]``, when given), and 200 or the refusal's HTTP status. A failure to
    write is logged; the command's answer is printed anyway."""
    from guanxi.access.audit import AuditLog  # light, but only these commands need it

    _audited.set(True)
    rows = res.get("rows") if isinstance(res, dict) else None
    try:
        AuditLog(get_settings()).append(
            "cli",
            user=user or f"operator:{getpass.getuser()}",
            role=None if user else "operator",
            method=command,
            query=query,
            params=params,
            rows=len(rows) if isinstance(rows, list) else None,
            status=status,
        )
    except Exception as e:  # noqa: BLE001 - the answer is printed; the failure is logged
        log.error("audit record of `guanxi %s` not written: %s", command, e)
