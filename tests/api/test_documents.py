"""Document intake through the API and the page: a rendered licence uploaded by an RM of
BA is read by OCR, matched by its USCC, stored once (the same file twice is one
document), flagged where it disagrees with the registry, audited, and invisible to an RM
of BB until BB uploads the same file; bad uploads are refused (413, 415, 404).

One OCR run (about 5 s on two cores): the test image is small and read once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from guanxi.access.audit import AuditLog
from guanxi.api.app import create_app
from guanxi.config import Settings
from guanxi.documents.samples import SampleLicence, degrade, render_licence, to_bytes
from guanxi.graph.client import GraphClient
from tests.api.conftest import auth

USCC = "91350100M000100Y43"
REGISTRY = f"""
CREATE (c:Company {{id: '{USCC}', name: '福州星河科技有限公司', registered_capital: 1000.0,
                   founded: date('2015-03-12')}})
CREATE (p:Person {{id: 'P-L', name: '李娜'}})-[:SERVES_AS {{role: 'legal_rep'}}]->(c)
"""
LICENCE = SampleLicence(
    name="福州星河科技有限公司", uscc=USCC, legal_rep="张伟", registered_capital=1200.0,
    founded="2015-03-12", address="福建省福州市鼓楼区五四路128号",
    scope="软件开发；信息技术咨询服务",
)  # fmt: skip


@pytest.fixture(scope="module")
def licence_png() -> bytes:
    img = degrade(render_licence(LICENCE, scale=0.8), np.random.default_rng(3), quality=60)
    return to_bytes(img, "PNG")


def _count(db: GraphClient, query: str) -> int:
    return db.console(query)["rows"][0][0]


def test_upload_match_dedupe_flags_scope_and_audit(
    api: TestClient,
    keys: dict[str, str],
    bank: GraphClient,
    api_settings: Settings,
    licence_png: bytes,
) -> None:
    bank.console(REGISTRY, allow_write=True)
    files = {"file": ("licence.png", licence_png, "image/png")}
    r = api.post("/api/v1/documents", files=files, headers=auth(keys["rm_a"]))
    assert r.status_code == 201, r.text
    doc = r.json()
    got = {f["name"]: f["value"] for f in doc["fields"]}
    assert doc["kind"] == "licence" and doc["valid"] and not doc["existing"]
    assert (doc["company_id"], doc["matched_by"], doc["branch"]) == (USCC, "uscc", "BA")
    assert got["uscc"] == USCC and got["legal_rep"] == "张伟"
    assert got["registered_capital"] == 1200.0 and got["founded"] == "2015-03-12"
    assert all(0.5 < f["confidence"] <= 1 for f in doc["fields"])
    q = f"MATCH (d:Document)-[:DESCRIBES]->(:Company {{id: '{USCC}'}}) RETURN count(d)"
    assert _count(bank, q) == 1

    again = api.post("/api/v1/documents", files=files, headers=auth(keys["rm_a"])).json()
    assert again["existing"] and again["id"] == doc["id"]
    assert _count(bank, "MATCH (d:Document) RETURN count(d)") == 1

    mine = api.get(f"/api/v1/companies/{USCC}/documents", headers=auth(keys["rm_a"])).json()
    assert [d["id"] for d in mine["documents"]] == [doc["id"]]
    assert [(f["kind"], f["document_value"], f["registry_value"]) for f in mine["flags"]] == [
        ("legal_rep_differs", "张伟", ["李娜"]),
        ("capital_differs", 1200.0, 1000.0),
    ]
    page = api.get("/ui/documents", headers=auth(keys["rm_a"])).text
    assert doc["id"] in page and "张伟" in page

    # an RM of another branch sees nothing of it: list, one, company view, page
    other = auth(keys["rm_b"])
    assert api.get("/api/v1/documents", headers=other).json() == []
    assert api.get(f"/api/v1/documents/{doc['id']}", headers=other).status_code == 404
    theirs = api.get(f"/api/v1/companies/{USCC}/documents", headers=other).json()
    assert theirs["documents"] == [] and theirs["flags"] == []
    assert doc["id"] not in api.get("/ui/documents", headers=other).text
    # the admin sees it
    assert api.get(f"/api/v1/documents/{doc['id']}", headers=auth(keys["admin"])).status_code == 200

    records = list(AuditLog(api_settings).read())
    posts = [x for x in records if x["endpoint"] == "/api/v1/documents" and x["method"] == "POST"]
    assert [(x["user"], x["status"]) for x in posts] == [("rm_a", 201), ("rm_a", 201)]
    assert any(x["endpoint"] == f"/api/v1/documents/{doc['id']}" and x["user"] == "rm_b"
               and x["status"] == 404 for x in records)  # fmt: skip

    # BB uploads the same file: still one document, now BB sees it too (not read again)
    theirs_up = api.post("/api/v1/documents", files=files, headers=other).json()
    assert theirs_up["existing"] and theirs_up["id"] == doc["id"]
    # filed for BB under BB: who else holds the file (BA, rm_a) is not BB's to know
    assert (theirs_up["branch"], theirs_up["uploaded_by"]) == ("BB", "")
    assert [d["id"] for d in api.get("/api/v1/documents", headers=other).json()] == [doc["id"]]
    assert _count(bank, "MATCH (d:Document) RETURN count(d)") == 1


def test_bad_uploads_are_refused_and_nothing_is_stored(
    api_settings: Settings, keys: dict[str, str], bank: GraphClient
) -> None:
    small = api_settings.model_copy(update={"document_max_bytes": 1000})
    with TestClient(create_app(small)) as api:
        h = auth(keys["rm_a"])
        big = {"file": ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000, "image/png")}
        assert api.post("/api/v1/documents", files=big, headers=h).status_code == 413
        gif = {"file": ("x.gif", b"GIF89a" + b"0" * 10, "image/gif")}
        r = api.post("/api/v1/documents", files=gif, headers=h)
        assert r.status_code == 415 and "PNG, JPEG, TIFF or PDF" in r.json()["message"]
        png = {"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image/png")}
        r = api.post("/api/v1/documents", files=png, data={"company_id": "NOPE"}, headers=h)
        assert r.status_code == 404 and "NOPE" in r.json()["message"]
        assert api.post("/api/v1/documents", files=png).status_code == 401
    assert _count(bank, "MATCH (d:Document) RETURN count(d)") == 0


def test_documents_page_has_an_upload_form(api: TestClient, keys: dict[str, str]) -> None:
    page = api.get("/ui/documents", headers=auth(keys["rm_a"]))
    assert page.status_code == 200
    assert 'id="gx-upload"' in page.text and 'type="file"' in page.text
    assert "none yet" in page.text


def test_a_png_that_is_not_an_image_is_invalid_data(
    api: TestClient, keys: dict[str, str], tmp_path: Path
) -> None:
    png = {"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image/png")}
    r = api.post("/api/v1/documents", files=png, headers=auth(keys["rm_a"]))
    assert r.status_code == 422 and "cannot decode" in r.json()["message"]
