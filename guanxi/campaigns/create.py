"""``create_campaign``: from a target source to a campaign with arms and tasks.

1. the source's candidates (:mod:`guanxi.campaigns.sources`), unknown ids refused, existing
   customers left out unless ``include_customers``;
2. a stratified, seeded control arm (:func:`~guanxi.campaigns.arms.split_arms`; strata:
   the branch serving the target's region and its industry) that gets no tasks;
3. the recommended approach of each treatment target (:mod:`guanxi.campaigns.approach`);
4. an RM for each (:func:`~guanxi.campaigns.arms.assign_rms`) and one task each.

Everything is checked before anything is written; then the campaign, its targets and its
tasks are written in batches (the graph version changes, so caches refresh).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from guanxi.access.campaigns import TaskScope
from guanxi.access.masking import mask_paths
from guanxi.access.scope import resolve_scope
from guanxi.access.users import User
from guanxi.campaigns.approach import approaches
from guanxi.campaigns.arms import RmSlot, assign_rms, split_arms
from guanxi.campaigns.sources import candidates
from guanxi.errors import InvalidData, RowError
from guanxi.graph.gateway import Gateway

__all__ = ["CampaignSpec", "create_campaign"]

log = logging.getLogger(__name__)


@dataclass
class CampaignSpec:
    """What to create: name, owner branch, window, products, the target source and its
    options, the control share and seed, the per-RM capacity, task due days."""

    name: str
    owner_branch: str
    source: str = "ids"
    source_spec: dict[str, Any] = field(default_factory=dict)
    goal: str | None = None
    products: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    control_share: float = 0.2
    seed: int = 7
    capacity: int = 50
    due_days: int = 30
    include_customers: bool = False
    paths: int = 2
    id: str | None = None


def _strata(info: list[dict], region_branch: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {
        r["id"]: (region_branch.get((r["region"] or "").strip(), ""), r["industry"] or "")
        for r in info
    }


def _task_props(a: dict[str, Any], due: date, at: datetime, rule: str) -> dict[str, Any]:
    best = a["paths"][0] if a["paths"] else None
    kc = a.get("key_contact") or {}
    return {
        "status": "open",
        "due": due,
        "priority": 1 if best and best["score"] >= 0.1 else 2 if best else 3,
        "created_at": at,
        "assigned_by": rule,
        "key_contact_id": kc.get("person_id"),
        "key_contact_name": kc.get("name"),
        "channel": best["channel"] if best else None,
        "introducer": best["introducer"] if best else None,
        "path_score": min(1.0, float(best["score"])) if best else None,
        "path_ids": best["node_ids"] if best else None,
        "approach": json.dumps(
            {k: a.get(k) for k in ("key_contact", "paths", "masked_for")},
            ensure_ascii=False,
            default=str,
        ),
    }


def _mask_for_assignees(
    client: Gateway, plan: list, appr: dict[str, dict[str, Any]], rm_branch: dict[str, str]
) -> None:
    """Mask each approach for the branch subtree of the RM it is assigned to, the narrowest
    scope that reads the task (their managers and the head office see more), and mark it
    ``masked_for`` that branch: a reader whose scope holds the branch needs no masking at
    read time (:func:`guanxi.campaigns.views.mask_tasks`)."""
    by_branch: dict[str, list[str]] = {}
    for a in plan:
        by_branch.setdefault(rm_branch.get(a.rm_id) or "", []).append(a.company_id)
    for branch, companies in by_branch.items():
        user = User(name=f"campaign-rm@{branch}", role="rm", branch=branch)
        scope = resolve_scope(client, user)
        mask_paths(client, scope, [p for c in companies for p in appr[c]["paths"]])
        for c in companies:
            for p in appr[c]["paths"]:
                p["node_ids"] = [p["hops"][0]["from"]] + [h["to"] for h in p["hops"]]
            appr[c]["masked_for"] = branch
            if appr[c].get("key_contact"):  # free text that may name an RM: see the contacts API
                appr[c]["key_contact"] = {**appr[c]["key_contact"], "reasons": []}


def create_campaign(client: Gateway, ts: TaskScope, spec: CampaignSpec) -> dict[str, Any]:
    """Create the campaign of ``spec`` for the caller of ``ts``; returns its id, the arm
    sizes, the tasks per assignment rule, what was left out and the timings.

    Raises
    ------
    AccessDenied
        When the caller may not manage campaigns of ``spec.owner_branch``.
    InvalidData
        For unknown company ids (row errors naming each), no targets, a bad window, or a
        campaign id that exists.
    """
    ts.check_manage(spec.owner_branch)
    t0 = time.perf_counter()
    cid = spec.id or f"CMP-{datetime.now(UTC):%Y%m%d}-{uuid.uuid4().hex[:6]}"
    if client.read("campaigns.exists", id=cid)[0]["found"]:
        raise InvalidData(f"Campaign {cid!r} exists already")
    start = spec.start or date.today()
    end = spec.end or start + timedelta(days=90)
    if end < start:
        raise InvalidData(f"Campaign window ends ({end}) before it starts ({start})")
    cands = candidates(
        client, ts.scope, spec.source, {**spec.source_spec, "owner_branch": spec.owner_branch}
    )
    info = client.read("campaigns.companies_info", ids=[c.company_id for c in cands])
    missing = [r["id"] for r in info if not r["found"]]
    if missing:
        errors = [RowError(spec.source, None, "id", m, "no such company") for m in missing]
        raise InvalidData(f"{len(missing)} target id(s) are not companies", errors)
    customers = {r["id"] for r in info if r["customer"]}
    if not spec.include_customers:
        info = [r for r in info if r["id"] not in customers]
    if not info:
        raise InvalidData("No targets left (existing customers are left out unless asked)")
    reasons = {c.company_id: c.reason for c in cands}
    rms = client.read("campaigns.branch_rms", branch=spec.owner_branch)
    if not rms:
        raise InvalidData(f"Branch {spec.owner_branch!r} has no RMs to assign tasks to")
    region_branch: dict[str, str] = {}
    for r in rms:
        region_branch.setdefault((r["region"] or "").strip(), r["branch"])
    arms = split_arms(_strata(info, region_branch), spec.control_share, spec.seed)
    treat = [r for r in info if arms[r["id"]] == "treatment"]
    t1 = time.perf_counter()
    appr = approaches(client, [r["id"] for r in treat], spec.owner_branch, ts.scope, spec.paths)
    t2 = time.perf_counter()
    slots = [RmSlot(r["id"], r["branch"], r["region"], r["load"]) for r in rms]
    plan = assign_rms(
        (
            (r["id"], r["region"], appr[r["id"]]["path_rm"], appr[r["id"]]["customer_rm"])
            for r in treat
        ),
        slots,
        spec.capacity,
    )
    _mask_for_assignees(client, plan, appr, {r["id"]: r["branch"] for r in rms})
    at = datetime.now(UTC)
    props = {
        "name": spec.name, "goal": spec.goal, "products": spec.products,
        "owner_branch": spec.owner_branch, "start": start, "end": end, "status": "active",
        "created_by": ts.scope.user.name, "created_at": at, "source": spec.source,
        "control_share": spec.control_share, "seed": spec.seed,
    }  # fmt: skip
    client.write("campaigns.write_campaign", id=cid, props=props)
    targets = [{"id": r["id"], "arm": arms[r["id"]], "reason": reasons.get(r["id"])} for r in info]
    client.write_batches("campaigns.write_targets", targets, campaign=cid, at=at)
    due = start + timedelta(days=spec.due_days)
    rows = [
        {
            "id": f"{cid}:{a.company_id}",
            "company": a.company_id,
            "rm": a.rm_id,
            "props": _task_props(appr[a.company_id], due, at, a.rule),
        }
        for a in plan
    ]
    client.write_batches("campaigns.write_tasks", rows, batch_size=2000, campaign=cid, at=at)
    client.write("admin.bump_graph_version", why=f"campaign {cid}")
    rules: dict[str, int] = {}
    for a in plan:
        rules[a.rule] = rules.get(a.rule, 0) + 1
    return {
        "id": cid,
        "targets": len(info),
        "treatment": len(treat),
        "control": len(info) - len(treat),
        "tasks": len(plan),
        "with_path": sum(1 for r in treat if appr[r["id"]]["paths"]),
        "assigned_by": rules,
        "customers_left_out": 0 if spec.include_customers else len(customers),
        "seconds": {
            "targets": round(t1 - t0, 2),
            "paths": round(t2 - t1, 2),
            "write": round(time.perf_counter() - t2, 2),
        },
    }
