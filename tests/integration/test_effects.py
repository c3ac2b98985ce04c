"""``guanxi stats`` and ``guanxi settle`` against the real database (issue #16).

A simulated campaign's statistics agree with counts made from the simulator's own output;
a conversion introduced through another branch's customer is split by the rule, its
entries sum to its income, settling twice changes nothing, a closed month cannot change
and a later change of value is posted as correction entries in an open month.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.graph.client import GraphClient
from tests.api.conftest import SEED
from tests.api.test_campaigns import MORE

pytestmark = pytest.mark.integration
runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout


def _n(db: GraphClient, q: str) -> int:
    return db.console(q)["rows"][0][0]


def test_stats_of_a_simulated_campaign_match_the_simulation(
    db: GraphClient, tmp_path: Path
) -> None:
    db.console(SEED, allow_write=True)
    db.console(MORE, allow_write=True)
    ids = tmp_path / "targets.csv"
    ids.write_text("id,reason\n" + "".join(f"T{i},list\n" for i in range(10)))
    start = str(date.today() - timedelta(days=30))
    code, out = _cli("campaign", "create", "--name", "sim", "--branch", "BA", "--ids", str(ids),
                     "--id", "CMP-E", "--start", start, "--control", "0.3", "--json")  # fmt: skip
    assert code == 0, out
    truth_file = tmp_path / "ground_truth.json"
    code, out = _cli("campaign", "simulate", "CMP-E", "--seed", "5", "--truth", str(truth_file))
    assert code == 0, out
    truth = json.loads(truth_file.read_text())["campaigns"]["CMP-E"]["targets"]
    xlsx = tmp_path / "stats.xlsx"
    code, out = _cli("stats", "CMP-E", "--json", "--excel", str(xlsx))
    assert code == 0, out
    s = json.loads(out)
    treat = [t for t in truth if t["arm"] == "treatment"]
    ctrl = [t for t in truth if t["arm"] == "control"]
    funnel = {f["stage"]: f["count"] for f in s["funnel"]}
    assert funnel["targets"] == len(treat) == 7
    assert funnel["touched"] == sum(t["worked"] for t in treat)
    assert funnel["converted"] == sum(t["converted"] for t in treat) == s["treatment"]["k"]
    assert (s["control"]["k"], s["control"]["n"]) == (sum(t["converted"] for t in ctrl), 3)
    u = s["uplift"]
    assert u["diff"] == pytest.approx(s["treatment"]["rate"] - s["control"]["rate"])
    assert u["low"] <= u["diff"] <= u["high"]
    assert s["warm_vs_cold"]["note"].startswith("Warm against cold is observational")
    by_channel = s["breakdowns"]["channel"]
    assert sum(g["targets"] for g in by_channel) == 7
    wb = openpyxl.load_workbook(xlsx)
    assert {"summary", "time_to_conversion", "by_channel", "by_path_type"} <= set(wb.sheetnames)
    code, out = _cli("stats", "CMP-E", "--by", "colour", "--json")
    assert code != 0 and "colour" in out


INTRO = """
MATCH (t:Company {id: 'T0'}), (cb:Company {id: 'CB'}), (p:Person {id: 'PT0'})
CREATE (cb)-[:SUPPLIES {amount: 1.0e6, share: 0.1}]->(t)
"""


def test_settlement_splits_credits_and_stays_closed(db: GraphClient, tmp_path: Path) -> None:
    db.console(SEED, allow_write=True)
    db.console(MORE, allow_write=True)
    db.console(INTRO, allow_write=True)
    ids = tmp_path / "targets.csv"
    ids.write_text("id,reason\nT0,list\n")
    code, out = _cli("campaign", "create", "--name", "intro", "--branch", "BA", "--ids", str(ids),
                     "--id", "CMP-L", "--start", "2026-11-01", "--end", "2027-01-31",
                     "--control", "0", "--json")  # fmt: skip
    assert code == 0, out
    code, out = _cli("touch", "log", "--task", "CMP-L:T0", "--channel", "introduction",
                     "--outcome", "converted", "--at", "2026-11-14T10:00:00+08:00",
                     "--path", "CB>T0")  # fmt: skip
    assert code == 0, out
    db.console("MATCH (t:Company {id: 'T0'}), (p:Product {code: 'LOAN'}) "
               "CREATE (t)-[:HOLDS_PRODUCT {balance: 1.0e6, since: date('2026-11-15')}]->(p)",
               allow_write=True)  # fmt: skip
    assert _cli("campaign", "conversions", "CMP-L")[0] == 0

    code, out = _cli("settle", "--month", "2026-11", "--preview", "--json")
    assert code == 0, out
    pre = json.loads(out)
    # LOAN: 1,000,000 × 1.5 % = 15,000 CNY; fixed rule: booking BA1 (RM-A's branch) 50 %,
    # introducer BB (CB banks with BB) 30 %, originator BA (the campaign owner) 20 %
    cents = {e["branch"]: e["cents"] for e in pre["entries"]}
    assert cents == {"BA1": 750_000, "BB": 450_000, "BA": 300_000}
    assert sum(cents.values()) == pre["total_cents"] == 1_500_000
    bb = next(e for e in pre["entries"] if e["branch"] == "BB")
    assert bb["role"] == "introducer" and bb["explanation"]["path"] == ["CB", "T0"]
    assert bb["explanation"]["path_type"] == "existing_customer"
    assert _n(db, "MATCH (e:LedgerEntry) RETURN count(e)") == 0  # a preview writes nothing
    assert {(t["payer"], t["payee"], t["cents"]) for t in pre["transfers"]} == {
        ("BA1", "BB", 450_000), ("BA1", "BA", 300_000)}  # fmt: skip

    code, out = _cli("settle", "--month", "2026-11", "--json")
    first = db.console("MATCH (e:LedgerEntry) RETURN e.id, e.cents ORDER BY e.id")["rows"]
    assert code == 0 and len(first) == 3
    code, out = _cli("settle", "--month", "2026-11", "--json")  # settling again: no change
    assert db.console("MATCH (e:LedgerEntry) RETURN e.id, e.cents ORDER BY e.id")["rows"] == first
    assert _n(db, "MATCH (x:SettlementTransfer) RETURN count(x)") == 2

    csv = tmp_path / "ledger.csv"
    code, out = _cli("settle", "--month", "2026-11", "--close", "--csv", str(csv), "--json")
    assert code == 0 and json.loads(out)["status"] == "closed"
    assert csv.read_text(encoding="utf-8-sig").count("\n") == 4
    # the value changes after the month closed: the closed month refuses, the next takes it
    db.console("MATCH (:Company {id: 'T0'})-[h:HOLDS_PRODUCT]->() SET h.balance = 2.0e6",
               allow_write=True)  # fmt: skip
    assert _cli("campaign", "conversions", "CMP-L")[0] == 0
    code, out = _cli("settle", "--month", "2026-11", "--json")
    assert code != 0 and "closed" in out
    assert db.console("MATCH (e:LedgerEntry) RETURN e.id, e.cents ORDER BY e.id")["rows"] == first
    code, out = _cli("settle", "--month", "2026-12", "--json")
    dec = json.loads(out)
    corr = {e["branch"]: e["cents"] for e in dec["entries"]}
    assert corr == {"BA1": 750_000, "BB": 450_000, "BA": 300_000}
    assert {e["kind"] for e in dec["entries"]} == {"correction"}
    assert {e["corrects"] for e in dec["entries"]} == {"2026-11"}
    total = _n(db, "MATCH (e:LedgerEntry) RETURN sum(e.cents)")
    assert total == 3_000_000  # all entries of the conversion sum to its new income


def test_stats_pool_several_campaigns_or_all(db: GraphClient, tmp_path: Path) -> None:
    db.console(SEED, allow_write=True)
    db.console(MORE, allow_write=True)
    for cid, lo in (("CMP-P1", 0), ("CMP-P2", 5)):
        ids = tmp_path / f"{cid}.csv"
        ids.write_text("id,reason\n" + "".join(f"T{i},list\n" for i in range(lo, lo + 5)))
        code, out = _cli("campaign", "create", "--name", cid, "--branch", "BA", "--ids",
                         str(ids), "--id", cid, "--control", "0.2", "--json")  # fmt: skip
        assert code == 0, out
    singles = [json.loads(_cli("stats", c, "--json")[1]) for c in ("CMP-P1", "CMP-P2")]
    code, out = _cli("stats", "--all", "--json")
    assert code == 0, out
    pooled = json.loads(out)
    assert pooled["treatment"]["n"] == sum(s["treatment"]["n"] for s in singles)
    assert pooled["uplift"] is None
    by_campaign = {g["key"]: g["targets"] for g in pooled["breakdowns"]["campaign"]}
    assert by_campaign == {s["campaign_id"]: s["treatment"]["n"] for s in singles}
    assert json.loads(_cli("stats", "CMP-P1", "CMP-P2", "--json")[1])["funnel"] == pooled["funnel"]
    code, out = _cli("stats", "--json")
    assert code != 0 and "--all" in out
