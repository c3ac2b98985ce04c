"""The analyst console as a service: ad-hoc Cypher behind the fence, and saved queries.

Both the API (``POST /api/v1/cypher``, ``/api/v1/queries/{name}``) and the CLI
(``guanxi cypher --user``, ``guanxi query``) call these functions, so one rule holds
everywhere:

* :func:`run_console` — an ad-hoc query, checked by :func:`guanxi.access.fence.check_plan`
  against the caller's :class:`~guanxi.access.fence.ConsolePolicy`, run read-only under
  the timeout, row and size caps, at most ``console_concurrency`` at once per user, and
  masked (:func:`mask_console_rows`) before it is returned;
* :func:`run_saved` — a reviewed query from ``guanxi/graph/queries/analyst/``. One that
  declares ``// reads: internal`` gets the caller's scope as ``$scope_all``,
  ``$branches`` and ``$lines``; a caller cannot pass those parameters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from guanxi.access.fence import CONTACT_PROPS, ConsolePolicy, check_plan, public_properties
from guanxi.access.scope import Scope
from guanxi.errors import AccessDenied, NotFound, QueryError, RateLimited
from guanxi.graph.client import ConsoleResult
from guanxi.graph.gateway import Gateway
from guanxi.graph.library import NamedQuery

__all__ = [
    "SAVED_PREFIX",
    "SCOPE_PARAMS",
    "policy_for",
    "run_console",
    "saved_queries",
    "run_saved",
    "mask_console_rows",
]

log = logging.getLogger(__name__)

SAVED_PREFIX = "analyst."
#: Parameters an internal saved query receives from the caller's scope, never from input.
SCOPE_PARAMS = ("scope_all", "branches", "lines")

_running: dict[str, int] = {}
_running_lock = threading.Lock()


def policy_for(scope: Scope) -> ConsolePolicy:
    """The console policy of ``scope``'s user: fenced unless the scope is the whole bank."""
    return ConsolePolicy(
        fenced=not scope.whole_bank, contact_details=scope.user.sees_contact_details
    )


@contextmanager
def _slot(user: str, limit: int) -> Iterator[None]:
    """At most ``limit`` console queries of ``user`` at once in this process."""
    with _running_lock:
        if _running.get(user, 0) >= limit:
            raise RateLimited(
                f"User {user!r} already runs {limit} console queries; wait for one to finish",
                retry_after=1,
            )
        _running[user] = _running.get(user, 0) + 1
    try:
        yield
    finally:
        with _running_lock:
            _running[user] -= 1
            if not _running[user]:
                del _running[user]


def _require_console(scope: Scope) -> None:
    if not scope.user.can_run_cypher:
        raise AccessDenied(f"Role {scope.user.role!r} may not run Cypher; analysts and admins may")


def run_console(
    client: Gateway, scope: Scope, text: str, params: dict[str, Any] | None = None
) -> ConsoleResult:
    """Run ``scope``'s user's ad-hoc read query behind the fence; rows masked to scope.

    Raises
    ------
    AccessDenied
        The role may not run Cypher, or the fence refused a part of the query
        (:class:`~guanxi.access.fence.ConsoleRefused` names it).
    ReadOnlyViolation
        The query writes.
    RateLimited
        The user already runs ``console_concurrency`` queries.
    """
    _require_console(scope)
    policy = policy_for(scope)

    def guard(query_type: str, plan: dict[str, Any] | None) -> None:
        check_plan(query_type, plan, policy)

    with _slot(scope.user.name, client.settings.console_concurrency):
        res = client.console(text, params or {}, guard=guard)
    res["rows"] = mask_console_rows(res["rows"], policy)
    return res


def saved_queries(client: Gateway) -> list[NamedQuery]:
    """The analysts' saved queries, sorted by name."""
    return [q for q in client.library.all() if q.name.startswith(SAVED_PREFIX)]


def run_saved(
    client: Gateway, scope: Scope, name: str, params: dict[str, Any] | None = None
) -> ConsoleResult:
    """Run the saved query ``name`` (without the ``analyst.`` prefix) for ``scope``'s user.

    Parameters the query does not take are ignored; missing ones are ``null``. An internal
    query takes the scope from ``scope``; passing ``scope_all``, ``branches`` or ``lines``
    yourself is refused.
    """
    _require_console(scope)
    full = SAVED_PREFIX + name
    if full not in client.library:
        raise NotFound(f"No saved query named {name!r}")
    q = client.library[full]
    given = params or {}
    smuggled = sorted(set(given) & set(SCOPE_PARAMS))
    if smuggled:
        raise AccessDenied(
            f"Saved query {name!r}: {', '.join(smuggled)} come from your scope, not from input"
        )
    values = {p: given.get(p) for p in q.params}
    if q.reads == "internal":
        if not set(SCOPE_PARAMS) <= set(q.params):
            raise QueryError(f"Saved query {name!r} reads internal facts but takes no scope")
        values.update(scope.params())
    policy = policy_for(scope)

    def guard(query_type: str, plan: dict[str, Any] | None) -> None:
        # reviewed text: read-only and the clause allow-list, not the fence
        check_plan(query_type, plan, ConsolePolicy.unrestricted())

    with _slot(scope.user.name, client.settings.console_concurrency):
        res = client.console(q.text, values, guard=guard)
    res["rows"] = mask_console_rows(res["rows"], policy)
    return res


# -- console rows ---------------------------------------------------------------------
def _mask_contact(key: str, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    if key == "email":
        user, _, domain = value.partition("@")
        return f"{user[:1]}***@{domain}" if domain else "***"
    digits = value
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def _mask_value(value: Any, policy: ConsolePolicy) -> Any:
    if isinstance(value, list):
        return [_mask_value(v, policy) for v in value]
    if isinstance(value, dict):
        if "properties" in value and ("labels" in value or "type" in value):
            props = dict(value["properties"])
            if policy.fenced:
                allowed = public_properties()
                props = {k: v for k, v in props.items() if k in allowed}
            if not policy.contact_details:
                props = {
                    k: _mask_contact(k, v) if k in CONTACT_PROPS else v for k, v in props.items()
                }
            return {**value, "properties": props}
        if "nodes" in value and "relationships" in value:
            return {k: _mask_value(v, policy) for k, v in value.items()}
        return {k: _mask_value(v, policy) for k, v in value.items()}
    return value


def mask_console_rows(rows: list[list[Any]], policy: ConsolePolicy) -> list[list[Any]]:
    """Whole nodes and relationships in console rows (``to_plain`` form) as ``policy`` may
    see them: the fenced keep public properties only; contact details are masked for roles
    that do not see them (``135****6349``, ``z***@mail.example.cn``)."""
    if policy.contact_details and not policy.fenced:
        return rows
    return [[_mask_value(v, policy) for v in row] for row in rows]
