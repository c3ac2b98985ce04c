"""The opportunity library: the rules, and their results for the caller — only those
whose assigned branch is in the caller's scope (a caller of another branch sees none)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic
from guanxi.api.models_risk import OpportunitiesPublic, RulePublic
from guanxi.opportunities import list_rules, run_rules

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["opportunities"],
                   responses={401: {"model": ErrorPublic}})  # fmt: skip


@router.get(
    "/opportunities/rules",
    response_model=list[RulePublic],
    summary="Every opportunity rule: parameters, queries, scoring, reason",
)
def rules() -> list[RulePublic]:
    return [RulePublic(**r.to_dict()) for r in list_rules()]


@router.get("/opportunities", response_model=OpportunitiesPublic,
            summary="Ranked, explained opportunities assigned to RMs, in your scope",
            responses={403: {"model": ErrorPublic}, 404: {"model": ErrorPublic}})  # fmt: skip
def opportunities(
    client: ClientDep,
    scope: ScopeDep,
    rule: Annotated[str | None, Query(description="one rule (default: all)")] = None,
    branch: Annotated[str | None, Query(description="this branch and those below it")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    as_of: Annotated[
        date | None,
        Query(description="the date rules with an as_of parameter count from (default: today)"),
    ] = None,
) -> OpportunitiesPublic:
    params = None
    if as_of is not None:
        params = {
            r.name: {"as_of": as_of.isoformat()}
            for r in list_rules()
            if "as_of" in r.params and rule in (None, r.name)
        }
    res = run_rules(client, [rule] if rule else None, scope, branch, params, limit)
    return OpportunitiesPublic(**res.to_dict())
