"""Amounts as documents write them: Chinese capital numerals (大写, 壹仟万元整), Arabic
figures with thousands separators and a unit (1,000万元, 1,234,567.89), and dates
(2015年03月12日, 2015-03-12).

All functions are pure; they return None for text they cannot read rather than raise, so
that an unreadable field is reported as missing by the validator.
"""

from __future__ import annotations

import logging
import re
from datetime import date

__all__ = ["capital_words", "parse_cn_number", "parse_capital", "parse_amount", "parse_date"]

log = logging.getLogger(__name__)

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)}
_DIGIT_VALUE.update({c: i for i, c in enumerate("〇一二三四五六七八九")})
_DIGIT_VALUE.update({"两": 2, "貮": 2, "参": 3, "陸": 6})
_SMALL_UNIT = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_IGNORED = set("人民币整正圆元 ")


def _group_words(n: int) -> str:
    """0 < n < 10000 in capitals, with 零 for inner zeros (1020 → 壹仟零贰拾)."""
    out, zero = [], False
    for unit, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + name)
    return "".join(out)


def capital_words(amount_10k: float) -> str:
    """A registered capital in CNY 10k (万元) as a licence writes it in capitals.

    Examples
    --------
    >>> capital_words(1000)
    '壹仟万元整'
    >>> capital_words(1234.5)
    '壹仟贰佰叁拾肆万伍仟元整'
    >>> capital_words(25000)
    '贰亿伍仟万元整'
    """
    yuan = round(amount_10k * 10000)
    if yuan <= 0:
        return "零元整"
    parts, need_zero = [], False
    for unit, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        g = yuan // unit % 10000 if unit < 10**8 else yuan // unit
        if g == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or g < 1000):
            parts.append("零")
        parts.append(_group_words(g) + name)
        need_zero = False
    return "".join(parts) + "元整"


def parse_cn_number(text: str) -> float | None:
    """The value of a number in Chinese numerals (capitals or ordinary), with 元/角/分.

    Examples
    --------
    >>> parse_cn_number("壹仟贰佰叁拾肆万伍仟元整")
    12345000.0
    >>> parse_cn_number("贰亿零伍拾万元")
    200500000.0
    >>> parse_cn_number("abc") is None
    True
    """
    total, section, digit, seen = 0.0, 0.0, 0, False
    for ch in text:
        if ch in _DIGIT_VALUE:
            digit, seen = _DIGIT_VALUE[ch], True
        elif ch in _SMALL_UNIT:
            section += (digit or 1) * _SMALL_UNIT[ch]
            digit, seen = 0, True
        elif ch == "万":
            total += (section + digit) * 10**4
            section, digit = 0.0, 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section, digit = 0.0, 0
        elif ch == "角":
            total += digit * 0.1
            digit = 0
        elif ch == "分":
            total += digit * 0.01
            digit = 0
        elif ch in "元圆":
            total += section + digit
            section, digit = 0.0, 0
        elif ch in _IGNORED:
            continue
        else:
            return None
    return total + section + digit if seen else None


_ARABIC = re.compile(r"(-?[\d,，.]*\d)\s*(亿|万)?")


def parse_amount(text: str) -> float | None:
    """An Arabic amount (``1,234,567.89``; a full-width comma counts; 万/亿 multiply).

    Examples
    --------
    >>> parse_amount("12,345,678.90")
    12345678.9
    >>> parse_amount("1000万元")
    10000000.0
    """
    m = _ARABIC.search(text.replace(" ", ""))
    if not m:
        return None
    raw = m.group(1).replace(",", "").replace("，", "")
    if raw.count(".") > 1:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    mult = {"万": 10**4, "亿": 10**8}.get(m.group(2) or "", 1)
    return round(value * mult, 2)


def parse_capital(text: str) -> float | None:
    """A registered capital in CNY 10k (万元) from a licence's text: capitals
    (人民币壹仟万元整) or figures (1000万元人民币, 1000.5 万元).

    Examples
    --------
    >>> parse_capital("人民币壹仟万元整")
    1000.0
    >>> parse_capital("5000万元人民币")
    5000.0
    """
    text = text.replace("人民币", "").strip()
    yuan = parse_amount(text) if re.search(r"\d", text) else parse_cn_number(text)
    return None if yuan is None else round(yuan / 10**4, 4)


_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """The first date in ``text`` (2015年03月12日, 2015-3-12, 2015.03.12), or None when
    there is none or it does not exist (2015年02月30日).

    Examples
    --------
    >>> parse_date("成立日期 2015年03月12日")
    datetime.date(2015, 3, 12)
    """
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
