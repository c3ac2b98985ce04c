"""Scenario reports through the API (docs/reports.md): every scenario and format for the
small bank of conftest.py, plus provenance, a nominee holder, supply and guarantee links,
a partner-list match, a risk flag, a campaign task and a document. Each report is checked
for its facts and footnotes, the PDF with ``pdftotext``/``pdftoppm``, the Word file with
python-docx, the audit record, and that Beijing's RM sees none of Shanghai's internal facts
about CA in any format."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.config import Settings
from guanxi.graph.client import GraphClient
from guanxi.psi.tag import tag_matches
from guanxi.records.psi import MatchResult

from .conftest import auth

EXTRA = """
MATCH (ca:Company {id: 'CA'}), (cb:Company {id: 'CB'}), (pa:Person {id: 'P-A'}),
      (rma:RelationshipManager {id: 'RM-A'})
SET rma.user = 'rm_a', ca.source = 'registry_2024.csv',
    ca.loaded_at = datetime('2024-05-01T08:00:00Z'), ca.ingested_by = 'BA',
    ca.uscc = '91310000MA1K000001'
CREATE (pa)-[:HOLDS_SHARES {pct: 60.0, source: 'holders_2024.csv',
        loaded_at: datetime('2024-05-02T08:00:00Z'), ingested_by: 'BB'}]->(ca)
CREATE (:Company {id: 'CN', name: '香港中央结算有限公司', nominee: true})
       -[:HOLDS_SHARES {pct: 15.5, source: 'holders_2024.csv'}]->(ca)
CREATE (cb)-[:SUPPLIES {share: 0.4, amount: 1.0e6, source: 'supply_2024.csv'}]->(ca)
CREATE (ca)-[:GUARANTEES {amount: 500.0, source: 'guarantees_2024.csv'}]->(cb)
CREATE (:RiskFlag {id: 'CA/litigation', kind: 'litigation', severity: 0.7,
        note: '诉讼案件QX7', source: 'risk_list.csv', ingested_by: 'BA'})-[:FLAGS]->(ca)
CREATE (cmp:Campaign {id: 'CMP-R1', name: '春季拓客QX', owner_branch: 'BA', status: 'active'})
CREATE (cmp)-[:TARGETS {arm: 'treatment'}]->(ca)
CREATE (cmp)-[:TARGETS {arm: 'treatment'}]->(cb)
CREATE (cmp)-[:TARGETS {arm: 'control'}]->(:Company {id: 'CC', name: '丁对照有限公司'})
CREATE (t:Task {id: 'T-R1', status: 'open', due: date('2030-01-31'), channel: 'visit',
        key_contact_name: '张三'})
