"""The matching keys both sides compute before PSI, so that the same company gives the
same string on the bank's and the partner's side.

Rules (docs/privacy.md "Normalisation"):

- **USCC** (统一社会信用代码): Unicode NFKC (full-width → half-width), every whitespace
  removed, upper-cased; a key only when the result is 18 characters of the code alphabet
  (``0-9`` and capitals without I, O, S, V, Z). The check character is *not* verified: a
  register with a mistyped code simply does not match. Key ``U:<code>``.
- **Name + region** (when no code): NFKC, lower-cased (Latin letters), whitespace,
  punctuation and symbols removed (``（）``, ``·``, ``-`` …), then one legal-form suffix
  cut from the end (:data:`LEGAL_SUFFIXES`, longest first: ``股份有限公司`` before
  ``有限公司``), since registers and core-banking systems disagree on it more than on the
  trade name. The region gets the same cleaning and loses a trailing administrative word
  (``省``, ``市``, ``自治区`` …). Key ``N:<region>|<name>``.

The ``U:``/``N:`` prefixes keep the two kinds of key apart: a name can never collide with
a code.
"""

from __future__ import annotations

import logging
import re
import unicodedata

__all__ = [
    "USCC_ALPHABET",
    "LEGAL_SUFFIXES",
    "REGION_SUFFIXES",
    "clean_text",
    "uscc_key",
    "name_key",
    "company_key",
]

log = logging.getLogger(__name__)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC = re.compile(f"[{USCC_ALPHABET}]{{18}}")

#: legal-form suffixes cut from a name (longest first; only one is cut)
LEGAL_SUFFIXES: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "coltd",
    "limited",
    "ltd",
    "inc",
)
#: administrative words cut from the end of a region
REGION_SUFFIXES: tuple[str, ...] = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
)


def clean_text(value: object) -> str:
    """NFKC, lower case, and only letters and digits kept (no spaces, punctuation or
    symbols, in any script).

    Examples
    --------
    >>> clean_text(" 华为（深圳）·科技 ")
    '华为深圳科技'
    """
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def uscc_key(value: object) -> str | None:
    """``U:<code>`` for a unified social credit code, or None when ``value`` is not 18
    characters of the code alphabet after normalisation.

    Examples
    --------
    >>> uscc_key(" ９１３５０１００m０００１００y４３ ")
    'U:91350100M000100Y43'
    >>> uscc_key("not a code") is None
    True
    """
    if not isinstance(value, str):
        return None
    code = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    return f"U:{code}" if _USCC.fullmatch(code) else None


def _cut(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def name_key(name: object, region: object = None) -> str | None:
    """``N:<region>|<name>`` from a company name and its region, or None when the name
    is empty after cleaning.

    Examples
    --------
    >>> name_key("深圳市 星河科技有限公司", "广东省")
    'N:广东|深圳市星河科技'
    >>> name_key("深圳市星河科技股份有限公司", "广东")
    'N:广东|深圳市星河科技'
    """
    core = _cut(clean_text(name), LEGAL_SUFFIXES)
    if not core:
        return None
    return f"N:{_cut(clean_text(region), REGION_SUFFIXES)}|{core}"


def company_key(uscc: object = None, name: object = None, region: object = None) -> str | None:
    """The matching key of a company: its USCC key when it has a valid-looking code,
    else its name + region key (None when it has neither)."""
    return uscc_key(uscc) or name_key(name, region)
