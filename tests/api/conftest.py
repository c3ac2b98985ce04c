"""API fixtures: a small bank with two branches, users of each, and a TestClient.

Head office HO has branches BA (with sub-branch BA1) and BB. Company CA is a customer of
BA1 (managed by RM-A), CB of BB (managed by RM-B); CP is a public company that both
hold shares in. RM-A knows CA's chairman; RM-B knows CB's chairman.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.config import Settings, get_settings
from guanxi.graph.client import GraphClient

SEED = """
CREATE (ho:Branch {id: 'HO', name: '总行', level: 'head_office'})
CREATE (ba:Branch {id: 'BA', name: '上海分行', level: 'branch'})-[:PART_OF]->(ho)
CREATE (ba1:Branch {id: 'BA1', name: '浦东支行', level: 'sub_branch'})-[:PART_OF]->(ba)
CREATE (bb:Branch {id: 'BB', name: '北京分行', level: 'branch'})-[:PART_OF]->(ho)
CREATE (rma:RelationshipManager {id: 'RM-A', name: '王经理', business_line: 'corporate'})
       -[:WORKS_AT]->(ba1)
CREATE (rmb:RelationshipManager {id: 'RM-B', name: '李经理', business_line: 'corporate'})
       -[:WORKS_AT]->(bb)
CREATE (ca:Company {id: 'CA', name: '甲科技有限公司', industry: '软件', region: '上海'})
CREATE (cb:Company {id: 'CB', name: '乙制造有限公司', industry: '制造', region: '北京'})
CREATE (cp:Company {id: 'CP', name: '丙控股有限公司', industry: '投资', region: '深圳'})
CREATE (pa:Person {id: 'P-A', name: '张三', phone: '13800000001'})
CREATE (pb:Person {id: 'P-B', name: '李四', phone: '13800000002'})
CREATE (pa)-[:SERVES_AS {role: 'chairman'}]->(ca)
CREATE (pb)-[:SERVES_AS {role: 'chairman'}]->(cb)
CREATE (ca)-[:HOLDS_SHARES {pct: 30.0}]->(cp)
CREATE (cb)-[:HOLDS_SHARES {pct: 25.0}]->(cp)
CREATE (ca)-[:CUSTOMER_OF {since: date('2020-01-01'), business_line: 'corporate'}]->(ba1)
CREATE (cb)-[:CUSTOMER_OF {since: date('2021-01-01'), business_line: 'corporate'}]->(bb)
CREATE (rma)-[:MANAGES]->(ca)
CREATE (rmb)-[:MANAGES]->(cb)
CREATE (rma)-[:KNOWS {strength: 0.9}]->(pa)
CREATE (rmb)-[:KNOWS {strength: 0.8}]->(pb)
CREATE (pl:Product {code: 'LOAN', name: '流动资金贷款', line: 'corporate'})
CREATE (pc:Product {code: 'CASH', name: '现金管理', line: 'corporate'})
CREATE (ca)-[:HOLDS_PRODUCT {balance: 1.0e7}]->(pl)
CREATE (cb)-[:HOLDS_PRODUCT {balance: 2.0e7}]->(pc)
CREATE (ca)-[:PAYS {amount: 5.0e6, count: 12}]->(cp)
CREATE (cb)-[:PAYS {amount: 7.0e6, count: 20}]->(cp)
"""


@pytest.fixture
def bank(db: GraphClient) -> GraphClient:
    db.console(SEED, allow_write=True)
    return db


@pytest.fixture
def api_settings(settings: Settings, tmp_path: Path) -> Settings:
    return Settings(
        **{
            **settings.model_dump(),
            "users_file": tmp_path / "users.json",
            "audit_dir": tmp_path / "audit",
        }
    )


@pytest.fixture
def keys(api_settings: Settings) -> dict[str, str]:
    store = UserStore(api_settings)
    return {
        "rm_a": store.add("rm_a", "rm", "BA"),
        "rm_b": store.add("rm_b", "rm", "BB"),
        "analyst_a": store.add("analyst_a", "analyst", "BA"),
        "admin": store.add("admin", "admin", "HO"),
    }


@pytest.fixture
def api(api_settings: Settings, bank: GraphClient) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as tc:
        yield tc


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def cli_settings(
    bank: GraphClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Settings for CLI tests (``--user NAME``) on :func:`bank`: their own users file and
    audit folder, with analysts of BA and HO and RMs of BA and BB."""
    monkeypatch.setenv("GUANXI_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv("GUANXI_AUDIT_DIR", str(tmp_path / "audit"))
    get_settings.cache_clear()
    s = get_settings()
    store = UserStore(s)
    for name, role, branch in (("ana_ba", "analyst", "BA"), ("ana_ho", "analyst", "HO"),
                               ("rm_ba", "rm", "BA"), ("rm_bb", "rm", "BB")):  # fmt: skip
        store.add(name, role, branch)
    yield s
    get_settings.cache_clear()
