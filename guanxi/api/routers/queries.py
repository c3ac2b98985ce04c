"""Analyst queries: saved queries from the library by name, and ad-hoc read-only Cypher."""

from __future__ import annotations

from fastapi import APIRouter, Request

from guanxi.access.console import (
    SAVED_PREFIX,
    SCOPE_PARAMS,
    run_console,
    run_saved,
    saved_queries,
)
from guanxi.api.deps import AnalystUser, ClientDep, ScopeDep
from guanxi.api.models import (
    CypherRequest,
    CypherResult,
    ErrorPublic,
    SavedQueryPublic,
    SavedQueryRun,
)

__all__ = ["router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["queries"],
    responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}},
)


@router.post(
    "/cypher",
    response_model=CypherResult,
    summary="Run read-only Cypher (analysts)",
    responses={
        400: {"model": ErrorPublic},
        429: {"model": ErrorPublic},
        504: {"model": ErrorPublic},
    },
)
def cypher(
    request: Request, body: CypherRequest, user: AnalystUser, scope: ScopeDep, client: ClientDep
) -> CypherResult:
    _audit(request, body.query, body.params)
    result = CypherResult(**run_console(client, scope, body.query, body.params))
    request.state.audit_rows = len(result.rows)
    return result


@router.get("/queries", response_model=list[SavedQueryPublic], summary="Saved queries")
def saved(user: AnalystUser, client: ClientDep) -> list[SavedQueryPublic]:
    return [
        SavedQueryPublic(
            name=q.name.removeprefix(SAVED_PREFIX),
            title=q.title,
            description=q.description,
            params=[p for p in q.params if q.reads != "internal" or p not in SCOPE_PARAMS],
            reads=q.reads,
        )
        for q in saved_queries(client)
    ]


@router.post(
    "/queries/{name}",
    response_model=CypherResult,
    summary="Run a saved query by name (analysts)",
    responses={404: {"model": ErrorPublic}},
)
def run_saved_query(
    request: Request,
    name: str,
    body: SavedQueryRun,
    user: AnalystUser,
    scope: ScopeDep,
    client: ClientDep,
) -> CypherResult:
    _audit(request, SAVED_PREFIX + name, body.params)
    result = CypherResult(**run_saved(client, scope, name, body.params))
    request.state.audit_rows = len(result.rows)
    return result


def _audit(request: Request, query: str, params: dict | None) -> None:
    """What the audit record of this request names (``guanxi.api.audit``; redacted there)."""
    request.state.audit_kind = "console"
    request.state.audit_query = query
    request.state.audit_params = params
