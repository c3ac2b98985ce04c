"""Report pieces without a database: formatters, risk measures on hand-made cases, fact
numbering and provenance masking, the template summary, the grounding check, and the
drafted summary against a local stand-in of an OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from guanxi.access.scope import Scope
from guanxi.access.users import User
from guanxi.config import Settings
from guanxi.records.reports import Provenance, Report
from guanxi.records.scores import Controller, Holding, OwnershipResult
from guanxi.reports.bank import circular, nominee_share, risk_section
from guanxi.reports.facts import FactBook, pct
from guanxi.reports.images import ownership_png, tree_levels
from guanxi.reports.narrative import ground, summarise, template_summary
from guanxi.reports.public import holders_section

RM_A = Scope(User(name="rm_a", role="rm", branch="BA"), frozenset({"BA", "BA1"}), frozenset())
CTL = Controller("A", None, None, None, "none", 0.0, 0.0)


def test_pct_keeps_the_registry_digits() -> None:
    assert [pct(49.56), pct(8.6), pct(30.0), pct(0.005)] == ["49.56%", "8.6%", "30%", "0.01%"]


def test_nominee_share_by_hand() -> None:
    holders = [{"pct": 40, "nominee": True}, {"pct": 20, "nominee": True}, {"pct": 20}]
    assert nominee_share(holders) == pytest.approx(75.0)  # 60 / 80
    assert nominee_share([]) == 0.0


def test_circular_only_when_the_company_is_on_a_cycle() -> None:
    cyc = OwnershipResult("A", "A", CTL, edges=(Holding("B", "A", 60), Holding("A", "B", 10)))
    up = OwnershipResult("A", "A", CTL, edges=(Holding("B", "A", 60), Holding("C", "B", 10)))
    side = (Holding("B", "A", 60), Holding("C", "B", 10), Holding("B", "C", 5))
    assert circular(cyc) and not circular(up)
    assert not circular(OwnershipResult("A", "A", CTL, edges=side))  # B↔C, not through A


def test_tree_levels_are_shortest_steps() -> None:
    assert tree_levels([("P", "H"), ("H", "A"), ("P", "A")], "A") == {"A": 0, "H": 1, "P": 1}


def test_org_is_shown_only_within_scope() -> None:
    book = FactBook(RM_A)
    mine = book.provenance({"source": "x.csv", "loaded_at": "2024-05-01T08:00:00Z", "org": "BA1"})
    other = book.provenance({"source": "x.csv", "loaded_at": None, "org": "BB"})
    assert mine == Provenance("x.csv", "2024-05-01", "BA1")
    assert other == Provenance("x.csv", None, None)
    assert "masked" in other.text() and "ingested by BA1" in mine.text()
    d = book.derived("m", [{"source": "b.csv", "loaded_at": "2024-01-01"}, {"source": "a.csv"}])
    assert d == Provenance("guanxi m from a.csv, b.csv", "2024-01-01", None)


def _report(book: FactBook) -> Report:
    holders = [
        {"name": "甲", "label": "Person", "pct": 40.0, "nominee": False, "prov": {"source": "h"}},
        {"name": "香港中央结算", "label": "Company", "pct": 45.0, "nominee": True},
    ]
    own = OwnershipResult("A", "公司A", CTL)
    secs = (
        holders_section(book, holders),
        risk_section(book, own, holders, [], {"flags": []}, None),
    )
    return Report("onboarding", "A", "公司A", "rm_a (rm)", "branch BA", "now", secs)


def test_fact_ids_and_footnotes() -> None:
    book = FactBook(RM_A)
    rep = _report(book)
    assert list(rep.facts()) == ["F1", "F2", "F3"]
    assert rep.section("holders").facts[1].flag  # the nominee
    [nominee_heavy] = rep.section("risk").facts  # 45 / 85 = 52.9% ≥ 50%
    assert nominee_heavy.cells[1] == "52.94%"
    assert [p.source for p in rep.footnotes()] == [
        "h",
        "source not recorded",
        "guanxi nominee share from h",
    ]


def test_template_summary_cites_facts() -> None:
    rep = _report(FactBook(RM_A))
    summary = template_summary(rep)
    assert [s.facts for s in summary] == [("F1",), ("F3",)]
    assert (
        summary[0].text.startswith("十大股东：股东 甲 持股 40%") and "另有 1 项" in summary[0].text
    )


def test_ground_drops_unknown_and_uncited() -> None:
    kept, dropped = ground(
        "A 持股 40% [F1]。B 也是股东 [F1, F2]。C 亏损 [F9]。无来源的句子。", {"F1", "F2"}
    )
    assert [(s.text, s.facts) for s in kept] == [("A 持股 40%。", ("F1",)),
                                                  ("B 也是股东。", ("F1", "F2"))]  # fmt: skip
    assert dropped == 2
    assert ground("[F1, F7] 混合引用。", {"F1"}) == ([], 1)


class _StandIn(BaseHTTPRequestHandler):
    answer = ""
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _StandIn.seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                              "body": body})  # fmt: skip
        out = json.dumps({"choices": [{"message": {"content": _StandIn.answer}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[str]:
    srv = HTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    _StandIn.seen.clear()
    yield f"http://127.0.0.1:{srv.server_port}/v1"
    srv.shutdown()


def test_drafted_summary_is_grounded(stand_in: str) -> None:
    rep = _report(FactBook(RM_A))
    _StandIn.answer = "甲持股40% [F1]。名义持有人占比过半 [F3]。公司去年亏损 [F42]。"
    settings = Settings(llm_url=stand_in, llm_model="bank-llm", llm_api_key="k3y")
    out = summarise(rep, settings)
    assert out.summary_by == "llm" and out.dropped_sentences == 1
    assert [s.facts for s in out.summary] == [("F1",), ("F3",)]
    [req] = _StandIn.seen
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k3y"
    assert req["body"]["model"] == "bank-llm"
    assert "F1: 股东 甲 持股 40%" in req["body"]["messages"][1]["content"]


def test_ungrounded_or_failed_draft_falls_back(stand_in: str) -> None:
    rep = _report(FactBook(RM_A))
    _StandIn.answer = "没有任何引用。"
    out = summarise(rep, Settings(llm_url=stand_in))
    assert out.summary_by == "template" and out.dropped_sentences == 1
    down = summarise(rep, Settings(llm_url="http://127.0.0.1:9/v1", llm_timeout_s=1))
    assert down.summary_by == "template" and down.summary == template_summary(rep)
    assert summarise(rep, Settings(llm_url=None)).summary_by == "template"


def test_ownership_picture_is_a_png() -> None:
    own = OwnershipResult("A", "公司A", CTL, edges=(Holding("B", "A", 60.0),))
    assert ownership_png(own)[:8] == b"\x89PNG\r\n\x1a\n"
