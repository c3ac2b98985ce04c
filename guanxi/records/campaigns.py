"""Campaign records (营销过程跟踪; docs/campaigns.md): ``Candidate`` (a target a source
proposes, with its reason), ``Campaign``, ``TaskView``, ``Funnel``, ``CampaignView``,
``TouchResult``, ``Reminder`` and ``Reminders``.

Frozen; ``to_dict()`` gives the JSON shape the CLI, the API and the pages serialise. A
task's recommended approach (key contact, top paths with introducer, channel and the
intimacy evidence of their hops) is captured when the task is made and travels as
``approach`` (a dict), so an RM sees why the path was chosen."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Candidate",
    "Campaign",
    "TaskView",
    "Funnel",
    "CampaignView",
    "TouchResult",
    "Reminder",
    "Reminders",
    "FUNNEL_STAGES",
    "OUTCOME_RANK",
]

log = logging.getLogger(__name__)

#: Touch outcomes in the order of progress; ``declined`` is a dead end and ranks with
#: ``contacted`` (the person was reached) in the funnel.
OUTCOME_RANK: dict[str, int] = {
    "no_answer": 1,
    "contacted": 2,
    "declined": 2,
    "meeting": 3,
    "interested": 4,
    "converted": 5,
}
#: Funnel stages: a target counts in a stage when it reached it or a later one.
FUNNEL_STAGES = ("targets", "tasked", "touched", "contacted", "meeting", "interested", "converted")


@dataclass(frozen=True)
class Candidate:
    """A company a target source proposes, and why (``reason``: one line, ``kind``: the
    source, ``score``: the source's own score when it has one)."""

    company_id: str
    reason: str
    kind: str = "ids"
    score: float | None = None


@dataclass(frozen=True)
class Campaign:
    """A campaign's own facts and its arm sizes."""

    id: str
    name: str
    status: str
    owner_branch: str | None
    start: str | None
    end: str | None
    goal: str | None = None
    products: tuple[str, ...] = ()
    source: str | None = None
    created_by: str | None = None
    control_share: float | None = None
    seed: int | None = None
    treatment: int = 0
    control: int = 0
    tasks: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "owner_branch": self.owner_branch,
            "start": self.start,
            "end": self.end,
            "goal": self.goal,
            "products": list(self.products),
            "source": self.source,
            "created_by": self.created_by,
            "control_share": self.control_share,
            "seed": self.seed,
            "treatment": self.treatment,
            "control": self.control,
            "tasks": self.tasks,
        }


@dataclass(frozen=True)
class TaskView:
    """A task as its RM or their manager sees it: target, RM, status, the latest touch,
    the best outcome so far, whether it is overdue, and the recommended approach."""

    id: str
    campaign_id: str
    campaign_name: str
    company_id: str
    company_name: str | None
    rm_id: str | None
    rm_name: str | None
    status: str
    due: str | None
    priority: int | None
    overdue: bool
    touches: int = 0
    last_touch: str | None = None
    best_outcome: str | None = None
    converted: bool = False
    assigned_by: str | None = None
    approach: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "company_id": self.company_id,
            "company_name": self.company_name,
            "rm_id": self.rm_id,
            "rm_name": self.rm_name,
            "status": self.status,
            "due": self.due,
            "priority": self.priority,
            "overdue": self.overdue,
            "touches": self.touches,
            "last_touch": self.last_touch,
            "best_outcome": self.best_outcome,
            "converted": self.converted,
            "assigned_by": self.assigned_by,
            "approach": self.approach,
        }


@dataclass(frozen=True)
class Funnel:
    """Targets per stage (:data:`FUNNEL_STAGES`) in the treatment arm as the caller sees
    it, and the control arm's size and conversions (None when the caller may not see the
    whole campaign)."""

    stages: dict[str, int]
    control_targets: int | None = None
    control_converted: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stages": [{"stage": s, "count": self.stages.get(s, 0)} for s in FUNNEL_STAGES],
            "control_targets": self.control_targets,
            "control_converted": self.control_converted,
        }


@dataclass(frozen=True)
class CampaignView:
    """A campaign page: the campaign, its funnel, tasks per RM, and the tasks (overdue
    first), as the caller may see them."""

    campaign: Campaign
    funnel: Funnel
    per_rm: tuple[dict[str, Any], ...]
    tasks: tuple[TaskView, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.to_dict(),
            "funnel": self.funnel.to_dict(),
            "per_rm": [dict(r) for r in self.per_rm],
            "tasks": [t.to_dict() for t in self.tasks],
        }


@dataclass(frozen=True)
class TouchResult:
    """What a touch log or import wrote: touches new and already present (idempotent
    re-runs), ``KNOWS`` relationships updated, and the conversions found afterwards."""

    written: int
    existing: int
    knows_updated: int
    conversions: int = 0
    touch_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "existing": self.existing,
            "knows_updated": self.knows_updated,
            "conversions": self.conversions,
            "touch_ids": list(self.touch_ids),
        }


@dataclass(frozen=True)
class Reminder:
    """One reminder: ``kind`` (overdue, untouched, facts_changed, stronger_path), the task
    and its target and RM, and the evidence (``detail``) behind it."""

    kind: str
    task_id: str
    campaign_id: str
    company_id: str
    company_name: str | None
    rm_id: str | None
    rm_name: str | None
    branch: str | None
    text: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "task_id": self.task_id,
            "campaign_id": self.campaign_id,
            "company_id": self.company_id,
            "company_name": self.company_name,
            "rm_id": self.rm_id,
            "rm_name": self.rm_name,
            "branch": self.branch,
            "text": self.text,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Reminders:
    """Reminders for an RM, a branch or a scope, as of ``today``."""

    today: str
    rm: str | None
    branch: str | None
    items: tuple[Reminder, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for r in self.items:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        return {
            "today": self.today,
            "rm": self.rm,
            "branch": self.branch,
            "counts": counts,
            "items": [r.to_dict() for r in self.items],
        }
