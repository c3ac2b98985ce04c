"""The audit trail for admins: records newest first, and the chain's verification."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from guanxi.access.audit import AuditLog
from guanxi.access.users import User
from guanxi.api.deps import CurrentUser
from guanxi.api.models import ErrorPublic
from guanxi.errors import AccessDenied

__all__ = ["router", "AuditRecordPublic", "AuditVerdictPublic", "AuditProblemPublic"]

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/v1",
    tags=["audit"],
    responses={
        401: {"model": ErrorPublic},
        403: {"model": ErrorPublic},
        429: {"model": ErrorPublic},
    },
)


class AuditRecordPublic(BaseModel):
    """One audit record, as written (already redacted)."""

    seq: int = Field(description="position in the chain, 1, 2, … across rotated files")
    ts: str = Field(description="UTC time the record was written (ISO 8601)")
    kind: str = Field(description="api, page, console, export, auth or cli")
    user: str | None = None
    key_id: str | None = Field(default=None, description="public id of the key used")
    role: str | None = None
    branch: str | None = None
    method: str | None = None
    endpoint: str | None = Field(default=None, description="path and redacted query string")
    query: str | None = Field(default=None, description="Cypher text or saved-query name")
    params: dict[str, Any] | None = None
    rows: int | None = Field(default=None, description="rows returned, where counted")
    status: int | None = None
    duration_ms: float | None = None
    request_id: str | None = None
    client: str | None = Field(default=None, description="client IP address")
    prev: str = Field(description="hash of the previous record")
    hash: str = Field(description="sha256 of the record's canonical JSON without `hash`")


class AuditProblemPublic(BaseModel):
    reason: str = Field(description="edited, deleted, garbled, out_of_order or truncated")
    file: str
    line: int | None
    seq: int | None
    detail: str
    message: str


class AuditVerdictPublic(BaseModel):
    ok: bool
    records: int = Field(description="records checked (up to the problem, if any)")
    files: list[str]
    last_seq: int
    problem: AuditProblemPublic | None = None


async def require_admin(user: CurrentUser) -> User:
    if user.role != "admin":
        raise AccessDenied(f"Role {user.role!r} may not read the audit trail; admins may")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def _audit_log(request: Request) -> AuditLog:
    return request.app.state.audit


@router.get(
    "/audit",
    response_model=list[AuditRecordPublic],
    summary="Audit records, newest first (admins)",
)
def audit_records(
    request: Request,
    admin: AdminUser,
    user: Annotated[str | None, Query(description="only this user's records")] = None,
    since: Annotated[
        datetime | None,
        Query(description="from this date or time (ISO 8601; without a zone, UTC)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditRecordPublic]:
    records = _audit_log(request).read(user=user, since=since, limit=limit, newest_first=True)
    return [AuditRecordPublic.model_validate(r) for r in records]


@router.get(
    "/audit/verify",
    response_model=AuditVerdictPublic,
    summary="Verify the audit chain (admins)",
)
def audit_verify(request: Request, admin: AdminUser) -> AuditVerdictPublic:
    verdict = _audit_log(request).verify()
    if not verdict.ok and verdict.problem is not None:
        log.error("audit trail broken: %s", verdict.problem.message)
    problem = verdict.problem
    return AuditVerdictPublic(
        **{k: v for k, v in asdict(verdict).items() if k != "problem"},
        problem=AuditProblemPublic(**asdict(problem), message=problem.message) if problem else None,
    )
