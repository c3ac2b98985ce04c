"""``GET /api/v1/health``: is the service up and can it reach Neo4j?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from guanxi import __version__
from guanxi.errors import GuanxiError

__all__ = ["router", "Health"]

router = APIRouter(prefix="/api/v1", tags=["health"])


class Health(BaseModel):
    status: str
    version: str
    neo4j: str
    uri: str
    detail: str | None = None


@router.get("/health", response_model=Health, summary="Service and database health")
def health(request: Request) -> Health:
    client = request.app.state.client
    try:
        client.verify()
        db = "up"
        detail = None
    except GuanxiError as e:
        db, detail = "down", str(e)
    return Health(
        status="ok" if db == "up" else "degraded",
        version=__version__,
        neo4j=db,
        uri=client.settings.uri,
        detail=detail,
    )
