"""``guanxi campaign create|list|show|assign|conversions|close``, ``guanxi touch log|import``
and ``guanxi reminders`` (docs/campaigns.md). Each runs as ``--user NAME`` (that API user's
task scope: an RM their own tasks, a manager their subtree) or as the operator (the whole
bank), through the same campaign service as the API, and leaves a ``cli`` audit record.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.output import JsonOpt, audit_cli, command, connect, out, print_result
from guanxi.commands.queries import UserOpt

__all__ = ["register", "campaign_app", "touch_app"]

log = logging.getLogger(__name__)

campaign_app = typer.Typer(
    name="campaign", help="Campaigns: targets, control arm, tasks (营销活动).", no_args_is_help=True
)
touch_app = typer.Typer(
    name="touch", help="Log and import touches (触达记录).", no_args_is_help=True
)


def _ts(client: Any, user: str | None) -> Any:
    from guanxi.access.campaigns import task_scope
    from guanxi.commands.queries import _scope

    return task_scope(client, _scope(client, user))


def _run(what: str, user: str | None, params: dict[str, Any], fn: Any) -> Any:
    from guanxi.errors import GuanxiError

    with connect() as c:
        try:
            res = fn(c, _ts(c, user))
        except GuanxiError as e:
            audit_cli(what, user, what, params, None, e.http_status)
            raise
    audit_cli(what, user, what, params, None, 200)
    return res


@command(campaign_app, "create")
def create(
    name: Annotated[str, typer.Option(help="Campaign name.")],
    branch: Annotated[str, typer.Option("--branch", help="Owner branch id.")],
    source: Annotated[str, typer.Option(help="prospects, lookalikes, query, ids or rule.")] = "ids",
    ids: Annotated[
        Path | None, typer.Option(help="CSV/Excel with an id column (source ids).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="Source option key=value (JSON values)."),
    ] = None,
    control: Annotated[float, typer.Option(help="Control arm share.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the control draw.")] = 7,
    capacity: Annotated[int, typer.Option(help="Open tasks per RM at most.")] = 50,
    start: Annotated[
        str | None, typer.Option(help="First day (YYYY-MM-DD; default today).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Last day (default start + 90 days).")] = None,
    product: Annotated[
        list[str] | None, typer.Option(help="Product code or line (repeatable).")
    ] = None,
    goal: Annotated[str | None, typer.Option(help="What the campaign is for.")] = None,
    campaign_id: Annotated[str | None, typer.Option("--id", help="Campaign id.")] = None,
    include_customers: Annotated[bool, typer.Option(help="Keep existing customers.")] = False,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a campaign from a target source: control arm, tasks with approaches."""
    from guanxi.api.rule_source import register_rule_source
    from guanxi.campaigns.create import CampaignSpec, create_campaign

    register_rule_source()

    spec_opts: dict[str, Any] = {}
    for kv in option or []:
        k, _, v = kv.partition("=")
        try:
            spec_opts[k] = json.loads(v)
        except json.JSONDecodeError:
            spec_opts[k] = v
    if ids is not None:
        spec_opts["file"] = str(ids)
    spec = CampaignSpec(
        name=name, owner_branch=branch, source=source, source_spec=spec_opts, goal=goal,
        products=list(product or []), start=date.fromisoformat(start) if start else None,
        end=date.fromisoformat(end) if end else None, control_share=control, seed=seed,
        capacity=capacity, include_customers=include_customers, id=campaign_id,
    )  # fmt: skip
    res = _run("campaign create", user, {"name": name, "branch": branch, "source": source},
               lambda c, ts: create_campaign(c, ts, spec))  # fmt: skip
    print_result(res, as_json, lambda r: out.print(json.dumps(r, ensure_ascii=False, indent=1)))


