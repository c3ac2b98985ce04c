"""Reports on the real A-share holders extract (issue #17): 平安银行 (000001)'s onboarding
report lists its ten largest holders with the registry's exact percentages, names its
controlling holder, and every scenario renders, through the CLI, as HTML, PDF (read back
with ``pdftotext``) and Word (opened with python-docx); a campaign pack writes a zip.

The extract is loaded once for the module (through its YAML mapping, as in
test_groups_real.py); the expected holders are read from the CSV independently of guanxi.
"""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from guanxi.access.scope import Scope
from guanxi.access.users import User
from guanxi.cli import app
from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.mapping import MAPPINGS_DIR as MAPPINGS
from guanxi.reports.build import build_report
from tests.conftest import SHARED_DATA

HOLDERS = SHARED_DATA / "cn_ashare_holders" / "import_2020-05"
PING_AN = "000001"
OPERATOR = Scope(User(name="operator", role="admin", branch=""), frozenset(), frozenset(), True)
runner = CliRunner()


@pytest.fixture(scope="module")
def real(client: GraphClient) -> Iterator[GraphClient]:
    wipe(client)
    load(client, [HOLDERS], mapping=MAPPINGS / "cn_ashare_holders.yaml")
    yield client
    wipe(client)


def registry_top10() -> list[tuple[str, str]]:
    """平安银行's ten largest holders (name, percent as written) from the CSV."""
    with (HOLDERS / "holder_company.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and r[0] == "000001.SZ"]
    rows.sort(key=lambda r: -float(r[3]))
    return [(r[2], r[3]) for r in rows[:10]]


def test_ping_an_onboarding_lists_ten_holders_and_the_controller(real: GraphClient) -> None:
    rep = build_report(real, OPERATOR, PING_AN, "onboarding")
    holders = rep.section("holders").facts
    expected = registry_top10()
    assert len(holders) == 10
    for fact, (name, pct) in zip(holders, expected, strict=True):
        # the loader keeps the holder's legal name: "…(集团)股份有限公司-集团本级-自有资金"
        # is the group itself (docs/loading.md)
        assert name.startswith(fact.cells[1]), (fact.cells, name)
        assert fact.cells[3] == f"{pct}%"
        assert fact.provenance.source.endswith("holder_company.csv")
    assert [f.cells[3] for f in holders[:3]] == ["49.56%", "8.6%", "6.11%"]
    assert holders[1].flag  # 香港中央结算 (陆股通) is a nominee holder
    [ctl] = rep.section("controller").facts
    assert ctl.cells[0] == "中国平安保险(集团)股份有限公司" and ctl.cells[2] == "49.56%"
    assert rep.summary[0].facts == (ctl.id,)


def test_every_scenario_through_the_cli(real: GraphClient, tmp_path: Path) -> None:
    for scenario in ("onboarding", "credit", "change", "visit"):
        out = tmp_path / f"{scenario}.pdf"
        res = runner.invoke(app, ["report", PING_AN, "-s", scenario, "-f", "pdf", "-o", str(out)])
        assert res.exit_code == 0, res.output
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert "平安银行" in text and "page 1 of" in text and "reader operator" in text
        if scenario == "onboarding":
            assert "49.56%" in text and "中国平安保险(集团)股份有限公司" in text
        html = tmp_path / f"{scenario}.html"
        assert (
            runner.invoke(app, ["report", PING_AN, "-s", scenario, "-o", str(html)]).exit_code == 0
        )
        assert "平安银行" in html.read_text(encoding="utf-8")
    docx = tmp_path / "onboarding.docx"
    res = runner.invoke(app, ["report", PING_AN, "-f", "docx", "-o", str(docx)])
    assert res.exit_code == 0, res.output
    cells = [c.text for t in Document(str(docx)).tables for row in t.rows for c in row.cells]
    assert "49.56%" in cells and "中国平安保险(集团)股份有限公司" in cells
    bad = runner.invoke(app, ["report", PING_AN, "-s", "audit", "-o", str(docx)])
    assert bad.exit_code == 4 and "Unknown scenario 'audit'" in bad.output


def test_pack_of_a_campaign_through_the_cli(real: GraphClient, tmp_path: Path) -> None:
    real.console(
        "MERGE (b:Branch {id: 'HO', name: '总行'}) CREATE (c:Campaign {id: 'CMP-REAL', "
        "name: '银行业', owner_branch: 'HO'}) WITH c MATCH (x:Company) "
        "WHERE x.id IN ['000001', '600000', '600036'] "
        "CREATE (c)-[:TARGETS {arm: 'treatment'}]->(x)",
        allow_write=True,
    )
    out = tmp_path / "pack.zip"
    res = runner.invoke(app, ["report-pack", "CMP-REAL", "-s", "onboarding", "-f", "html",
                              "-o", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    names = sorted(zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist())
    assert names == ["000001-onboarding.html", "600000-onboarding.html", "600036-onboarding.html"]
    missing = runner.invoke(app, ["report-pack", "NOPE", "-o", str(out)])
    assert missing.exit_code == 1 and "No campaign 'NOPE'" in missing.output
