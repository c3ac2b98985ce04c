"""The audit trail without a database: the hash chain, tampering found by ``verify``,
rotation, appends from several processes, redaction."""

from __future__ import annotations

import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from guanxi.access.audit import GENESIS, AuditLog
from guanxi.access.redaction import REDACTED, redact, redact_endpoint, redact_text
from guanxi.config import Settings


def _log(tmp_path: Path, max_bytes: int = 10 * 1024 * 1024) -> AuditLog:
    return AuditLog(Settings(audit_dir=tmp_path / "audit", audit_max_bytes=max_bytes))


def _fill(log: AuditLog, n: int, user: str = "rm_a") -> None:
    for i in range(n):
        log.append("api", user=user, role="rm", branch="BA", method="GET",
                   endpoint=f"/api/v1/companies/C{i}", status=200, duration_ms=1.0,
                   request_id=f"r{i}", client="10.0.0.1")  # fmt: skip


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_chain_of_appends_verifies(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 25)
    recs = list(log.read())
    assert [r["seq"] for r in recs] == list(range(1, 26))
    assert recs[0]["prev"] == GENESIS
    assert all(b["prev"] == a["hash"] for a, b in zip(recs, recs[1:], strict=False))
    verdict = log.verify()
    assert verdict.ok and verdict.records == 25 and verdict.problem is None
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_read_filters_and_newest_first(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 3, "rm_a")
    _fill(log, 2, "rm_b")
    assert [r["seq"] for r in log.read(user="rm_b")] == [4, 5]
    assert [r["seq"] for r in log.read(limit=2, newest_first=True)] == [5, 4]
    from datetime import UTC, datetime, timedelta

    assert list(log.read(since=datetime.now(UTC) + timedelta(minutes=1))) == []
    assert len(list(log.read(since=datetime(2000, 1, 1)))) == 5


def test_an_edited_record_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 10)
    lines = _lines(log.path)
    rec = json.loads(lines[6])
    rec["user"] = "someone_else"
    lines[6] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = AuditLog(Settings(audit_dir=log.dir)).verify()
    assert not verdict.ok
    p = verdict.problem
    assert (p.reason, p.file, p.line, p.seq) == ("edited", "audit.jsonl", 7, 7)
    assert verdict.records == 6
    assert "audit.jsonl:7 (seq 7)" in p.message


def test_a_rehashed_edit_breaks_the_next_link(tmp_path: Path) -> None:
    import hashlib

    log = _log(tmp_path)
    _fill(log, 5)
    lines = _lines(log.path)
    rec = json.loads(lines[1])
    rec.pop("hash")
    rec["status"] = 500
    canon = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rec["hash"] = hashlib.sha256(canon.encode()).hexdigest()
    lines[1] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = log.verify().problem
    assert (p.reason, p.line, p.seq) == ("deleted", 3, 3)  # prev of 3 no longer matches


def test_a_deleted_record_is_named_by_the_gap(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 10)
    lines = _lines(log.path)
    del lines[3]  # seq 4
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = log.verify().problem
    assert (p.reason, p.file, p.line, p.seq) == ("deleted", "audit.jsonl", 4, 5)
    assert "records 4..4 are missing" in p.detail


def test_records_removed_from_the_end_are_found(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 10)
    lines = _lines(log.path)
    log.path.write_text("\n".join(lines[:8]) + "\n", encoding="utf-8")
    p = log.verify().problem
    assert p.reason == "truncated" and p.seq == 10
    # the next append leaves the gap visible instead of hiding it
    _fill(log, 1)
    p = log.verify().problem
    assert (p.reason, p.seq) == ("deleted", 11)


def test_a_garbled_line_is_named(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 4)
    data = log.path.read_bytes()
    log.path.write_bytes(data[:-40])  # the last record cut short, as by a crash
    p = log.verify().problem
    assert (p.reason, p.line) == ("garbled", 4)
    _fill(log, 1)  # the next record goes on its own line
    assert json.loads(_lines(log.path)[-1])["seq"] == 5


def test_rotation_keeps_the_chain_across_files(tmp_path: Path) -> None:
    log = _log(tmp_path, max_bytes=4096)
    _fill(log, 60)
    files = log.files()
    assert len(files) > 3 and files[-1].name == "audit.jsonl"
    assert all(f.stat().st_size <= 4096 for f in files)
    first = json.loads(_lines(files[1])[0])
    last_of_previous = json.loads(_lines(files[0])[-1])
    assert first["prev"] == last_of_previous["hash"]
    assert files[0].name == f"audit-1-{last_of_previous['seq']}.jsonl"
    assert [r["seq"] for r in log.read()] == list(range(1, 61))
    verdict = log.verify()
    assert verdict.ok and verdict.records == 60 and len(verdict.files) == len(files)
    files[1].unlink()  # a whole rotated file removed
    p = log.verify().problem
    assert p.reason == "deleted" and p.file == files[2].name and p.line == 1


