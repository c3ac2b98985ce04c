"""Key lifecycle against a running app: revocation and rotation by another process are
seen at the next request, expired keys are refused, per-key rate limits and failed-auth
slowing answer 429 with ``Retry-After``, and the ``manager`` role."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from tests.api.conftest import auth

SEARCH = "/api/v1/companies"
Q = {"q": "有限"}


def _app(api_settings: Settings, **overrides: object) -> Iterator[TestClient]:
    settings = Settings(**{**api_settings.model_dump(), **overrides})
    with TestClient(create_app(settings)) as tc:
        yield tc


@pytest.fixture
def limited(api_settings: Settings, bank: GraphClient) -> Iterator[TestClient]:
    """An app whose keys may send 3 requests at once, then one a second."""
    yield from _app(api_settings, api_rate_per_min=60, api_rate_burst=3)


@pytest.fixture
def guarded(api_settings: Settings, bank: GraphClient) -> Iterator[TestClient]:
    """An app that blocks a client after 3 failed authentications within a minute."""
    yield from _app(api_settings, auth_fail_limit=3)


def test_a_key_revoked_by_another_process_is_refused_at_the_next_request(
    api: TestClient, keys: dict[str, str], api_settings: Settings
) -> None:
    h = auth(keys["rm_a"])
    assert api.get(SEARCH, params=Q, headers=h).status_code == 200
    assert UserStore(api_settings).revoke("rm_a")  # as `guanxi users revoke` would
    r = api.get(SEARCH, params=Q, headers=h)
    assert r.status_code == 401
    assert r.json()["error"] == "AuthenticationFailed"
    assert r.json()["message"].startswith("API key of user 'rm_a' was revoked on")
    assert api.get(SEARCH, params=Q, headers=auth(keys["rm_b"])).status_code == 200


def test_rotation_swaps_the_key_at_once(
    api: TestClient, keys: dict[str, str], api_settings: Settings
) -> None:
    old = keys["rm_a"]
    assert api.get("/api/v1/companies/CA", headers=auth(old)).json()["in_scope"] is True
    new = UserStore(api_settings).rotate("rm_a")
    assert api.get("/api/v1/companies/CA", headers=auth(old)).status_code == 401
    d = api.get("/api/v1/companies/CA", headers=auth(new)).json()
    assert d["in_scope"] is True  # same user, same scope
    assert [m["id"] for m in d["managed_by"]] == ["RM-A"]


def test_an_expired_key_is_401_with_the_date(
    api: TestClient, keys: dict[str, str], api_settings: Settings
) -> None:
    key = UserStore(api_settings).add("late", "rm", "BA", ttl_days=0)
    r = api.get(SEARCH, params=Q, headers=auth(key))
    assert r.status_code == 401
    assert r.json()["message"].startswith("API key of user 'late' expired on ")
    assert r.json()["message"].endswith("; ask an admin to rotate it")


def test_a_key_over_its_rate_gets_429_with_retry_after(
    limited: TestClient, keys: dict[str, str]
) -> None:
    h = auth(keys["rm_a"])
    assert [limited.get(SEARCH, params=Q, headers=h).status_code for _ in range(3)] == [200] * 3
    r = limited.get(SEARCH, params=Q, headers=h)
    assert r.status_code == 429
    assert r.json()["error"] == "RateLimited"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["retry_after"] == int(r.headers["Retry-After"])
    assert r.headers["x-request-id"]
    # another key has its own bucket
    assert limited.get(SEARCH, params=Q, headers=auth(keys["rm_b"])).status_code == 200
    time.sleep(1.05)  # one token a second
    assert limited.get(SEARCH, params=Q, headers=h).status_code == 200


def test_default_limits_let_a_normal_client_through(api: TestClient, keys) -> None:
    h = auth(keys["admin"])
    assert all(api.get(SEARCH, params=Q, headers=h).status_code == 200 for _ in range(30))


def test_repeated_bad_keys_are_slowed_then_429(
    guarded: TestClient, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    bad = "gx_not-a-real-key-0123456789"
    elapsed = []
    with caplog.at_level(logging.WARNING, logger="guanxi.api.deps"):
        for _ in range(3):
            t0 = time.perf_counter()
            r = guarded.get(SEARCH, params=Q, headers=auth(bad))
            elapsed.append(time.perf_counter() - t0)
            assert r.status_code == 401
    # 0.1 s, 0.2 s, 0.4 s before each answer
    assert [e >= d for e, d in zip(elapsed, (0.1, 0.2, 0.4), strict=True)] == [True] * 3
    warnings = [r.getMessage() for r in caplog.records if r.name == "guanxi.api.deps"]
    assert len(warnings) == 3
    assert any("blocked" in r.getMessage() for r in caplog.records)
    assert all("testclient" in w and "gx_not" in w for w in warnings)
    assert not any(bad in w or "gx_not-" in w for w in warnings)  # 6 characters at most
    # blocked now: even a good key from this IP waits for the window to pass
    for headers in (auth(bad), auth(keys["rm_a"])):
        r = guarded.get(SEARCH, params=Q, headers=headers)
        assert r.status_code == 429
        assert r.json()["error"] == "RateLimited"
        assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_a_success_resets_the_delay(guarded: TestClient, keys: dict[str, str]) -> None:
    bad = auth("gx_wrong-key-xyz")
    guarded.get(SEARCH, params=Q, headers=bad)
    guarded.get(SEARCH, params=Q, headers=bad)
    assert guarded.get(SEARCH, params=Q, headers=auth(keys["rm_a"])).status_code == 200
    t0 = time.perf_counter()
    assert guarded.get(SEARCH, params=Q, headers=bad).status_code == 401
    assert time.perf_counter() - t0 < 0.3  # 0.1 s again, not 0.4 s


def test_requests_without_a_key_are_not_slowed(guarded: TestClient) -> None:
    t0 = time.perf_counter()
    codes = [guarded.get(SEARCH, params=Q).status_code for _ in range(5)]
    assert codes == [401] * 5  # never 429: no key is no attempt
    assert time.perf_counter() - t0 < 1.0


def test_a_manager_sees_the_branch_subtree_like_its_rms(
    api: TestClient, keys: dict[str, str], api_settings: Settings
) -> None:
    key = UserStore(api_settings).add("head_a", "manager", "BA")
    h = auth(key)
    d = api.get("/api/v1/companies/CA", headers=h).json()
    assert d["in_scope"] is True
    assert [c["branch_id"] for c in d["customer_of"]] == ["BA1"]
    assert [p["code"] for p in d["products"]] == ["LOAN"]
    assert [c["id"] for c in d["counterparties"]] == ["CP"]
    assert [m["id"] for m in d["managed_by"]] == ["RM-A"]
    other = api.get("/api/v1/companies/CB", headers=h).json()
    assert other["in_scope"] is False and other["products"] == [] and other["managed_by"] == []
    r = api.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=h)
    assert r.status_code == 403
    assert r.json()["error"] == "AccessDenied"


def test_the_pages_sign_in_counts_failures_too(guarded: TestClient, keys) -> None:
    r = guarded.post("/ui/session", data={"key": keys["rm_a"]}, follow_redirects=False)
    assert r.status_code == 303 and "gx_key=" in r.headers["set-cookie"]
    for _ in range(3):
        r = guarded.post("/ui/session", data={"key": "gx_guess"}, follow_redirects=False)
        assert r.status_code == 401
    r = guarded.post("/ui/session", data={"key": keys["rm_a"]}, follow_redirects=False)
    assert r.status_code == 429  # an HTML error page, with the header
    assert r.headers["content-type"].startswith("text/html")
    assert int(r.headers["Retry-After"]) >= 1
