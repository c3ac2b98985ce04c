"""Party names for matching: normal forms, legal-form suffixes, accounts and share classes.

Pure string functions shared by the mapping step ``account_owner`` (a deterministic rule:
an owner's own-money account *is* the owner) and the entity-resolution features of
:mod:`guanxi.loaders.matcher`. Nothing here decides that two parties are one; it only
puts names in a form a matcher can compare.

>>> account_owner("中国平安保险(集团)股份有限公司-集团本级-自有资金")
'中国平安保险(集团)股份有限公司'
>>> account_owner("中国建设银行股份有限公司-华夏能源革新股票型证券投资基金") is None
True
>>> normal_name("ＡＢＣ Holdings Pte. Ltd.") == normal_name("abc holdings private limited")
True
>>> share_root("深南电Ｂ"), share_root("深南电A"), share_root("振华Ｂ股")
('深南电', '深南电', '振华')
"""

from __future__ import annotations

import logging
import re
import unicodedata

__all__ = [
    "OWN_ACCOUNT_SEGMENTS", "account_owner", "normal_name", "core_name", "share_root",
    "share_class",
]  # fmt: skip

log = logging.getLogger(__name__)

#: Segments after "-" that say an account holds the owner's own money (not clients',
#: policyholders' or a fund's): "X-自有资金", "X-集团本级-自有资金", "X-资本金".
OWN_ACCOUNT_SEGMENTS = ("自有资金", "集团本级", "资本金", "自营账户", "自有")
_OWN = re.compile(r"^(?P<owner>[^-]+?)(?:-(?:" + "|".join(OWN_ACCOUNT_SEGMENTS) + r"))+$")

#: Legal forms, longest first (after NFKC and upper-casing; Chinese and Latin script).
#: 集团 is not one: 吉林化纤集团有限责任公司 is the parent of 吉林化纤股份有限公司.
_LEGAL = (
    "股份有限公司", "有限责任公司", "有限公司", "公司",
    " PRIVATE LIMITED", " PTE LTD", " PTE", " LIMITED", " LTD", " INCORPORATED", " INC",
    " CORPORATION", " CORP", " COMPANY", " CO", " BERHAD", " BHD", " PLC", " AG", " SA",
)  # fmt: skip
#: Latin legal words spelled one way (PRIVATE LIMITED = PTE LTD, CORPORATION = CORP).
_LATIN = (("PRIVATE", "PTE"), ("LIMITED", "LTD"), ("CORPORATION", "CORP"), ("COMPANY", "CO"),
          ("INCORPORATED", "INC"), ("BERHAD", "BHD"))  # fmt: skip
_PUNCT = re.compile(r"[\s.,'\"()（）·\-_/&]+")
_SHARE_CLASS = re.compile(r"(?:[AB]股?|[AB])$")


def account_owner(name: str | None) -> str | None:
    """The owner of an own-money account name (``X-自有资金`` → ``X``), else ``None``."""
    if not name:
        return None
    m = _OWN.match(name.strip())
    return m.group("owner").strip() if m else None


def _nfkc(name: str) -> str:
    return unicodedata.normalize("NFKC", name).upper().strip()


def normal_name(name: str | None) -> str:
    """NFKC (full-width → half-width), upper case, legal-form words spelled one way
    (PRIVATE LIMITED = PTE LTD), punctuation and spaces dropped."""
    if not name:
        return ""
    s = " " + _nfkc(name).replace(".", " ") + " "
    for long, short in _LATIN:
        s = s.replace(f" {long} ", f" {short} ")
    return _PUNCT.sub("", s)


def core_name(name: str | None) -> str:
    """:func:`normal_name` without trailing legal forms (股份有限公司, PTE LTD, …) and
    bracketed asides: what is left to tell two parties apart."""
    if not name:
        return ""
    # bracketed words stay: 云南铜业(集团)有限公司 and 蓝思科技(香港)有限公司 are other parties
    s = _nfkc(name).replace(".", " ")
    changed = True
    while changed:
        changed = False
        for form in _LEGAL:
            if s.endswith(form) and len(s) > len(form):
                s, changed = s[: -len(form)].rstrip(" .,"), True
    return _PUNCT.sub("", s)


def share_class(name: str | None) -> str:
    """``B`` for a B-share listing's short name (``深南电Ｂ``, ``振华Ｂ股``), else ``A``."""
    s = _PUNCT.sub("", _nfkc(name or ""))
    return "B" if re.search(r"B股?$", s) and len(s) > 2 else "A"


def share_root(name: str | None) -> str:
    """A listing's short name without its share-class mark (``万科A``, ``深南电Ｂ``,
    ``振华Ｂ股`` → the issuer's root)."""
    if not name:
        return ""
    s = _PUNCT.sub("", _nfkc(name))
    return _SHARE_CLASS.sub("", s) if len(s) > 2 else s
