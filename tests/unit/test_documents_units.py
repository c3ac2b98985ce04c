"""Document intake without OCR or a database: numerals and dates, rows from text boxes,
licence and statement fields from hand-made rows, validation (USCC check character, sums)
and the comparison with registry facts, each against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from guanxi.documents.checks import compare_registry, validate_fields
from guanxi.documents.fields import document_kind, extract_fields, find_uscc
from guanxi.documents.numerals import (
    capital_words,
    parse_amount,
    parse_capital,
    parse_cn_number,
    parse_date,
)
from guanxi.documents.ocr import OcrBox, group_rows, media_type
from guanxi.records.documents import DocumentField

# a valid code: weights 3^(i-1) mod 31; checked in the docstring of uscc_check_char
USCC = "91350100M000100Y43"


def _rows(*lines: tuple[str, ...] | str, conf: float = 0.99) -> list:
    """One row per line; a tuple is several boxes on the same line (label, value)."""
    boxes = []
    for i, line in enumerate(lines):
        parts = (line,) if isinstance(line, str) else line
        for j, text in enumerate(parts):
            boxes.append(OcrBox(text, conf, 10 + 300 * j, 40 * i, 250 + 300 * j, 40 * i + 30))
    return group_rows(boxes)


@pytest.mark.parametrize(
    ("amount", "words"),
    [(1000, "壹仟万元整"), (1234.5, "壹仟贰佰叁拾肆万伍仟元整"), (50, "伍拾万元整"),
     (100.05, "壹佰万零伍佰元整"), (25000, "贰亿伍仟万元整"), (1020, "壹仟零贰拾万元整")],
)  # fmt: skip
def test_capital_words_round_trip(amount: float, words: str) -> None:
    assert capital_words(amount) == words
    assert parse_capital("人民币" + words) == pytest.approx(amount)


def test_numbers_amounts_and_dates() -> None:
    assert parse_cn_number("叁拾万元") == 300000
    assert parse_cn_number("十二万") == 120000
    assert parse_cn_number("壹元伍角陆分") == pytest.approx(1.56)
    assert parse_cn_number("壹仟X元") is None
    assert parse_amount("1,234,567.89") == 1234567.89
    assert parse_amount("1，000.5") == 1000.5
    assert parse_amount("1.2.3") is None
    assert parse_capital("5000万元人民币") == 5000
    assert parse_date("2015年3月2日") == date(2015, 3, 2)
    assert parse_date("2015-02-30") is None


def test_group_rows_pairs_labels_with_values_in_reading_order() -> None:
    rows = _rows(("名称", "甲公司"), "类型")
    assert [r.text for r in rows] == ["名称 甲公司", "类型"]
    assert media_type(b"\x89PNG\r\n\x1a\n...") == "image/png"
    assert media_type(b"%PDF-1.7") == "application/pdf"
    assert media_type(b"GIF89a") is None


def test_find_uscc_maps_confused_letters_and_keeps_bad_codes_for_validation() -> None:
    assert find_uscc("代码 91350100MOOO100Y43") == USCC
    assert find_uscc("91350100M000100Y44") == "91350100M000100Y44"  # shaped, check fails
    assert find_uscc("no code here") is None


LICENCE = (
    "营业执照",
    f"统一社会信用代码{USCC}",
    ("名称", "福州星河科技有限公司"),
    ("类型", "有限责任公司"),
    ("法定代表人", "张伟"),
    ("注册资本", "人民币壹仟贰佰万元整"),
    ("成立日期", "2015年03月12日"),
    ("住所", "福建省福州市鼓楼区"),
    "五四路128号",
    ("经营范围", "软件开发；"),
    "信息技术咨询服务",
    "登记机关市场监督管理局",
)


def test_licence_fields_from_rows() -> None:
    kind, fields = extract_fields(_rows(*LICENCE))
    got = {f.name: f.value for f in fields}
    assert kind == "licence"
    assert got == {
        "uscc": USCC, "name": "福州星河科技有限公司", "kind": "有限责任公司",
        "legal_rep": "张伟", "registered_capital": 1200.0, "founded": "2015-03-12",
        "address": "福建省福州市鼓楼区五四路128号", "business_scope": "软件开发;信息技术咨询服务",
    }  # fmt: skip
    assert validate_fields(kind, fields) == []


def test_licence_with_a_bad_check_character_and_a_future_date_has_problems() -> None:
    lines = list(LICENCE)
    lines[1] = "统一社会信用代码91350100M000100Y44"
    lines[6] = ("成立日期", "2099年01月01日")
    kind, fields = extract_fields(_rows(*lines))
    problems = validate_fields(kind, fields, today=date(2026, 1, 1))
    assert [(p.kind, p.fields) for p in problems] == [
        ("uscc_check", ("uscc",)),
        ("date", ("founded",)),
    ]


def test_statement_lines_and_sums() -> None:
    rows = _rows(
        "编制单位：福州星河科技有限公司", "报告期末：2024年12月31日 单位：元", "资产负债表",
        ("资产总计", "1,000,000.00"), ("负债合计", "400,000.00"),
        ("所有者权益合计", "600,000.00"), ("负债和所有者权益总计", "1,000,000.00"), "利润表",
        ("营业收入", "500,000.00"), ("利润总额", "80,000.00"), ("所得税费用", "20,000.00"),
        ("净利润", "60,000.00"),
    )  # fmt: skip
    kind, fields = extract_fields(rows)
    got = {f.name: f.value for f in fields}
    assert kind == "statement"
    assert got["company"] == "福州星河科技有限公司"
    assert got["period_end"] == "2024-12-31"
    assert got["total_liabilities_and_equity"] == 1_000_000.0
    assert got["net_profit"] == 60_000.0
    assert validate_fields(kind, fields) == []
    # equity misread: 1,000,000 ≠ 400,000 + 650,000, both balance-sheet identities fail
    broken = [
        DocumentField(f.name, 650_000.0, f.raw, f.confidence) if f.name == "total_equity" else f
        for f in fields
    ]
    problems = validate_fields(kind, broken)
    assert [p.fields[0] for p in problems] == ["total_assets", "total_liabilities_and_equity"]
    assert "1,000,000.00 ≠ 1,050,000.00" in problems[0].detail


def test_unknown_page_is_one_problem() -> None:
    rows = _rows("会议纪要", "今天开会")
    assert document_kind(rows) == "unknown"
    assert [p.kind for p in validate_fields(*extract_fields(rows))] == ["unreadable"]


def test_registry_comparison_flags_each_disagreement() -> None:
    _, fields = extract_fields(_rows(*LICENCE))
    registry = {
        "id": USCC, "name": "福州星河科技股份有限公司", "legal_name": None, "aliases": None,
        "registered_capital": 1200.0 * 1.004, "founded": "2015-03-13", "legal_reps": ["李娜"],
    }  # fmt: skip
    flags = compare_registry("DOC-1", fields, registry)
    assert [(f.kind, f.document_value, f.registry_value) for f in flags] == [
        ("name_differs", "福州星河科技有限公司", "福州星河科技股份有限公司"),
        ("legal_rep_differs", "张伟", ["李娜"]),
        ("founded_differs", "2015-03-12", "2015-03-13"),
    ]  # capital: 0.4 % apart, under the 0.5 % tolerance
    same = {**registry, "name": "福州星河科技有限公司", "legal_reps": ["张伟"],
            "founded": "2015-03-12", "registered_capital": 1000.0,
            "id": "91350100M000100Y35"}  # fmt: skip
    kinds = [f.kind for f in compare_registry("DOC-1", fields, same)]
    assert kinds == ["uscc_differs", "capital_differs"]
