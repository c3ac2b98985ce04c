"""Reading and steering campaigns: the list, one campaign (funnel, tasks per RM, tasks
overdue first), an RM's tasks, reassignment, closing, and conversion detection.

Every read filters tasks with the caller's :class:`~guanxi.access.campaigns.TaskScope`
in the query itself. A campaign view is cached per caller scope for one graph version
(docs/architecture.md, "Caches"): a campaign of 10,000 tasks takes ~100 ms to aggregate,
and the page is read far more often than the graph changes.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from guanxi.access.campaigns import TaskScope
from guanxi.access.masking import mask_paths
from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.graph.values import to_plain
from guanxi.graph.version import watch_for
from guanxi.records import (
    FUNNEL_STAGES,
    OUTCOME_RANK,
    Campaign,
    CampaignView,
    Funnel,
    TaskView,
)

__all__ = [
    "funnel_counts",
    "list_campaigns",
    "show_campaign",
    "tasks",
    "campaign_record",
    "get_row",
    "task_query",
    "mask_tasks",
    "compact",
]

log = logging.getLogger(__name__)
_CACHE: OrderedDict[tuple, CampaignView] = OrderedDict()
_LOCK = threading.Lock()
_CACHE_SIZE = 256
_TASKS: OrderedDict[tuple, list[TaskView]] = OrderedDict()


def _s(v: Any) -> str | None:
    return None if v is None else str(to_plain(v))


def campaign_record(row: dict[str, Any]) -> Campaign:
    c = row["c"]
    return Campaign(
        id=c["id"], name=c.get("name") or c["id"], status=c.get("status") or "draft",
        owner_branch=c.get("owner_branch"), start=_s(c.get("start")), end=_s(c.get("end")),
        goal=c.get("goal"), products=tuple(c.get("products") or ()), source=c.get("source"),
        created_by=c.get("created_by"), control_share=c.get("control_share"),
        seed=c.get("seed"), treatment=row["treatment"], control=row["control"],
        tasks=row["tasks"],
    )  # fmt: skip


def funnel_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Targets per funnel stage from task rows (``touches``, ``outcomes``, ``converted``).

    Notes
    -----
    A task counts in ``tasked``; in ``touched`` with at least one touch; in ``contacted``,
    ``meeting``, ``interested`` when its best outcome ranks there or later
    (:data:`~guanxi.records.OUTCOME_RANK`: a ``declined`` person was reached, so counts as
    contacted); in ``converted`` when a conversion is linked to it. ``targets`` is the
    number of tasks (the treatment targets the caller sees).
    """
    out = dict.fromkeys(FUNNEL_STAGES, 0)
    for r in rows:
        best = max((OUTCOME_RANK.get(o, 0) for o in r["outcomes"] or ()), default=0)
        out["targets"] += 1
        out["tasked"] += 1
        out["touched"] += r["touches"] > 0
        out["contacted"] += best >= 2
        out["meeting"] += best >= 3
        out["interested"] += best >= 4
        out["converted"] += bool(r["converted"])
    return out


def _task(r: dict[str, Any]) -> TaskView:
    outs = r["outcomes"] or []
    best = max(outs, key=lambda o: OUTCOME_RANK.get(o, 0)) if outs else None
    return TaskView(
        id=r["id"], campaign_id=r["campaign_id"], campaign_name=r["campaign_name"],
        company_id=r["company_id"], company_name=r["company_name"], rm_id=r["rm_id"],
        rm_name=r["rm_name"], status=r["status"] or "open", due=_s(r["due"]),
        priority=r["priority"], overdue=bool(r["overdue"]), touches=r["touches"],
        last_touch=_s(r["last_touch"]), best_outcome=best, converted=bool(r["converted"]),
        assigned_by=r["assigned_by"], approach=json.loads(r["approach"] or "{}"),
    )  # fmt: skip


def task_query(campaign: str | None, rm: str | None) -> str:
    """The tasks query that seeks: by RM, by campaign, else the scan of every task."""
    if rm is not None:
        return "campaigns.rm_tasks"
    return "campaigns.campaign_tasks" if campaign is not None else "campaigns.tasks"


def mask_tasks(client: Gateway, ts: TaskScope, items: list[TaskView]) -> list[TaskView]:
    """The tasks' captured approaches as the caller may see them: path hops through other
    branches' RMs or customers masked (``access.masking.mask_paths``, as on the paths
    page), node ids following, and the key contact's free-text reasons (which may name an
    RM) dropped for a caller short of the whole bank. An approach masked at creation for
    the assignee's branch (``masked_for``) is left as it is for a caller whose scope holds
    that branch: it already shows no more than they may see."""
    if ts.everything:
        return items
    todo = [t for t in items if t.approach.get("masked_for") not in ts.scope.branches]
    paths = [p for t in todo for p in t.approach.get("paths") or []]
    for p in paths:  # approaches captured without hop evidence have none to mask
        for h in p["hops"]:
            h.setdefault("evidence", [])
    mask_paths(client, ts.scope, paths)
    for p in paths:
        if p["hops"]:
            p["node_ids"] = [p["hops"][0]["from"]] + [h["to"] for h in p["hops"]]
    for t in todo:
        if t.approach.get("key_contact"):
            t.approach["key_contact"]["reasons"] = []
    return items


