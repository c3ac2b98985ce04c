"""Key-contact ranking on tiny named companies."""

import pytest

from guanxi.scoring.key_contacts import WEIGHTS, ContactFacts, rank_contacts
from guanxi.scoring.records import Controller


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
