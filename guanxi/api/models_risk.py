"""Pydantic models of the risk and opportunity endpoints (Public family)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "GroupsPublic",
    "CirclesPublic",
    "InheritedRiskPublic",
    "RulePublic",
    "OpportunitiesPublic",
]


class GroupPublic(BaseModel):
    id: str
    name: str
    controller_id: str
    controller_name: str | None
    size: int
    members: list[dict[str, Any]]
    run_id: str
    exposure: dict[str, float] = Field(description="totals over the members in your scope")
    hidden_members: int = Field(description="customers outside your scope, not summed")


class GroupsPublic(BaseModel):
    groups: list[GroupPublic]


class CirclePublic(BaseModel):
    id: str
    kind: str = Field(description="mutual (互保), ring (联保) or knot")
    members: list[str]
    names: list[str | None]
    guarantees: list[dict[str, Any]]
    total_amount: float
    chains_in: dict[str, int]
    exposure: dict[str, float]
    hidden_members: int


class CirclesPublic(BaseModel):
    circles: list[CirclePublic]


class InheritedRiskPublic(BaseModel):
    risk: list[dict[str, Any]]


class RulePublic(BaseModel):
    name: str
    title: str
    description: str
    params: dict[str, Any]
    queries: list[str]
    scoring: str
    reason: str
    target: str


class OpportunitiesPublic(BaseModel):
    rules: list[str]
    params: dict[str, dict[str, Any]]
    items: list[dict[str, Any]]
    elapsed: dict[str, float]
    count: int
