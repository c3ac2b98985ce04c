"""``guanxi opportunities list`` and ``guanxi opportunities run [RULE] [--branch]``
(docs/opportunities.md). Results are those whose assigned branch is in the caller's scope
(``--user``: an API user's; without it the operator's, the whole bank); reads are audited."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer

from guanxi.commands.output import JsonOpt, audit_cli, command, connect, out, print_result
from guanxi.commands.queries import ParamOpt, UserOpt, _scope
from guanxi.errors import ConfigError

__all__ = ["register", "opp_app"]

log = logging.getLogger(__name__)

opp_app = typer.Typer(
    name="opportunities",
    help="The opportunity library (商机挖掘; docs/opportunities.md).",
    no_args_is_help=True,
)


@command(opp_app, "list")
def list_(as_json: JsonOpt = False) -> None:
    """Every rule: name, what it finds, parameters and defaults, queries, scoring."""
    from guanxi.opportunities import list_rules

    res = {"rules": [r.to_dict() for r in list_rules()]}
    print_result(res, as_json, lambda r: [out.print(
        f"[bold]{x['name']}[/] {x['title']}: {x['description']} params {x['params']}")
        for x in r["rules"]])  # fmt: skip


def _params(param: list[str] | None, rule: str | None) -> dict[str, dict[str, Any]]:
    """``key=value`` (for RULE) or ``rule.key=value`` → per-rule parameters."""
    outp: dict[str, dict[str, Any]] = {}
    for p in param or []:
        key, sep, value = p.partition("=")
        if not sep:
            raise ConfigError(f"--param {p!r}: expected key=value")
        name, dot, k = key.rpartition(".")
        if not dot:
            if rule is None:
                raise ConfigError(f"--param {p!r}: name the rule (rule.key=value)")
            name, k = rule, key
        outp.setdefault(name, {})[k] = value
    return outp


@command(opp_app, "run")
def run(
    rule: Annotated[str | None, typer.Argument(help="A rule name (default: every rule).")] = None,
    branch: Annotated[
        str | None, typer.Option(help="Only results of this branch and the branches below it.")
    ] = None,
    param: ParamOpt = None,
    limit: Annotated[int, typer.Option(min=1, help="Results per rule.")] = 50,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one rule or all: ranked opportunities with reasons, RM, branch and risk flags."""
    from guanxi.opportunities import run_rules

    with connect() as c:
        res = run_rules(c, [rule] if rule else None, _scope(c, user), branch,
                        _params(param, rule), limit).to_dict()  # fmt: skip
    audit_cli("opportunities run", user, f"opportunities.{rule or 'all'}",
              {"branch": branch, "param": param}, res["items"], 200)  # fmt: skip
    print_result(res, as_json, _show)


def _show(res: dict[str, Any]) -> None:
    for o in res["items"]:
        flag = " [red]⚠ review[/]" if o["risk"].get("review") else ""
        out.print(
            f"{o['rule']} #{o['rank']} {o['score']:.2f} {o['company_name']} "
            f"({o['company_id']}) → {o['rm_name']} {o['rm_id']} @ {o['branch_id']}{flag}"
        )
        for r in o["reasons"]:
            out.print(f"    {r['text']}", highlight=False)
    out.print(f"{res['count']} opportunities; seconds: {res['elapsed']}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``opportunities`` command group to ``app``."""
    app.add_typer(opp_app, name="opportunities")
