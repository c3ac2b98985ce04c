"""The real A-share extracts load through the YAML mappings in guanxi/loaders/mappings/;
the database counts equal counts computed independently from the files with pandas.

The files are read in place from ../shared/data (never copied into the repository).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.mapping import MAPPINGS_DIR as MAPPINGS
from tests.conftest import SHARED_DATA

EXEC = SHARED_DATA / "cn_ashare_exec"
HOLDERS = SHARED_DATA / "cn_ashare_holders" / "import_2020-05"


def counts(client: GraphClient) -> tuple[dict, dict]:
    labels = {r["label"]: r["count"] for r in client.read("admin.label_counts") if r["count"]}
    types = {r["type"]: r["count"] for r in client.read("admin.rel_type_counts") if r["count"]}
    return labels, types


def test_cn_ashare_exec(db: GraphClient) -> None:
    raw = pd.read_csv(EXEC / "executive_prep.csv", dtype=str, keep_default_na=False)
    stocks = pd.read_csv(EXEC / "stock.csv", dtype=str)
    roles = yaml.safe_load((MAPPINGS / "cn_ashare_exec.yaml").read_text("utf-8"))
    role_map = roles["tables"][2]["columns"]["role"]["map"]
    person = raw["name"] + "|" + raw["gender"] + "|" + raw["age"]
    jobs = raw.assign(person=person, role=raw["jobs"].str.split("/")).explode("role")
    jobs["role"] = jobs["role"].map(role_map)
    assert jobs["role"].notna().all()
    expected_positions = len(jobs.drop_duplicates(["person", "code", "role"]))

    report = load(db, [EXEC], mapping=MAPPINGS / "cn_ashare_exec.yaml")
    assert not report.errors
    labels, types = counts(db)
    assert labels == {"Company": stocks["code"].str.zfill(6).nunique(), "Person": person.nunique()}
    assert types == {"SERVES_AS": expected_positions}
    assert (labels["Person"], types["SERVES_AS"]) == (20872, expected_positions)
    chair = db.run_text(
        "t", "MATCH (p:Person {name: '杜玉岱'})-[r:SERVES_AS]->(c:Company {id: '601058'}) "
        "RETURN collect(r.role) AS roles", write=False,
    )  # fmt: skip
    assert sorted(chair[0]["roles"]) == ["chairman", "director"]
    load(db, [EXEC], mapping=MAPPINGS / "cn_ashare_exec.yaml")
    assert counts(db) == (labels, types)


def test_cn_ashare_holders(db: GraphClient) -> None:
    spec = yaml.safe_load((MAPPINGS / "cn_ashare_holders.yaml").read_text("utf-8"))
    pattern = re.compile(spec["definitions"]["company_pattern"])
    companies = pd.read_csv(HOLDERS / "company.csv", dtype=str)
    hc = pd.read_csv(HOLDERS / "holder_company.csv", dtype=str)
    hc.columns = ["company", "date", "holder", "ratio", "hid", "type"]
    is_company = hc["holder"].map(lambda s: bool(pattern.search(s)))
    # an owner's own-money account is the owner ("X-集团本级-自有资金" → X)
    cut = hc["holder"].str.replace(r"(-(集团本级|自有资金|资本金|自营账户|自有))+$", "", regex=True)
    hc["owner"] = hc["holder"].where(cut.str.contains("-"), cut).where(is_company, hc["holder"])
    org_holders = hc.loc[is_company, "owner"].nunique()
    person_holders = len(hc.loc[~is_company, ["holder", "company"]].drop_duplicates())
    edges = len(hc.drop_duplicates(["owner", "company"]))
    assert "香港中央结算有限公司(陆股通)" in set(hc.loc[is_company, "holder"])

    report = load(db, [HOLDERS], mapping=MAPPINGS / "cn_ashare_holders.yaml")
    assert not report.errors
    assert any("total shareholding" in w.reason for w in report.warnings)
    labels, types = counts(db)
    assert labels == {"Company": len(companies) + org_holders, "Person": person_holders}
    assert types == {"HOLDS_SHARES": edges}
    hkscc = db.run_text(
        "t", "MATCH (h:Company {name: '香港中央结算有限公司(陆股通)'})-[r:HOLDS_SHARES]->"
        "(c:Company) RETURN h.nominee AS nominee, count(r) AS n",
    )  # fmt: skip
    expected = int((hc["holder"] == "香港中央结算有限公司(陆股通)").sum())
    assert hkscc == [{"nominee": True, "n": expected}]
    ping_an = db.run_text(
        "t", "MATCH (c:Company {id: '000001'}) RETURN c.name AS name, c.stock_code AS code"
    )
    assert ping_an == [{"name": "平安银行", "code": "000001"}]


@pytest.mark.slow
def test_both_sources_meet_on_exchange_codes(db: GraphClient) -> None:
    load(db, [EXEC], mapping=MAPPINGS / "cn_ashare_exec.yaml")
    load(db, [HOLDERS], mapping=MAPPINGS / "cn_ashare_holders.yaml")
    both = db.run_text(
        "t", "MATCH (c:Company) WHERE (c)<-[:SERVES_AS]-() AND (c)<-[:HOLDS_SHARES]-() "
        "RETURN count(c) AS n",
    )  # fmt: skip
    stocks = set(pd.read_csv(EXEC / "stock.csv", dtype=str)["code"].str.zfill(6))
    listed = set(pd.read_csv(HOLDERS / "holder_company.csv", dtype=str).iloc[:, 0].str[:6])
    execs = set(pd.read_csv(EXEC / "executive_prep.csv", dtype=str)["code"])
    assert both[0]["n"] == len(stocks & listed & execs)
