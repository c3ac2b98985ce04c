"""Key contacts (核心联系人) of a company, ranked, with reasons — contact facts masked to
the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.access.masking import mask_contacts
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ContactsPublic, ErrorPublic
from guanxi.scoring.key_contacts import company_contacts

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["contacts"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.get(
    "/companies/{company_id}/contacts",
    response_model=ContactsPublic,
    summary="Key contacts (核心联系人) of a company, ranked, with reasons",
)
def contacts(
    company_id: str,
    client: ClientDep,
    scope: ScopeDep,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    as_of: Annotated[
        date | None, Query(description="holdings and roles as of this date (docs/time.md)")
    ] = None,
) -> ContactsPublic:
    res = mask_contacts(client, scope, company_contacts(client, company_id, k, as_of=as_of))
    return ContactsPublic(company=company_id, contacts=[x.to_dict() for x in res])
