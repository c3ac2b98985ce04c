"""Risk records: ``Group`` (集团客户) with its ``GroupMember`` rows, ``Circle`` (担保圈) and
``InheritedRisk`` (a propagated risk score with the path that explains it).

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI and the API return.
Exposure figures (what members owe or hold with the bank) are bank-internal: the service
fills them for the members within the caller's scope only and counts the others in
``hidden_members``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GroupMember", "Group", "Circle", "InheritedRisk"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupMember:
    """A company of a group, the holder that controls it (``parent_id``, ``pct``; the
    controlling party for the group's root) and why (``evidence`` text, e.g. 持股51%)."""

    id: str
    name: str | None
    parent_id: str | None
    pct: float | None
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "parent_id": self.parent_id,
                "pct": self.pct, "evidence": self.evidence}  # fmt: skip


@dataclass(frozen=True)
class Group:
    """A group of companies under common control (集团客户)."""

    id: str
    name: str
    controller_id: str
    controller_name: str | None
    members: tuple[GroupMember, ...]
    run_id: str = ""
    #: bank-internal totals over the members within the caller's scope (empty: none)
    exposure: dict[str, float] = field(default_factory=dict)
    hidden_members: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "controller_id": self.controller_id,
            "controller_name": self.controller_name, "size": len(self.members),
            "members": [m.to_dict() for m in self.members], "run_id": self.run_id,
            "exposure": {k: round(v, 2) for k, v in self.exposure.items()},
            "hidden_members": self.hidden_members,
        }  # fmt: skip


@dataclass(frozen=True)
class Circle:
    """A guarantee circle: a strongly connected component of GUARANTEES (互保 for two
    companies, 联保 for a ring or a denser knot), the guarantees inside it, their total,
    and the guarantors outside whose chains lead into it (``chains_in``: id → hops)."""

    id: str
    kind: str
    members: tuple[str, ...]
    names: tuple[str | None, ...]
    guarantees: tuple[tuple[str, str, float], ...]
    total_amount: float
    chains_in: dict[str, int] = field(default_factory=dict)
    exposure: dict[str, float] = field(default_factory=dict)
    hidden_members: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "members": list(self.members),
            "names": list(self.names),
            "guarantees": [{"guarantor_id": a, "borrower_id": b, "amount": x}
                           for a, b, x in self.guarantees],
            "total_amount": round(self.total_amount, 2), "chains_in": dict(self.chains_in),
            "exposure": {k: round(v, 2) for k, v in self.exposure.items()},
            "hidden_members": self.hidden_members,
        }  # fmt: skip


@dataclass(frozen=True)
class InheritedRisk:
    """A party's inherited risk: ``score`` = severity of the flag it comes from times the
    product of the edge weights along ``path`` (flagged party first, this party last);
    ``via`` names each hop's relationship kind (guarantee, control, supply)."""

    id: str
    score: float
    source_id: str
    flag: str
    path: tuple[str, ...]
    via: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": round(self.score, 4), "source_id": self.source_id,
                "flag": self.flag, "path": list(self.path), "via": list(self.via),
                "text": self.text}  # fmt: skip