def compact(items: list[TaskView]) -> list[TaskView]:
    """The tasks with each hop's evidence items dropped (their ``text`` stays): what lists
    and pages show, a tenth of the bytes. Call after masking, which reads the items."""
    for t in items:
        for p in t.approach.get("paths") or []:
            for h in p["hops"]:
                h.pop("evidence", None)
    return items


def tasks(
    client: Gateway,
    ts: TaskScope,
    campaign: str | None = None,
    rm: str | None = None,
    limit: int = 500,
    today: date | None = None,
    open_only: bool = False,
) -> list[TaskView]:
    """Tasks the caller sees, of ``campaign`` and/or assigned to ``rm``, overdue first
    (only open and in-progress ones with ``open_only``); hop evidence as text only."""
    today = today or date.today()
    version = watch_for(client).current(client)
    key = (
        "tasks",
        campaign,
        rm,
        limit,
        open_only,
        today,
        repr(sorted(ts.params().items())),
        version,
    )
    with _LOCK:
        hit = _TASKS.get(key)
    if hit is not None:  # my tasks are read far more often than the graph changes
        return hit
    found = _tasks(client, ts, campaign, rm, limit, today, open_only)
    with _LOCK:
        _TASKS[key] = found
        while len(_TASKS) > 4096:
            _TASKS.popitem(last=False)
    return found


def _tasks(
    client: Gateway,
    ts: TaskScope,
    campaign: str | None,
    rm: str | None,
    limit: int,
    today: date,
    open_only: bool,
) -> list[TaskView]:
    rows = client.read(
        task_query(campaign, rm), campaign=campaign, assignee=rm, today=today,
        limit=limit, **ts.params(),
    )  # fmt: skip
    if open_only:
        rows = [r for r in rows if r["status"] in ("open", "in_progress", None)]
    return compact(mask_tasks(client, ts, [_task(r) for r in rows]))


def list_campaigns(client: Gateway, ts: TaskScope) -> list[Campaign]:
    """The campaigns the caller may see, newest first."""
    return [campaign_record(r) for r in client.read("campaigns.list", **ts.params())]


def get_row(client: Gateway, ts: TaskScope, cid: str) -> dict[str, Any]:
    rows = client.read("campaigns.get", id=cid, **ts.params())
    if not rows:
        raise NotFound(f"No campaign {cid!r}")
    return rows[0]


def show_campaign(
    client: Gateway, ts: TaskScope, cid: str, limit: int = 200, today: date | None = None
) -> CampaignView:
    """One campaign as the caller sees it: funnel over their visible tasks (the control
    arm only when the owner branch is in their scope), tasks per RM, tasks overdue first
    (at most ``limit``).

    Raises
    ------
    NotFound
        When the campaign does not exist or the caller sees neither it nor a task of it.
    """
    today = today or date.today()
    version = watch_for(client).current(client)
    key = (cid, tuple(sorted(ts.params().items(), key=str).__repr__()), limit, today, version)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    row = get_row(client, ts, cid)
    all_rows = client.read(
        "campaigns.campaign_tasks", campaign=cid, assignee=None, today=today, limit=1_000_000,
        **ts.params(),
    )  # fmt: skip
    if not row["owner_in_scope"] and not all_rows:
        raise NotFound(f"No campaign {cid!r}")
    per_rm: dict[str, dict[str, Any]] = {}
    for r in all_rows:
        d = per_rm.setdefault(
            r["rm_id"],
            {"rm_id": r["rm_id"], "rm_name": r["rm_name"], "tasks": 0, "overdue": 0,
             "touched": 0, "converted": 0},
        )  # fmt: skip
        d["tasks"] += 1
        d["overdue"] += bool(r["overdue"])
        d["touched"] += r["touches"] > 0
        d["converted"] += bool(r["converted"])
    owner = bool(row["owner_in_scope"])
    funnel = Funnel(
        funnel_counts(all_rows),
        row["control"] if owner else None,
        row["control_converted"] if owner else None,
    )
    view = CampaignView(
        campaign_record(row) if owner else campaign_record({**row, "control": 0}),
        funnel,
        tuple(sorted(per_rm.values(), key=lambda d: (-d["overdue"], d["rm_id"] or ""))),
        tuple(compact(mask_tasks(client, ts, [_task(r) for r in all_rows[:limit]]))),
    )
    with _LOCK:
        _CACHE[key] = view
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return view
