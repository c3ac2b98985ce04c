"""The opportunity rules as a campaign target source (``source: rule``).

Campaigns and the opportunity library sit on the same level (5) and do not import each
other; this module, above both, plugs one into the other. ``spec`` takes ``rule`` (the rule
name, required), ``params`` (the rule's parameters), ``branch`` (default: the campaign's
owner branch) and ``k`` (most targets, 200)."""

from __future__ import annotations

from typing import Any

from guanxi.access.scope import Scope
from guanxi.campaigns.sources import SOURCES, register_source
from guanxi.errors import InvalidData
from guanxi.graph.gateway import Gateway
from guanxi.opportunities.registry import run_rule
from guanxi.records import Candidate

__all__ = ["rule_source", "register_rule_source"]


def rule_source(client: Gateway, scope: Scope, spec: dict[str, Any]) -> list[Candidate]:
    """The results of one opportunity rule, in the caller's scope, as candidates whose
    reason is the rule's own (first two reasons)."""
    name = spec.get("rule")
    if not name:
        raise InvalidData("Source 'rule' needs rule (an opportunity rule name)")
    branch = spec.get("branch") or spec.get("owner_branch")
    k = int(spec.get("k") or 200)
    found = run_rule(client, str(name), spec.get("params") or {}, scope, branch, k)
    return [
        Candidate(
            o.company_id, f"{name}: " + "; ".join(str(r) for r in o.reasons[:2]), "rule", o.score
        )  # fmt: skip
        for o in found
    ]


def register_rule_source() -> None:
    """Make ``rule`` a campaign source (idempotent)."""
    if "rule" not in SOURCES:
        register_source("rule", rule_source)
