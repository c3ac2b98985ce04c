"""Typed result records: what scorers return, the access layer masks, and the CLI, API,
pages and reports serialise. They sit below every other package (they import nothing of
guanxi), so the access layer can mask them without depending on the scorers.

Evidence carries a machine-readable ``detail`` and a short Chinese ``text`` ("持股35%",
"董事长", "累计付款¥1.2亿/37笔"); reasons carry the parties they cite (``Reason.refs``).
"""

from guanxi.records.campaigns import (
    FUNNEL_STAGES,
    OUTCOME_RANK,
    Campaign,
    CampaignView,
    Candidate,
    Funnel,
    Reminder,
    Reminders,
    TaskView,
    TouchResult,
)
from guanxi.records.changes import CHANGE_KINDS, ChangeEvent
from guanxi.records.contacts import KeyContact, Reason
from guanxi.records.effects import (
    BREAKDOWNS,
    OBSERVATIONAL_NOTE,
    STATS_FUNNEL,
    CampaignStats,
    GroupStats,
    Rate,
    Settlement,
    ShareEntry,
    Survival,
    Transfer,
    Uplift,
)
from guanxi.records.opportunities import Opportunity, OpportunityRun, RuleInfo
from guanxi.records.paths import EVIDENCE_TYPES, ContactPath, Evidence, Hop, PathsResult
from guanxi.records.recommendations import (
    Lookalike,
    LookalikeReason,
    Lookalikes,
    Prospect,
    Prospects,
    Recommendation,
    Recommendations,
)
from guanxi.records.risk import Circle, Group, GroupMember, InheritedRisk
from guanxi.records.scores import (
    Controller,
    Disclosure,
    Holding,
    IntimacyResult,
    OwnershipResult,
    OwnerStake,
    ScorerInfo,
)
from guanxi.records.workbench import (
    Canvas,
    CanvasEdge,
    CanvasNode,
    NeighbourCount,
    NeighbourPage,
    NodeCard,
)

__all__ = [
    "BREAKDOWNS",
    "OBSERVATIONAL_NOTE",
    "STATS_FUNNEL",
    "CampaignStats",
    "GroupStats",
    "Rate",
    "Settlement",
    "ShareEntry",
    "Survival",
    "Transfer",
    "Uplift",
    "Canvas",
    "CanvasEdge",
    "CanvasNode",
    "NeighbourCount",
    "NeighbourPage",
    "NodeCard",
    "ChangeEvent",
    "CHANGE_KINDS",
    "Reason",
    "Evidence",
    "Hop",
    "ContactPath",
    "PathsResult",
    "EVIDENCE_TYPES",
    "KeyContact",
    "IntimacyResult",
    "OwnerStake",
    "Controller",
    "Holding",
    "Disclosure",
    "OwnershipResult",
    "ScorerInfo",
    "Lookalike",
    "LookalikeReason",
    "Lookalikes",
    "Recommendation",
    "Recommendations",
    "Prospect",
    "Prospects",
    "Group",
    "GroupMember",
    "Circle",
    "InheritedRisk",
    "RuleInfo",
    "Opportunity",
    "OpportunityRun",
    "Candidate",
    "Campaign",
    "CampaignView",
    "Funnel",
    "Reminder",
    "Reminders",
    "TaskView",
    "TouchResult",
    "FUNNEL_STAGES",
    "OUTCOME_RANK",
]
