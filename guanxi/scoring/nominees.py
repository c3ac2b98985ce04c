"""Nominee-like holders: custodians, nominee accounts, funds and asset-management plans.

Their holdings represent many dispersed beneficial owners, so they must not dominate
centrality, never become actual controllers and never carry a contact path. A party is
nominee-like when its node has ``nominee = true`` or its name contains one of
:data:`NOMINEE_PATTERNS` (case-insensitive). The same list is passed to Cypher as
``$nominee_patterns`` so the database side and the Python side agree.
"""

from __future__ import annotations

import logging

__all__ = ["NOMINEE_PATTERNS", "is_nominee"]

log = logging.getLogger(__name__)

#: Lower-case substrings of nominee-like holder names.
NOMINEE_PATTERNS: tuple[str, ...] = (
    "香港中央结算",
    "中国证券金融",
    "代理人",
    "证券投资基金",
    "投资基金",
    "资产管理计划",
    "资管计划",
    "集合资金信托",
    "信托计划",
    "理财产品",
    "社保基金",
    "养老金",
    "qfii",
    "nominee",
    "nominees",
    "custodian",
    "hkscc",
    "securities clearing",
)


def is_nominee(name: str | None, flag: bool | None = None) -> bool:
    """True when ``flag`` is set or ``name`` matches a nominee pattern.

    Examples
    --------
    >>> is_nominee("香港中央结算有限公司")
    True
    >>> is_nominee("张三")
    False
    """
    if flag:
        return True
    if not name:
        return False
    low = str(name).lower()
    return any(p in low for p in NOMINEE_PATTERNS)
