"""Loading twice, or re-running after a crash, reaches the same counts; provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from guanxi.graph.client import GraphClient
from guanxi.loaders import load

FILES = {
    "branches.csv": "id,name,level,parent_id\nHO,总行,head_office,\nSH,上海分行,branch,HO\n",
    "products.csv": "code,name,line\nLOAN1,流贷,credit\n",
    "companies.csv": "id,name,tags\nC1,甲,high_tech;specialized_sme\nC2,乙,\nC3,丙,\n",
    "persons.csv": "id,name\nP1,张三\nP2,李四\n",
    "rms.csv": "id,name,business_line,branch_id\nRM1,王经理,corporate,SH\n",
    "shareholdings.csv": "holder_id,holder_type,company_id,pct\nP1,Person,C1,30\n"
    "C2,Company,C1,60\nC3,Company,C2,51\n",
    "positions.csv": "person_id,company_id,role\nP1,C1,chairman\nP1,C1,director\nP2,C2,ceo\n",
    "supply.csv": "supplier_id,buyer_id,amount\nC2,C1,1000\n",
    "payments.csv": "payer_id,payee_id,amount,date\nC1,C2,100,2020-01-01\n"
    "C1,C2,50,2020-03-01\nC2,C3,7,2020-02-01\n",
    "guarantees.csv": "guarantor_id,borrower_id,amount\nC1,C3,500\n",
    "customers.csv": "company_id,branch_id,since\nC1,SH,2019-05-01\n",
    "manages.csv": "rm_id,company_id\nRM1,C1\n",
    "product_holdings.csv": "company_id,product_code,balance\nC1,LOAN1,1e6\n",
    "contacts.csv": "from_id,from_type,person_id,strength\nRM1,RelationshipManager,P1,0.8\n"
    "P1,Person,P2,0.5\n",
}
EXPECTED_TYPES = {
    "PART_OF": 1, "WORKS_AT": 1, "HOLDS_SHARES": 3, "SERVES_AS": 3, "SUPPLIES": 1, "PAYS": 2,
    "GUARANTEES": 1, "CUSTOMER_OF": 1, "MANAGES": 1, "HOLDS_PRODUCT": 1, "KNOWS": 2,
}  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def counts(client: GraphClient) -> tuple[dict, dict]:
    labels = {r["label"]: r["count"] for r in client.read("admin.label_counts") if r["count"]}
    types = {r["type"]: r["count"] for r in client.read("admin.rel_type_counts") if r["count"]}
    return labels, types


def test_every_family_loads_and_twice_changes_nothing(db: GraphClient, folder: Path) -> None:
    load(db, [folder])
    first = counts(db)
    assert first[0] == {
        "Branch": 2, "Company": 3, "Person": 2, "Product": 1, "RelationshipManager": 1,
    }  # fmt: skip
    assert first[1] == EXPECTED_TYPES
    load(db, [folder])
    assert counts(db) == first
    pays = db.run_text(
        "t", "MATCH (:Company {id:'C1'})-[r:PAYS]->(:Company {id:'C2'}) RETURN r.amount AS a, "
        "r.count AS n, toString(r.first) AS f, toString(r.last) AS l"
    )  # fmt: skip
    assert pays == [{"a": 150.0, "n": 2, "f": "2020-01-01", "l": "2020-03-01"}]


def test_provenance_on_every_node_and_relationship(db: GraphClient, folder: Path) -> None:
    report = load(db, [folder], ingested_by="SH")
    missing = db.run_text(
        "t",
        "CALL () { MATCH (n) WHERE NOT n:GuanxiMeta AND (n.source IS NULL OR n.load_id <> $id "
        "OR n.loaded_at IS NULL OR n.ingested_by <> 'SH') RETURN count(n) AS a } "
        "CALL () { MATCH ()-[r]->() WHERE r.source IS NULL OR r.load_id <> $id "
        "OR r.loaded_at IS NULL OR r.ingested_by <> 'SH' RETURN count(r) AS b } RETURN a, b",
        {"id": report.load_id},
    )
    assert missing == [{"a": 0, "b": 0}]


def test_crash_mid_load_is_safe_to_rerun(db: GraphClient, folder: Path) -> None:
    class Crash(Exception):
        pass

    calls = 0

    def crash(family: str, n: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise Crash

    with pytest.raises(Crash):
        load(db, [folder], batch_size=1, progress=crash)
    assert sum(counts(db)[0].values()) < 9
    load(db, [folder], batch_size=1)
    assert counts(db)[1] == EXPECTED_TYPES
    assert sum(counts(db)[0].values()) == 9


def test_manifest_folder_and_stub_nodes(db: GraphClient, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("id,name\nC1,甲\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        '{"version": 1, "source": "unit", "files": {"companies": "c.csv"}}', encoding="utf-8"
    )
    report = load(db, [tmp_path])
    assert report.families["companies"].written == 1
    assert counts(db)[0] == {"Company": 1}
