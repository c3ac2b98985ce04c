"""``guanxi groups [COMPANY]``, ``guanxi circles [COMPANY]`` and ``guanxi risk flags|run|show``
(docs/risk.md). With ``--user``, the answer is what that API user may see (exposure and
inherited risk masked to their scope) and the read is audited."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.output import JsonOpt, audit_cli, command, connect, out, print_result
from guanxi.commands.queries import UserOpt, _scope

__all__ = ["register", "risk_app"]

log = logging.getLogger(__name__)

risk_app = typer.Typer(
    name="risk",
    help="Risk flags and their propagation (风险传导; docs/risk.md).",
    no_args_is_help=True,
)
CompanyArg = Annotated[str | None, typer.Argument(help="A company id (default: all).")]


def groups(
    company: CompanyArg = None,
    run: Annotated[bool, typer.Option("--run", help="Detect groups now and write them.")] = False,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Group customers (集团客户): members, controlling party, evidence, exposure in scope.
    With --run, detect them first over the whole graph (a new run id)."""
    from guanxi.scoring.risk_graph import list_groups, run_groups

    with connect() as c:
        done = run_groups(c) if run else None
        res: dict[str, Any] = {"groups": [g.to_dict() for g in
                                          list_groups(c, _scope(c, user), company)]}  # fmt: skip
    if done:
        res["run"] = done
    audit_cli("groups", user, "risk.groups", {"company": company}, res["groups"], 200)
    print_result(res, as_json, _show_groups)


def _show_groups(res: dict[str, Any]) -> None:
    if "run" in res:
        r = res["run"]
        out.print(f"run {r['run_id']}: {r['groups']} groups, {r['members']} members")
    for g in res["groups"]:
        exp = g["exposure"]
        out.print(
            f"[bold]{g['id']}[/] {g['name']} — {g['size']} companies, controller "
            f"{g['controller_name'] or g['controller_id']}; in scope: "
            f"{int(exp.get('customers', 0))} customers, balance {exp.get('balance', 0):,.0f}"
            + (f" ({g['hidden_members']} hidden)" if g["hidden_members"] else "")
        )
        for m in g["members"]:
            out.print(f"  {m['id']} {m['name']}: {m['evidence']}", highlight=False)


def circles(
    company: CompanyArg = None,
    collapse_groups: Annotated[
        bool, typer.Option("--collapse-groups", help="A group's members count as one party.")
    ] = False,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Guarantee circles (担保圈): members, guarantees and total, chains leading in."""
    from guanxi.scoring.risk_graph import list_circles

    with connect() as c:
        found = list_circles(c, _scope(c, user), company, collapse_groups)
    res = {"circles": [x.to_dict() for x in found]}
    audit_cli("circles", user, "risk.guarantees", {"company": company}, res["circles"], 200)
    print_result(res, as_json, _show_circles)


def _show_circles(res: dict[str, Any]) -> None:
    for x in res["circles"]:
        out.print(
            f"[bold]{x['id']}[/] {x['kind']}, {len(x['members'])} companies, "
            f"guarantees {x['total_amount']:,.2f} 万元; chains in: {len(x['chains_in'])}"
        )
        for i, n in zip(x["members"], x["names"], strict=True):
            out.print(f"  {i} {n}", highlight=False)


@command(risk_app, "flags")
def flags(
    file: Annotated[Path, typer.Argument(help="CSV: company_id, kind, severity[, since, note]")],
    as_json: JsonOpt = False,
) -> None:
    """Load risk flags (default, litigation, watch); a bad row rejects the file (exit 4)."""
    from guanxi.loaders.risk_flags import load_flags

    with connect() as c:
        n = load_flags(c, file)
    print_result({"loaded": n}, as_json, lambda r: out.print(f"{r['loaded']} flags loaded"))


@command(risk_app, "run")
def run(as_json: JsonOpt = False) -> None:
    """Propagate every flag along guarantees, control and supply; write inherited risk."""
    from guanxi.scoring.risk_graph import run_risk

    with connect() as c:
        res = run_risk(c)
    print_result(res, as_json, lambda r: out.print(
        f"run {r['run_id']}: {r['flags']} flags, {r['scored']} companies scored"))  # fmt: skip


@command(risk_app, "show")
def show(company: CompanyArg = None, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Inherited risk (of COMPANY, or every scored company) with the path that explains it."""
    from guanxi.scoring.risk_graph import inherited

    with connect() as c:
        got = inherited(c, _scope(c, user), [company] if company else None)
    res = {"risk": [r.to_dict() for r in got.values()]}
    audit_cli("risk show", user, "risk.inherited", {"company": company}, res["risk"], 200)
    print_result(
        res,
        as_json,
        lambda r: [
            out.print(f"{x['score']:.2f} {x['id']}: {x['text']}", highlight=False)
            for x in r["risk"]
        ],
    )


def register(app: typer.Typer) -> None:
    """Add ``groups``, ``circles`` and the ``risk`` group to ``app``."""
    command(app, "groups")(groups)
    command(app, "circles")(circles)
    app.add_typer(risk_app, name="risk")