def _worker(audit_dir: str, n: int, name: str) -> None:
    log = AuditLog(Settings(audit_dir=Path(audit_dir), audit_max_bytes=64 * 1024))
    _fill(log, n, name)


def test_concurrent_appends_from_processes(tmp_path: Path) -> None:
    audit_dir = tmp_path / "audit"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(str(audit_dir), 200, f"w{i}")) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    log = AuditLog(Settings(audit_dir=audit_dir))
    recs = list(log.read())
    assert [r["seq"] for r in recs] == list(range(1, 801))
    assert {r["user"] for r in recs} == {"w0", "w1", "w2", "w3"}
    verdict = log.verify()
    assert verdict.ok, verdict.problem
    assert verdict.records == 800 and len(verdict.files) > 1  # rotated while contended


def test_secrets_and_contact_details_never_reach_the_file(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.append(
        "console",
        user="analyst_a",
        role="analyst",
        branch="BA",
        method="POST",
        endpoint="/api/v1/cypher?token=s3cr3t-tok&q=zhang@example.com&tel=010-12345678",
        query="MATCH (p:Person) WHERE p.email = 'zhang.san@example.com' "
        "OR p.phone = '13512346349' OR p.phone = '135****6349' RETURN p",
        params={
            "password": "hunter2",
            "email": "li.si@bank.cn",
            "phone": "13800000001",
            "note": "call +86 138 0000 0002",
            "nested": {"Authorization": "Bearer gx_abc", "ids": ["P-A", "a@b.cn"]},
        },
    )
    data = log.path.read_bytes().decode("utf-8")
    for secret in ("s3cr3t-tok", "zhang@example.com", "010-12345678", "zhang.san@example.com",
                   "13512346349", "135****6349", "hunter2", "li.si@bank.cn", "13800000001",
                   "138 0000 0002", "gx_abc", "a@b.cn"):  # fmt: skip
        assert secret not in data, secret
    rec = next(log.read())
    assert rec["params"]["nested"]["ids"] == ["P-A", REDACTED]
    assert rec["endpoint"].startswith("/api/v1/cypher?token=[redacted]&q=[redacted]")
    assert log.verify().ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RETURN '13512346349'", "RETURN '[redacted]'"),
        ("mobile 135****6349.", "mobile [redacted]."),
        ("x@y.com, ok", "[redacted], ok"),
        ("company 91310000MA1FL4XX3P stays", "company 91310000MA1FL4XX3P stays"),
        ("date 2024-05-01 and 12345678901234 stay", "date 2024-05-01 and 12345678901234 stay"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_redact_keys_and_endpoint() -> None:
    assert redact({"api_key": "k", "k": 5, "Cookie": "gx_key=1"}) == {
        "api_key": REDACTED,
        "k": 5,
        "Cookie": REDACTED,
    }
    assert redact_endpoint("/api/v1/companies?q=%E7%94%B2&k=3") == "/api/v1/companies?q=甲&k=3"


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown audit kind"):
        _log(tmp_path).append("download")


def _app(log: AuditLog):  # noqa: ANN202 - a tiny Starlette app behind the middleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from guanxi.access.users import User
    from guanxi.api.app import RequestIdMiddleware
    from guanxi.api.audit import AuditMiddleware

    def ok(request):  # noqa: ANN001, ANN202
        request.state.user = User(name="rm_a", role="rm", branch="BA")
        return PlainTextResponse("ok")

    def boom(request):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    routes = [Route("/api/v1/ok", ok), Route("/api/v1/boom", boom), Route("/api/v1/health", ok)]
    middleware = [Middleware(RequestIdMiddleware), Middleware(AuditMiddleware, audit=log)]
    return Starlette(routes=routes, middleware=middleware)


def test_middleware_records_users_errors_and_skips_health(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    log = _log(tmp_path)
    with TestClient(_app(log), raise_server_exceptions=False) as tc:
        r = tc.get("/api/v1/ok?email=a@b.cn&k=2", headers={"Cookie": "gx_key=gx_secret"})
        assert tc.get("/api/v1/boom").status_code == 500
        tc.get("/api/v1/health")
    ok, boom = log.read()
    assert (ok["user"], ok["kind"], ok["status"]) == ("rm_a", "api", 200)
    assert ok["endpoint"] == "/api/v1/ok?email=[redacted]&k=2"
    assert ok["request_id"] == r.headers["x-request-id"]
    assert (boom["user"], boom["status"]) == (None, 500)
    assert "gx_secret" not in log.path.read_text(encoding="utf-8")


def test_middleware_answers_when_the_log_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    log = _log(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(log, "append", fail)
    with TestClient(_app(log)) as tc:
        assert tc.get("/api/v1/ok").status_code == 200
        assert tc.get("/api/v1/ok").status_code == 200
    assert log.failures == 2
