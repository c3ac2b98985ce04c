"""``GET /api/v1/health``: is the service up and can it reach Neo4j? 200 if so, else 503."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from guanxi import __version__
from guanxi.errors import GuanxiError

__all__ = ["router", "Health"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["health"])


class Health(BaseModel):
    """The service's health: 200 with ``status: ok`` when Neo4j answers, else 503 with
    ``status: down`` (a check a load balancer can use). The reason is in the log only."""

    status: Literal["ok", "down"]
    version: str
    neo4j: Literal["up", "down"]
    detail: str | None = Field(
        default=None, description="why the service is down, for people (no internals)"
    )
    request_id: str | None = None


@router.get(
    "/health",
    response_model=Health,
    summary="Service and database health",
    responses={503: {"model": Health, "description": "Neo4j does not answer"}},
)
def health(request: Request) -> Health | JSONResponse:
    client = request.app.state.client
    rid = getattr(request.state, "request_id", None)
    try:
        # fast even when the server is dead: the circuit breaker answers at once while it
        # is open, and a connection attempt times out after GUANXI_NEO4J_CONNECT_TIMEOUT_S
        client.verify()
    except GuanxiError as e:
        log.warning("health %s: Neo4j does not answer: %s", rid, e)
        down = Health(
            status="down",
            version=__version__,
            neo4j="down",
            detail=f"The graph database does not answer; the service log has the reason "
            f"(request id {rid})",
            request_id=rid,
        )
        return JSONResponse(status_code=503, content=down.model_dump())
    return Health(status="ok", version=__version__, neo4j="up", request_id=rid)
