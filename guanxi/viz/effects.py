"""The effect pages (docs/effects.md): a campaign's statistics and the head-office
overview, charts drawn server-side as inline SVG (nothing fetched from the internet):
the funnel, conversion rates with their Wilson intervals as error bars, the uplift with
its interval, Kaplan–Meier steps, and the settlement between branches as a matrix.
Everything shown is escaped; the pages render from the records' ``to_dict()``."""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from guanxi.viz.campaigns import funnel_svg
from guanxi.viz.templates import fill

__all__ = ["rates_svg", "interval_svg", "survival_svg", "matrix_table", "render_stats",
           "render_overview"]  # fmt: skip

log = logging.getLogger(__name__)
_E = html.escape
_CSS = (
    "body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:right}th:first-child,td:first-child{text-align:left}.muted{color:#777}"
    ".caution{background:#fff4e0;border-left:4px solid #e8a33d;padding:4px 10px}"
)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def rates_svg(groups: list[dict[str, Any]], width: int = 560) -> str:
    """A bar per group (its conversion rate) with the Wilson interval as an error bar."""
    scale = width - 220
    top = max((g["rate"]["high"] or 0 for g in groups), default=0) or 1
    out = []
    for i, g in enumerate(groups):
        r, y = g["rate"], i * 26
        w = round(scale * (r["rate"] or 0) / top)
        lo, hi = (round(scale * (r[k] or 0) / top) for k in ("low", "high"))
        out.append(
            f'<g class="gx-rate" data-key="{_E(g["key"])}" data-rate="{r["rate"]}" '
            f'data-low="{r["low"]}" data-high="{r["high"]}">'
            f'<text x="0" y="{y + 16}">{_E(g["key"])}</text>'
            f'<rect x="130" y="{y + 4}" width="{w}" height="16" fill="#59a14f"></rect>'
            f'<line x1="{130 + lo}" x2="{130 + hi}" y1="{y + 12}" y2="{y + 12}" stroke="#000">'
            f'</line><text x="{140 + max(w, hi)}" y="{y + 16}">{_pct(r["rate"])} '
            f"({g['converted']}/{g['targets']})</text></g>"
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{26 * len(groups) + 4}" font-family="sans-serif" font-size="12">'
            f'{"".join(out)}</svg>')  # fmt: skip


def interval_svg(u: dict[str, Any], width: int = 560) -> str:
    """The difference as a dot and its interval as a line, on an axis with zero marked."""
    if u is None or u["diff"] is None:
        return '<p class="muted">not available (an arm is empty or out of your scope)</p>'
    span = max(abs(u["low"]), abs(u["high"]), 0.01) * 1.2

    def x(v: float) -> float:
        return round(width / 2 + (width / 2 - 20) * v / span, 1)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gx-interval" width="{width}" '
        f'height="40" font-family="sans-serif" font-size="12" data-diff="{u["diff"]}" '
        f'data-low="{u["low"]}" data-high="{u["high"]}">'
        f'<line x1="{x(0)}" x2="{x(0)}" y1="0" y2="30" stroke="#999"></line>'
        f'<line x1="{x(u["low"])}" x2="{x(u["high"])}" y1="15" y2="15" stroke="#000" '
        f'stroke-width="2"></line><circle cx="{x(u["diff"])}" cy="15" r="4" fill="#e15759">'
        f'</circle><text x="{x(u["high"]) + 6}" y="19">{_pct(u["diff"])} '
        f"[{_pct(u['low'])}, {_pct(u['high'])}]</text></svg>"
    )


