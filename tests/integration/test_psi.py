"""Private set intersection of partner lists (guanxi/psi, docs/privacy.md).

The partner's server runs as a real ``guanxi psi serve`` subprocess on a free port over a
register of 500 USCCs; the bank holds 400 candidates, 120 of them on the register. Every
HTTP body is recorded to show that only protocol messages cross the wire. The tagging
tests use the ``db`` fixture and an in-process server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from guanxi.errors import InvalidData, RateLimited
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.synthetic import generate_uscc
from guanxi.psi.candidates import candidates_from_graph, read_keys
from guanxi.psi.client import match
from guanxi.psi.server import create_psi_app
from guanxi.psi.tag import tag_matches

GUANXI = Path(sys.executable).with_name("guanxi")
REGISTER, BANK, SHARED = 500, 400, 120


class Recording(httpx.HTTPTransport):
    """An HTTP transport that keeps every request and response body."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []
        self.received: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.read())
        response = super().handle_request(request)
        self.received.append(response.read())
        return response


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def codes() -> tuple[list[str], list[str]]:
    """(register codes, bank codes): 120 shared, the rest distinct."""
    rng = np.random.default_rng(22)
    divisions = rng.choice(["110105", "310115", "440305", "330106"], REGISTER + BANK - SHARED)
    allc = [str(c) for c in generate_uscc(rng, divisions)]
    register = allc[:REGISTER]
    bank = register[:SHARED] + allc[REGISTER:]
    return register, bank


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, codes: tuple) -> Iterator[tuple[str, Path]]:
    register, _ = codes
    folder = tmp_path_factory.mktemp("psi")
    path = folder / "register.csv"
    # some codes as a partner might write them: lower case, padded
    rows = [c.lower() + "  " if i % 7 == 0 else c for i, c in enumerate(register)]
    path.write_text("uscc\n" + "\n".join(rows) + "\n", encoding="utf-8")
    log_path = folder / "server.log"
    port = _free_port()
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [str(GUANXI), "psi", "serve", "--set", str(path), "--port", str(port),
             "--rate", "50", "--burst", "50"],
            stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/psi/v1/info", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"guanxi psi serve did not start: {log_path.read_text()}")
                time.sleep(0.2)
            yield url, log_path
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _bank(codes: tuple) -> dict[str, str]:
    _, bank = codes
    return {f"U:{c}": f"C{i:04d}" for i, c in enumerate(bank)}


def test_match_finds_exactly_the_intersection_and_leaks_no_identifier(
    server: tuple[str, Path], codes: tuple
) -> None:
    url, log_path = server
    register, bank = codes
    candidates = _bank(codes)
    rec = Recording()
    res = match(url, candidates, transport=rec)
    truth = {candidates[f"U:{c}"] for c in set(register) & set(bank)}
    assert len(truth) == SHARED
    assert set(res.matched_ids) == truth and res.size == SHARED
    assert res.candidates == BANK and res.fpr == 1e-9 and "openmined-psi" in res.protocol
    assert res.bytes_sent == len(rec.sent[-1]) and res.bytes_received == len(rec.received[-1])
    time.sleep(0.5)  # let the server flush its log line
    log_text = log_path.read_text(encoding="utf-8")
    assert "PSI match from 127.0.0.1: 400 inputs" in log_text
    wire_out = b"".join(rec.sent)
    non_matching = [c for c in bank if c not in set(register)]
    assert len(non_matching) == BANK - SHARED
    for code in bank:  # matching ones too: every request item is blinded
        assert code.encode() not in wire_out and code.lower().encode() not in wire_out
        assert code not in log_text
    wire_in = b"".join(rec.received)
    for code in register:
        assert code.encode() not in wire_in and code.lower().encode() not in wire_in
        assert code not in log_text and code.lower() not in log_text


def test_cardinality_mode_learns_only_the_size(server: tuple[str, Path], codes: tuple) -> None:
    url, _ = server
    res = match(url, _bank(codes), reveal=False)
    assert res.size == SHARED and res.matched_ids == () and not res.reveal


def test_cardinality_only_server_refuses_to_reveal_and_rate_limits() -> None:
    keys = ["U:91350100M000100Y43", "U:91110105MA0000001X"]
    app = create_psi_app(keys, reveal=False, rate=0.001, burst=2)
    tc = TestClient(app)
    with pytest.raises(InvalidData, match="cardinality only"):
        match("http://testserver", {keys[0]: "A"}, transport=tc._transport)
    assert (
        match("http://testserver", {keys[0]: "A"}, reveal=False, transport=tc._transport).size == 1
    )
    with pytest.raises(RateLimited, match="rate limiting"):
        match("http://testserver", {keys[0]: "A"}, reveal=False, transport=tc._transport)


