"""Fields from OCR rows: what kind of document it is, and the licence fields (营业执照) or
statement lines (资产负债表, 利润表) it holds. Pure functions of the rows.

A row starting with a known label (spaces ignored) opens that field; rows without a
label continue the previous field when it may wrap (address, business scope). The USCC
is searched anywhere in the text (licences print it in the header); characters OCR often
confuses with the code's alphabet are mapped first (O→0, I→1, Z→2, S→5, V→U).
"""

from __future__ import annotations

import logging
import re
import unicodedata

from guanxi.documents.numerals import parse_amount, parse_capital, parse_date
from guanxi.documents.ocr import OcrRow
from guanxi.loaders.synthetic.uscc import ALPHABET, uscc_valid
from guanxi.records.documents import DocumentField

__all__ = [
    "LICENCE_LABELS",
    "STATEMENT_LINES",
    "document_kind",
    "licence_fields",
    "statement_fields",
    "extract_fields",
    "find_uscc",
]

log = logging.getLogger(__name__)

#: licence field → the labels that open it (longest first within a field)
LICENCE_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "企业名称"),
    "kind": ("类型", "企业类型"),
    "legal_rep": ("法定代表人", "负责人", "经营者", "执行事务合伙人"),
    "registered_capital": ("注册资本", "出资额"),
    "founded": ("成立日期", "注册日期"),
    "term": ("营业期限",),
    "address": ("住所", "营业场所", "经营场所", "主要经营场所"),
    "business_scope": ("经营范围",),
}
_WRAPS = {"address", "business_scope"}
_STOP = ("登记机关", "发照日期", "国家企业信用信息公示系统")
#: statement field → its line labels (the first is the one printed by the samples)
STATEMENT_LINES: dict[str, tuple[str, ...]] = {
    "total_liabilities_and_equity": (
        "负债和所有者权益总计",
        "负债和股东权益总计",
        "负债及所有者权益总计",
    ),
    "total_assets": ("资产总计", "资产合计"),
    "total_liabilities": ("负债合计",),
    "total_equity": ("所有者权益合计", "股东权益合计", "所有者权益（或股东权益）合计"),
    "revenue": ("营业收入", "营业总收入"),
    "cost_of_revenue": ("营业成本",),
    "operating_profit": ("营业利润",),
    "total_profit": ("利润总额",),
    "income_tax": ("所得税费用", "所得税"),
    "net_profit": ("净利润",),
}
_CONFUSED = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})
_CODE = re.compile(f"[{ALPHABET}]{{18}}")


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def document_kind(rows: list[OcrRow]) -> str:
    """``licence``, ``statement`` or ``unknown`` from the words on the page."""
    text = _norm(" ".join(r.text for r in rows))
    if "营业执照" in text or ("统一社会信用代码" in text and "法定代表人" in text):
        return "licence"
    if any(w in text for w in ("资产负债表", "利润表", "资产总计", "净利润")):
        return "statement"
    return "unknown"


def find_uscc(text: str) -> str | None:
    """The first 18-character run that is a valid USCC after upper-casing and mapping the
    letters the code never uses; else the first well-shaped run (with a bad check
    character, so that validation reports it); else None.

    Examples
    --------
    >>> find_uscc("统一社会信用代码 91350100MOOO100Y43")
    '91350100M000100Y43'
    """
    flat = _norm(text).upper().translate(_CONFUSED)
    runs = [flat[i : i + 18] for i in range(len(flat) - 17) if _CODE.fullmatch(flat[i : i + 18])]
    return next((r for r in runs if uscc_valid(r)), runs[0] if runs else None)


def _label_of(text: str, labels: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    for name, options in labels.items():
        for lab in options:
            if text.startswith(lab) and (best is None or len(lab) > len(best[1])):
                best = (name, lab)
    return best


def licence_fields(rows: list[OcrRow]) -> list[DocumentField]:
    """The licence's fields, in label order, normalised: ``registered_capital`` in CNY
    10k, ``founded`` as ISO date; ``uscc`` from anywhere on the page."""
    found: dict[str, list[tuple[str, float]]] = {}
    current: str | None = None
    uscc_conf = 0.0
    for row in rows:
        text = _norm(row.text)
        if text.startswith(_STOP):
            current = None
            continue
        if "统一社会信用代码" in text or ("信用代码" in text and find_uscc(text)):
            uscc_conf = max(uscc_conf, row.confidence)
            continue
        hit = _label_of(text, LICENCE_LABELS)
        if hit:
            current = hit[0]
            rest = text[len(hit[1]) :].lstrip(":：")
            found.setdefault(current, []).append((rest, row.confidence))
        elif current in _WRAPS and text:
            found[current].append((text, row.confidence))
    out: list[DocumentField] = []
    code = find_uscc(" ".join(r.text for r in rows if "代码" in _norm(r.text))) or find_uscc(
        " ".join(r.text for r in rows)
    )
    if code:
        out.append(DocumentField("uscc", code, code, uscc_conf or 0.5))
    for name in LICENCE_LABELS:
        parts = found.get(name)
        if not parts:
            continue
        raw = "".join(p for p, _ in parts)
        conf = min(c for _, c in parts)
        value: str | float | None = raw or None
        if name == "registered_capital":
            value = parse_capital(raw)
        elif name == "founded":
            d = parse_date(raw)
            value = d.isoformat() if d else None
        out.append(DocumentField(name, value, raw, conf))
    return out


def statement_fields(rows: list[OcrRow]) -> list[DocumentField]:
    """The statement's company (编制单位), period end and main lines (CNY)."""
    out: list[DocumentField] = []
    seen: set[str] = set()
    for row in rows:
        text = _norm(row.text)
        if text.startswith(("编制单位", "单位名称")) and "company" not in seen:
            value = re.split(r"[:：]", text, maxsplit=1)[-1]
            value = value[4:] if value.startswith("编制单位") else value
            out.append(DocumentField("company", value or None, text, row.confidence))
            seen.add("company")
        if ("报告期" in text or "日期" in text) and "period_end" not in seen:
            d = parse_date(text)
            if d:
                out.append(DocumentField("period_end", d.isoformat(), text, row.confidence))
                seen.add("period_end")
        hit = _label_of(text, STATEMENT_LINES)
        if hit and hit[0] not in seen:
            rest = text[len(hit[1]) :].lstrip(":：")
            out.append(DocumentField(hit[0], parse_amount(rest), rest, row.confidence))
            seen.add(hit[0])
    return out


def extract_fields(rows: list[OcrRow]) -> tuple[str, list[DocumentField]]:
    """The document's kind and its fields (none for an unknown kind)."""
    kind = document_kind(rows)
    if kind == "licence":
        return kind, licence_fields(rows)
    if kind == "statement":
        return kind, statement_fields(rows)
    return kind, []
