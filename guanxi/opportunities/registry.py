"""The one place rules are registered, and how they are run for a caller.

A rule is a :class:`Rule`: its :class:`~guanxi.records.RuleInfo` (name, description,
parameters with defaults, the named queries it reads, how it scores, how its reason reads)
and a function ``find(ctx, params) -> list[Candidate]``. :func:`run_rule` runs one rule
bank-wide, assigns each result to the RM and branch of the customer it is anchored on,
ranks, flags risk (guarantee circle, inherited risk: flagged, not dropped), and keeps
only the results whose branch is in the caller's scope (and below ``branch``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guanxi.access.scope import Scope
from guanxi.errors import AccessDenied, ConfigError, NotFound
from guanxi.graph.gateway import Gateway
from guanxi.opportunities.context import RuleContext
from guanxi.records import Opportunity, OpportunityRun, Reason, RuleInfo
from guanxi.scoring.risk_graph import inherited

__all__ = ["Candidate", "Rule", "RULES", "register", "list_rules", "run_rule", "run_rules"]

log = logging.getLogger(__name__)

#: Inherited risk at or above this marks an opportunity ``review`` (not dropped).
RISK_THRESHOLD = 0.3


@dataclass
class Candidate:
    """What a rule finds: the company, its score in [0, 1], the reasons, the customer it
    is anchored on (for the RM and branch) and the evidence as numbers."""

    company_id: str
    score: float
    reasons: list[Reason]
    anchor_id: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    info: RuleInfo
    find: Callable[[RuleContext, dict[str, Any]], list[Candidate]]


RULES: dict[str, Rule] = {}


def register(info: RuleInfo) -> Callable[[Callable], Callable]:
    """Decorator: add a rule's ``find`` function to :data:`RULES` under ``info.name``."""

    def add(fn: Callable[[RuleContext, dict[str, Any]], list[Candidate]]) -> Callable:
        if info.name in RULES:
            raise ConfigError(f"Opportunity rule {info.name!r} is registered twice")
        RULES[info.name] = Rule(info, fn)
        return fn

    return add


def _load() -> None:
    """Import the rule modules (they register themselves)."""
    from guanxi.opportunities import rules_bank, rules_network, rules_prospects  # noqa: F401


def list_rules() -> list[RuleInfo]:
    """Every registered rule, in registration order."""
    _load()
    return [r.info for r in RULES.values()]


def _params(rule: Rule, given: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(rule.info.params)
    for k, v in (given or {}).items():
        if k not in out:
            raise ConfigError(
                f"Rule {rule.info.name!r} has no parameter {k!r}; it takes {sorted(out)}"
            )
        default = out[k]
        try:
            out[k] = type(default)(v) if default is not None else v
        except (TypeError, ValueError):
            raise ConfigError(
                f"Parameter {k!r} of rule {rule.info.name!r}: {v!r} is not a "
                f"{type(default).__name__}"
            ) from None
    return out


def _branches(client: Gateway, scope: Scope, branch: str | None) -> set[str] | None:
    """Branches a result may sit at (None: any)."""
    if branch is None:
        return None if scope.everything else set(scope.branches)
    if not scope.everything and branch not in scope.branches:
        raise AccessDenied(f"Branch {branch!r} is outside your branch scope")
    rows = client.read("scope.branch_subtree", branch=branch)
    if not rows or not rows[0]["branches"]:
        raise NotFound(f"No branch {branch!r}")
    return set(rows[0]["branches"])


def _risk(ctx: RuleContext, scope: Scope, ids: list[str]) -> dict[str, dict[str, Any]]:
    inh = inherited(ctx.client, scope, ids) if ids else {}
    out = {}
    for i in ids:
        d: dict[str, Any] = {}
        c = ctx.circle_of.get(i)
        if c is not None:
            d.update(circle=c.id, circle_kind=c.kind, circle_size=len(c.members),
                     circle_amount=round(c.total_amount, 2))  # fmt: skip
        r = inh.get(i)
        if r is not None:
            d.update(inherited=round(r.score, 4), inherited_text=r.text)
        if d:
            d["review"] = c is not None or (r is not None and r.score >= RISK_THRESHOLD)
        out[i] = d
    return out


def run_rule(
    client: Gateway,
    name: str,
    params: dict[str, Any] | None,
    scope: Scope,
    branch: str | None = None,
    limit: int | None = 200,
    ctx: RuleContext | None = None,
) -> list[Opportunity]:
    """Run rule ``name`` for a caller: ranked :class:`Opportunity` records in ``scope``
    (and under ``branch``), at most ``limit``. Raises NotFound for an unknown rule,
    ConfigError for an unknown or ill-typed parameter, AccessDenied for a branch outside
    the caller's scope."""
    _load()
    if name not in RULES:
        raise NotFound(f"No opportunity rule {name!r}; known: {sorted(RULES)}")
    rule = RULES[name]
    p = _params(rule, params)
    allowed = _branches(client, scope, branch)
    ctx = ctx or RuleContext(client)
    found = sorted(rule.find(ctx, p), key=lambda c: (-c.score, c.company_id))
    kept: list[tuple[Candidate, dict[str, Any]]] = []
    for c in found:
        a = ctx.anchor(c.anchor_id)
        if allowed is not None and a["branch_id"] not in allowed:
            continue
        if not scope.everything and scope.lines and a["business_line"] not in scope.lines:
            continue
        kept.append((c, a))
        if limit is not None and len(kept) >= limit:
            break
    risk = _risk(ctx, scope, [c.company_id for c, _ in kept])
    return [
        Opportunity(rule=name, company_id=c.company_id, company_name=ctx.name(c.company_id),
                    score=float(c.score), reasons=tuple(c.reasons), rank=i + 1,
                    evidence=c.evidence, risk=risk.get(c.company_id, {}), **a)
        for i, (c, a) in enumerate(kept)
    ]  # fmt: skip


def run_rules(
    client: Gateway,
    names: list[str] | None,
    scope: Scope,
    branch: str | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    limit: int | None = 200,
) -> OpportunityRun:
    """Several rules (None: all) over one shared context, with the seconds each took."""
    _load()
    names = names or list(RULES)
    unknown = set(params or {}) - set(names)
    if unknown:
        raise ConfigError(f"Parameters for rules not run: {sorted(unknown)}")
    ctx = RuleContext(client)
    items: list[Opportunity] = []
    elapsed: dict[str, float] = {}
    used: dict[str, dict[str, Any]] = {}
    for n in names:
        if n not in RULES:
            raise NotFound(f"No opportunity rule {n!r}; known: {sorted(RULES)}")
        t0 = time.perf_counter()
        got = run_rule(client, n, (params or {}).get(n), scope, branch, limit, ctx)
        elapsed[n] = time.perf_counter() - t0
        used[n] = _params(RULES[n], (params or {}).get(n))
        items.extend(got)
    return OpportunityRun(tuple(names), used, tuple(items), elapsed)
