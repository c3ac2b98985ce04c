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


def test_health_is_503_when_neo4j_is_down_and_names_no_internals(caplog) -> None:
    s = Settings(
        neo4j_uri="bolt://127.0.0.1:1",
        neo4j_password="x",
        api_warm_index=False,
        api_warm_plans=False,
    )
    with TestClient(create_app(s)) as tc:
        t0 = time.monotonic()
        r = tc.get("/api/v1/health", headers={"X-Request-ID": "rq-down"})
        first_s = time.monotonic() - t0
        again = tc.get("/api/v1/health")  # the circuit breaker answers at once
    assert r.status_code == 503 and again.status_code == 503
    body = r.json()
    assert body["status"] == "down" and body["neo4j"] == "down"
    assert body["request_id"] == "rq-down" and "rq-down" in body["detail"]
    assert "uri" not in body
    assert "127.0.0.1" not in r.text and "bolt" not in r.text.lower()
    assert first_s < 3
    # the reason goes to the log, with the request id
    assert any("rq-down" in m and "127.0.0.1:1" in m for m in caplog.messages)


def test_a_request_while_neo4j_is_down_is_a_plain_503(tmp_path, caplog) -> None:
    from guanxi.access.users import UserStore

    s = Settings(
        neo4j_uri="bolt://127.0.0.1:1",
        neo4j_password="x",
        api_warm_index=False,
        api_warm_plans=False,
        users_file=tmp_path / "users.json",
    )
    key = UserStore(s).add("admin", "admin", "HO")
    with TestClient(create_app(s)) as tc:
        r = tc.get(
            "/api/v1/companies/CA",
            headers={"Authorization": f"Bearer {key}", "X-Request-ID": "rq-503"},
        )
    assert r.status_code == 503
    assert r.json() == {
        "error": "GraphUnavailable",
        "message": "The graph database is unavailable; retry shortly (request id rq-503)",
        "request_id": "rq-503",
    }
    assert any("rq-503" in m and "127.0.0.1:1" in m for m in caplog.messages)


def test_an_unexpected_error_is_a_500_without_its_traceback(caplog) -> None:
    s = Settings(
        neo4j_uri="bolt://127.0.0.1:1",
        neo4j_password="x",
        api_warm_index=False,
        api_warm_plans=False,
    )
    app = create_app(s)

    @app.get("/api/v1/boom")
    @app.get("/ui/boom")
    def boom() -> None:
        raise RuntimeError("secret detail at 10.0.0.7:7687")

    with TestClient(app, raise_server_exceptions=False) as tc:
        api = tc.get("/api/v1/boom", headers={"X-Request-ID": "rq-500"})
        page = tc.get("/ui/boom")
    assert api.status_code == 500 and api.headers["x-request-id"] == "rq-500"
    assert api.json()["error"] == "InternalError" and api.json()["request_id"] == "rq-500"
    assert "secret" not in api.text and "Traceback" not in api.text
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "secret" not in page.text
    logged = [r for r in caplog.records if r.exc_info and "rq-500" in r.getMessage()]
    assert logged and "secret detail" in str(logged[0].exc_info[1])


def test_contact_path_index_is_built_when_the_api_starts(settings: Settings, bank) -> None:
    from guanxi.scoring import path_index_cache as path_index

    path_index.clear_index()
    s = settings.model_copy(update={"api_warm_index": True})
    with TestClient(create_app(s)):
        deadline = time.monotonic() + 60
        while path_index.cached(bank) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        ix = path_index.cached(bank)
    assert ix is not None
    assert {"CA", "P-A", "RM-A"} <= set(ix.pos)  # parties of the seeded bank
