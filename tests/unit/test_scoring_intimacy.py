"""Intimacy evidence and noisy-OR on tiny named graphs (hand-computed values)."""

import json
import math
from datetime import date

import pytest

from guanxi.scoring.evidence import edge_evidence, fmt_cny, noisy_or
from guanxi.scoring.intimacy import batch_intimacy, intimacy_score
from guanxi.scoring.projection import LocalGraph

TODAY = date(2024, 6, 30)


def graph() -> LocalGraph:
    g = LocalGraph()
    for i, lab, name in [
        ("P", "Person", "张三"),
        ("Q", "Person", "李四"),
        ("A", "Company", "甲公司"),
        ("B", "Company", "乙公司"),
        ("N", "Company", "香港中央结算有限公司"),
    ]:
        g.add_node(i, lab, name)
    g.add_edge("P", "A", "HOLDS_SHARES", {"pct": 35.0})
    g.add_edge("P", "A", "SERVES_AS", {"role": "chairman"})
    g.add_edge("Q", "B", "SERVES_AS", {"role": "director"})
    g.add_edge("Q", "A", "SERVES_AS", {"role": "director"})
    g.add_edge("A", "B", "PAYS", {"amount": 1.2e8, "count": 37, "last": "2024-06-10"})
    g.add_edge("N", "A", "HOLDS_SHARES", {"pct": 5.0})
    g.add_edge("N", "B", "HOLDS_SHARES", {"pct": 5.0})
    return g


def test_person_company_shareholding_and_chairman() -> None:
    res = intimacy_score(graph(), "P", "A", TODAY, max_hops=2)
    s_share = math.sqrt(35 / 50)
    direct = 1 - (1 - 0.9 * s_share) * (1 - 0.9 * 1.0)
    assert res.direct == pytest.approx(direct)
    assert res.text.startswith("董事长·持股35%")


def test_payment_evidence_amount_count_recency() -> None:
    e = edge_evidence("PAYS", {"amount": 1.2e8, "count": 37, "last": "2024-06-10"}, TODAY)
    rec = 0.5 ** (20 / 180)
    s = (0.5 * (1 - math.exp(-1.2)) + 0.5 * (1 - math.exp(-37 / 24))) * rec
    assert e.strength == pytest.approx(s)
    assert e.text == "近20天内付款¥1.2亿/37笔"


def test_shared_director_and_nominee_not_shared() -> None:
    res = intimacy_score(graph(), "A", "B", TODAY, max_hops=2)
    kinds = {e.kind for e in res.evidence}
    assert "shared_executives" in kinds
    assert "shared_shareholders" not in kinds  # the custodian N is not a shared holder
    assert 0 < res.score <= 1


def test_indirect_path_discount() -> None:
    g = graph()
    res = intimacy_score(g, "P", "B", TODAY, max_hops=2)
    # P-A (direct 0.9678...) then A-B payment; discount 0.5 for the extra hop
    pa = intimacy_score(g, "P", "A", TODAY, max_hops=1).direct
    ab = noisy_or(
        [edge_evidence("PAYS", {"amount": 1.2e8, "count": 37, "last": "2024-06-10"}, TODAY)]
    )
    assert res.direct == 0
    assert res.indirect == pytest.approx(pa * ab * 0.5)
    assert res.score == pytest.approx(res.indirect)


def test_noisy_or_is_bounded_and_monotone() -> None:
    items = [edge_evidence("HOLDS_SHARES", {"pct": 100}, TODAY)] * 5
    assert noisy_or(items) <= 1.0
    assert noisy_or(items[:2]) > noisy_or(items[:1])


def test_fmt_cny() -> None:
    assert fmt_cny(1.2e8) == "¥1.2亿"
    assert fmt_cny(3.5e6) == "¥350万"


def test_batch_pairs_skip_hubs_and_carry_json_evidence() -> None:
    df = batch_intimacy(graph(), TODAY, hub_cap=50, min_score=0.0)
    pairs = set(zip(df.source_id, df.target_id, strict=True))
    assert ("A", "P") in pairs and ("A", "B") in pairs
    assert all(a < b for a, b in pairs)
    ev = json.loads(df.set_index(["source_id", "target_id"]).loc[("A", "P"), "evidence"])
    assert {e["kind"] for e in ev} >= {"shareholding", "role"}
    small = batch_intimacy(graph(), TODAY, hub_cap=1, min_score=0.0)
    assert len(small) < len(df)
