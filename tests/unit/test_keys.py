"""API keys without a database: expiry, revocation, rotation, old users.json files, locked
concurrent writes, roles, and the maths of the rate limits (guanxi/api/limits.py)."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import guanxi.access.users as users_mod
from guanxi.access.users import ROLES, User, UserStore, _hash
from guanxi.api.limits import FailedAuthGuard, KeyRateLimiter, TokenBucket, backoff_delay
from guanxi.config import Settings
from guanxi.errors import AuthenticationFailed, NotFound, RateLimited


def _settings(path: Path, **kw: object) -> Settings:
    return Settings(users_file=path, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(_settings(tmp_path / "users.json"))


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


# ------------------------------------------------------------------ keys
def test_a_new_key_works_and_expires_after_the_ttl(store: UserStore, monkeypatch) -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(users_mod, "_now", lambda: start)
    key = store.add("alice", "rm", "BA", ("corporate",))
    u = store.authenticate(key)
    assert (u.name, u.role, u.branch, u.lines) == ("alice", "rm", "BA", ("corporate",))
    assert u.key_id == _hash(key)[:12]
    assert u.created_at == "2026-12-01T09:00:00+00:00"
    assert u.expires_at == "2027-03-01T09:00:00+00:00"  # 90 days by default
    later = start + timedelta(days=90)
    monkeypatch.setattr(users_mod, "_now", lambda: later - timedelta(seconds=1))
    assert store.authenticate(key).name == "alice"
    monkeypatch.setattr(users_mod, "_now", lambda: later)
    with pytest.raises(AuthenticationFailed) as e:
        store.authenticate(key)
    assert str(e.value) == (
        "API key of user 'alice' expired on 2027-03-01; ask an admin to rotate it"
    )
    assert e.value.http_status == 401
    assert store.get("alice").status() == "expired"


def test_ttl_zero_expires_at_once_and_the_setting_sets_the_default(tmp_path: Path) -> None:
    store = UserStore(_settings(tmp_path / "u.json", key_ttl_days=7))
    key = store.add("bob", "analyst", "BB", ttl_days=0)
    with pytest.raises(AuthenticationFailed, match="API key of user 'bob' expired on"):
        store.authenticate(key)
    store.add("carol", "analyst", "BB")
    carol = store.get("carol")
    created = datetime.fromisoformat(carol.created_at)
    assert datetime.fromisoformat(carol.expires_at) - created == timedelta(days=7)


def test_unknown_and_missing_keys_keep_their_messages(store: UserStore) -> None:
    store.add("alice", "rm", "BA")
    with pytest.raises(AuthenticationFailed, match="^Unknown API key$"):
        store.authenticate("gx_nope")
    with pytest.raises(AuthenticationFailed, match="Missing API key"):
        store.authenticate(None)


def test_revoke_refuses_the_key_and_keeps_the_user_listed(store: UserStore) -> None:
    key = store.add("alice", "rm", "BA")
    other = store.add("bob", "rm", "BB")
    assert store.revoke("alice") is True
    with pytest.raises(AuthenticationFailed, match="API key of user 'alice' was revoked on"):
        store.authenticate(key)
    assert store.authenticate(other).name == "bob"
    assert store.get("alice").status() == "revoked"
    first = store.get("alice").revoked_at
    assert store.revoke("alice") is True and store.get("alice").revoked_at == first
    assert store.revoke("nobody") is False


def test_rotate_refuses_the_old_key_and_keeps_the_scope(store: UserStore, monkeypatch) -> None:
    old = store.add("alice", "manager", "BA", ("corporate", "retail"))
    before = store.authenticate(old)
    store.revoke("alice")
    t = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    monkeypatch.setattr(users_mod, "_now", lambda: t)
    new = store.rotate("alice", ttl_days=30)
    assert new != old and new.startswith("gx_")
    with pytest.raises(AuthenticationFailed, match="Unknown API key"):
        store.authenticate(old)
    after = store.authenticate(new)  # a revoked user is active again
    assert (after.name, after.role, after.branch, after.lines) == (
        before.name, before.role, before.branch, before.lines,
    )  # fmt: skip
    assert after.key_id == _hash(new)[:12] != before.key_id
    assert after.created_at == before.created_at
    assert after.last_rotated_at == t.isoformat()
    assert after.expires_at == (t + timedelta(days=30)).isoformat()
    assert after.revoked_at is None and after.status() == "active"
    assert [u.name for u in store.list()] == ["alice"]
    with pytest.raises(NotFound, match="No user 'nobody'"):
        store.rotate("nobody")


def test_a_change_by_another_store_is_seen_at_the_next_call(tmp_path: Path) -> None:
    server, admin = (UserStore(_settings(tmp_path / "u.json")) for _ in range(2))
    key = admin.add("alice", "rm", "BA")
    assert server.authenticate(key).name == "alice"  # cached now
    admin.revoke("alice")
    with pytest.raises(AuthenticationFailed, match="revoked"):
        server.authenticate(key)


def test_a_users_file_of_the_old_format_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    key_new, key_old = "gx_recent", "gx_ancient"
    recent = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    legacy = {
        _hash(key_new): {"name": "ann", "role": "rm", "branch": "BA", "lines": ["corporate"],
                         "created_at": recent},
        _hash(key_old): {"name": "old", "role": "analyst", "branch": "HO", "lines": [],
                         "created_at": "2020-01-01T00:00:00+00:00"},
    }  # fmt: skip
    path.write_text(json.dumps(legacy), encoding="utf-8")
    store = UserStore(_settings(path))
    ann = store.authenticate(key_new)
    assert (ann.role, ann.branch, ann.lines) == ("rm", "BA", ("corporate",))
    assert ann.key_id == _hash(key_new)[:12]
    assert ann.expires_at == (datetime.fromisoformat(recent) + timedelta(days=90)).isoformat()
    with pytest.raises(AuthenticationFailed, match="user 'old' expired on 2020-03-31"):
        store.authenticate(key_old)
    # the next write keeps both entries, now in the new format
    store.add("new", "admin", "HO")
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored[_hash(key_new)]["key_id"] == _hash(key_new)[:12]
    assert stored[_hash(key_old)]["expires_at"].startswith("2020-03-31")
    assert store.authenticate(key_new).name == "ann"


def test_list_never_shows_a_key_or_its_hash(store: UserStore) -> None:
    keys = [store.add("alice", "rm", "BA"), store.add("bob", "admin", "HO")]
    listed = store.list()
    assert [(u.name, u.status()) for u in listed] == [("alice", "active"), ("bob", "active")]
    text = repr(listed) + json.dumps([u.to_dict() for u in listed])
    for key in keys:
        assert key not in text and key[3:] not in text
        assert _hash(key) not in text
        assert _hash(key)[:12] in text  # the key id is public


def test_the_file_is_private_and_replaced_atomically(store: UserStore) -> None:
    store.add("alice", "rm", "BA")
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert not store.path.with_suffix(".tmp").exists()


def _add_many(path: str, prefix: str, n: int, start: object) -> None:
    store = UserStore(_settings(Path(path)))
    start.wait(30)  # type: ignore[attr-defined] - both processes write at the same time
    for i in range(n):
        store.add(f"{prefix}{i}", "rm", "BA")


def test_two_processes_adding_users_lose_none(tmp_path: Path) -> None:
    # without the lock, this loses users (and one process fails on the shared tmp file)
    path = str(tmp_path / "users.json")
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_add_many, args=(path, p, 25, start)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    names = {u.name for u in UserStore(_settings(Path(path))).list()}
    assert names == {f"{p}{i}" for p in ("a", "b") for i in range(25)}


def test_bad_roles_and_names_are_refused(store: UserStore) -> None:
    from guanxi.errors import ConfigError

    with pytest.raises(ConfigError, match="Unknown role 'boss'; choose one of rm, manager"):
        store.add("x", "boss", "BA")
    with pytest.raises(ConfigError, match="needs a name"):
        store.add(" ", "rm", "BA")
    with pytest.raises(ConfigError, match="negative"):
        store.add("x", "rm", "BA", ttl_days=-1)


# ------------------------------------------------------------------ roles
def test_roles_and_what_they_may_do() -> None:
    assert ROLES == ("rm", "manager", "analyst", "admin")
    may = {
        r: (u.can_run_cypher, u.sees_contact_details, u.can_read_audit)
        for r in ROLES
        for u in [User(name="u", role=r, branch="BA")]  # type: ignore[arg-type]
    }
    assert may == {
        "rm": (False, True, False),
        "manager": (False, True, True),
        "analyst": (True, False, False),
        "admin": (True, True, True),
    }
    assert User(name="u", role="rm", branch="BA").key_id == ""  # old construction works


# ------------------------------------------------------------------ limits
def test_token_bucket_lets_a_burst_through_then_the_rate() -> None:
    b = TokenBucket(rate=2.0, burst=3, now=0.0)
    assert [b.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert b.take(0.0) == pytest.approx(0.5)  # (1 - 0) / 2 per s
    assert b.take(0.25) == pytest.approx(0.25)  # half a token refilled
    assert b.take(0.5) == 0.0
    assert b.take(100.0) == 0.0 and b.tokens == pytest.approx(2.0)  # capped at the burst


def test_key_limiter_raises_429_with_a_whole_retry_after() -> None:
    clock = Clock()
    lim = KeyRateLimiter(per_min=60, burst=2, clock=clock)
    lim.check("k1")
    lim.check("k1")
    with pytest.raises(RateLimited) as e:
        lim.check("k1")
    assert e.value.http_status == 429 and e.value.retry_after == 1
    assert e.value.to_dict()["retry_after"] == 1
    lim.check("k2")  # every key has its own bucket
    clock.t += 1.0
    lim.check("k1")
    slow = KeyRateLimiter(per_min=6, burst=1, clock=clock)  # one per 10 s
    slow.check("k")
    with pytest.raises(RateLimited) as e:
        slow.check("k")
    assert e.value.retry_after == 10
    off = KeyRateLimiter(per_min=0, burst=100, clock=clock)
    for _ in range(1000):
        off.check("k")


def test_retry_after_is_at_least_one_second() -> None:
    assert RateLimited("x", 0.01).retry_after == 1
    assert RateLimited("x", 2.2).retry_after == 3


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_delay(n) for n in range(0, 8)] == pytest.approx(
        [0.0, 0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    )
    assert backoff_delay(10**6) == 2.0


def test_failed_auth_slows_then_blocks_until_the_window_passes() -> None:
    clock = Clock()
    g = FailedAuthGuard(limit=3, window_s=60.0, clock=clock)
    g.check("1.2.3.4")
    assert g.failed("1.2.3.4") == pytest.approx(0.1)
    assert g.failed("1.2.3.4") == pytest.approx(0.2)
    g.succeeded("1.2.3.4")  # resets the delay, not the count in the window
    assert g.failed("1.2.3.4") == pytest.approx(0.1)
    g.check("5.6.7.8")  # other clients are not affected
    clock.t += 10
    with pytest.raises(RateLimited, match="Too many failed authentications from 1.2.3.4") as e:
        g.check("1.2.3.4")
    assert e.value.retry_after == 50  # the first failure leaves the window at t0 + 60
    clock.t += 50
    g.check("1.2.3.4")  # all three left the window: free, and counting afresh
    assert g.failed("1.2.3.4") == pytest.approx(0.1)
    clock.t += 30
    assert g.failed("1.2.3.4") == pytest.approx(0.2)  # consecutive within the window
    clock.t += 61
    assert g.failed("1.2.3.4") == pytest.approx(0.1)  # a quiet minute starts afresh


def test_failed_auth_limit_zero_slows_but_never_blocks() -> None:
    g = FailedAuthGuard(limit=0, clock=Clock())
    for _ in range(50):
        g.failed("ip")
    g.check("ip")
