"""Contact-path records: ``Evidence`` (one fact behind a score), ``Hop``, ``ContactPath`` and
``PathsResult`` (what the contact-path service returns), and :data:`EVIDENCE_TYPES`, the one
map from an evidence kind to the relationship type it rests on.

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI and the API return."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EVIDENCE_TYPES", "Evidence", "Hop", "ContactPath", "PathsResult"]

log = logging.getLogger(__name__)

#: The relationship type behind each evidence kind of a single relationship (the evidence
#: of shared neighbours and indirect links has none). Scorers name a hop by it; masking
#: decides from it whether an item rests on a bank-internal fact (docs/scoring.md).
EVIDENCE_TYPES: dict[str, str] = {
    "shareholding": "HOLDS_SHARES",
    "role": "SERVES_AS",
    "supply": "SUPPLIES",
    "payment": "PAYS",
    "guarantee": "GUARANTEES",
    "knows": "KNOWS",
    "manages": "MANAGES",
}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: ``kind`` (shareholding, role, supply, payment, guarantee,
    knows, manages, shared_executives, shared_shareholders, colleagues, indirect, control…),
    its ``detail`` (numbers as found), its ``strength`` s in [0, 1], its ``weight`` w and a
    short human ``text``."""

    kind: str
    detail: dict[str, Any]
    text: str
    strength: float = 0.0
    weight: float = 1.0

    @property
    def contribution(self) -> float:
        """``w·s``: this item's term in the noisy-OR."""
        return self.weight * self.strength

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "detail": self.detail,
            "text": self.text,
            "strength": round(self.strength, 4),
            "weight": self.weight,
        }


@dataclass(frozen=True)
class Hop:
    """One hop of a contact path: ``source_id`` → ``target_id`` over ``rel_type``."""

    source_id: str
    target_id: str
    rel_type: str
    intimacy: float
    evidence: tuple[Evidence, ...] = ()
    source_name: str | None = None
    target_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source_id,
            "to": self.target_id,
            "from_name": self.source_name,
            "to_name": self.target_name,
            "type": self.rel_type,
            "intimacy": round(self.intimacy, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "text": "·".join(e.text for e in self.evidence),
        }


@dataclass(frozen=True)
class ContactPath:
    """A warm path from the bank to a target with its strength, introducer and channel."""

    score: float
    hops: tuple[Hop, ...]
    introducer: str
    channel: str
    reason: str
    introducer_id: str | None = None

    @property
    def node_ids(self) -> list[str]:
        if not self.hops:
            return []
        return [self.hops[0].source_id] + [h.target_id for h in self.hops]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 6),
            "hops": [h.to_dict() for h in self.hops],
            "introducer": self.introducer,
            "introducer_id": self.introducer_id,
            "channel": self.channel,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PathsResult:
    """The contact paths from ``origin`` (an RM, a branch, a party; None: the whole bank)
    to ``target``, strongest first, and a ``reason`` line (why none, or how many).

    ``parties`` holds the bank context of every party on the paths by id (``label``,
    ``labels``, ``name``, ``rm_id``, ``rm_name``, ``rm_branch``, ``branch``, ``branch_id``
    and, when read for a scoped caller, ``branches`` as ``scope.nodes_info`` gives them):
    what the access layer masks the paths with. It is bank-internal and not part of
    ``to_dict()``.
    """

    target: str
    origin: str | None
    paths: tuple[ContactPath, ...] = ()
    reason: str = ""
    parties: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "origin": self.origin,
            "paths": [p.to_dict() for p in self.paths],
            "reason": self.reason,
        }