def survival_svg(curves: dict[str, dict[str, Any] | None], width: int = 560) -> str:
    """Kaplan–Meier steps (share not yet converted against days), one polyline per arm."""
    days = [t for c in curves.values() if c for t, _ in c["steps"]] or [1]
    top = max(days) or 1
    colours = {"treatment": "#4e79a7", "control": "#f28e2b"}
    lines = []
    for arm, c in curves.items():
        if not c:
            continue
        pts, prev = ["40,10"], 1.0
        for t, p in c["steps"]:
            x = 40 + (width - 60) * t / top
            pts += [f"{x:.1f},{10 + 150 * (1 - prev):.1f}", f"{x:.1f},{10 + 150 * (1 - p):.1f}"]
            prev = p
        pts.append(f"{width - 20},{10 + 150 * (1 - prev):.1f}")
        lines.append(f'<polyline class="gx-km" data-arm="{arm}" points="{" ".join(pts)}" '
                     f'fill="none" stroke="{colours.get(arm, "#000")}"></polyline>'
                     f'<text x="{width - 120}" y="{20 + 14 * len(lines)}" '
                     f'fill="{colours.get(arm, "#000")}">{arm}</text>')  # fmt: skip
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="190" '
        f'font-family="sans-serif" font-size="12"><text x="0" y="180">0 days</text>'
        f'<text x="{width - 80}" y="180">{top:.0f} days</text>{"".join(lines)}</svg>'
    )


def matrix_table(transfers: list[dict[str, Any]]) -> str:
    """Net transfers as a payer × payee matrix (CNY)."""
    if not transfers:
        return '<p class="muted" id="gx-no-transfers">no transfers</p>'
    payers = sorted({t["payer"] for t in transfers})
    payees = sorted({t["payee"] for t in transfers})
    cell = {(t["payer"], t["payee"]): t["cents"] for t in transfers}
    head = "".join(f"<th>{_E(b)}</th>" for b in payees)
    rows = "".join(
        f"<tr><th>{_E(a)}</th>"
        + "".join(f'<td data-cents="{cell.get((a, b), 0)}">{cell.get((a, b), 0) / 100:,.2f}</td>'
                  for b in payees) + "</tr>"
        for a in payers
    )  # fmt: skip
    return f'<table id="gx-matrix"><tr><th>payer ↓ payee →</th>{head}</tr>{rows}</table>'


def render_stats(d: dict[str, Any], month: str | None = None) -> str:
    """A campaign's statistics page from ``CampaignStats.to_dict()``."""
    b = d["breakdowns"]
    wvc = d["warm_vs_cold"]
    caution = f'<p class="caution" id="gx-caution">{_E(wvc["note"])}</p>' if wvc else ""
    ctrl = d["control"]
    facts = (f"treatment {_pct(d['treatment']['rate'])} ({d['treatment']['k']}/"
             f"{d['treatment']['n']}) · control " + (f"{_pct(ctrl['rate'])} ({ctrl['k']}/"
             f"{ctrl['n']})" if ctrl else "not in your scope") +
             f" · booked value {d['booked_value']:,.0f} CNY · median days to conversion "
             f"{d['time_treatment']['median']}")  # fmt: skip
    q = quote(d["campaign_id"], safe="")
    return fill(
        "effects.html", css=_CSS, title=_E(f"{d['campaign_name']} ({d['campaign_id']})"),
        facts=_E(facts), funnel=funnel_svg(d["funnel"]), uplift=interval_svg(d["uplift"]),
        warm=interval_svg(wvc), caution=caution,
        by_channel=rates_svg(b.get("channel", [])), by_path=rates_svg(b.get("path_type", [])),
        survival=survival_svg({"treatment": d["time_treatment"], "control": d["time_control"]}),
        excel=f"/api/v1/campaigns/{q}/stats.xlsx",
    )  # fmt: skip


def render_overview(campaigns: list[dict[str, Any]], settlement: dict[str, Any]) -> str:
    """The head-office page: each campaign's uplift, and a month's settlement matrix."""
    rows = "".join(
        f'<tr><td><a href="/ui/campaigns/{quote(c["campaign_id"], safe="")}/stats">'
        f"{_E(c['campaign_name'])}</a></td><td>{_pct(c['treatment']['rate'])}</td>"
        f"<td>{_pct(c['control']['rate']) if c['control'] else '–'}</td>"
        f"<td>{interval_svg(c['uplift'], 320)}</td></tr>"
        for c in campaigns
    )
    m = settlement
    return fill(
        "effects_overview.html", css=_CSS, rows=rows, month=_E(m["month"]),
        status=_E(m["status"]), matrix=matrix_table(m["transfers"]),
        total=f"{m['total_cents'] / 100:,.2f}", entries=str(len(m["entries"])),
    )  # fmt: skip
