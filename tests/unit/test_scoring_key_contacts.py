"""Key-contact ranking on tiny named companies."""

import pytest

from guanxi.records import Controller
from guanxi.scoring.contact_facts import ContactFacts
from guanxi.scoring.key_contacts import WEIGHTS, rank_contacts, same_person


def test_chairman_and_controller_lead_nominee_excluded() -> None:
    ctl = Controller("C", "P3", "赵六", "Person", "absolute", 55.0, 44.0, ("P3", "B", "C"))
    f = ContactFacts(
        "C",
        roles=[("P1", "chairman", False), ("P2", "supervisor", False), ("P4", "cfo", True)],
        parent_roles=[("P3", "chairman", "B", "B集团")],
        stakes={"P3": (0.0, 44.0), "N": (20.0, 20.0)},
        controller=ctl,
        names={"P1": "张三", "P2": "李四", "P3": "赵六", "N": "某证券投资基金"},
        reach={"P1": (0.8, "客户经理王经理相识(强度0.8)")},
    )
    got = rank_contacts(f, k=None)
    assert [c.id for c in got] == ["P3", "P1", "P2", "P4"]
    p1 = got[1]
    assert p1.score == pytest.approx(WEIGHTS["role"] * 1.0 + WEIGHTS["reach"] * 0.8)
    p3 = got[0]
    assert p3.score == pytest.approx(WEIGHTS["role"] * 0.6 + WEIGHTS["control"] * 1.0)
    assert any("实际控制人" in r for r in p3.reasons)
    assert "N" not in {c.id for c in got}
    assert got[3].reasons == ("财务总监(已离任)",)


def test_holder_record_of_an_executive_is_the_same_person() -> None:
    # E1 chairman and H1 (30%) carry the same name: one person from two registers; H2 is
    # a namesake of two executives (ambiguous), H3 holds under a name nobody serves under.
    f = ContactFacts(
        "C",
        roles=[("E1", "chairman", False), ("E2", "director", False), ("E3", "director", False)],
        stakes={"H1": (30.0, 30.0), "H2": (5.0, 5.0), "H3": (8.0, 8.0)},
        names={"E1": "张三", "E2": "王五", "E3": "王五", "H1": "张三", "H2": "王五", "H3": "李四"},
        reach={"H1": (0.7, "在本行客户甲公司任职/持股")},
    )
    assert same_person(f) == {"H1": "E1"}
    got = rank_contacts(f, k=None)
    assert [c.id for c in got][:1] == ["E1"]
    assert "H1" not in {c.id for c in got}
    e1 = got[0]
    assert e1.same_as == ("H1",)
    assert e1.reasons == ("董事长", "持股30.00%", "在本行客户甲公司任职/持股")
    assert e1.score == pytest.approx(
        WEIGHTS["role"] + WEIGHTS["control"] * (30 / 50) ** 0.5 + WEIGHTS["reach"] * 0.7
    )
    assert e1.to_dict()["same_as"] == ["H1"]


def test_executive_with_own_holding_is_not_merged() -> None:
    f = ContactFacts(
        "C",
        roles=[("E1", "chairman", False)],
        stakes={"E1": (10.0, 10.0), "H1": (5.0, 5.0)},
        names={"E1": "张三", "H1": "张三"},
    )
    assert same_person(f) == {}


def test_acting_chairman_ranks_above_directors() -> None:
    f = ContactFacts(
        "C",
        roles=[("A", "acting_chairman", False), ("D", "director", False)],
        names={"A": "林代", "D": "罗董"},
    )
    got = rank_contacts(f)
    assert [(c.id, c.reasons) for c in got] == [("A", ("代董事长",)), ("D", ("董事",))]
    assert got[0].score == pytest.approx(WEIGHTS["role"] * 0.95)
