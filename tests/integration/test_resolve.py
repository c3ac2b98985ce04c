"""Entity resolution end to end (issue 18): ``guanxi resolve`` proposes SAME_AS pairs and
a review file, ``resolve apply`` merges the accepted ones onto one canonical party that
queries and scores see, ``resolve undo`` reverses a merge; and on the real A-share data,
平安银行's controlling holder becomes the 中国平安 (601318) node."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.loaders.resolution import apply_decisions, propose
from guanxi.loaders.review import read_review, write_review
from guanxi.scoring.ownership import company_ownership
from tests.conftest import SHARED_DATA

FIX = Path(__file__).resolve().parent.parent / "fixtures"
runner = CliRunner()


def _sg(name: str) -> str:
    return "SG-" + hashlib.sha1(name.upper().encode()).hexdigest()[:16]


def _one(db: GraphClient, text: str, **params: object) -> object:
    return db.run_text("t", text, params)[0]["v"]


def test_review_merge_and_undo(db: GraphClient, tmp_path: Path) -> None:
    load(db, [FIX / "sg_top20"], mapping=FIX / "sg_top20" / "mapping.yaml")
    load(db, [FIX / "resolve" / "sg_registry"])
    review = tmp_path / "review.csv"
    res = runner.invoke(app, ["resolve", "--review", str(review), "--json"])
    assert res.exit_code == 0, res.output
    sheet = pd.read_csv(review, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    pairs = {frozenset((a, b)) for a, b in zip(sheet["left_id"], sheet["right_id"], strict=True)}
    keppel = frozenset((_sg("Keppel Corporation Limited"), "196800351E"))
    temasek = frozenset((_sg("TEMASEK HOLDINGS (PRIVATE) LIMITED"), "197401143C"))
    assert {keppel, temasek} <= pairs
    # Keppel Capital is another party (a subsidiary): not proposed
    assert not any("201834567K" in p for p in pairs)
    is_keppel = [
        frozenset((a, b)) == keppel for a, b in zip(sheet.left_id, sheet.right_id, strict=True)
    ]
    row = sheet[is_keppel]
    assert "name: same name" in row["evidence"].iloc[0]

    # a decision that is neither accept nor reject: exit 4, nothing applied
    bad = sheet.assign(decision="maybe")
    bad.to_csv(tmp_path / "bad.csv", index=False)
    res = runner.invoke(app, ["resolve", "apply", str(tmp_path / "bad.csv"), "--json"])
    assert res.exit_code == 4
    err = json.loads(res.stdout)["errors"][0]
    assert (err["file"], err["row"], err["column"]) == ("bad.csv", 2, "decision")
    assert _one(db, "MATCH (m:MergeLog) RETURN count(m) AS v") == 0

    sheet["decision"] = ["accept" if k else "reject" for k in is_keppel]
    sheet.to_csv(review, index=False, encoding="utf-8-sig")
    res = runner.invoke(app, ["resolve", "apply", str(review), "--json"])
    assert res.exit_code == 0, res.output
    done = json.loads(res.stdout)
    assert done["rejected"] == len(sheet) - 1
    [merge] = done["merged"]
    # the listed issuer node is canonical; the registry record stays, as a SourceRecord
    assert (merge["canonical"], merge["duplicate"]) == (
        _sg("Keppel Corporation Limited"),
        "196800351E",
    )  # noqa: E501
    assert _one(db, "MATCH (c:Company {id: '196800351E'}) RETURN count(c) AS v") == 0
    src = db.run_text("t", "MATCH (s:SourceRecord {id: '196800351E'}) RETURN s.source AS source, "
                      "s.merged_into AS into, s.industry AS industry")  # fmt: skip
    assert src == [
        {"source": "companies.csv", "into": merge["canonical"], "industry": "conglomerate"}
    ]
    # queries and scores see one Keppel: its CEO (from the registry) and its REIT holding
    both = db.run_text(
        "t", "MATCH (p:Person)-[:SERVES_AS]->(k:Company {id: $k})-[h:HOLDS_SHARES]->(r:Company) "
        "RETURN p.name AS ceo, r.stock_code AS reit, k.aliases AS aliases",
        {"k": merge["canonical"]},
    )  # fmt: skip
    assert both == [{"ceo": "Loh Chin Hua", "reit": "K71U", "aliases": []}]  # one spelling
    reit = company_ownership(db, _sg("Keppel REIT"))
    assert reit.controller.controller_id == merge["canonical"]

    # loading the registry again neither recreates the duplicate nor adds a relationship
    again = load(db, [FIX / "resolve" / "sg_registry"])
    assert not again.errors
    assert _one(db, "MATCH (c:Company {id: '196800351E'}) RETURN count(c) AS v") == 0
    ceo = "MATCH (:Person {name: 'Loh Chin Hua'})-[r:SERVES_AS]->(k) RETURN collect(k.id) AS v"
    assert _one(db, ceo) == [merge["canonical"]]
    loaded = "MATCH (s:SourceRecord {id: '196800351E'}) RETURN s.load_id AS v"
    assert _one(db, loaded) == again.load_id

    # undo: the registry record is a Company again, with its own relationship
    res = runner.invoke(app, ["resolve", "undo", merge["merge_id"], "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["restored"] == 1
    back = db.run_text("t", "MATCH (p:Person)-[:SERVES_AS]->(k:Company {id: '196800351E'}) "
                       "RETURN p.name AS ceo")  # fmt: skip
    assert back == [{"ceo": "Loh Chin Hua"}]
    assert _one(db, "MATCH (s:SourceRecord) RETURN count(s) AS v") == 0
    again = runner.invoke(app, ["resolve", "undo", merge["merge_id"], "--json"])
    assert (again.exit_code, json.loads(again.stdout)["error"]) == (1, "NotFound")
    # decided pairs (accepted then undone, rejected) are not proposed again
    rep, _ = propose(db, "Company")
    assert rep.candidates == 0


def test_ping_an_bank_is_controlled_through_ping_an_after_resolution(
    db: GraphClient, tmp_path: Path
) -> None:
    load(db, [SHARED_DATA / "cn_ashare_holders" / "import_2020-05"], mapping="cn_ashare_holders")
    before = company_ownership(db, "000001").controller
    # the own-money account is cut to its owner by the mapping, still a holder node
    assert before.controller_name == "中国平安保险(集团)股份有限公司"
    assert before.controller_id != "601318"
    _, pairs = propose(db, "Company")
    review = tmp_path / "review.xlsx"
    write_review(pd.DataFrame(db.read("resolve.candidates", run_id=None)), review)
    sheet = pd.read_excel(review, dtype=str)
    mine = (sheet["left_id"] == "601318") | (sheet["right_id"] == "601318")
    assert mine.sum() == 1  # 中国平安's registered name is one holder node
    sheet["decision"] = ["accept" if m else "" for m in mine]
    sheet.to_excel(review, index=False)
    report = apply_decisions(db, read_review(review), by="test")
    assert len(report.merged) == 1
    ctl = company_ownership(db, "000001").controller
    assert (ctl.controller_id, ctl.controller_name, ctl.kind) == ("601318", "中国平安", "relative")
    assert ctl.chain == ("601318", "000001")
    # 中国平安's own control: none (no bloc holds enough), so the chain stops at it
    assert company_ownership(db, "601318").controller.kind == "none"
