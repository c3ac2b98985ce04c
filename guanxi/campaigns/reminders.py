"""Reminders per RM and per branch, and the daily digest (docs/campaigns.md, "Reminders").

Four rules, over the open tasks of active campaigns the caller sees:

* ``overdue`` — the task's due date has passed;
* ``untouched`` — no touch for ``untouched_days`` since the task was made (or since the
  last touch);
* ``facts_changed`` — the target's public facts changed after the last touch (a new
  executive, a new holder of at least 5 %): :func:`changed_facts`, the one place that reads
  them, so that the change feed (issue #19) can replace it;
* ``stronger_path`` — a path at least 25 % stronger than the one captured with the task
  appeared since.

:func:`write_digest` writes one HTML and one CSV file per branch for a scheduler to run
daily (``guanxi reminders --digest DIR``).
"""

from __future__ import annotations

import csv
import html
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from guanxi.access.campaigns import TaskScope
from guanxi.campaigns.views import task_query
from guanxi.errors import AccessDenied
from guanxi.graph.gateway import Gateway
from guanxi.graph.values import to_plain
from guanxi.records import Reminder, Reminders
from guanxi.scoring.path_index_cache import get_index
from guanxi.scoring.path_search import search

__all__ = ["reminders", "changed_facts", "write_digest", "STRONGER", "MAJOR_PCT"]

log = logging.getLogger(__name__)

#: a new path must be this much stronger than the captured one to be worth a reminder
STRONGER = 1.25
#: a shareholding of at least this percentage makes a "major holder"
MAJOR_PCT = 5.0


def changed_facts(client: Gateway, task_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Public facts of each task's target newer than its last touch (or the task):
    ``{kind: new_executive | new_major_holder, who, name, role, pct, at}`` per task id."""
    rows = client.read("campaigns.changed_facts", ids=task_ids, pct=MAJOR_PCT)
    return {r["id"]: r["changes"] for r in rows if r["changes"]}


def _scope_params(client: Gateway, ts: TaskScope, branch: str | None) -> dict[str, Any]:
    params = ts.params()
    if branch is None:
        return params
    sub = client.read("scope.branch_subtree", branch=branch)
    branches = set(sub[0]["branches"]) if sub else set()
    if not ts.everything:
        if branch not in ts.scope.branches:
            raise AccessDenied(f"Branch {branch!r} is outside your branch scope")
        branches &= set(ts.scope.branches)
    return {**params, "scope_all": False, "branches": sorted(branches)}


def _stronger(client: Gateway, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Task id → the current best path score from the captured path's origin or the task's
    RM, where it beats the captured one by :data:`STRONGER`."""
    todo = [r for r in rows if r["path_score"] and r["path_ids"]][:2000]
    if not todo:
        return {}
    ix = get_index(client)
    out: dict[str, float] = {}
    for r in todo:
        origins = [o for o in (r["path_ids"][0], r["rm_id"]) if o in ix.pos]
        if not origins or r["company_id"] not in ix.pos:
            continue
        found = search(ix, r["company_id"], origins, 1)
        better = found and found[0].score > STRONGER * float(r["path_score"])
        if better and list(found[0].nodes) != list(r["path_ids"]):
            out[r["id"]] = found[0].score
    return out


def reminders(
    client: Gateway,
    ts: TaskScope,
    rm: str | None = None,
    branch: str | None = None,
    untouched_days: int = 14,
    today: date | None = None,
    limit: int = 5000,
) -> Reminders:
    """The reminders of ``rm``'s tasks or ``branch``'s (subtree), within the caller's scope.

    Raises
    ------
    AccessDenied
        When ``branch`` is outside the caller's scope.
    """
    today = today or date.today()
    params = _scope_params(client, ts, branch)
    rows = client.read(
        task_query(None, rm), campaign=None, assignee=rm, today=today, limit=limit, **params
    )
    rows = [
        r for r in rows
        if r["status"] in ("open", "in_progress") and r["campaign_status"] != "closed"
    ]  # fmt: skip
    items: list[Reminder] = []

    def add(r: dict[str, Any], kind: str, text: str, detail: dict[str, Any]) -> None:
        items.append(Reminder(kind, r["id"], r["campaign_id"], r["company_id"], r["company_name"],
                              r["rm_id"], r["rm_name"], r["rm_branch"], text, detail))  # fmt: skip

    try:
        since = today - timedelta(days=untouched_days)
    except OverflowError:  # a `today` near year 1: nothing can be older than that
        since = date.min
    cutoff = datetime.combine(since, datetime.min.time(), UTC)
    for r in rows:
        name = r["company_name"] or r["company_id"]
        if r["overdue"]:
            add(
                r,
                "overdue",
                f"{name}: task due {to_plain(r['due'])} is overdue",
                {"due": to_plain(r["due"])},
            )
        last = r["last_touch"] or r["created_at"]
        if last is not None and last.to_native() < cutoff:
            what = "no touch" if not r["touches"] else "no touch since"
            add(r, "untouched", f"{name}: {what} for {untouched_days}+ days",
                {"last": to_plain(last), "touches": r["touches"]})  # fmt: skip
    changes = changed_facts(client, [r["id"] for r in rows])
    for r in rows:
        for ch in changes.get(r["id"], []):
            who = ch["name"] or ch["who"]
            what = (
                f"new {ch['role']} {who}"
                if ch["kind"] == "new_executive"
                else f"new holder {who} ({ch['pct']}%)"
            )
            add(
                r,
                "facts_changed",
                f"{r['company_name'] or r['company_id']}: {what} since the last touch",
                ch,
            )
    for tid, score in _stronger(client, rows).items():
        r = next(x for x in rows if x["id"] == tid)
        name = r["company_name"] or r["company_id"]
        text = f"{name}: a stronger path appeared ({score:.3f} vs {r['path_score']:.3f})"
        add(r, "stronger_path", text, {"score": score, "was": r["path_score"]})
    return Reminders(str(today), rm, branch, tuple(items))


def write_digest(res: Reminders, out_dir: Path) -> list[Path]:
    """One ``digest-<branch>-<day>.csv`` and ``.html`` per branch of the reminders' RMs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_branch: dict[str, list[Reminder]] = {}
    for r in res.items:
        by_branch.setdefault(r.branch or "unassigned", []).append(r)
    cols = (
        "kind",
        "task_id",
        "campaign_id",
        "company_id",
        "company_name",
        "rm_id",
        "rm_name",
        "text",
    )
    written = []
    for branch, items in sorted(by_branch.items()):
        stem = out_dir / f"digest-{branch}-{res.today}"
        with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in items:
                w.writerow([getattr(r, c) for c in cols])
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(str(getattr(r, c) or ''))}</td>" for c in cols)
            + "</tr>"
            for r in items
        )
        head = "".join(f"<th>{c}</th>" for c in cols)
        stem.with_suffix(".html").write_text(
            f'<!doctype html><meta charset="utf-8"><title>guanxi digest {html.escape(branch)} '
            f"{res.today}</title><h1>Reminders {html.escape(branch)} {res.today}</h1>"
            f"<p>{len(items)} reminder(s)</p><table border=1><tr>{head}</tr>{body}</table>",
            encoding="utf-8",
        )
        written += [stem.with_suffix(".csv"), stem.with_suffix(".html")]
    return written
