"""Steering a campaign: reassigning tasks, linking conversions, closing it. Every call
checks the caller's :class:`~guanxi.access.campaigns.TaskScope` first."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from guanxi.access.campaigns import TaskScope
from guanxi.campaigns.views import get_row
from guanxi.errors import AccessDenied, InvalidData, NotFound
from guanxi.graph.gateway import Gateway

__all__ = ["reassign", "close_campaign", "detect_conversions"]

log = logging.getLogger(__name__)


def reassign(client: Gateway, ts: TaskScope, moves: dict[str, str]) -> int:
    """Move tasks (task id → RM id) to other RMs, by hand or in bulk; managers only.

    Raises
    ------
    AccessDenied
        When a task or an RM is outside the caller's scope, or the caller is no manager.
    NotFound
        For an unknown task or RM.
    """
    if ts.role not in ("manager", "admin"):
        raise AccessDenied(f"Role {ts.role!r} may not reassign tasks; managers may")
    access = client.read("campaigns.task_access", ids=sorted(moves))
    ts.check_edit_tasks(access)
    rms = {
        r["id"]: r["branch"]
        for r in client.read("campaigns.rms_info", ids=sorted(set(moves.values())))
    }
    for rm in set(moves.values()):
        if rm not in rms:
            raise NotFound(f"No RM {rm!r}")
        ts.check_rm(rm, rms[rm])
    rows = [{"task": t, "rm": r} for t, r in moves.items()]
    res = client.write("campaigns.reassign", rows=rows, at=datetime.now(UTC))
    return int(res[0]["moved"]) if res else 0


def close_campaign(client: Gateway, ts: TaskScope, cid: str) -> dict[str, Any]:
    """Close a campaign (its tasks take no more touches); conversions are detected first."""
    row = get_row(client, ts, cid)
    if not row["owner_in_scope"]:  # another branch's campaign: not confirmed to exist
        raise NotFound(f"No campaign {cid!r}")
    ts.check_manage(row["c"].get("owner_branch"))
    found = detect_conversions(client, ts, cid)
    res = client.write("campaigns.set_status", id=cid, status="closed")[0]
    return {**res, "conversions": found}


def detect_conversions(client: Gateway, ts: TaskScope, cid: str) -> int:
    """Link the campaign's new customers and product holdings inside its window to it
    (``campaigns.detect_conversions``); returns the number of conversions it has."""
    row = get_row(client, ts, cid)
    if ts.role == "analyst":
        raise AccessDenied("Analysts read campaigns; managers and RMs record conversions")
    if not row["owner_in_scope"] and not ts.everything:
        raise NotFound(f"No campaign {cid!r}")
    if row["c"].get("status") == "closed":
        raise InvalidData(f"Campaign {cid!r} is closed")
    res = client.write("campaigns.detect_conversions", campaign=cid)
    return int(res[0]["conversions"]) if res else 0