@command(campaign_app, "list")
def list_(user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """The campaigns in your scope."""
    from guanxi.campaigns.views import list_campaigns

    res = [x.to_dict() for x in _run("campaign list", user, {}, list_campaigns)]

    def show(rows: list[dict]) -> None:
        for r in rows:
            line = f"{r['id']}  {r['name']}  {r['status']}  {r['owner_branch']}  "
            line += f"{r['treatment']}+{r['control']} targets, {r['tasks']} tasks"
            out.print(line, highlight=False)

    print_result(res, as_json, show)


@command(campaign_app, "show")
def show(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A campaign: funnel, tasks per RM, tasks overdue first."""
    from guanxi.campaigns.views import show_campaign

    res = _run("campaign show", user, {"id": campaign_id},
               lambda c, ts: show_campaign(c, ts, campaign_id).to_dict())  # fmt: skip

    def pretty(v: dict) -> None:
        for s in v["funnel"]["stages"]:
            out.print(f"{s['stage']:<11} {s['count']}", highlight=False)
        f = v["funnel"]
        out.print(f"control: {f['control_targets']} targets, {f['control_converted']} converted")
        for r in v["per_rm"]:
            out.print(
                f"  {r['rm_id']}: {r['tasks']} tasks, {r['overdue']} overdue", highlight=False
            )

    print_result(res, as_json, pretty)


@command(campaign_app, "assign")
def assign(
    task: Annotated[list[str], typer.Option(help="TASK=RM (repeatable).")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reassign tasks to other RMs (managers)."""
    from guanxi.campaigns.steer import reassign

    moves = dict(t.split("=", 1) for t in task)
    moved = _run("campaign assign", user, moves, lambda c, ts: reassign(c, ts, moves))
    print_result({"moved": moved}, as_json, lambda r: out.print(f"moved {r['moved']} task(s)"))


@command(campaign_app, "conversions")
def conversions(
    campaign_id: Annotated[str, typer.Argument()], user: UserOpt = None, as_json: JsonOpt = False
) -> None:
    """Link new customers and products of the targets in the window to the campaign."""
    from guanxi.campaigns.steer import detect_conversions

    n = _run("campaign conversions", user, {"id": campaign_id},
             lambda c, ts: detect_conversions(c, ts, campaign_id))  # fmt: skip
    print_result(
        {"conversions": n}, as_json, lambda r: out.print(f"{r['conversions']} conversion(s)")
    )


@command(campaign_app, "close")
def close(
    campaign_id: Annotated[str, typer.Argument()], user: UserOpt = None, as_json: JsonOpt = False
) -> None:
    """Close a campaign (conversions are detected first)."""
    from guanxi.campaigns.steer import close_campaign

    res = _run("campaign close", user, {"id": campaign_id},
               lambda c, ts: close_campaign(c, ts, campaign_id))  # fmt: skip
    print_result(res, as_json, lambda r: out.print(f"{r['id']} {r['status']}"))


@command(campaign_app, "simulate")
def simulate(
    campaign_id: Annotated[str, typer.Argument()],
    seed: Annotated[int, typer.Option(help="Seed of the simulated outcomes.")] = 7,
    truth: Annotated[
        Path | None,
        typer.Option(help="ground_truth.json to merge the true effects into (the generator's)."),
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Synthetic data only: play a campaign out (touches, conversions) with known true
    effects, written to --truth under campaigns.<id>."""
    from guanxi.campaigns.simulate import simulate_campaign

    def play(c: Any, ts: Any) -> dict[str, Any]:
        return simulate_campaign(c, ts, campaign_id, seed, ground_truth=truth)

    res = _run("campaign simulate", user, {"id": campaign_id, "seed": seed}, play)
    res = {k: v for k, v in res.items() if k != "targets"} | {"targets": len(res["targets"])}
    print_result(res, as_json, lambda r: out.print(json.dumps(r, ensure_ascii=False, indent=1)))


@command(touch_app, "log")
def log_(
    task_id: Annotated[str, typer.Option("--task", help="Task id.")],
    channel: Annotated[str, typer.Option(help="visit, phone, WeChat, email, …")],
    outcome: Annotated[str, typer.Option(help="no_answer … converted.")],
    at: Annotated[str | None, typer.Option(help="When (ISO 8601; default now).")] = None,
    person: Annotated[str | None, typer.Option(help="The person reached.")] = None,
    note: Annotated[str | None, typer.Option()] = None,
    path: Annotated[str | None, typer.Option(help="The path used: id>id>id.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log one touch."""
    from datetime import UTC, datetime

    from guanxi.campaigns.touches import log_touch

    when = at or datetime.now(UTC).isoformat(timespec="seconds")
    touch = {"task_id": task_id, "channel": channel, "outcome": outcome, "person_id": person,
             "at": when, "note": note, "path": path}  # fmt: skip
    res = _run(
        "touch log", user, {"task": task_id}, lambda c, ts: log_touch(c, ts, touch).to_dict()
    )
    print_result(res, as_json, _show_touches)


@command(touch_app, "import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or Excel touch file (docs/campaigns.md).")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a touch file: every row or none (row errors listed)."""
    from guanxi.campaigns.touches import import_touches

    res = _run("touch import", user, {"file": file.name},
               lambda c, ts: import_touches(c, ts, file).to_dict())  # fmt: skip
    print_result(res, as_json, _show_touches)


def _show_touches(r: dict) -> None:
    out.print(f"{r['written']} touch(es) written, {r['existing']} already there, "
              f"{r['knows_updated']} KNOWS updated, {r['conversions']} conversion(s)")  # fmt: skip


def reminders(
    rm: Annotated[str | None, typer.Option("--rm", help="RM id.")] = None,
    branch: Annotated[str | None, typer.Option("--branch", help="Branch id (its subtree).")] = None,
    days: Annotated[int, typer.Option(help="Untouched for this many days.")] = 14,
    digest: Annotated[Path | None, typer.Option(help="Write HTML and CSV per branch here.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reminders: overdue, untouched, changed facts, stronger paths; --digest for cron."""
    from guanxi.campaigns.reminders import reminders as find
    from guanxi.campaigns.reminders import write_digest

    res = _run("reminders", user, {"rm": rm, "branch": branch},
               lambda c, ts: find(c, ts, rm, branch, days))  # fmt: skip
    data = res.to_dict()
    if digest is not None:
        data["files"] = [str(p) for p in write_digest(res, digest)]

    def pretty(d: dict) -> None:
        for r in d["items"]:
            out.print(f"[{r['kind']}] {r['rm_id']} {r['text']}", highlight=False, markup=False)
        out.print(f"{len(d['items'])} reminder(s) {d['counts']}", highlight=False)

    print_result(data, as_json, pretty)


def register(app: typer.Typer) -> None:
    """Add ``campaign``, ``touch`` and ``reminders`` to ``app``."""
    app.add_typer(campaign_app, name="campaign")
    app.add_typer(touch_app, name="touch")
    command(app, "reminders")(reminders)
