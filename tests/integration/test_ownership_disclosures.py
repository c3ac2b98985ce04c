"""Disclosure semantics (issue 18): direct and deemed holdings of one company, loaded into
Neo4j; penetration flows through the direct chain only, deemed interests are listed as
stated and never added, and holders acting in concert vote as one bloc."""

from __future__ import annotations

import pandas as pd
import pytest

from guanxi.graph.client import GraphClient
from guanxi.loaders import load_frames
from guanxi.scoring.ownership import company_ownership


def _load(db: GraphClient, rows: list[tuple]) -> None:
    hold = pd.DataFrame(rows, columns=["holder_id", "holder_type", "company_id", "pct", "kind"])
    ids = sorted(set(hold["holder_id"]) | set(hold["company_id"]))
    companies = pd.DataFrame({"id": [i for i in ids if i[0] == "C"]})
    companies["name"] = companies["id"]
    persons = pd.DataFrame({"id": [i for i in ids if i[0] == "P"]})
    persons["name"] = persons["id"]
    report = load_frames(
        db, {"companies": companies, "persons": persons, "shareholdings": hold}, source="t"
    )
    assert not report.errors
    # deemed interests do not make the share totals "over 100 %"
    assert not [w for w in report.warnings if "total shareholding" in w.reason]


def test_direct_and_deemed_holdings_in_one_company(db: GraphClient) -> None:
    _load(
        db,
        [
            ("C-A", "Company", "C-T", 44.91, "direct"),  # A holds the target directly
            ("P-1", "Person", "C-A", 40.37, None),  # missing kind = direct
            ("P-1", "Person", "C-T", 44.91, "deemed"),  # P-1 is deemed interested via A
            ("C-B", "Company", "C-T", 30.0, "direct"),
            ("P-2", "Person", "C-B", 100.0, "direct"),
            ("P-2", "Person", "C-T", 30.0, "deemed"),
        ],
    )
    own = company_ownership(db, "C-T")
    stakes = {h.id: h for h in own.holders}
    # penetrated stakes are the products along the direct chains
    assert stakes["P-1"].stake == pytest.approx(40.37 * 44.91 / 100)  # 18.13, not 44.91
    assert stakes["P-2"].stake == pytest.approx(30.0)
    assert stakes["C-A"].stake == pytest.approx(44.91)
    # the deemed interests are listed as stated, beside the stakes, not added to them
    assert sorted((d.holder_id, d.pct, d.kind) for d in own.deemed) == [
        ("P-1", 44.91, "deemed"), ("P-2", 30.0, "deemed")
    ]  # fmt: skip
    assert (stakes["P-1"].deemed, stakes["P-1"].direct) == (44.91, 0.0)
    assert sum(e.pct for e in own.edges if e.company_id == "C-T") == pytest.approx(74.91)
    # control follows the direct chain: A (44.91 vs 30) is controlled by P-1 (40.37 of A)
    assert (own.controller.controller_id, own.controller.kind) == ("P-1", "relative")
    assert own.controller.chain == ("P-1", "C-A", "C-T")
    assert own.controller.votes == pytest.approx(44.91)


def test_holders_acting_in_concert_form_one_voting_bloc(db: GraphClient) -> None:
    _load(
        db,
        [
            ("P-1", "Person", "C-X", 20.0, "concert"),
            ("P-2", "Person", "C-X", 15.0, "concert"),
            ("P-3", "Person", "C-X", 25.0, "direct"),
            ("C-N", "Company", "C-X", 40.0, "nominee"),  # held as nominee: no votes
        ],
    )
    own = company_ownership(db, "C-X")
    ctl = own.controller
    assert (ctl.controller_id, ctl.kind, ctl.votes) == ("P-1", "relative", 35.0)
    assert "一致行动人: P-2" in ctl.reason
    assert sorted(p[-1][0] for p in ctl.paths) == ["P-1", "P-2"]
    # acting in concert changes votes, not ownership
    assert {h.id: h.stake for h in own.holders}["P-2"] == pytest.approx(15.0)
