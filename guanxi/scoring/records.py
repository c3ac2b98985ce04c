"""Typed result records of the scorers: ``Evidence``, ``Hop``, ``ContactPath``,
``KeyContact``, ``IntimacyResult``, ``OwnerStake`` and ``Controller``.

Every record is a frozen dataclass with ``to_dict()`` giving the JSON shape the CLI and
the API return. Evidence carries a machine-readable ``detail`` and a short Chinese
``text`` ("持股35%", "董事长", "累计付款¥1.2亿/37笔").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Reason",
    "Evidence",
    "Hop",
    "ContactPath",
    "KeyContact",
    "IntimacyResult",
    "OwnerStake",
    "Controller",
    "ScorerInfo",
]

log = logging.getLogger(__name__)


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


class Reason(str):
    """A reason as a sentence for people, with what a decision needs beside it.

    ``kind`` says what the reason rests on (``role``, ``stake``, ``controller``,
    ``rm_knows``, ``customer_tie``, ``knows_customer_person``…) and ``refs`` names the
    bank-internal parties it cites (an RM, a customer company). Masking decides on ``refs``
    (is each visible to the caller?), never on the words; the text is what people read.
    A plain string compares equal to the reason with the same text.
    """

    kind: str
    refs: tuple[str, ...]

    def __new__(cls, text: str, kind: str = "public", refs: tuple[str, ...] = ()) -> Reason:
        obj = super().__new__(cls, text)
        obj.kind = kind
        obj.refs = tuple(r for r in refs if r)
        return obj

    def __reduce__(self) -> tuple:
        return (Reason, (str(self), self.kind, self.refs))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": str(self), "refs": list(self.refs)}


@dataclass(frozen=True)
class KeyContact:
    """A person to approach at a company, with the score's components and reasons."""

    id: str
    name: str
    score: float
    #: :class:`Reason` items (plain strings are taken as public reasons)
    reasons: tuple[str, ...]
    rank: int = 0
    components: dict[str, float] = field(default_factory=dict)
    #: Other node ids taken to be the same person (a holder record of the same name).
    same_as: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "rank": self.rank,
            "score": round(self.score, 4),
            "reasons": [str(r) for r in self.reasons],
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "same_as": list(self.same_as),
        }


@dataclass(frozen=True)
class IntimacyResult:
    """Intimacy of two parties: the score, its direct and indirect parts and the evidence."""

    a: str
    b: str
    score: float
    direct: float
    indirect: float
    evidence: tuple[Evidence, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "direct": round(self.direct, 4),
            "indirect": round(self.indirect, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "text": self.text,
        }


@dataclass(frozen=True)
class OwnerStake:
    """A party's penetrated (integrated) stake in a company, in percent."""

    id: str
    name: str | None
    label: str
    stake: float
    direct: float = 0.0
    nominee: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "stake": round(self.stake, 4),
            "direct": round(self.direct, 4),
            "nominee": self.nominee,
        }


@dataclass(frozen=True)
class Controller:
    """The actual controller (实际控制人) of a company, or none.

    ``kind`` is ``absolute`` (> 50% of votes), ``relative`` (largest bloc ≥ 30% with a
    10-point lead over the next bloc), ``suspected`` (largest bloc ≥ 30%, smaller lead:
    疑似实际控制人, not control in the rule's sense) or ``none``. ``chain`` lists the control
    chain from the ultimate controller down to the company; ``paths`` the ownership paths
    that carry the controller's votes, each a list of ``(holder, company, pct)`` hops.
    """

    company_id: str
    controller_id: str | None
    controller_name: str | None
    controller_label: str | None
    kind: str
    votes: float
    stake: float
    chain: tuple[str, ...] = ()
    paths: tuple[tuple[tuple[str, str, float], ...], ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company_id,
            "controller": self.controller_id,
            "name": self.controller_name,
            "label": self.controller_label,
            "kind": self.kind,
            "votes": round(self.votes, 4),
            "stake": round(self.stake, 4),
            "chain": list(self.chain),
            "paths": [
                [{"from": s, "to": t, "pct": round(p, 4)} for s, t, p in path]
                for path in self.paths
            ],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ScorerInfo:
    """How a scorer describes itself: name, method, config with defaults, result type."""

    name: str
    method: str
    config: dict[str, Any]
    result: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "config": self.config,
            "result": self.result,
        }
