"""Entity-resolution units without a database: name features, the Splink matcher on tiny
named record sets, and the review file's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from guanxi.errors import InvalidData
from guanxi.loaders.matcher import match_parties
from guanxi.loaders.names import account_owner, core_name, normal_name, share_class
from guanxi.loaders.review import read_review


def test_name_features() -> None:
    assert account_owner("民生人寿保险股份有限公司-自有资金") == "民生人寿保险股份有限公司"
    assert account_owner("华夏基金-中国银行-华夏基金1号") is None
    assert normal_name("DBS Bank Ltd.") == normal_name("DBS BANK LIMITED")
    assert normal_name("Ａｌｐｈａ Pte. Ltd.") == normal_name("ALPHA PRIVATE LIMITED")
    # 集团 and bracketed words stay: a parent group and a subsidiary are other parties
    assert core_name("吉林化纤集团有限责任公司") != core_name("吉林化纤股份有限公司")
    assert core_name("蓝思科技(香港)有限公司") != core_name("蓝思科技股份有限公司")
    assert [share_class(n) for n in ("深南电Ｂ", "振华B股", "万科A", "中国平安")] == [
        "B", "B", "A", "A"
    ]  # fmt: skip


def test_matcher_links_variants_and_keeps_parents_apart() -> None:
    recs = pd.DataFrame(
        [
            ("601318", "中国平安", "中国平安保险(集团)股份有限公司", True, None),
            ("H1", "中国平安保险(集团)股份有限公司", None, False, None),
            ("000420", "吉林化纤", "吉林化纤股份有限公司", True, None),
            ("H2", "吉林化纤集团有限责任公司", None, False, None),
            ("H3", "KEPPEL CORPORATION LIMITED", None, False, None),
            ("H4", "Keppel Corp. Ltd.", None, False, None),
            ("H5", "中国建设银行股份有限公司-华夏能源革新股票型证券投资基金", None, False, None),
            ("601939", "建设银行", "中国建设银行股份有限公司", True, None),
            ("000037", "深南电A", "深圳南山热电股份有限公司", True, ["p1", "p2", "p3"]),
            ("200037", "深南电B", None, True, ["p1", "p2"]),
            ("600000", "浦发银行", "上海浦东发展银行股份有限公司", True, None),
        ],
        columns=["unique_id", "name", "legal_name", "listed", "neighbours"],
    ).assign(label="Company")
    pairs = match_parties(recs)
    got = {frozenset((a, b)) for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)}
    assert got == {
        frozenset(("601318", "H1")), frozenset(("H3", "H4")), frozenset(("000037", "200037"))
    }  # fmt: skip
    ev = json.loads(pairs.loc[pairs["left_id"].isin(["601318", "H1"]), "evidence"].iloc[0])
    assert ev["name"]["level"] == "same name" and ev["name"]["bf"] > 1e6


def test_persons_need_a_common_company() -> None:
    recs = pd.DataFrame(
        [
            ("HP-1", "王伟", ["000001"]),
            ("EX-1", "王伟", ["000001", "000002"]),
            ("EX-2", "王伟", ["600000"]),
        ],
        columns=["unique_id", "name", "neighbours"],
    ).assign(label="Person")
    pairs = match_parties(recs)
    assert [sorted(p) for p in zip(pairs["left_id"], pairs["right_id"], strict=True)] == [
        ["EX-1", "HP-1"]
    ]


def test_review_file_errors_name_file_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "review.csv"
    pd.DataFrame(
        {"left_id": ["A", "B", "C"], "right_id": ["X", "Y", ""], "decision": ["是", "maybe", "no"]}
    ).to_csv(f, index=False)
    with pytest.raises(InvalidData) as e:
        read_review(f)
    assert [(x.file, x.row, x.column, x.value) for x in e.value.errors] == [
        ("review.csv", 3, "decision", "maybe"), ("review.csv", 4, "right_id", None)
    ]  # fmt: skip
    pd.DataFrame({"left_id": ["A", "B"], "right_id": ["X", "Y"], "decision": ["同意", ""]}).to_csv(
        f, index=False
    )
    assert [(d.left_id, d.decision, d.row) for d in read_review(f)] == [("A", "accept", 2)]
