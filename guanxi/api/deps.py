"""FastAPI dependencies as ``Annotated`` aliases: ``ClientDep``, ``CurrentUser``, ``ScopeDep``."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from guanxi.access.scope import Scope, resolve_scope
from guanxi.access.users import User, UserStore
from guanxi.api.limits import ApiLimits
from guanxi.errors import AccessDenied, AuthenticationFailed
from guanxi.graph.client import GraphClient
from guanxi.graph.version import watch_for

__all__ = [
    "ClientDep",
    "CurrentUser",
    "ScopeDep",
    "AnalystUser",
    "get_client_dep",
    "authenticate_request",
    "SESSION_COOKIE",
]

log = logging.getLogger(__name__)
SESSION_COOKIE = "gx_key"


async def get_client_dep(request: Request) -> GraphClient:
    return request.app.state.client


ClientDep = Annotated[GraphClient, Depends(get_client_dep)]


def _key_hint(key: str) -> str:
    """At most the first 6 characters of a key, and never more than half of it (logs)."""
    return key[: min(6, len(key) // 2)] + "…"


async def authenticate_request(request: Request, key: str | None) -> User:
    """The user of ``key``, sent with ``request``, under the API's limits.

    A client IP blocked for failed authentications gets 429 first. A key that fails
    (unknown, expired, revoked) is logged at WARNING with the IP and a key prefix, and
    answered after a delay growing with the IP's consecutive failures (``asyncio.sleep``:
    the event loop keeps serving others). A good key is then counted against its rate
    limit (429 with ``Retry-After`` when over it). See ``guanxi.api.limits``.
    """
    limits: ApiLimits = request.app.state.limits
    ip = request.client.host if request.client else "unknown"
    limits.failures.check(ip)
    store: UserStore = request.app.state.users
    try:
        user = store.authenticate(key)
    except AuthenticationFailed as e:
        if key:  # a request without any key is not an attempt: answered at once
            log.warning("failed authentication from %s with key %s: %s", ip, _key_hint(key), e)
            await asyncio.sleep(limits.failures.failed(ip))
        raise
    limits.failures.succeeded(ip)
    limits.keys.check(user.key_id)
    return user


async def get_current_user(request: Request) -> User:
    """The caller, from ``Authorization: Bearer <key>`` or the pages' session cookie."""
    header = request.headers.get("authorization", "")
    key = header[7:] if header.lower().startswith("bearer ") else None
    if key is None:  # the pages authenticate with the session cookie set by /ui/session
        key = request.cookies.get(SESSION_COOKIE)
    user = await authenticate_request(request, key)
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_scope(request: Request, user: CurrentUser, client: ClientDep) -> Scope:
    """The caller's branch subtree, cached per user for one graph version (the branch tree
    lives in the graph: docs/architecture.md, "Caches"); reads go to a worker thread."""
    watch = watch_for(client)  # the one the contact-path index reads too
    version = watch.peek(client) or await run_in_threadpool(watch.current, client)
    cache: dict[str, tuple[tuple, Scope]] = request.app.state.scope_cache
    hit = cache.get(user.name)
    if hit and hit[0] == version and hit[1].user == user:
        return hit[1]
    scope = await run_in_threadpool(resolve_scope, client, user)
    cache[user.name] = (version, scope)
    return scope


ScopeDep = Annotated[Scope, Depends(get_scope)]


async def require_analyst(user: CurrentUser) -> User:
    if not user.can_run_cypher:
        raise AccessDenied(f"Role {user.role!r} may not run Cypher; analysts and admins may")
    return user


AnalystUser = Annotated[User, Depends(require_analyst)]
