"""``GET /api/v1/methods``: how each scorer works (name, method, config, result), so that
reports and callers can cite the method behind a score."""

from __future__ import annotations

from fastapi import APIRouter

from guanxi.api.deps import CurrentUser
from guanxi.api.models import ErrorPublic, MethodPublic
from guanxi.scoring import SCORERS

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["methods"], responses={401: {"model": ErrorPublic}})


@router.get(
    "/methods",
    response_model=list[MethodPublic],
    summary="The scoring methods: name, method, config with defaults, result type",
)
def methods(user: CurrentUser) -> list[MethodPublic]:
    return [MethodPublic(**info.to_dict()) for info in SCORERS]
