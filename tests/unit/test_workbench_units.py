"""The workbench's pure parts: counting visible relationships per type and direction from
grouped rows, splitting a node's properties into profile, scores, provenance and masked
items, and the dictionary (both languages have every word the page and scripts use)."""

from __future__ import annotations

import json
import re

import pytest

from guanxi.access.scope import Scope
from guanxi.access.users import User
from guanxi.scoring.neighbours import tally_counts
from guanxi.scoring.node_card import card_parts
from guanxi.viz.templates import template
from guanxi.viz.workbench import SCRIPTS, dictionary, static_asset


def _scope(role: str = "rm", branches: tuple[str, ...] = ("BB",)) -> Scope:
    return Scope(user=User("u", role, branches[0]), branches=frozenset(branches), lines=frozenset())


def _row(type_: str | None, out: bool, b_labels: list[str], n: int, **kw) -> dict:
    return {"a_labels": ["Company"], "a_branches": [{"branch": "BA1", "line": "corporate"}],
            "type": type_, "out": out, "b_labels": b_labels, "b_branches": kw.get("b", []),
            "line": kw.get("line"), "ingested_by": kw.get("ing"), "n": n}  # fmt: skip


ROWS = [
    _row("HOLDS_SHARES", False, ["Person"], 3),
    _row("HOLDS_SHARES", False, ["Company"], 2),
    _row("HOLDS_SHARES", True, ["Company"], 1),
    # CA is BA1's customer: its payments are BA's; to a BB customer they are also BB's
    _row("PAYS", True, ["Company"], 4, b=[{"branch": "BB", "line": "corporate"}]),
    _row("PAYS", True, ["Company"], 5, b=[]),
    _row(
        "CUSTOMER_OF", True, ["Branch"], 1, b=[{"branch": "BA1", "line": None}], line="corporate"
    ),  # fmt: skip
    _row("MANAGES", False, ["RelationshipManager"], 1, b=[{"branch": "BA1", "line": None}]),
]


def test_tally_counts_for_the_whole_bank() -> None:
    got = {(c.type, c.direction): (c.count, c.labels) for c in tally_counts(ROWS, None)}
    assert got == {
        ("HOLDS_SHARES", "in"): (5, {"Person": 3, "Company": 2}),
        ("HOLDS_SHARES", "out"): (1, {"Company": 1}),
        ("PAYS", "out"): (9, {"Company": 9}),
        ("CUSTOMER_OF", "out"): (1, {"Branch": 1}),
        ("MANAGES", "in"): (1, {"RelationshipManager": 1}),
    }
    assert [c.type for c in tally_counts(ROWS, None)][0] == "PAYS"  # largest first


def test_tally_counts_for_another_branch_keeps_public_and_its_own() -> None:
    got = {(c.type, c.direction): c.count for c in tally_counts(ROWS, _scope())}
    # BB sees the public holdings and the 4 payments to its own customer, nothing of BA1
    assert got == {("HOLDS_SHARES", "in"): 5, ("HOLDS_SHARES", "out"): 1, ("PAYS", "out"): 4}
    assert tally_counts([_row(None, False, [], 0)], None) == []


def test_card_parts_masks_what_the_scope_may_not_read() -> None:
    props = {"name": "张三", "phone": "138", "pagerank": 0.2, "prospect_score": 0.7,
             "embedding_run_id": "r1"}  # fmt: skip
    prov = {"source": "a.csv", "loaded_at": "2026-01-01T00:00:00Z", "ingested_by": "BA",
            "load_id": "L1"}  # fmt: skip
    profile, scores, p, masked = card_parts(props, prov, _scope())
    assert profile == {"name": "张三"}
    assert scores == {"pagerank": 0.2}  # shown to all; the prospect score is internal
    assert p == {"source": "a.csv", "loaded_at": "2026-01-01T00:00:00Z", "ingested_by": None}
    assert masked == ["phone", "prospect_score", "ingested_by"]
    profile, scores, p, masked = card_parts(props, prov, _scope("admin", ("HO",)))
    assert profile == {"name": "张三", "phone": "138"} and masked == []
    assert scores == {"pagerank": 0.2, "prospect_score": 0.7} and p["ingested_by"] == "BA"


def test_dictionary_has_every_word_in_both_languages() -> None:
    d = dictionary()
    assert set(d["zh"]) == set(d["en"])
    used = set(re.findall(r'data-i18n(?:-ph|-title)?="(\w+)"', template("workbench.html")))
    for name in SCRIPTS:
        used |= set(re.findall(r'(?:WB\.t|fmt)\("(\w+)"', template(name)))
    used.discard("T_")  # WB.term builds "T_" + code
    used.discard("K_")  # controller kinds: "K_" + kind
    used |= {f"K_{k}" for k in ("absolute", "relative", "suspected", "none")}
    used |= {"risk_high", "risk_mid", "risk_low", "risk_none", "by_pagerank", "by_capital"}
    assert used and used <= set(d["zh"]), used - set(d["zh"])
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert [k for k, v in d["en"].items() if cjk.search(v) and k != "lang_switch"] == []
    assert json.loads(static_asset("workbench.i18n.json")[0]) == d


@pytest.mark.parametrize("name", ["vis-network.min.js", "workbench.js", "workbench.css"])
def test_static_assets_are_local(name: str) -> None:
    body, media = static_asset(name)
    assert body and media.startswith(("text/", "application/"))
    assert b"cdn." not in body[:2000]
    assert static_asset("../users.json") is None


def test_page_loads_each_script_module_once_in_order() -> None:
    page = template("workbench.html")
    srcs = re.findall(r'<script src="/ui/static/(workbench[\w.-]*\.js)"', page)
    assert tuple(srcs) == SCRIPTS  # words first (it creates WB), the panel last
    for name in SCRIPTS:
        body, media = static_asset(name)
        assert media.startswith("text/javascript") and body.startswith(b"//")
        assert body.count(b"\n") <= 250, name  # one job each, none the old 420-line file
