"""``guanxi cypher`` and ``guanxi query``: the analyst console from the command line.

Run as the operator (the database password: no fence, ``--write`` allowed) or, with
``--user NAME``, as one of the API's users: then the same access layer as the API applies
(``guanxi.access.console``: the fence, the scope of saved queries, masking). Every run
leaves a ``cli`` record in the audit trail (status 200, or the refusal's HTTP status).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from guanxi.access.users import User, UserStore
from guanxi.commands.output import (
    JsonOpt,
    add_commands,
    audit_cli,
    connect,
    err,
    out,
    print_json,
)
from guanxi.config import get_settings
from guanxi.errors import GuanxiError, NotFound, ReadOnlyViolation

# guanxi.access.console and .scope are imported inside the commands: they load the Neo4j
# driver and pandas (~0.5 s), which `guanxi --help` and the other commands should not wait for
if TYPE_CHECKING:
    from guanxi.access.scope import Scope
    from guanxi.graph.client import GraphClient

__all__ = ["register", "parse_params"]

log = logging.getLogger(__name__)


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``k=v`` pairs; ``v`` is read as JSON when it parses (numbers, lists, quoted
    strings), otherwise taken as a plain string."""
    params: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise typer.BadParameter(f"--param {item!r}: expected key=value")
        k, v = item.split("=", 1)
        try:
            params[k.strip()] = json.loads(v)
        except json.JSONDecodeError:
            params[k.strip()] = v
    return params


ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Parameter key=value (repeatable).")
]
UserOpt = Annotated[
    str | None,
    typer.Option("--user", help="Run as this API user: their scope, fence and masking."),
]


def _scope(client: GraphClient, name: str | None) -> Scope:
    """The scope of API user ``name``, or the operator's (the whole bank) without one."""
    from guanxi.access.scope import Scope, resolve_scope

    if name is None:
        op = User(name="operator", role="admin", branch="")
        return Scope(user=op, branches=frozenset(), lines=frozenset(), root=True)
    user = UserStore(get_settings()).get(name)
    if user is None:
        raise NotFound(f"No API user named {name!r} (see `guanxi users list`)")
    return resolve_scope(client, user)


def _show(res: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(dict(res))
        return
    table = Table(*res["columns"])
    for row in res["rows"]:
        table.add_row(*[json.dumps(v, ensure_ascii=False, default=str) for v in row])
    out.print(table)
    note = " (truncated)" if res["truncated"] else ""
    err.print(f"{len(res['rows'])} rows{note}")


def cypher(
    query: Annotated[str, typer.Argument(help="The Cypher query.")],
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    write: Annotated[bool, typer.Option("--write", help="Allow a query that writes.")] = False,
    timeout: Annotated[float | None, typer.Option(help="Seconds (default from settings).")] = None,
    limit: Annotated[int | None, typer.Option(help="Row cap (default from settings).")] = None,
    user: UserOpt = None,
) -> None:
    """Run an ad-hoc Cypher query, read-only unless --write (a write is refused with
    exit 2). With --user, the query runs as that API user, behind the console's fence."""
    from guanxi.access.console import run_console

    params = parse_params(param)
    if user and write:
        raise typer.BadParameter("--write is for the operator; API users only read")
    try:
        with connect() as c:
            if user:
                res = run_console(c, _scope(c, user), query, params)
            else:
                res = c.console(query, params, allow_write=write, timeout=timeout, row_cap=limit)
    except ReadOnlyViolation as e:
        audit_cli("cypher", user, query, params, None, e.http_status)
        hint = "" if user else " (use --write to allow writes)"
        raise ReadOnlyViolation(f"{e}{hint}") from e
    except GuanxiError as e:
        audit_cli("cypher", user, query, params, None, e.http_status)
        raise
    audit_cli("cypher", user, query, params, res, 200)
    _show(res, as_json)


def query(
    name: Annotated[str | None, typer.Argument(help="Saved query name; omit to list them.")] = None,
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
) -> None:
    """Run a saved analyst query by name (the list without a name). Queries that read
    bank-internal facts take the scope of --user (the whole bank without it)."""
    from guanxi.access.console import SAVED_PREFIX, run_saved

    if name is None:
        _list_saved(as_json)
        return
    try:
        params = parse_params(param)
        with connect() as c:
            res = run_saved(c, _scope(c, user), name, params)
    except GuanxiError as e:
        audit_cli("query", user, SAVED_PREFIX + name, parse_params(param), None, e.http_status)
        raise
    audit_cli("query", user, SAVED_PREFIX + name, params, res, 200)
    _show(res, as_json)


def _list_saved(as_json: bool) -> None:
    """The saved queries: name, what they read, their parameters, title."""
    from guanxi.access.console import SAVED_PREFIX, SCOPE_PARAMS, saved_queries

    with connect() as c:
        items = [
            {
                "name": q.name.removeprefix(SAVED_PREFIX),
                "reads": q.reads,
                "params": [p for p in q.params if p not in SCOPE_PARAMS],
                "title": q.title,
            }
            for q in saved_queries(c)
        ]
    if as_json:
        print_json(items)
        return
    for i in items:
        ps = ", ".join(i["params"]) or "-"
        out.print(f"{i['name']}\t{i['reads']}\t{ps}\t{i['title']}")


def register(app: typer.Typer) -> None:
    """Add ``guanxi cypher`` and ``guanxi query`` to ``app``."""
    add_commands(app, {"cypher": cypher, "query": query})
