"""``guanxi users add | list | revoke | rotate | remove``: API users and their keys."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from guanxi.access.users import UserStore
from guanxi.commands.output import JsonOpt, command, err, out, print_columns, print_json
from guanxi.config import get_settings
from guanxi.errors import NotFound

__all__ = ["register", "users_app"]

log = logging.getLogger(__name__)

_TTL_HELP = "Days the key is valid (default GUANXI_KEY_TTL_DAYS, 90)."

users_app = typer.Typer(
    name="users", help="API users: role, branch scope, business lines, keys.", no_args_is_help=True
)


def _store() -> UserStore:
    return UserStore(get_settings())


def _no_user(name: str) -> NotFound:
    return NotFound(f"No user {name!r}; `guanxi users list` shows the users")


def _print_key(key: str, store: UserStore, name: str, said: str) -> None:
    """``said`` (on stderr, with the key's expiry), then the key alone on the last line."""
    user = store.get(name)
    expires = f", expires {user.expires_at[:10]}" if user and user.expires_at else ""
    err.print(f"{said}{expires}; the key is shown only now:")
    print(key)


@command(users_app, "add")
def add(
    name: Annotated[str, typer.Argument(help="User name (unique).")],
    role: Annotated[str, typer.Option(help="rm, manager, analyst or admin.")],
    branch: Annotated[str, typer.Option(help="Home branch id; scope = its subtree.")],
    line: Annotated[
        list[str] | None, typer.Option("--line", help="Business line (repeatable).")
    ] = None,
    ttl_days: Annotated[float | None, typer.Option(min=0, help=_TTL_HELP)] = None,
) -> None:
    """Create a user (or give an existing one a new key). The key is printed once,
    as the last line."""
    store = _store()
    key = store.add(name, role, branch, tuple(line or ()), ttl_days=ttl_days)
    _print_key(key, store, name, f"User {name!r} ({role} @ {branch}) created")


@command(users_app, "list")
def list_users(as_json: JsonOpt = False) -> None:
    """List users with their key id, dates and status (never their keys)."""
    found = _store().list()
    if as_json:
        print_json([{**u.to_dict(), "status": u.status()} for u in found])
        return
    print_columns(
        ("name", "role", "branch", "lines", "key id", "created", "expires", "status"),
        [
            (u.name, u.role, u.branch, ",".join(u.lines) or "-", u.key_id,
             u.created_at[:10], (u.expires_at or "-")[:10], u.status())
            for u in found
        ],
    )  # fmt: skip


@command(users_app, "revoke")
def revoke(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Revoke a user's key at once (running servers refuse it at the next request);
    `users rotate` gives them a new one."""
    if not _store().revoke(name):
        raise _no_user(name)
    out.print(f"Revoked the key of {name!r}.")


@command(users_app, "rotate")
def rotate(
    name: Annotated[str, typer.Argument(help="User name.")],
    ttl_days: Annotated[float | None, typer.Option(min=0, help=_TTL_HELP)] = None,
) -> None:
    """Give a user a new key (same role, branch and lines); the old key is refused at
    once. The new key is printed once, as the last line."""
    store = _store()
    key = store.rotate(name, ttl_days=ttl_days)
    _print_key(key, store, name, f"New key for {name!r}")


@command(users_app, "remove")
def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Remove a user; their key stops working."""
    if not _store().remove(name):
        raise _no_user(name)
    out.print(f"Removed {name!r}.")


def register(app: typer.Typer) -> None:
    """Add ``guanxi users`` to ``app``."""
    app.add_typer(users_app, name="users")
