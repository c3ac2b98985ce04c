"""Analyst queries: saved queries from the library by name, and ad-hoc read-only Cypher."""

from __future__ import annotations

from fastapi import APIRouter

from guanxi.api.deps import AnalystUser, ClientDep
from guanxi.api.models import (
    CypherRequest,
    CypherResult,
    ErrorPublic,
    SavedQueryPublic,
    SavedQueryRun,
)
from guanxi.errors import NotFound

__all__ = ["router", "SAVED_PREFIX"]

SAVED_PREFIX = "analyst."

router = APIRouter(
    prefix="/api/v1",
    tags=["queries"],
    responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}},
)


@router.post(
    "/cypher",
    response_model=CypherResult,
    summary="Run read-only Cypher (analysts)",
    responses={400: {"model": ErrorPublic}, 504: {"model": ErrorPublic}},
)
def cypher(body: CypherRequest, user: AnalystUser, client: ClientDep) -> CypherResult:
    return CypherResult(**client.console(body.query, body.params))


@router.get("/queries", response_model=list[SavedQueryPublic], summary="Saved queries")
def saved(user: AnalystUser, client: ClientDep) -> list[SavedQueryPublic]:
    return [
        SavedQueryPublic(
            name=q.name.removeprefix(SAVED_PREFIX),
            title=q.title,
            description=q.description,
            params=list(q.params),
        )
        for q in client.library.all()
        if q.name.startswith(SAVED_PREFIX)
    ]


@router.post(
    "/queries/{name}",
    response_model=CypherResult,
    summary="Run a saved query by name (analysts)",
    responses={404: {"model": ErrorPublic}},
)
def run_saved(name: str, body: SavedQueryRun, user: AnalystUser, client: ClientDep) -> CypherResult:
    full = SAVED_PREFIX + name
    if full not in client.library:
        raise NotFound(f"No saved query named {name!r}")
    q = client.library[full]
    params = {p: body.params.get(p) for p in q.params}
    return CypherResult(**client.console(q.text, params))
