"""``create_app``: the FastAPI application with its routers and error handlers."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guanxi import __version__
from guanxi.access.audit import AuditLog
from guanxi.access.users import UserStore
from guanxi.api.audit import AuditMiddleware
from guanxi.api.limits import ApiLimits
from guanxi.api.models import ErrorPublic
from guanxi.api.routers import ROUTERS
from guanxi.api.rule_source import register_rule_source
from guanxi.config import Settings, get_settings
from guanxi.errors import GraphUnavailable, GuanxiError, QueryTimeout
from guanxi.graph.client import GraphClient
from guanxi.scoring.path_index_cache import get_index
from guanxi.scoring.workbench_plans import warm_once
from guanxi.viz.pages import render_error

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def _warm_index(client: GraphClient) -> None:
    """Build the contact-path index now, so the first paths request does not wait for it."""
    try:
        ix = get_index(client)
        log.info("contact-path index ready: %d parties", len(ix))
    except Exception as e:  # noqa: BLE001 - a cold index is built on first use instead
        log.warning("contact-path index not built at start (%s); built on first use", e)


def _warm_plans(client: GraphClient, done: threading.Event) -> None:
    """Plan the workbench's queries now, in one worker per server and database
    (guanxi.scoring.workbench_plans)."""
    s = client.settings
    try:
        warm_once(client, s.home_dir / "workbench-plans" / f"{s.database_digest}.lock")
    except Exception as e:  # noqa: BLE001 - unplanned queries are planned on first use
        log.warning("workbench queries not planned at start (%s); planned on first use", e)
    finally:
        done.set()


def _public_message(exc: BaseException, request_id: str | None) -> str:
    """What a caller is told about a server-side (5xx) error: never hosts, ports, URIs or
    driver text — those go to the log under the same request id."""
    rid = f" (request id {request_id})"
    if isinstance(exc, GraphUnavailable):
        return f"The graph database is unavailable; retry shortly{rid}"
    if isinstance(exc, QueryTimeout):
        return f"The query ran past its timeout and was cancelled{rid}"
    return f"An internal error occurred; the service log has the details{rid}"


def _error_response(request: Request, status: int, body: dict) -> JSONResponse | HTMLResponse:
    """The error as JSON, or as an HTML page on ``/ui/`` (the pages answer with a page)."""
    headers = {"x-request-id": body["request_id"]} if body.get("request_id") else None
    if request.url.path.startswith("/ui/"):
        page = render_error(status, body["error"], body["message"], body.get("request_id"))
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(status_code=status, content=body, headers=headers)


class RequestIdMiddleware:
    """Give every HTTP request an id (the caller's ``X-Request-ID`` or a new one): in
    ``request.state.request_id`` for errors and logs, and echoed in the response header.
    Plain ASGI: Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``) cost about a
    millisecond of CPU per request, a tenth of a contact-path request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id")
        rid = given or uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = rid
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API: ``/api/v1`` routers, request ids, JSON errors."""
    settings = settings or get_settings()
    register_rule_source()  # campaigns from opportunity rules (source: rule)
    # the API fails fast: short retries, and the client's circuit breaker (see GraphClient)
    client = GraphClient(settings, retry_s=settings.neo4j_retry_s)
    planned = threading.Event()  # set once the workbench's queries are planned (or skipped)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.api_warm_index:
            threading.Thread(target=_warm_index, args=(client,), daemon=True).start()
        if settings.api_warm_plans:
            threading.Thread(target=_warm_plans, args=(client, planned), daemon=True).start()
        else:
            planned.set()
        yield
        client.close()

    app = FastAPI(
        lifespan=lifespan,
        title="guanxi",
        version=__version__,
        description="Graph analytics for corporate banking: ownership, intimacy, "
        "key contacts and warm contact paths.",
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
        responses={
            429: {"model": ErrorPublic, "description": "Rate limited; see Retry-After"},
            500: {"model": ErrorPublic, "description": "Internal error (details in the log)"},
            503: {"model": ErrorPublic, "description": "The graph database is unavailable"},
        },
    )
    app.state.settings = settings
    app.state.client = client
    app.state.plans_warm = planned
    app.state.users = UserStore(settings)
    app.state.limits = ApiLimits.from_settings(settings)
    app.state.scope_cache = {}
    app.state.audit = AuditLog(settings)

    # the last added is the outermost: the audit runs inside RequestIdMiddleware
    app.add_middleware(AuditMiddleware, audit=app.state.audit)
    app.add_middleware(RequestIdMiddleware)

    @app.exception_handler(GuanxiError)
    async def guanxi_error(request: Request, exc: GuanxiError) -> JSONResponse | HTMLResponse:
        body = exc.to_dict()
        rid = body["request_id"] = getattr(request.state, "request_id", None)
        if exc.http_status >= 500:  # the caller gets a plain message; the log the detail
            body["message"] = _public_message(exc, rid)
            log.log(
                logging.WARNING if isinstance(exc, GraphUnavailable) else logging.ERROR,
                "request %s %s %s failed (%d): %s: %s",
                rid,
                request.method,
                request.url.path,
                exc.http_status,
                type(exc).__name__,
                exc,
            )
        else:
            log.info("request %s failed: %s", rid, exc)
        resp = _error_response(request, exc.http_status, body)
        retry_after = getattr(exc, "retry_after", None)  # RateLimited: 429 + Retry-After
        if retry_after is not None:
            resp.headers["Retry-After"] = str(retry_after)
        return resp

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse | HTMLResponse:
        """Anything unexpected: a 500 with a plain message; the traceback goes to the log."""
        rid = getattr(request.state, "request_id", None)
        log.error(
            "request %s %s %s failed (500): %s",
            rid,
            request.method,
            request.url.path,
            type(exc).__name__,
            exc_info=exc,
        )
        body = {"error": "InternalError", "message": _public_message(exc, rid), "request_id": rid}
        return _error_response(request, 500, body)

    for router in ROUTERS:
        app.include_router(router)
    return app
