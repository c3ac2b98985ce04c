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


def test_health_is_degraded_when_neo4j_is_down(tmp_path) -> None:
    s = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(s)) as tc:
        r = tc.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["neo4j"] == "down"