COMPANIES = (
    "id,name,region,tags\n"
    "91350100M000100Y43,星河科技有限公司,福建,high_tech\n"
    "91110105MA00000012,北辰数据有限公司,北京,\n"
    "C-NAME-1,华兴贸易股份有限公司,上海,\n"
    "C-NAME-2,华兴贸易有限公司,北京,\n"
    "91440305MA00000020,南山制造有限公司,广东,\n"
)


def _partner(keys: list[str]) -> TestClient:
    return TestClient(create_psi_app(keys, rate=100, burst=100))


def _tags(db: GraphClient) -> dict[str, list[str]]:
    rows = db.run_text("t", "MATCH (c:Company) RETURN c.id AS id, c.tags AS tags")
    return {r["id"]: sorted(r["tags"] or []) for r in rows}


def test_tagging_writes_tag_and_provenance_idempotently(db: GraphClient, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    load(db, [tmp_path])
    register = tmp_path / "register.csv"
    register.write_text(
        "uscc,name,region\n91350100m000100y43,,\n,华兴贸易有限公司,上海市\n"
        "91440305MA00000020,,\n91310115MA00000035,,\n",
        encoding="utf-8",
    )
    tc = _partner(read_keys(register))
    candidates = candidates_from_graph(db)
    res = match("http://testserver", candidates, transport=tc._transport)
    assert set(res.matched_ids) == {"91350100M000100Y43", "C-NAME-1", "91440305MA00000020"}
    for _ in range(2):  # the second run changes nothing
        report = tag_matches(db, res, "high_tech_register", "科技局")
        assert (report.tagged, report.removed) == (3, 0)
        tags = _tags(db)
        assert tags["91350100M000100Y43"] == ["high_tech", "high_tech_register"]
        assert tags["C-NAME-1"] == tags["91440305MA00000020"] == ["high_tech_register"]
        assert tags["C-NAME-2"] == tags["91110105MA00000012"] == []
        [pl] = db.read("psi.partner_list", id="科技局/high_tech_register")
        assert pl["partner"] == "科技局" and pl["size"] == 3 and pl["fpr"] == 1e-9
        assert pl["ingested_by"] == "HO"  # who ran it: head office unless --org says
        assert "openmined-psi" in pl["protocol"] and pl["matched_at"] is not None
        assert pl["company_ids"] == ["91350100M000100Y43", "91440305MA00000020", "C-NAME-1"]
        n = db.run_text("t", "MATCH ()-[m:MATCHED_IN]->(:PartnerList) RETURN count(m) AS n")
        assert n == [{"n": 3}]


def test_a_rerun_drops_companies_no_longer_matched(db: GraphClient, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    load(db, [tmp_path])
    candidates = candidates_from_graph(db)
    first = match("http://testserver", candidates, transport=_partner(
        ["U:91350100M000100Y43", "U:91440305MA00000020"])._transport)  # fmt: skip
    tag_matches(db, first, "whitelist", "P")
    second = match("http://testserver", candidates, transport=_partner(
        ["U:91440305MA00000020"])._transport)  # fmt: skip
    report = tag_matches(db, second, "whitelist", "P")
    assert (report.tagged, report.removed) == (1, 1)
    tags = _tags(db)
    assert tags["91350100M000100Y43"] == ["high_tech"]
    assert tags["91440305MA00000020"] == ["whitelist"]
    with pytest.raises(InvalidData, match="cardinality-only"):
        size_only = match(
            "http://testserver", candidates, reveal=False, transport=_partner(["U:x"])._transport
        )
        tag_matches(db, size_only, "whitelist", "P")


def test_cli_match_with_a_candidates_file(
    server: tuple[str, Path], codes: tuple, tmp_path: Path
) -> None:
    url, _ = server
    register, bank = codes
    path = tmp_path / "bank.csv"
    path.write_text(
        "id,uscc\n" + "\n".join(f"B{i},{c}" for i, c in enumerate(bank)) + "\n", encoding="utf-8"
    )
    audit_dir = tmp_path / "audit"
    env = {**os.environ, "GUANXI_AUDIT_DIR": str(audit_dir)}
    done = subprocess.run(
        [str(GUANXI), "psi", "match", "--server", url, "--candidates", str(path), "--json"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    res = json.loads(done.stdout)
    shared = set(register)
    assert res["size"] == SHARED
    assert set(res["matched_ids"]) == {f"B{i}" for i, c in enumerate(bank) if c in shared}
    # the candidates left the bank (blinded): the run is in the audit trail, no code in it
    log = (audit_dir / "audit.jsonl").read_text(encoding="utf-8")
    (record,) = [json.loads(line) for line in log.splitlines()]
    assert record["kind"] == "cli" and record["method"] == "psi match"
    assert record["params"]["count"] == len(bank) and record["status"] == 200
    assert not any(c in log for c in bank)
