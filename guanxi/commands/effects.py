"""``guanxi stats`` and ``guanxi settle`` (docs/effects.md): a campaign's effect statistics
and the monthly profit-sharing settlement between branches. Each runs as ``--user NAME``
(that API user's scope) or as the operator (the whole bank), through the same services as
the API, and leaves a ``cli`` audit record."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.campaigns import _run
from guanxi.commands.output import JsonOpt, command, out, print_result
from guanxi.commands.queries import UserOpt

__all__ = ["register", "stats", "settle"]

log = logging.getLogger(__name__)

_BY = "channel, path_type, branch, rm, introducer_kind or product"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _show_stats(d: dict[str, Any]) -> None:
    out.print(f"{d['campaign_id']}  {d['campaign_name']}  (as of {d['as_of']})", highlight=False)
    for s in d["funnel"]:
        out.print(f"  {s['stage']:<11} {s['count']}", highlight=False)
    for name in ("treatment", "control"):
        r = d[name]
        if r:
            out.print(f"{name:<10} {r['k']}/{r['n']} = {_pct(r['rate'])} "
                      f"[{_pct(r['low'])}, {_pct(r['high'])}]", highlight=False)  # fmt: skip
    for name in ("uplift", "warm_vs_cold"):
        u = d[name]
        if u and u["diff"] is not None:
            out.print(f"{u['label']}: {_pct(u['diff'])} [{_pct(u['low'])}, {_pct(u['high'])}] "
                      f"p = {u['p_value']:.3g}", highlight=False)  # fmt: skip
            if u["note"]:
                out.print(f"  caution: {u['note']}", highlight=False)
    out.print(f"median days to conversion: {d['time_treatment']['median']}", highlight=False)
    for by, groups in d["breakdowns"].items():
        out.print(f"by {by}:", highlight=False)
        for g in groups:
            r = g["rate"]
            out.print(f"  {g['key']:<20} {g['converted']}/{g['targets']} = {_pct(r['rate'])} "
                      f"[{_pct(r['low'])}, {_pct(r['high'])}]", highlight=False)  # fmt: skip


def stats(
    campaign_ids: Annotated[
        list[str] | None,
        typer.Argument(help="Campaign id; several (or --all) pool their treatment arms."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Pool every campaign you see.")] = False,
    by: Annotated[list[str] | None, typer.Option(help=f"Breakdown: {_BY} (repeatable).")] = None,
    excel: Annotated[Path | None, typer.Option(help="Also write an .xlsx workbook.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A campaign's effects: funnel, conversion with Wilson intervals, uplift against
    control, warm against cold, time to conversion, booked value (效果统计). Several
    campaigns (or --all) are pooled, with a breakdown per campaign and no pooled uplift."""
    from guanxi.effects.export import stats_excel
    from guanxi.effects.stats import across_campaigns, campaign_stats
    from guanxi.records import BREAKDOWNS

    chosen = tuple(by) if by else BREAKDOWNS
    bad = [b for b in chosen if b not in BREAKDOWNS]
    if bad:
        from guanxi.commands.output import fail
        from guanxi.errors import InvalidData

        raise fail(InvalidData(f"No breakdown {bad[0]!r}; one of {_BY}"), as_json)
    ids = list(campaign_ids or [])
    if bool(ids) == all_:
        from guanxi.commands.output import fail
        from guanxi.errors import InvalidData

        raise fail(InvalidData("Name a campaign (or several), or give --all"), as_json)
    if len(ids) == 1:
        res = _run("stats", user, {"id": ids[0], "by": list(chosen)},
                   lambda c, ts: campaign_stats(c, ts, ids[0], by=chosen))  # fmt: skip
    else:
        res = _run("stats", user, {"ids": ids or "all", "by": list(chosen)},
                   lambda c, ts: across_campaigns(c, ts, ids or None, by=chosen))  # fmt: skip
    if excel is not None:
        excel.write_bytes(stats_excel(res))
    print_result(res.to_dict(), as_json, _show_stats)


def _show_settlement(d: dict[str, Any]) -> None:
    head = "preview of " if d["preview"] else ""
    out.print(f"{head}{d['month']} ({d['status']}, rule {d['rule']}): {len(d['entries'])} "
              f"entries, {d['total_cents'] / 100:,.2f} CNY", highlight=False)  # fmt: skip
    for t in d["transfers"]:
        out.print(f"  {t['payer']} → {t['payee']}: {t['cents'] / 100:,.2f}", highlight=False)


def settle(
    month: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    preview: Annotated[bool, typer.Option(help="Compute without posting.")] = False,
    close: Annotated[bool, typer.Option(help="Close the month after posting.")] = False,
    show: Annotated[bool, typer.Option(help="Show what is posted (any user).")] = False,
    rules: Annotated[Path | None, typer.Option(help="Sharing rules YAML.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the entries as CSV.")] = None,
    excel: Annotated[Path | None, typer.Option(help="Write entries and transfers (.xlsx).")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Profit sharing between branches (业绩分润): post a month's ledger entries and net
    transfers (head office), --preview them, --close the month, or --show what is posted
    (a branch sees the entries it takes part in)."""
    from guanxi.effects import ledger
    from guanxi.effects.export import entries_csv, settlement_excel
    from guanxi.effects.sharing import DEFAULT_RULES

    def run(c: Any, ts: Any) -> Any:
        if show:
            return ledger.settlement(c, ts.scope, month)
        res = ledger.settle(c, ts.scope, month, preview, rules or DEFAULT_RULES)
        if close and not preview:
            ledger.close_month(c, ts.scope, month)
            return ledger.settlement(c, ts.scope, month)
        return res

    res = _run("settle", user, {"month": month, "preview": preview, "close": close}, run)
    if csv is not None:
        csv.write_text(entries_csv(res), encoding="utf-8")
    if excel is not None:
        excel.write_bytes(settlement_excel(res))
    print_result(res.to_dict(), as_json, _show_settlement)


def register(app: typer.Typer) -> None:
    """Add ``stats`` and ``settle`` to ``app``."""
    command(app, "stats")(stats)
    command(app, "settle")(settle)
