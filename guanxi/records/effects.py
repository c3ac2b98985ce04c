"""Effect statistics and profit-sharing records (效果统计, 业绩分润; docs/effects.md):
``Rate``, ``Uplift``, ``Survival``, ``GroupStats``, ``CampaignStats``, ``ShareEntry``,
``Transfer`` and ``Settlement``.

Frozen; ``to_dict()`` gives the one JSON shape the CLI, the API, the pages and the Excel
and CSV exports serialise. Money is integer cents (``*_cents``), never floats."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Rate",
    "Uplift",
    "Survival",
    "GroupStats",
    "CampaignStats",
    "ShareEntry",
    "Transfer",
    "Settlement",
    "BREAKDOWNS",
    "STATS_FUNNEL",
    "OBSERVATIONAL_NOTE",
]

log = logging.getLogger(__name__)

#: the breakdowns of a campaign's statistics (``guanxi stats --by``)
BREAKDOWNS = ("channel", "path_type", "branch", "rm", "introducer_kind", "product")
#: the funnel of the statistics: a target counts in a stage it reached or passed
STATS_FUNNEL = ("targets", "touched", "meeting", "interested", "converted")
#: said wherever warm-against-cold is shown
OBSERVATIONAL_NOTE = (
    "Warm against cold is observational: RMs chose which targets to approach through a "
    "path, so the difference mixes the path's effect with who was chosen. Only the "
    "treatment-against-control uplift is a randomised estimate."
)


@dataclass(frozen=True)
class Rate:
    """``k`` conversions of ``n`` targets: the rate and its Wilson 95 % interval."""

    k: int
    n: int
    rate: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Uplift:
    """The difference of two rates (``first − second``), its Newcombe interval and the
    two-sided p-value of the score test; ``observational`` when not randomised."""

    label: str
    first: Rate
    second: Rate
    diff: float | None
    low: float | None
    high: float | None
    p_value: float | None
    observational: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k not in ("first", "second")}
        d["first"], d["second"] = self.first.to_dict(), self.second.to_dict()
        d["note"] = OBSERVATIONAL_NOTE if self.observational else None
        return d


@dataclass(frozen=True)
class Survival:
    """Kaplan–Meier: ``steps`` ``(days, share not yet converted)``, the median days."""

    steps: tuple[tuple[float, float], ...]
    median: float | None
    n: int
    events: int

    def to_dict(self) -> dict[str, Any]:
        return {"steps": [list(s) for s in self.steps], "median": self.median, "n": self.n,
                "events": self.events}  # fmt: skip


@dataclass(frozen=True)
class GroupStats:
    """One group of a breakdown: its funnel, conversion rate and booked value."""

    key: str
    funnel: dict[str, int]
    rate: Rate
    booked_value: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, **{s: self.funnel.get(s, 0) for s in STATS_FUNNEL},
                "rate": self.rate.to_dict(), "booked_value": self.booked_value}  # fmt: skip


@dataclass(frozen=True)
class CampaignStats:
    """A campaign's effect statistics as the caller may see them (their tasks; the
    control arm only when the owner branch is in their scope)."""

    campaign_id: str
    campaign_name: str
    as_of: str
    funnel: dict[str, int]
    treatment: Rate
    control: Rate | None
    uplift: Uplift | None
    warm_vs_cold: Uplift | None
    time_treatment: Survival
    time_control: Survival | None
    booked_value: float
    breakdowns: dict[str, tuple[GroupStats, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "as_of": self.as_of,
            "funnel": [{"stage": s, "count": self.funnel.get(s, 0)} for s in STATS_FUNNEL],
            "treatment": self.treatment.to_dict(),
            "control": self.control.to_dict() if self.control else None,
            "uplift": self.uplift.to_dict() if self.uplift else None,
            "warm_vs_cold": self.warm_vs_cold.to_dict() if self.warm_vs_cold else None,
            "time_treatment": self.time_treatment.to_dict(),
            "time_control": self.time_control.to_dict() if self.time_control else None,
            "booked_value": self.booked_value,
            "breakdowns": {k: [g.to_dict() for g in v] for k, v in self.breakdowns.items()},
        }


@dataclass(frozen=True)
class ShareEntry:
    """A ledger entry: ``cents`` of a conversion's value credited to ``branch`` in
    ``role`` by ``rule``, posted in ``month``; ``kind`` ``share`` or ``correction`` (of an
    entry of a closed month, ``corrects``); ``explanation``: conversion, path, touch,
    rule and weight, as data."""

    id: str
    month: str
    conversion_id: str
    campaign_id: str
    branch: str
    role: str
    cents: int
    rule: str
    kind: str = "share"
    corrects: str | None = None
    payer: str | None = None
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Transfer:
    """The net transfer of a month between two branches: ``payer`` owes ``payee``."""

    payer: str
    payee: str
    cents: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Settlement:
    """A month's settlement as the caller may see it: its entries and net transfers."""

    month: str
    status: str
    preview: bool
    rule: str
    entries: tuple[ShareEntry, ...]
    transfers: tuple[Transfer, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "status": self.status,
            "preview": self.preview,
            "rule": self.rule,
            "total_cents": sum(e.cents for e in self.entries),
            "entries": [e.to_dict() for e in self.entries],
            "transfers": [t.to_dict() for t in self.transfers],
        }
