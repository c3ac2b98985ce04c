"""The audit trail through the API: every request leaves a record; admins read and
verify it; others may not."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.config import Settings
from tests.api.conftest import auth


def _newest(api_settings: Settings, n: int = 1) -> list[dict]:
    return list(AuditLog(api_settings).read(limit=n, newest_first=True))


def test_a_request_leaves_a_record(api: TestClient, keys, api_settings: Settings) -> None:
    r = api.get("/api/v1/companies/CA", headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    [rec] = _newest(api_settings)
    assert (rec["user"], rec["role"], rec["branch"]) == ("rm_a", "rm", "BA")
    assert (rec["kind"], rec["method"], rec["endpoint"]) == ("api", "GET", "/api/v1/companies/CA")
    assert rec["status"] == 200
    assert rec["request_id"] == r.headers["x-request-id"]
    assert rec["duration_ms"] > 0 and rec["client"]


def test_a_page_view_is_kind_page(api: TestClient, keys, api_settings: Settings) -> None:
    api.cookies.set("gx_key", keys["rm_a"])
    r = api.get("/ui/network/CA")
    api.cookies.clear()
    assert r.status_code == 200
    [rec] = _newest(api_settings)
    assert (rec["kind"], rec["user"], rec["endpoint"]) == ("page", "rm_a", "/ui/network/CA")
    assert keys["rm_a"] not in AuditLog(api_settings).path.read_text(encoding="utf-8")


def test_a_console_query_leaves_its_text_and_rows(
    api: TestClient, keys, api_settings: Settings
) -> None:
    query = "MATCH (c:Company) WHERE c.id IN $ids RETURN c.id AS id ORDER BY id"
    r = api.post(
        "/api/v1/cypher",
        json={"query": query, "params": {"ids": ["CA", "CB"]}},
        headers=auth(keys["analyst_a"]),
    )
    assert r.status_code == 200, r.text
    [rec] = _newest(api_settings)
    assert (rec["kind"], rec["user"], rec["role"]) == ("console", "analyst_a", "analyst")
    assert rec["query"] == query
    assert rec["params"] == {"ids": ["CA", "CB"]}
    assert rec["rows"] == 2
    assert rec["request_id"] == r.headers["x-request-id"]

    r = api.post(
        "/api/v1/queries/companies_with_holders",
        json={"params": {"limit": 5}},
        headers=auth(keys["analyst_a"]),
    )
    assert r.status_code == 200, r.text
    [rec] = _newest(api_settings)
    assert (rec["kind"], rec["query"]) == ("console", "analyst.companies_with_holders")
    assert rec["rows"] == len(r.json()["rows"])


def test_contact_details_in_a_query_are_redacted(
    api: TestClient, keys, api_settings: Settings
) -> None:
    query = "MATCH (p:Person) WHERE p.phone = '13800000001' OR p.email = $email RETURN p.id"
    api.post(
        "/api/v1/cypher",
        json={"query": query, "params": {"email": "zhang@example.com", "password": "pw-123"}},
        headers=auth(keys["analyst_a"]),
    )
    [rec] = _newest(api_settings)
    assert rec["query"].startswith("MATCH (p:Person) WHERE p.phone = '[redacted]'")
    data = AuditLog(api_settings).path.read_text(encoding="utf-8")
    for secret in ("13800000001", "zhang@example.com", "pw-123", keys["analyst_a"]):
        assert secret not in data


def test_a_401_is_kind_auth_without_the_key(api: TestClient, keys, api_settings: Settings) -> None:
    bad = "gx_this-key-does-not-exist"
    r = api.get("/api/v1/companies/CA", headers=auth(bad))
    assert r.status_code == 401
    [rec] = _newest(api_settings)
    assert (rec["kind"], rec["status"], rec["user"]) == ("auth", 401, None)
    assert rec["request_id"] == r.headers["x-request-id"]
    assert bad not in AuditLog(api_settings).path.read_text(encoding="utf-8")


def test_admin_reads_the_trail_newest_first(api: TestClient, keys) -> None:
    api.get("/api/v1/companies/CA", headers=auth(keys["rm_a"]))
    api.get("/api/v1/companies/CB", headers=auth(keys["rm_b"]))
    r = api.get("/api/v1/audit", headers=auth(keys["admin"]))
    assert r.status_code == 200
    recs = r.json()
    assert [x["user"] for x in recs[:2]] == ["rm_b", "rm_a"]
    assert recs[0]["seq"] > recs[1]["seq"]
    r = api.get("/api/v1/audit", params={"user": "rm_a", "limit": 5}, headers=auth(keys["admin"]))
    assert {x["user"] for x in r.json()} == {"rm_a"}
    r = api.get("/api/v1/audit", params={"since": "2999-01-01"}, headers=auth(keys["admin"]))
    assert r.json() == []
    r = api.get("/api/v1/audit/verify", headers=auth(keys["admin"]))
    assert r.status_code == 200
    v = r.json()
    assert v["ok"] is True and v["problem"] is None and v["records"] >= 3


def test_others_may_not_read_the_trail(api: TestClient, keys) -> None:
    for name in ("rm_a", "analyst_a"):
        for path in ("/api/v1/audit", "/api/v1/audit/verify"):
            r = api.get(path, headers=auth(keys[name]))
            assert r.status_code == 403, (name, path)
            assert r.json()["error"] == "AccessDenied"


def test_verify_reports_a_record_edited_by_hand(
    api: TestClient, keys, api_settings: Settings
) -> None:
    for cid in ("CA", "CB", "CP"):
        api.get(f"/api/v1/companies/{cid}", headers=auth(keys["rm_a"]))
    path = AuditLog(api_settings).path
    lines = path.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[1])
    rec["endpoint"] = "/api/v1/companies/CP"  # hide what was looked at
    lines[1] = json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = api.get("/api/v1/audit/verify", headers=auth(keys["admin"]))
    assert r.status_code == 200
    v = r.json()
    assert v["ok"] is False
    p = v["problem"]
    assert (p["reason"], p["file"], p["line"], p["seq"]) == ("edited", "audit.jsonl", 2, 2)
    assert "audit.jsonl:2 (seq 2)" in p["message"]
