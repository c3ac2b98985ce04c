"""``guanxi documents add|list|show|flags`` with a rendered statement as a PDF (pdftoppm,
then OCR): the lines are read to the fen and add up, the document is filed under the
uploader's branch for the company named, an RM of another branch sees nothing of it, a
file of another type is refused with exit 4, and every run leaves a ``cli`` audit record.

The bank of tests/api/conftest.py: CA is BA1's customer, CB is BB's."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from guanxi.access.audit import AuditLog
from guanxi.cli import app
from guanxi.config import Settings
from guanxi.documents.samples import SampleStatement, render_statement
from guanxi.graph.client import GraphClient

runner = CliRunner()
LINES = {
    "资产总计": 8_765_432.10, "负债合计": 3_765_432.10, "所有者权益合计": 5_000_000.00,
    "负债和所有者权益总计": 8_765_432.10, "营业收入": 12_345_678.90, "营业成本": 9_000_000.00,
    "营业利润": 1_200_000.00, "利润总额": 1_180_000.00, "所得税费用": 295_000.00,
    "净利润": 885_000.00,
}  # fmt: skip


def _json(args: list[str]) -> tuple[int, object]:
    res = runner.invoke(app, [*args, "--json"])
    return res.exit_code, json.loads(res.stdout) if res.stdout.strip() else {}


def test_statement_pdf_through_the_cli(
    cli_settings: Settings, bank: GraphClient, tmp_path: Path
) -> None:
    pdf = tmp_path / "statement.pdf"
    img = render_statement(SampleStatement("甲科技有限公司", "2024-12-31", LINES), scale=0.7)
    img.save(pdf, "PDF", resolution=200)
    code, doc = _json(["documents", "add", str(pdf), "--company", "CA", "--user", "rm_ba"])
    assert code == 0, doc
    assert (doc["kind"], doc["company_id"], doc["matched_by"]) == ("statement", "CA", "given")
    assert doc["media_type"] == "application/pdf" and doc["branch"] == "BA" and doc["valid"]
    got = {f["name"]: f["value"] for f in doc["fields"]}
    assert got["total_assets"] == 8_765_432.10 and got["net_profit"] == 885_000.00
    assert got["period_end"] == "2024-12-31" and got["company"] == "甲科技有限公司"
    rows = bank.console("MATCH (d:Document)-[:DESCRIBES]->(c:Company) RETURN d.id, c.id")["rows"]
    assert rows == [[doc["id"], "CA"]]

    code, listed = _json(["documents", "list", "--user", "rm_ba"])
    assert code == 0 and [d["id"] for d in listed] == [doc["id"]]
    code, listed = _json(["documents", "list", "--user", "rm_bb"])
    assert code == 0 and listed == []
    code, body = _json(["documents", "show", doc["id"], "--user", "rm_bb"])
    assert code == 1 and "No document" in body["message"]
    code, flags = _json(["documents", "flags", "CA", "--user", "rm_ba"])
    assert code == 0 and flags == []  # a statement is not compared with the registry

    gif = tmp_path / "x.gif"
    gif.write_bytes(b"GIF89a0000")
    code, body = _json(["documents", "add", str(gif), "--user", "rm_ba"])
    assert code == 4 and body["error"] == "UnsupportedMediaType"

    records = [r for r in AuditLog(cli_settings).read() if r["kind"] == "cli"]
    got_audit = sorted((r["user"], r["method"], r["status"]) for r in records)
    assert got_audit == sorted([
        ("rm_ba", "documents add", 200), ("rm_ba", "documents list", 200),
        ("rm_bb", "documents list", 200), ("rm_bb", "documents show", 404),
        ("rm_ba", "documents flags", 200), ("rm_ba", "documents add", 415),
    ])  # fmt: skip
    assert AuditLog(cli_settings).verify().ok
