"""``AuditMiddleware``: one audit record per request under ``/api/`` and ``/ui/``.

Plain ASGI (like ``RequestIdMiddleware``, and inside it, so the request id is known).
Who asked comes from ``scope["state"]["user"]``, set by the auth dependency; endpoints
may add ``audit_rows``, ``audit_query``, ``audit_params`` and ``audit_kind`` to
``request.state`` (the analyst console does). Headers, cookies and bodies are never
recorded. The append is a short file write under ``flock`` (tens of µs), done on the
event loop; when it fails the request is still answered, the error logged and counted
in ``AuditLog.failures``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guanxi.access.audit import AuditLog

__all__ = ["AuditMiddleware", "SKIPPED_PATHS"]

log = logging.getLogger(__name__)

#: Not recorded: the API's own documentation and the unauthenticated liveness probe,
#: which a load balancer polls every few seconds.
SKIPPED_PATHS = frozenset(
    {"/api/docs", "/api/docs/oauth2-redirect", "/api/v1/openapi.json", "/api/v1/health"}
)
_PREFIXES = ("/api/", "/ui/")
_STATIC = ("/ui/static/", "/api/static/")


def audited(path: str) -> bool:
    """Whether a request to ``path`` leaves an audit record."""
    return path.startswith(_PREFIXES) and path not in SKIPPED_PATHS and not path.startswith(_STATIC)


class AuditMiddleware:
    """Record every audited request: user, role, branch, endpoint, status, duration,
    rows, request id, client address (see :mod:`guanxi.access.audit`)."""

    def __init__(self, app: ASGIApp, audit: AuditLog) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not audited(scope["path"]):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # an exception before the response started is answered with 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._record(scope, status, (time.perf_counter() - start) * 1000)

    def _record(self, scope: Scope, status: int, duration_ms: float) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        user = state.get("user")
        path: str = scope["path"]
        qs = scope.get("query_string", b"").decode("latin-1")
        if status == 401:
            kind = "auth"
        else:
            kind = state.get("audit_kind") or ("page" if path.startswith("/ui/") else "api")
        client = scope.get("client")
        try:
            self.audit.append(
                kind,
                user=getattr(user, "name", None),
                key_id=getattr(user, "key_id", None) or None,
                role=getattr(user, "role", None),
                branch=getattr(user, "branch", None),
                method=scope.get("method"),
                endpoint=f"{path}?{qs}" if qs else path,
                query=state.get("audit_query"),
                params=state.get("audit_params"),
                rows=state.get("audit_rows"),
                status=status,
                duration_ms=round(duration_ms, 3),
                request_id=state.get("request_id"),
                client=client[0] if client else None,
            )
        except Exception:  # noqa: BLE001 - the answer goes out; the failure is counted
            self.audit.failures += 1
            log.exception(
                "audit record of %s %s (request %s) not written; %d failures so far",
                scope.get("method"),
                path,
                state.get("request_id"),
                self.audit.failures,
            )
