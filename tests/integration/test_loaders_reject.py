"""Malformed files are rejected with row-level errors and leave the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guanxi.errors import InvalidData
from guanxi.graph.client import GraphClient
from guanxi.loaders import load

GOOD_USCC = "91350100M000100Y43"
BAD_USCC = "91350100M000100Y44"


def counts(client: GraphClient) -> tuple[dict, dict]:
    labels = {r["label"]: r["count"] for r in client.read("admin.label_counts") if r["count"]}
    types = {r["type"]: r["count"] for r in client.read("admin.rel_type_counts") if r["count"]}
    return labels, types


@pytest.fixture
def seeded(db: GraphClient, tmp_path: Path) -> GraphClient:
    base = tmp_path / "base"
    base.mkdir()
    (base / "companies.csv").write_text(f"id,name\nC1,甲\nC2,乙\n{GOOD_USCC},丙\n", "utf-8")
    (base / "persons.csv").write_text("id,name\nP1,张三\n", "utf-8")
    (base / "shareholdings.csv").write_text(
        "holder_id,holder_type,company_id,pct\nP1,Person,C1,30\n", "utf-8"
    )
    load(db, [base])
    return db


CASES = {
    "wrong_type": (
        "shareholdings.csv",
        "holder_id,holder_type,company_id,pct\nP1,Person,C2,30\nP1,Person,C1,abc\n",
        (3, "pct", "not a number"),
    ),
    "missing_id": (
        "companies.csv", "id,name\nC5,戊\n,无名\n", (3, "id", "missing required value"),
    ),
    "pct_140": (
        "shareholdings.csv",
        "holder_id,holder_type,company_id,pct\nP1,Person,C2,140\n",
        (2, "pct", "out of range"),
    ),
    "unknown_company": (
        "shareholdings.csv",
        "holder_id,holder_type,company_id,pct\nP1,Person,C2,5\nP1,Person,C404,5\n",
        (3, "company_id", "unknown Company 'C404'"),
    ),
    "bad_uscc": (
        "companies.csv", f"id,name\nC6,己\n{BAD_USCC},庚\n", (3, "id", "bad USCC check"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_file_is_rejected(seeded: GraphClient, tmp_path: Path, case: str) -> None:
    name, text, (row, column, reason) = CASES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = counts(seeded)
    with pytest.raises(InvalidData) as exc:
        load(seeded, [path])
    errors = [e for e in exc.value.errors if e.severity == "error"]
    assert any(
        e.file == name and e.row == row and e.column == column and reason in e.reason
        for e in errors
    ), errors
    assert counts(seeded) == before


def test_undecodable_byte_is_rejected(seeded: GraphClient, tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_bytes("id,name\nC7,辛\n".encode() + b"C8,\xff\xfe\x80\n")
    before = counts(seeded)
    with pytest.raises(InvalidData) as exc:
        load(seeded, [path])
    (err,) = exc.value.errors
    assert err.file == "companies.csv" and err.row == 3 and "undecodable" in err.reason
    assert counts(seeded) == before


def test_cli_exit_code_and_json(seeded: GraphClient, tmp_path: Path) -> None:
    from guanxi.cli import app

    name, text, _ = CASES["pct_140"]
    (tmp_path / name).write_text(text, encoding="utf-8")
    before = counts(seeded)
    result = CliRunner().invoke(app, ["load", str(tmp_path / name), "--json"])
    assert result.exit_code == InvalidData.exit_code == 4
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["error"] == "InvalidData"
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "pct"
    assert counts(seeded) == before


def test_skip_bad_rows_writes_good_rows_and_rejects(seeded: GraphClient, tmp_path: Path) -> None:
    path = tmp_path / "shareholdings.csv"
    path.write_text(
        "holder_id,holder_type,company_id,pct\nP1,Person,C2,10\nP1,Person,C404,5\n", "utf-8"
    )
    rejects = tmp_path / "rejects.csv"
    report = load(seeded, [path], skip_bad_rows=True, reject_file=rejects)
    assert report.families["shareholdings"].written == 1
    assert report.families["shareholdings"].rejected == 1
    text = rejects.read_text(encoding="utf-8")
    assert "C404" in text and "unknown Company" in text
    assert counts(seeded)[1]["HOLDS_SHARES"] == 2
