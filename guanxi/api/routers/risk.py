"""Groups (集团客户), guarantee circles (担保圈) and inherited risk. Groups and circles rest
on public facts and are shown to all; exposure totals and inherited risk are bank-internal
and masked to the caller's scope by the service (docs/risk.md "Who sees what")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ErrorPublic
from guanxi.api.models_risk import CirclesPublic, GroupsPublic, InheritedRiskPublic
from guanxi.scoring.risk_graph import inherited, list_circles, list_groups

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["risk"], responses={401: {"model": ErrorPublic}})


@router.get(
    "/groups",
    response_model=GroupsPublic,
    summary="Groups under common control, with evidence and exposure in your scope",
)
def groups(
    client: ClientDep,
    scope: ScopeDep,
    company_id: Annotated[str | None, Query(description="only this company's group")] = None,
) -> GroupsPublic:
    return GroupsPublic(groups=[g.to_dict() for g in list_groups(client, scope, company_id)])


@router.get(
    "/circles",
    response_model=CirclesPublic,
    summary="Guarantee circles: members, guarantees, chains leading in",
)
def circles(
    client: ClientDep,
    scope: ScopeDep,
    company_id: Annotated[str | None, Query(description="only circles with this company")] = None,
    collapse_groups: Annotated[bool, Query(description="a group counts as one party")] = False,
) -> CirclesPublic:
    found = list_circles(client, scope, company_id, collapse_groups)
    return CirclesPublic(circles=[c.to_dict() for c in found])


@router.get(
    "/risk",
    response_model=InheritedRiskPublic,
    summary="Inherited risk with the path that explains it (masked to your scope)",
)
def risk(
    client: ClientDep,
    scope: ScopeDep,
    company_id: Annotated[str | None, Query(description="one company (default: all)")] = None,
) -> InheritedRiskPublic:
    got = inherited(client, scope, [company_id] if company_id else None)
    return InheritedRiskPublic(risk=[r.to_dict() for r in got.values()])
