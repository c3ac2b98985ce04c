"""Pydantic models of the effect and settlement endpoints (Public family): the shapes of
``CampaignStats.to_dict()`` and ``Settlement.to_dict()`` (docs/effects.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["RatePublic", "UpliftPublic", "SurvivalPublic", "GroupPublic", "StagePublic",
           "CampaignStatsPublic", "ShareEntryPublic", "TransferPublic", "SettlementPublic",
           "MonthClosed"]  # fmt: skip


class RatePublic(BaseModel):
    k: int
    n: int
    rate: float | None
    low: float | None
    high: float | None


class UpliftPublic(BaseModel):
    label: str
    first: RatePublic
    second: RatePublic
    diff: float | None
    low: float | None
    high: float | None
    p_value: float | None
    observational: bool
    note: str | None


class SurvivalPublic(BaseModel):
    steps: list[list[float]]
    median: float | None
    n: int
    events: int


class GroupPublic(BaseModel):
    key: str
    targets: int
    touched: int
    meeting: int
    interested: int
    converted: int
    rate: RatePublic
    booked_value: float


class StagePublic(BaseModel):
    stage: str
    count: int


class CampaignStatsPublic(BaseModel):
    campaign_id: str
    campaign_name: str
    as_of: str
    funnel: list[StagePublic]
    treatment: RatePublic
    control: RatePublic | None
    uplift: UpliftPublic | None
    warm_vs_cold: UpliftPublic | None
    time_treatment: SurvivalPublic
    time_control: SurvivalPublic | None
    booked_value: float
    breakdowns: dict[str, list[GroupPublic]]


class ShareEntryPublic(BaseModel):
    id: str
    month: str
    conversion_id: str
    campaign_id: str
    branch: str
    role: str
    cents: int
    rule: str
    kind: str
    corrects: str | None
    payer: str | None
    explanation: dict[str, Any]


class TransferPublic(BaseModel):
    payer: str
    payee: str
    cents: int


class SettlementPublic(BaseModel):
    month: str
    status: str
    preview: bool
    rule: str
    total_cents: int
    entries: list[ShareEntryPublic]
    transfers: list[TransferPublic]


class MonthClosed(BaseModel):
    month: str
    status: str
