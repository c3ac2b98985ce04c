"""Groups (集团客户) on the real A-share top-10 holders (announcements up to 2020-05),
checked by hand against the groups' own disclosures for a handful of well-known groups.

The extract is loaded through its mapping (as test_loaders_real.py does), then
``run_groups``. Holder companies are keyed by full name, listed companies by their 6-digit
code, and a natural person is keyed by name and company (no entity resolution yet: when it
lands, one person controlling two listed companies becomes one node and joins them, and a
group's holding company, listed itself, becomes the same node as its holder record)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.mapping import MAPPINGS_DIR as MAPPINGS
from guanxi.scoring.risk_graph import run_groups
from tests.conftest import SHARED_DATA

HOLDERS = SHARED_DATA / "cn_ashare_holders" / "import_2020-05"

#: controlling holder → its listed subsidiaries in the extract (checked by hand against the
#: companies' 2019 annual reports: 控股股东 / 实际控制人 sections)
KNOWN = {
    "中国石油天然气集团有限公司": {"601857", "600339", "000617"},  # 中国石油, 中油工程, 中油资本
    "中国海洋石油集团有限公司": {"600583", "600968", "601808"},  # 海油工程, 海油发展, 中海油服
    "横店集团控股有限公司": {"000739", "000795", "002056", "603093", "603103", "603303"},
    "中国船舶重工集团有限公司": {"300527", "600482", "600764", "601989"},
    "国家能源投资集团有限责任公司": {"000966", "600795", "601088"},
}


@pytest.fixture(scope="module")
def groups(client: GraphClient) -> Iterator[dict[str, dict]]:
    wipe(client)
    load(client, [HOLDERS], mapping=MAPPINGS / "cn_ashare_holders.yaml")
    run_groups(client)
    rows = client.run_text(
        "t",
        "MATCH (g:Group) RETURN g.id AS id, g.controller_name AS ctrl, "
        "COLLECT { MATCH (c)-[:MEMBER_OF]->(g) RETURN c.id } AS members",
    )
    yield {r["ctrl"]: r for r in rows if r["ctrl"]}
    wipe(client)


def test_known_groups_have_exactly_their_listed_members(groups: dict[str, dict]) -> None:
    for holder, listed in KNOWN.items():
        assert holder in groups, holder
        members = {m for m in groups[holder]["members"] if m.isdigit() and len(m) == 6}
        assert members == listed, holder


def test_custodians_and_state_asset_administrations_form_no_group(
    groups: dict[str, dict],
) -> None:
    assert not [c for c in groups if "香港中央结算" in c or "中国证券金融" in c]
    assert not [c for c in groups if "国有资产监督管理委员会" in c]
    # 深圳市国资委 controls 深圳能源 and 深圳燃气 directly: they stay apart
    both = [g for g in groups.values() if {"000027", "601139"} <= set(g["members"])]
    assert both == []
