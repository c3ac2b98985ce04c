"""``guanxi users add | list | remove``: API users and their keys."""

from __future__ import annotations

from typing import Annotated

import typer

from guanxi.errors import GuanxiError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    users = typer.Typer(
        help="API users: role, branch scope, business lines, keys.", no_args_is_help=True
    )
    app.add_typer(users, name="users")

    @users.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="User name (unique).")],
        role: Annotated[str, typer.Option(help="rm, analyst or admin.")],
        branch: Annotated[str, typer.Option(help="Home branch id; scope = its subtree.")],
        line: Annotated[
            list[str] | None, typer.Option("--line", help="Business line (repeatable).")
        ] = None,
    ) -> None:
        """Create a user (or give an existing one a new key). The key is printed once,
        as the last line."""
        from guanxi.access.users import UserStore
        from guanxi.cli import err, fail
        from guanxi.config import get_settings

        try:
            key = UserStore(get_settings()).add(name, role, branch, tuple(line or ()))
        except GuanxiError as e:
            raise fail(e) from e
        err.print(f"User {name!r} ({role} @ {branch}) created; the key is shown only now:")
        print(key)

    @users.command("list")
    def list_users() -> None:
        """List users (never their keys)."""
        from guanxi.access.users import UserStore
        from guanxi.cli import out
        from guanxi.config import get_settings

        for u in UserStore(get_settings()).list():
            out.print(f"{u.name}\t{u.role}\t{u.branch}\t{','.join(u.lines) or '-'}")

    @users.command("remove")
    def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
        """Remove a user; their key stops working."""
        from guanxi.access.users import UserStore
        from guanxi.cli import out
        from guanxi.config import get_settings

        removed = UserStore(get_settings()).remove(name)
        out.print(f"Removed {name!r}." if removed else f"No user {name!r}.")
