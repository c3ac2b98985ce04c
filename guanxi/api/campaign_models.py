"""Pydantic models of the campaign endpoints (Create / Public families)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "CampaignCreate",
    "CampaignCreated",
    "CampaignPublic",
    "CampaignViewPublic",
    "TaskPublic",
    "TouchCreate",
    "TouchResultPublic",
    "AssignRequest",
    "AssignResult",
    "CloseResult",
    "ConversionsResult",
    "RemindersPublic",
]

Source = Literal["prospects", "lookalikes", "query", "ids", "rule"]
Outcome = Literal["no_answer", "contacted", "meeting", "interested", "declined", "converted"]
_ID = r"^[A-Za-z0-9_.\-]{1,64}$"


class CampaignCreate(BaseModel):
    """A campaign to create: the target source (``ids``: ``ids``; ``prospects``: ``k``,
    ``branch``; ``lookalikes``: ``seeds``, ``k``; ``query``: ``query``, ``params``;
    ``rule``: the opportunity rule's options) and how to split and assign."""

    name: str = Field(min_length=1, max_length=200)
    owner_branch: str = Field(min_length=1, max_length=64)
    source: Source = "ids"
    ids: list[str] = Field(default_factory=list, max_length=100_000)
    source_options: dict[str, Any] = Field(default_factory=dict)
    id: str | None = Field(default=None, pattern=_ID)
    goal: str | None = Field(default=None, max_length=1000)
    products: list[str] = Field(default_factory=list, max_length=50)
    start: date | None = None
    end: date | None = None
    control_share: float = Field(default=0.2, ge=0, lt=1)
    seed: int = Field(default=7, ge=0, le=2**31)
    capacity: int = Field(default=50, ge=1, le=10_000)
    due_days: int = Field(default=30, ge=1, le=3650)
    include_customers: bool = False


class CampaignCreated(BaseModel):
    id: str
    targets: int
    treatment: int
    control: int
    tasks: int
    with_path: int
    assigned_by: dict[str, int]
    customers_left_out: int
    seconds: dict[str, float]


class CampaignPublic(BaseModel):
    id: str
    name: str
    status: str
    owner_branch: str | None
    start: str | None
    end: str | None
    goal: str | None = None
    products: list[str] = []
    source: str | None = None
    created_by: str | None = None
    control_share: float | None = None
    seed: int | None = None
    treatment: int
    control: int
    tasks: int


class TaskPublic(BaseModel):
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
    touches: int
    last_touch: str | None
    best_outcome: str | None
    converted: bool
    assigned_by: str | None
    approach: dict[str, Any]


class FunnelStage(BaseModel):
    stage: str
    count: int


class FunnelPublic(BaseModel):
    stages: list[FunnelStage]
    control_targets: int | None
    control_converted: int | None


class CampaignViewPublic(BaseModel):
    campaign: CampaignPublic
    funnel: FunnelPublic
    per_rm: list[dict[str, Any]]
    tasks: list[TaskPublic]


class TouchCreate(BaseModel):
    """One touch: the task, when, how, with whom, what came of it, the path used."""

    task_id: str = Field(min_length=1, max_length=200)
    at: str = Field(min_length=1, max_length=40, description="ISO 8601 date or time")
    channel: str = Field(min_length=1, max_length=40)
    outcome: Outcome
    person_id: str | None = Field(default=None, max_length=100)
    rm_id: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=2000)
    path: list[str] | None = Field(default=None, max_length=10)
    id: str | None = Field(default=None, pattern=_ID)


class TouchResultPublic(BaseModel):
    written: int
    existing: int
    knows_updated: int
    conversions: int
    touch_ids: list[str]


class AssignRequest(BaseModel):
    """Reassign tasks: task id → RM id."""

    moves: dict[str, str] = Field(min_length=1, max_length=10_000)


class AssignResult(BaseModel):
    moved: int


class CloseResult(BaseModel):
    id: str
    status: str
    conversions: int


class ConversionsResult(BaseModel):
    campaign: str
    conversions: int


class ReminderPublic(BaseModel):
    kind: str
    task_id: str
    campaign_id: str
    company_id: str
    company_name: str | None
    rm_id: str | None
    rm_name: str | None
    branch: str | None
    text: str
    detail: dict[str, Any]


class RemindersPublic(BaseModel):
    today: str
    rm: str | None
    branch: str | None
    counts: dict[str, int]
    items: list[ReminderPublic]
