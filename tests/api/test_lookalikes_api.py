"""Lookalikes through the API: the reasons with their shares, the GNN's block masked for a
lookalike outside the caller's scope, an audit record per request."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.config import Settings
from guanxi.gnn.similarity import block_slices
from guanxi.graph.client import GraphClient
from tests.api.conftest import auth


def _vector(**parts: tuple[int, float]) -> list[float]:
    """A 64-d vector with ``value`` at position ``offset`` of each named block."""
    at = {b["kind"]: b["start"] for b in block_slices()}
    v = [0.0] * 64
    for kind, (offset, value) in parts.items():
        v[at[kind] + offset] = value
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v]


@pytest.fixture
def vectors(bank: GraphClient) -> GraphClient:
    # CA and CB: cosine 0.8·0.6 + 0.6·0.8 = 0.96, half from the profile, half from the GNN
    rows = [("CA", _vector(profile=(0, 0.8), network=(0, 0.6))),
            ("CB", _vector(profile=(0, 0.6), network=(0, 0.8))),
            ("CP", _vector(profile=(1, 1.0)))]  # fmt: skip
    for cid, v in rows:
        bank.console("MATCH (c:Company {id: $id}) SET c.embedding = $v", {"id": cid, "v": v},
                     allow_write=True)  # fmt: skip
    return bank


def test_lookalike_reasons_carry_shares(api: TestClient, keys, vectors) -> None:
    r = api.get("/api/v1/companies/CA/lookalikes", params={"k": 2}, headers=auth(keys["admin"]))
    assert r.status_code == 200
    top = r.json()["lookalikes"][0]
    assert top["id"] == "CB" and top["score"] == pytest.approx((1 + 0.96) / 2, abs=1e-3)
    why = {w["kind"]: w for w in top["why"]}
    assert set(why) == {"profile", "network"}
    assert why["profile"]["share"] == pytest.approx(0.5, abs=1e-3)
    assert why["network"]["share"] == pytest.approx(0.5, abs=1e-3)
    assert why["network"]["text"] == "close in the learned network model"
    assert why["profile"]["text"].startswith("similar profile")  # 软件 vs 制造, 上海 vs 北京
    assert top["reasons"] == [f"{w['text']} (50%)" for w in top["why"]]


def test_rm_of_another_branch_sees_no_internal_reason(
    api: TestClient, keys, vectors, api_settings: Settings
) -> None:
    # CB is BB's customer: the GNN (trained on payments) block about it is internal to BB
    r = api.get("/api/v1/companies/CA/lookalikes", params={"k": 2}, headers=auth(keys["rm_a"]))
    assert r.status_code == 200
    top = r.json()["lookalikes"][0]
    why = {w["kind"]: w for w in top["why"]}
    assert why["network"]["text"] == "network model (detail masked)"
    assert why["network"]["share"] == pytest.approx(0.5, abs=1e-3)  # how much, not what
    assert "learned network" not in str(r.json())
    rb = api.get("/api/v1/companies/CA/lookalikes", params={"k": 2}, headers=auth(keys["rm_b"]))
    why_b = {w["kind"]: w for w in rb.json()["lookalikes"][0]["why"]}
    assert why_b["network"]["text"] == "close in the learned network model"  # B's own customer
    rec = next(iter(AuditLog(api_settings).read(limit=1, newest_first=True)))
    assert "/companies/CA/lookalikes" in str(rec)
