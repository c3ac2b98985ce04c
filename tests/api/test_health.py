import time

from fastapi.testclient import TestClient

from guanxi.api.app import create_app
from guanxi.config import Settings


def test_health_is_ok_when_neo4j_answers(settings: Settings, client) -> None:
    with TestClient(create_app(settings)) as tc:
        r = tc.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["neo4j"] == "up"
    assert r.headers["x-request-id"]


def test_a_callers_request_id_is_echoed_in_the_header_and_errors(settings: Settings) -> None:
    with TestClient(create_app(settings)) as tc:
        ok = tc.get("/api/v1/health", headers={"X-Request-ID": "rq-123"})
        bad = tc.get("/api/v1/companies?q=x", headers={"X-Request-ID": "rq-456"})
    assert ok.headers["x-request-id"] == "rq-123"
    assert bad.status_code == 401 and bad.headers["x-request-id"] == "rq-456"
    assert bad.json()["request_id"] == "rq-456"


def test_health_is_degraded_when_neo4j_is_down(tmp_path) -> None:
    s = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(s)) as tc:
        r = tc.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["neo4j"] == "down"


def test_contact_path_index_is_built_when_the_api_starts(settings: Settings, bank) -> None:
    from guanxi.scoring import path_index

    path_index.clear_index()
    s = settings.model_copy(update={"api_warm_index": True})
    with TestClient(create_app(s)):
        deadline = time.monotonic() + 60
        while path_index.cached(bank) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        ix = path_index.cached(bank)
    assert ix is not None
    assert {"CA", "P-A", "RM-A"} <= set(ix.pos)  # parties of the seeded bank
