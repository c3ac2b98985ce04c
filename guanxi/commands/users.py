"""``guanxi users add | list | revoke | rotate | remove``: API users and their keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from guanxi.errors import GuanxiError, NotFound

if TYPE_CHECKING:
    from guanxi.access.users import UserStore

__all__ = ["register"]


def _store() -> UserStore:
    from guanxi.access.users import UserStore
    from guanxi.config import get_settings

    return UserStore(get_settings())


def _no_user(name: str) -> NotFound:
    return NotFound(f"No user {name!r}; `guanxi users list` shows the users")


_TTL_HELP = "Days the key is valid (default GUANXI_KEY_TTL_DAYS, 90)."


def register(app: typer.Typer) -> None:
    users = typer.Typer(
        help="API users: role, branch scope, business lines, keys.", no_args_is_help=True
    )
    app.add_typer(users, name="users")

    @users.command("add")
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
        from guanxi.cli import err, fail

        try:
            store = _store()
            key = store.add(name, role, branch, tuple(line or ()), ttl_days=ttl_days)
            user = store.get(name)
        except GuanxiError as e:
            raise fail(e) from e
        expires = f", expires {user.expires_at[:10]}" if user and user.expires_at else ""
        err.print(f"User {name!r} ({role} @ {branch}) created{expires}; the key is shown only now:")
        print(key)

    @users.command("list")
    def list_users(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List users with their key id, dates and status (never their keys)."""
        from guanxi.cli import fail, out, print_json

        try:
            found = _store().list()
        except GuanxiError as e:
            raise fail(e, as_json) from e
        if as_json:
            print_json([{**u.to_dict(), "status": u.status()} for u in found])
            return
        head = ("name", "role", "branch", "lines", "key id", "created", "expires", "status")
        rows = [head] + [
            (u.name, u.role, u.branch, ",".join(u.lines) or "-", u.key_id,
             u.created_at[:10], (u.expires_at or "-")[:10], u.status())
            for u in found
        ]  # fmt: skip
        # plain aligned columns, never cut whatever the terminal's width (CJK counts 2)
        from rich.cells import cell_len

        widths = [max(cell_len(r[i]) for r in rows) for i in range(len(head))]
        for r in rows:
            cells = (v + " " * (w - cell_len(v)) for v, w in zip(r, widths, strict=True))
            out.print("  ".join(cells).rstrip(), markup=False, highlight=False)

    @users.command("revoke")
    def revoke(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
        """Revoke a user's key at once (running servers refuse it at the next request);
        `users rotate` gives them a new one."""
        from guanxi.cli import fail, out

        try:
            found = _store().revoke(name)
        except GuanxiError as e:
            raise fail(e) from e
        if not found:
            raise fail(_no_user(name))
        out.print(f"Revoked the key of {name!r}.")

    @users.command("rotate")
    def rotate(
        name: Annotated[str, typer.Argument(help="User name.")],
        ttl_days: Annotated[float | None, typer.Option(min=0, help=_TTL_HELP)] = None,
    ) -> None:
        """Give a user a new key (same role, branch and lines); the old key is refused at
        once. The new key is printed once, as the last line."""
        from guanxi.cli import err, fail

        try:
            store = _store()
            key = store.rotate(name, ttl_days=ttl_days)
            user = store.get(name)
        except GuanxiError as e:
            raise fail(e) from e
        expires = f", expires {user.expires_at[:10]}" if user and user.expires_at else ""
        err.print(f"New key for {name!r}{expires}; the key is shown only now:")
        print(key)

    @users.command("remove")
    def remove(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
        """Remove a user; their key stops working."""
        from guanxi.cli import fail, out

        try:
            removed = _store().remove(name)
        except GuanxiError as e:
            raise fail(e) from e
        if not removed:
            raise fail(_no_user(name))
        out.print(f"Removed {name!r}.")
