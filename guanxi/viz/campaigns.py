"""The campaign pages: the list, one campaign (a funnel chart drawn as inline SVG, tasks
per RM, tasks overdue first) and an RM's tasks with the recommended approach and a form
that logs a touch. Self-contained HTML from the templates under ``guanxi/viz/templates/``
(nothing fetched from the internet); everything shown is escaped."""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from guanxi.viz.templates import fill, js_json

__all__ = ["render_campaigns", "render_campaign", "render_tasks", "funnel_svg"]

log = logging.getLogger(__name__)

_CSS = (
    "body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left}.muted{color:#777}.overdue{color:#c00;font-weight:bold}"
    ".task{border:1px solid #ddd;padding:6px 10px;margin:6px 0}label{margin-right:.8em}"
)
_E = html.escape


def _links(company_id: str) -> str:
    q = quote(company_id, safe="")
    return " · ".join(
        f'<a href="/ui/{page}/{q}">{text}</a>'
        for page, text in (("network", "network"), ("ownership", "ownership"), ("paths", "paths"))
    )


def funnel_svg(stages: list[dict[str, Any]], width: int = 560) -> str:
    """A horizontal bar per funnel stage, its length proportional to the count."""
    top = max((s["count"] for s in stages), default=0) or 1
    bars = []
    for i, s in enumerate(stages):
        w = round((width - 160) * s["count"] / top)
        y = i * 26
        bars.append(
            f'<g class="gx-stage" data-stage="{_E(s["stage"])}" data-count="{s["count"]}">'
            f'<text x="0" y="{y + 16}">{_E(s["stage"])}</text>'
            f'<rect x="100" y="{y + 3}" width="{w}" height="18" fill="#4e79a7"></rect>'
            f'<text x="{106 + w}" y="{y + 16}">{s["count"]}</text></g>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{26 * len(stages) + 4}"'
        f' font-family="sans-serif" font-size="12">{"".join(bars)}</svg>'
    )


def render_campaigns(campaigns: list[dict[str, Any]]) -> str:
    """The campaign list page."""
    rows = "".join(
        f'<tr><td><a href="/ui/campaigns/{quote(c["id"], safe="")}">{_E(c["name"])}</a>'
        f" <span class=muted>{_E(c['id'])}</span></td><td>{_E(c['status'])}</td>"
        f"<td>{_E(c['owner_branch'] or '')}</td><td>{_E(c['start'] or '')} – {_E(c['end'] or '')}"
        f"</td><td>{c['treatment']}</td><td>{c['control']}</td><td>{c['tasks']}</td></tr>"
        for c in campaigns
    )
    note = f"{len(campaigns)} campaign(s) in your scope"
    return fill("campaigns.html", css=_CSS, rows=rows, note=note)


def _task_row(t: dict[str, Any]) -> str:
    cls = ' class="overdue"' if t["overdue"] else ""
    return (
        f'<tr data-task="{_E(t["id"])}"><td>{_E(t["company_name"] or t["company_id"])}</td>'
        f"<td>{_E(t['rm_name'] or t['rm_id'] or '')}</td><td{cls}>{_E(t['status'])}"
        f"{' (overdue)' if t['overdue'] else ''}</td><td>{_E(t['due'] or '')}</td>"
        f"<td class=gx-touches>{t['touches']}</td><td>{_E(t['best_outcome'] or '')}</td>"
        f"<td>{_links(t['company_id'])}</td></tr>"
    )


def render_campaign(view: dict[str, Any]) -> str:
    """One campaign's page from ``CampaignView.to_dict()``."""
    c, f = view["campaign"], view["funnel"]
    facts = (
        f"{_E(c['status'])} · owner {_E(c['owner_branch'] or '')} · {_E(c['start'] or '')} – "
        f"{_E(c['end'] or '')} · source {_E(c['source'] or '')} · {c['treatment']} treatment, "
        f"{c['control']} control · goal: {_E(c['goal'] or '')}"
    )
    control = (
        f"control arm: {f['control_targets']} targets, {f['control_converted']} converted"
        if f["control_targets"] is not None
        else "control arm: not in your scope"
    )
    per_rm = "".join(
        f"<tr><td>{_E(r['rm_name'] or r['rm_id'] or '')}</td><td>{r['tasks']}</td>"
        f"<td>{r['overdue']}</td><td>{r['touched']}</td><td>{r['converted']}</td></tr>"
        for r in view["per_rm"]
    )
    return fill(
        "campaign.html",
        css=_CSS,
        title=_E(f"{c['name']} ({c['id']})"),
        facts=facts,
        funnel=funnel_svg(f["stages"]),
        control=control,
        per_rm=per_rm,
        tasks="".join(_task_row(t) for t in view["tasks"]),
    )


def _approach(a: dict[str, Any]) -> str:
    kc = a.get("key_contact") or {}
    parts = []
    if kc:
        parts.append(f"key contact: {_E(kc.get('name') or kc.get('person_id') or '')}")
    for p in (a.get("paths") or [])[:2]:
        hops = " → ".join(_E(h.get("to_name") or h["to"]) for h in p["hops"])
        evidence = "; ".join(_E(h["text"]) for h in p["hops"] if h.get("text"))
        parts.append(
            f"path {p['score']:.3f}: {hops} — ask {_E(p['introducer'])}, "
            f"{_E(p['channel'])} <span class=muted>({evidence})</span>"
        )
    return "<br>".join(parts) or "<span class=muted>no warm path found</span>"


def render_tasks(
    tasks: list[dict[str, Any]], channels: tuple[str, ...], outcomes: tuple[str, ...], note: str
) -> str:
    """An RM's task page: each task with its approach, and the touch form."""
    blocks = "".join(
        f'<div class="task" data-task="{_E(t["id"])}"><b>{_E(t["company_name"] or t["company_id"])}'
        f"</b> · {_E(t['campaign_name'])} · {_E(t['status'])}"
        f"{' · <span class=overdue>overdue</span>' if t['overdue'] else ''} · due "
        f"{_E(t['due'] or '')} · {t['touches']} touch(es) · {_links(t['company_id'])}"
        f"<br>{_approach(t['approach'])}</div>"
        for t in tasks
    )
    options = "".join(
        f'<option value="{_E(t["id"])}">{_E(t["company_name"] or t["company_id"])}</option>'
        for t in tasks
    )
    kcs = {
        t["id"]: ((t["approach"] or {}).get("key_contact") or {}).get("person_id") for t in tasks
    }
    return fill(
        "tasks.html",
        css=_CSS,
        note=_E(note),
        tasks=blocks,
        options=options,
        channels="".join(f'<option value="{_E(c)}">{_E(c)}</option>' for c in channels),
        outcomes="".join(f'<option value="{_E(o)}">{_E(o)}</option>' for o in outcomes),
        key_contacts=js_json(kcs),
    )
