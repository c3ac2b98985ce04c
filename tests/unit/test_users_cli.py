"""`guanxi users add | list | revoke | rotate | remove` on a users file in a tmp folder
(``GUANXI_USERS_FILE``); no database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guanxi.access.users import UserStore
from guanxi.cli import app
from guanxi.config import Settings, get_settings
from guanxi.errors import AuthenticationFailed

runner = CliRunner()


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "users.json"
    monkeypatch.setenv("GUANXI_USERS_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _store(path: Path) -> UserStore:
    return UserStore(Settings(users_file=path))


def _add(*args: str) -> str:
    res = runner.invoke(app, ["users", "add", *args])
    assert res.exit_code == 0, res.output
    return res.stdout.strip().splitlines()[-1]  # the key, once, last line


def test_add_prints_the_key_once_as_the_last_line(users_file: Path) -> None:
    key = _add("alice", "--role", "manager", "--branch", "BA", "--line", "corporate")
    assert key.startswith("gx_")
    u = _store(users_file).authenticate(key)
    assert (u.role, u.branch, u.lines) == ("manager", "BA", ("corporate",))
    assert "expires" in runner.invoke(app, ["users", "add", "b", "--role", "rm",
                                            "--branch", "BB"]).stderr  # fmt: skip


def test_add_with_ttl_days_and_a_bad_role(users_file: Path) -> None:
    key = _add("bob", "--role", "rm", "--branch", "BB", "--ttl-days", "0")
    with pytest.raises(AuthenticationFailed, match="expired"):
        _store(users_file).authenticate(key)
    res = runner.invoke(app, ["users", "add", "x", "--role", "boss", "--branch", "BB"])
    assert res.exit_code == 3
    assert "Unknown role 'boss'" in res.stderr


def test_list_shows_ids_dates_and_status_never_keys(users_file: Path) -> None:
    keys = [_add("alice", "--role", "rm", "--branch", "BA"),
            _add("bob", "--role", "analyst", "--branch", "BB", "--ttl-days", "0")]  # fmt: skip
    assert runner.invoke(app, ["users", "revoke", "alice"]).exit_code == 0
    res = runner.invoke(app, ["users", "list"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split() == [
        "name", "role", "branch", "lines", "key", "id", "created", "expires", "status",
    ]  # fmt: skip
    rows = {ln.split()[0]: ln.split() for ln in lines[1:]}
    assert rows["alice"][-1] == "revoked" and rows["bob"][-1] == "expired"
    as_json = runner.invoke(app, ["users", "list", "--json"]).stdout
    listed = json.loads(as_json)
    assert [(u["name"], u["status"]) for u in listed] == [("alice", "revoked"), ("bob", "expired")]
    assert set(listed[0]) >= {"key_id", "created_at", "expires_at", "revoked_at"}
    for key in keys:
        assert key not in res.stdout and key not in as_json


def test_rotate_gives_a_new_key_and_refuses_the_old(users_file: Path) -> None:
    old = _add("alice", "--role", "rm", "--branch", "BA", "--line", "corporate")
    res = runner.invoke(app, ["users", "rotate", "alice", "--ttl-days", "30"])
    assert res.exit_code == 0, res.output
    new = res.stdout.strip().splitlines()[-1]
    assert new.startswith("gx_") and new != old
    store = _store(users_file)
    assert store.authenticate(new).lines == ("corporate",)
    with pytest.raises(AuthenticationFailed):
        store.authenticate(old)


def test_revoke_then_remove(users_file: Path) -> None:
    key = _add("alice", "--role", "rm", "--branch", "BA")
    res = runner.invoke(app, ["users", "revoke", "alice"])
    assert res.exit_code == 0 and "Revoked" in res.stdout
    with pytest.raises(AuthenticationFailed, match="revoked"):
        _store(users_file).authenticate(key)
    assert runner.invoke(app, ["users", "remove", "alice"]).exit_code == 0
    assert _store(users_file).list() == []


@pytest.mark.parametrize("command", ["revoke", "rotate", "remove"])
def test_an_unknown_user_is_an_error_exit_1(users_file: Path, command: str) -> None:
    _add("alice", "--role", "rm", "--branch", "BA")
    res = runner.invoke(app, ["users", command, "nobody"])
    assert res.exit_code == 1  # NotFound, as for an unknown company elsewhere in the CLI
    assert "No user 'nobody'" in res.stderr
    assert res.stdout == ""
