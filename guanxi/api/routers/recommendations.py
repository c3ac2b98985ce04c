"""Lookalikes, product recommendations and prospects (from the GNN embeddings); what
other customers hold is bank-internal, so reasons naming customers outside the caller's
scope keep only their counts (``access.masking``, decided on the reasons' ``refs``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.access.masking import mask_lookalikes, mask_prospects, mask_recommendations
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import (
    ErrorPublic,
    LookalikesPublic,
    ProspectsPublic,
    RecommendationsPublic,
)
from guanxi.errors import AccessDenied
from guanxi.gnn import apps
from guanxi.scoring.risk_graph import inherited

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["recommendations"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/companies/{company_id}/lookalikes",
    response_model=LookalikesPublic,
    summary="Companies most like this one (vector index), with the reasons and the share "
    "of the score each explains",
)
def lookalikes(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> LookalikesPublic:
    res = mask_lookalikes(client, scope, apps.lookalikes(client, company_id, k))
    return LookalikesPublic(**res.to_dict())


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
    if not scope.everything:
        rows = client.read("api.company_detail", id=company_id, **scope.params())
        if rows and not rows[0]["in_scope"]:
            # what a company holds, and so what it lacks, is a bank-internal fact
            raise AccessDenied(f"{company_id!r} is not a customer within your branch scope")
    res = mask_recommendations(client, scope, apps.recommend(client, company_id, k))
    return RecommendationsPublic(**res.to_dict())


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
    if not scope.everything:
        branch = branch or scope.user.branch
        if branch not in scope.branches:
            raise AccessDenied(f"Branch {branch!r} is outside your branch scope")
    res = mask_prospects(client, scope, apps.prospects(client, branch, k)).to_dict()
    if not scope.everything:
        res["branches"] = {b: v for b, v in res["branches"].items() if b in scope.branches}
    ids = [p["id"] for v in res["branches"].values() for p in v]
    risk = inherited(client, scope, ids) if ids else {}
    for p in (p for v in res["branches"].values() for p in v if p["id"] in risk):
        p["risk"] = risk[p["id"]].to_dict()  # inherited risk: flagged, not dropped
    return ProspectsPublic(**res)
