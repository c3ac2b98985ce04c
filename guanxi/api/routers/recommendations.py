"""Ownership, lookalikes, product recommendations and prospects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.access.scope import Scope
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import (
    ErrorPublic,
    LookalikesPublic,
    OwnershipPublic,
    ProspectsPublic,
    RecommendationsPublic,
)
from guanxi.errors import AccessDenied

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["recommendations"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


def _anonymise(scope: Scope, reasons: list[str]) -> list[str]:
    """Reasons built from other customers' holdings keep their counts, not the names,
    unless the caller sees everything (holdings are bank-internal)."""
    if scope.everything:
        return reasons
    return [r.split(":", 1)[0] if ":" in r else r for r in reasons]


@router.get(
    "/companies/{company_id}/ownership",
    response_model=OwnershipPublic,
    summary="Equity penetration (股权穿透), actual controller (实际控制人), beneficial owners",
)
def ownership(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    threshold: Annotated[float, Query(ge=0, le=100)] = 25.0,
) -> OwnershipPublic:
    from guanxi.scoring.ownership import company_ownership

    return OwnershipPublic(**company_ownership(client, company_id, threshold=threshold))


@router.get(
    "/companies/{company_id}/lookalikes",
    response_model=LookalikesPublic,
    summary="Companies most like this one (vector index), with reasons",
)
def lookalikes(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> LookalikesPublic:
    from guanxi.gnn.apps import lookalikes as find

    return LookalikesPublic(**find(client, company_id, k))


@router.get(
    "/companies/{company_id}/recommendations",
    response_model=RecommendationsPublic,
    summary="Products the company does not hold that its peers hold, ranked with reasons",
    responses={403: {"model": ErrorPublic}},
)
def recommendations(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> RecommendationsPublic:
    from guanxi.gnn.apps import recommend

    if not scope.everything:
        rows = client.read("api.company_detail", id=company_id, **scope.params())
        if rows and not rows[0]["in_scope"]:
            # what a company holds, and so what it lacks, is a bank-internal fact
            raise AccessDenied(f"{company_id!r} is not a customer within your branch scope")
    res = recommend(client, company_id, k)
    for p in res["products"]:
        p["reasons"] = _anonymise(scope, list(p.get("reasons") or []))
    return RecommendationsPublic(**res)


@router.get(
    "/prospects",
    response_model=ProspectsPublic,
    summary="Non-customers ranked per branch by prospect score (科创企业拓客)",
    responses={403: {"model": ErrorPublic}},
)
def prospects(
    client: ClientDep,
    scope: ScopeDep,
    branch: Annotated[str | None, Query(description="default: the caller's branch")] = None,
    k: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ProspectsPublic:
    from guanxi.gnn.apps import prospects as rank

    if not scope.everything:
        branch = branch or scope.user.branch
        if branch not in scope.branches:
            raise AccessDenied(f"Branch {branch!r} is outside your branch scope")
    res = rank(client, branch, k)
    for items in res["branches"].values():
        for it in items:
            it["reasons"] = _anonymise(scope, list(it.get("reasons") or []))
    if not scope.everything:
        res["branches"] = {b: v for b, v in res["branches"].items() if b in scope.branches}
    return ProspectsPublic(**res)
