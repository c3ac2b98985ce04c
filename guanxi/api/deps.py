"""FastAPI dependencies as ``Annotated`` aliases: ``ClientDep``, ``CurrentUser``, ``ScopeDep``."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from guanxi.access.scope import Scope, resolve_scope
from guanxi.access.users import User, UserStore
from guanxi.errors import AccessDenied
from guanxi.graph.client import GraphClient

__all__ = [
    "ClientDep",
    "CurrentUser",
    "ScopeDep",
    "AnalystUser",
    "get_client_dep",
    "SESSION_COOKIE",
]

log = logging.getLogger(__name__)
_SCOPE_TTL_S = 30.0
SESSION_COOKIE = "gx_key"


async def get_client_dep(request: Request) -> GraphClient:
    return request.app.state.client


ClientDep = Annotated[GraphClient, Depends(get_client_dep)]


async def get_current_user(request: Request) -> User:
    header = request.headers.get("authorization", "")
    key = header[7:] if header.lower().startswith("bearer ") else None
    if key is None:  # the pages authenticate with the session cookie set by /ui/session
        key = request.cookies.get(SESSION_COOKIE)
    store: UserStore = request.app.state.users
    user = store.authenticate(key)
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_scope(request: Request, user: CurrentUser, client: ClientDep) -> Scope:
    """The caller's branch subtree (cached briefly per user; read in a worker thread)."""
    cache: dict[str, tuple[float, Scope]] = request.app.state.scope_cache
    hit = cache.get(user.name)
    if hit and time.monotonic() - hit[0] < _SCOPE_TTL_S and hit[1].user == user:
        return hit[1]
    scope = await run_in_threadpool(resolve_scope, client, user)
    cache[user.name] = (time.monotonic(), scope)
    return scope


ScopeDep = Annotated[Scope, Depends(get_scope)]


async def require_analyst(user: CurrentUser) -> User:
    if not user.can_run_cypher:
        raise AccessDenied(f"Role {user.role!r} may not run Cypher; analysts and admins may")
    return user


AnalystUser = Annotated[User, Depends(require_analyst)]