CREATE (t)-[:FOR]->(cmp), (t)-[:ABOUT]->(ca), (t)-[:ASSIGNED_TO]->(rma)
"""
#: CA's bank-internal facts (Shanghai's): product, balance, payment, its RM, the partner
#: list and its provenance, the risk flag, the campaign task
CA_INTERNAL = ("流动资金贷款", "10,000,000", "5,000,000", "王经理", "科技局", "openmined",
               "诉讼案件QX7", "春季拓客QX", "ingested by BA")  # fmt: skip
SCENARIOS = ("onboarding", "credit", "change", "visit")


def _tag(db: GraphClient) -> None:
    res = MatchResult(
        server="http://partner", protocol="openmined-psi 2.0.6 ECDH P-256", reveal=True,
        candidates=3, size=2, fpr=1e-9, bytes_sent=0, bytes_received=0, matched_ids=("CA",),
    )  # fmt: skip
    tag_matches(db, res, "high_tech_register", "科技局", ingested_by="BA")


@pytest.fixture
def rich(bank: GraphClient) -> GraphClient:
    bank.console(EXTRA, allow_write=True)
    _tag(bank)
    return bank


def _get(api: TestClient, key: str, cid: str, scenario: str, fmt: str):  # noqa: ANN202
    return api.get(f"/api/v1/companies/{cid}/reports/{scenario}", params={"format": fmt},
                   headers=auth(key))  # fmt: skip


def pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs] + [doc.sections[0].header.paragraphs[0].text]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_onboarding_json_has_facts_with_provenance(api: TestClient, rich, keys) -> None:
    r = _get(api, keys["rm_a"], "CA", "onboarding", "json")
    assert r.status_code == 200
    rep = r.json()
    holders = {f["cells"][1]: f for f in _section(rep, "holders")["facts"]}
    assert holders["张三"]["cells"][3] == "60%"
    assert holders["张三"]["provenance"] == {
        "source": "holders_2024.csv",
        "loaded": "2024-05-02",
        "org": None,
    }  # BB ingested it: not rm_a's to see
    assert holders["香港中央结算有限公司"]["flag"] is True  # the nominee
    [ctl] = _section(rep, "controller")["facts"]
    assert ctl["cells"][0] == "张三" and ctl["provenance"]["source"].startswith("guanxi actual")
    assert ctl["provenance"]["source"].endswith("holders_2024.csv")
    prof = {f["cells"][0]: f for f in _section(rep, "profile")["facts"]}
    assert prof["统一社会信用代码"]["provenance"]["org"] == "BA"  # rm_a's own branch
    [tag] = _section(rep, "partners")["facts"]
    assert tag["cells"][:2] == ["high_tech_register", "科技局"]
    assert tag["cells"][3].startswith("openmined-psi") and tag["cells"][4] == "1e-09"
    risk = [f["text"] for f in _section(rep, "risk")["facts"]]
    assert any("诉讼案件QX7" in t or "litigation" in t for t in risk)
    assert _section(rep, "documents")["note"] == "no documents"
    ids = {f["id"] for s in rep["sections"] for f in s["facts"]}
    assert ids == {f"F{i}" for i in range(1, len(ids) + 1)}
    assert rep["summary"] and all(set(s["facts"]) <= ids for s in rep["summary"])
    assert rep["reader"] == "rm_a (rm)" and rep["scope"].startswith("branch BA")


def _section(rep: dict, key: str) -> dict:
    return next(s for s in rep["sections"] if s["key"] == key)


def test_each_scenario_and_format(api: TestClient, rich, keys, tmp_path: Path) -> None:
    for scenario in SCENARIOS:
        html = _get(api, keys["rm_a"], "CA", scenario, "html")
        assert html.status_code == 200 and "甲科技有限公司" in html.text
        pdf = _get(api, keys["rm_a"], "CA", scenario, "pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content, tmp_path)
        assert "甲科技有限公司" in text and "reader rm_a (rm)" in text
        assert re.search(r"page 1 of \d", text) and "Sources" in text
        out = subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "r.pdf"),
                              str(tmp_path / scenario)], check=True)  # fmt: skip
        assert out.returncode == 0
        pages = sorted(tmp_path.glob(f"{scenario}-*.png"))
        assert len(pages) == int(re.search(r"page 1 of (\d+)", text).group(1))
        assert all(p.stat().st_size > 2000 for p in pages)
    credit = pdf_text(_get(api, keys["rm_a"], "CA", "credit", "pdf").content, tmp_path)
    assert "乙制造有限公司" in credit and "40%" in credit  # the supplier and its share
    visit = _get(api, keys["rm_a"], "CA", "visit", "json").json()
    assert [f["cells"][0] for f in _section(visit, "tasks")["facts"]] == ["春季拓客QX"]
    assert _section(visit, "contacts")["facts"][0]["cells"][1] == "张三"


def test_word_forms(api: TestClient, rich, keys) -> None:
    for scenario, source in (("onboarding", "holders_2024.csv"), ("credit", "supply_2024.csv")):
        r = _get(api, keys["rm_a"], "CA", scenario, "docx")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        text = docx_text(r.content)
        assert "甲科技有限公司" in text and "reader rm_a (rm)" in text
        assert source in text
    assert "60%" in docx_text(_get(api, keys["rm_a"], "CA", "onboarding", "docx").content)
    visit = docx_text(_get(api, keys["rm_a"], "CA", "visit", "docx").content)
    assert "拜访简报" in visit and "春季拓客QX" in visit  # every scenario has a Word form


def test_another_branch_sees_no_internal_fact(api: TestClient, rich, keys, tmp_path) -> None:
    admin = _get(api, keys["admin"], "CA", "credit", "html").text
    assert "流动资金贷款" in admin and "5,000,000" in admin  # the markers are real
    admin += _get(api, keys["admin"], "CA", "onboarding", "html").text
    admin += _get(api, keys["admin"], "CA", "visit", "html").text
    assert [m for m in CA_INTERNAL if m not in admin] == []
    for scenario in SCENARIOS:
        texts = [_get(api, keys["rm_b"], "CA", scenario, f).text for f in ("html", "json")]
        texts.append(pdf_text(_get(api, keys["rm_b"], "CA", scenario, "pdf").content, tmp_path))
        texts.append(docx_text(_get(api, keys["rm_b"], "CA", scenario, "docx").content))
        for t in texts:
            assert [m for m in CA_INTERNAL if m in t] == [], scenario


def test_reports_are_audited(api: TestClient, rich, keys, api_settings: Settings) -> None:
    _get(api, keys["rm_b"], "CA", "credit", "pdf")
    [rec] = list(AuditLog(api_settings).read(limit=1, newest_first=True))
    assert rec["kind"] == "export" and rec["user"] == "rm_b"
    assert rec["query"] == "report.credit" and rec["params"]["format"] == "pdf"
    assert rec["rows"] > 0


def test_errors(api: TestClient, rich, keys) -> None:
    assert _get(api, keys["rm_a"], "NOPE", "visit", "html").status_code == 404
    assert _get(api, keys["rm_a"], "CA", "audit", "html").status_code == 422
    assert _get(api, keys["rm_a"], "CA", "visit", "xls").status_code == 422
    assert api.get("/api/v1/companies/CA/reports/visit").status_code == 401


def test_page_and_links(api: TestClient, rich, keys) -> None:
    page = api.get("/ui/reports/visit/CA", headers=auth(keys["rm_a"]))
    assert page.status_code == 200
    for href in ("/ui/reports/onboarding/CA", "/api/v1/companies/CA/reports/visit?format=pdf",
                 "/ui/ownership/CA", "/ui/network/CA"):  # fmt: skip
        assert f'href="{href}"' in page.text
    own = api.get("/ui/ownership/CA", headers=auth(keys["rm_a"])).text
    assert "/ui/reports/onboarding/CA" in own
    assert "reports/onboarding" in api.get("/ui/").text


def test_documents_hook(api: TestClient, rich, keys) -> None:
    # a licence as document intake stores it (guanxi/documents), uploaded by branch BA,
    # whose legal representative is not the registry's
    fields = json.dumps([{"name": "legal_rep", "value": "李四", "raw": "李四", "confidence": 0.93},
                         {"name": "name", "value": "甲公司", "raw": "甲公司", "confidence": 0.99}],
                        ensure_ascii=False)  # fmt: skip
    rich.console(
        "MATCH (c:Company {id: 'CA'}) "
        "CREATE (p:Person {id: 'P-REP', name: '张三'})-[:SERVES_AS {role: 'legal_rep'}]->(c) "
        "CREATE (:Document {id: 'D1', kind: 'licence', file_name: 'licence.png', sha256: "
        "'ab12cd34ef56ab12cd34', engine: 'rapidocr', uploaded_by: 'rm_a', branch: 'BA', "
        "branches: ['BA'], uploaded_at: datetime(), fields: $fields})-[:DESCRIBES]->(c)",
        {"fields": fields},
        allow_write=True,
    )
    mine = _section(_get(api, keys["rm_a"], "CA", "onboarding", "json").json(), "documents")
    [doc] = mine["facts"]
    assert (
        doc["flag"]
        and "legal_rep: 文件 李四 ≠ 登记" in doc["cells"][4]
        and "张三" in doc["cells"][4]
    )
    assert doc["cells"][0] == "licence" and doc["cells"][3] == "0.93"
    other = _section(_get(api, keys["rm_b"], "CA", "onboarding", "json").json(), "documents")
    assert other["facts"] == []  # uploaded by another branch


def test_campaign_pack(api: TestClient, rich, keys) -> None:
    r = api.get("/api/v1/campaigns/CMP-R1/reports/visit", params={"format": "html"},
                headers=auth(keys["rm_a"]))  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert names == ["CA-visit.html", "CB-visit.html"]  # the treatment arm only
    # Beijing's RM has no task of it and does not own it
    assert api.get("/api/v1/campaigns/CMP-R1/reports/visit",
                   headers=auth(keys["rm_b"])).status_code == 404  # fmt: skip


def test_change_review_since(api: TestClient, rich, keys) -> None:
    rep = _get(api, keys["rm_a"], "CA", "change", "json").json()
    assert _section(rep, "changes")["note"] == "no changes recorded"
    r = api.get("/api/v1/companies/CA/reports/change", params={"format": "json",
                "since": "2024-01-01"}, headers=auth(keys["rm_a"]))  # fmt: skip
    assert _section(r.json(), "changes")["title"].endswith("since 2024-01-01")
    assert json.loads(r.text)["scenario"] == "change"
