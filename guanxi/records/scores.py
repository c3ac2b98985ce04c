"""Score records: ``IntimacyResult``, ``OwnerStake``, ``Controller``, ``Holding``,
``OwnershipResult`` and ``ScorerInfo``.

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI and the API return."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from guanxi.records.paths import Evidence

__all__ = [
    "IntimacyResult",
    "OwnerStake",
    "Controller",
    "Holding",
    "OwnershipResult",
    "ScorerInfo",
]

log = logging.getLogger(__name__)


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
    #: evidence items left out because the caller may not see them (the score keeps them)
    masked_evidence: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "direct": round(self.direct, 4),
            "indirect": round(self.indirect, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "text": self.text,
        }
        return {**d, "masked_evidence": self.masked_evidence} if self.masked_evidence else d


@dataclass(frozen=True)
class OwnerStake:
    """A party's penetrated (integrated) stake in a company, in percent; ``deemed``: the
    deemed interest its disclosure states in that company (shown beside, never added)."""

    id: str
    name: str | None
    label: str
    stake: float
    direct: float = 0.0
    nominee: bool = False
    deemed: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "stake": round(self.stake, 4),
            "direct": round(self.direct, 4),
            "nominee": self.nominee,
            "deemed": None if self.deemed is None else round(self.deemed, 4),
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
class Holding:
    """A direct holding: ``holder_id`` holds ``pct`` percent of ``company_id``."""

    holder_id: str
    company_id: str
    pct: float

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.holder_id, "to": self.company_id, "pct": round(self.pct, 4)}


@dataclass(frozen=True)
class Disclosure:
    """An interest as a disclosure states it, not penetrated: a ``deemed`` (indirect)
    interest of ``holder_id`` in ``company_id`` of ``pct`` percent, ``as_of`` its date."""

    holder_id: str
    holder_name: str | None
    company_id: str
    pct: float
    kind: str = "deemed"
    as_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "holder_id": self.holder_id,
            "holder_name": self.holder_name,
            "company_id": self.company_id,
            "pct": round(self.pct, 4),
            "kind": self.kind,
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class OwnershipResult:
    """A company's ownership: every upstream holder's penetrated stake (``holders``,
    largest first), its actual ``controller``, its ``beneficial_owners`` and the direct
    holdings of its upstream graph (``edges``, largest first: what an ownership tree
    draws). ``deemed``: the deemed interests in the graph as disclosed, listed beside the
    penetrated stakes and never added to them."""

    company: str
    name: str | None
    controller: Controller
    beneficial_owners: tuple[OwnerStake, ...] = ()
    holders: tuple[OwnerStake, ...] = ()
    edges: tuple[Holding, ...] = ()
    deemed: tuple[Disclosure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "name": self.name,
            "controller": self.controller.to_dict(),
            "beneficial_owners": [o.to_dict() for o in self.beneficial_owners],
            "holders": [o.to_dict() for o in self.holders],
            "edges": [e.to_dict() for e in self.edges],
            "deemed": [d.to_dict() for d in self.deemed],
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
