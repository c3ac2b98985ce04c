"""Opportunity records: ``RuleInfo`` (what a rule of the opportunity library is),
``Opportunity`` (one ranked, explained result, assigned to an RM) and ``OpportunityRun``.

Reasons are :class:`~guanxi.records.contacts.Reason` items (``kind``, ``refs``): a person can
check each one against the facts it names. ``risk`` carries the risk flags of the target
(guarantee circle, inherited risk): flagged, never dropped."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RuleInfo", "Opportunity", "OpportunityRun"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleInfo:
    """A rule of the opportunity library: name, what it finds, its parameters with their
    defaults, the named queries it reads, how it scores and how its reason reads."""

    name: str
    title: str
    description: str
    params: dict[str, Any]
    queries: tuple[str, ...]
    scoring: str
    reason: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "params": dict(self.params), "queries": list(self.queries),
                "scoring": self.scoring, "reason": self.reason, "target": self.target}  # fmt: skip


@dataclass(frozen=True)
class Opportunity:
    """One opportunity: the company to approach, its score and rank within the rule, the
    reasons, the RM and branch it is assigned to, and its risk flags."""

    rule: str
    company_id: str
    company_name: str | None
    score: float
    reasons: tuple[str, ...]
    rm_id: str | None
    rm_name: str | None
    branch_id: str | None
    business_line: str | None = None
    rank: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "rank": self.rank, "company_id": self.company_id,
            "company_name": self.company_name, "score": round(self.score, 4),
            "reasons": [r.to_dict() if hasattr(r, "to_dict") else {"kind": "public", "text": r,
                        "refs": []} for r in self.reasons],
            "rm_id": self.rm_id, "rm_name": self.rm_name, "branch_id": self.branch_id,
            "business_line": self.business_line, "evidence": dict(self.evidence),
            "risk": dict(self.risk),
        }  # fmt: skip


@dataclass(frozen=True)
class OpportunityRun:
    """The results of one or more rules for one caller."""

    rules: tuple[str, ...]
    params: dict[str, dict[str, Any]]
    items: tuple[Opportunity, ...]
    elapsed: dict[str, float] = field(default_factory=dict)
    #: results left out because their branch is outside the caller's scope
    hidden: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "params": self.params,
                "items": [o.to_dict() for o in self.items],
                "elapsed": {k: round(v, 3) for k, v in self.elapsed.items()},
                "count": len(self.items)}  # fmt: skip
