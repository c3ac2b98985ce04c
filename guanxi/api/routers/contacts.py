"""Key contacts, contact paths and intimacy — with bank-internal facts masked to scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from guanxi.access.masking import bank_context_scrubber, mask_contacts, mask_paths
from guanxi.access.scope import Scope
from guanxi.access.visibility import in_scope, node_visible
from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.models import ContactsPublic, ErrorPublic, IntimacyPublic, PathsPublic
from guanxi.errors import AccessDenied
from guanxi.graph.client import GraphClient

__all__ = ["router", "scoped_paths"]

router = APIRouter(
    prefix="/api/v1",
    tags=["contacts"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
#: evidence kinds that come from bank-internal facts (docs/scoring.md)
_INTERNAL_EVIDENCE = {"payment", "knows", "manages"}


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
) -> ContactsPublic:
    from guanxi.scoring.key_contacts import company_contacts

    res = mask_contacts(client, scope, company_contacts(client, company_id, k))
    return ContactsPublic(company=company_id, contacts=[x.to_dict() for x in res])


@router.get(
    "/paths",
    response_model=PathsPublic,
    summary="Warm contact paths (联络路径) to a target, with introducer and channel",
    responses={403: {"model": ErrorPublic}},
)
async def paths(
    client: ClientDep,
    scope: ScopeDep,
    to: Annotated[str, Query(min_length=1, description="target company or person id")],
    origin: Annotated[
        str | None,
        Query(alias="from", description="RM or branch id; default: the caller's scope"),
    ] = None,
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
) -> dict[str, Any]:
    # one worker-thread hop for the blocking part; the dict is validated once, by FastAPI
    return await run_in_threadpool(scoped_paths, client, scope, to, origin, k, max_hops)


def scoped_paths(
    client: GraphClient, scope: Scope, to: str, origin: str | None, k: int, max_hops: int
) -> dict[str, Any]:
    """The top-``k`` contact paths to ``to`` as ``scope`` may see them: an origin outside
    scope is refused, an RM's default origin is their branch, and hops outside scope are
    masked. ``GET /api/v1/paths`` and the page ``/ui/paths/{id}`` both call this.

    Raises
    ------
    AccessDenied
        When ``origin`` is outside the caller's scope.
    NotFound
        When the target or the origin does not exist.
    """
    from guanxi.scoring.introductions import contact_paths

    if origin is not None and not scope.everything:
        info = client.read("scope.nodes_info", keys=[origin])
        if info and not node_visible(scope, info[0]["labels"], info[0]["branches"]):
            raise AccessDenied(f"Origin {origin!r} is outside your branch scope")
        if (
            info
            and "Company" in info[0]["labels"]
            and not in_scope(scope, info[0]["branches"], check_line=True)
        ):  # a company origin is "our customer X introduces us": it must be one of yours
            raise AccessDenied(f"Origin {origin!r} is not a customer in your branch scope")
    if origin is None and not scope.everything and scope.user.branch:
        origin = scope.user.branch
    facts: dict[str, dict[str, Any]] | None = None if scope.everything else {}
    found, reason = contact_paths(
        client, to, origin, k, max_hops, facts=facts, scrub=bank_context_scrubber(scope)
    )
    out = [p.to_dict() for p in found]
    mask_paths(client, scope, out, facts)
    return {"target": to, "origin": origin, "paths": out, "reason": reason}


@router.get(
    "/intimacy",
    response_model=IntimacyPublic,
    summary="Intimacy (关系亲密度) of two parties with its evidence",
)
def intimacy(
    client: ClientDep,
    scope: ScopeDep,
    a: Annotated[str, Query(min_length=1)],
    b: Annotated[str, Query(min_length=1)],
) -> IntimacyPublic:
    from guanxi.scoring.intimacy import intimacy_between

    d: dict[str, Any] = intimacy_between(client, a, b).to_dict()
    if not scope.everything:
        # an indirect connection names the parties it passes through: RMs of other branches too
        via = {x for e in d.get("evidence", []) for x in (e.get("detail") or {}).get("path", [])}
        info = {i["key"]: i for i in client.read("scope.nodes_info", keys=sorted(via | {a, b}))}
        for i in (info[x] for x in dict.fromkeys((a, b)) if x in info):
            if not node_visible(scope, i["labels"], i["branches"]):
                raise AccessDenied(f"{i['key']!r} is outside your branch scope")

        def shown_via(x: str) -> bool:
            return x in info and node_visible(scope, info[x]["labels"], info[x]["branches"])

        shown = [
            e
            for e in d.get("evidence", [])
            if e.get("kind") not in _INTERNAL_EVIDENCE
            and all(shown_via(x) for x in (e.get("detail") or {}).get("path", []))
        ]
        d["masked_evidence"] = len(d.get("evidence", [])) - len(shown)
        d["evidence"] = shown
        if d["masked_evidence"]:
            d["text"] = "·".join(e["text"] for e in shown if e.get("text"))
    return IntimacyPublic(**d)
