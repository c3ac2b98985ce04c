"""Nominee-like holders: custodians, nominee and client accounts, treasury-share and
pledge accounts, funds, plans, pension and insurance products.

Their holdings represent many dispersed beneficial owners (or, for treasury shares, no
votes at all), so they must not dominate
centrality, never become actual controllers and never carry a contact path. A party is
nominee-like when its node has ``nominee = true`` or its name contains one of
:data:`NOMINEE_PATTERNS` (case-insensitive). The same list is passed to Cypher as
``$nominee_patterns`` so the database side and the Python side agree.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

__all__ = ["NOMINEE_PATTERNS", "is_nominee", "nominee_mask"]

log = logging.getLogger(__name__)

#: Lower-case substrings of nominee-like holder names. Checked against every holder name of
#: the real A-share top-10 extract (docs/scoring.md, "On real data"); grouped by kind.
NOMINEE_PATTERNS: tuple[str, ...] = (
    # custodians, nominee and client accounts: the shares belong to the account's clients
    "香港中央结算",  # HKSCC: Stock Connect (陆股通) and the H-share nominee (代理人)
    "代理人",
    "nominee",
    "nominees",
    "custodian",
    "hkscc",
    "securities clearing",
    "客户资金",  # a broker's or manager's client-money account
    "account client",
    "a/c client",
    "信用交易担保",  # margin-trading collateral held by the broker for its clients
    "转融通担保",  # securities-lending collateral
    "约定购回",  # a broker's repurchase-agreement account
    "信托财产专户",  # exchangeable-bond collateral trust accounts
    "信托专户",
    "质押专户",
    "财产处置专用",  # a bankrupt company's estate awaiting disposal to creditors
    "回购专用",  # treasury shares bought back by the company: no votes
    "未明确持有人",  # "holder not specified by the issuer"
    # state market-stabilisation vehicles (not 中央汇金投资, the banks' controlling holder)
    "中国证券金融",
    "中央汇金资产管理",
    # funds and managed products: many dispersed beneficial owners
    "证券投资基金",
    "投资基金",
    "fund",
    "私募",
    "资产管理计划",
    "资管计划",
    "资产管理产品",
    "专项产品",
    "集合资金信托",
    "资金信托",
    "信托计划",
    "理财产品",
    "理财计划",
    "持股计划",  # employee share-ownership plans
    "qfii",
    # pensions and social security
    "社保基金",
    "社会保障基金",
    "养老保险基金",
    "养老金",
    "养老保障",
    "年金计划",
    # insurers' policyholder accounts (their own money, -自有资金, stays a real holder)
    "保险产品",
    "分红账户",
    "-分红",
    "-万能",
    "-传统",
    "-投连",
    "投资组合",
    "委托投资",
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
    return _NOMINEE_RE.search(str(name).lower()) is not None


#: one alternation of every pattern: a single scan of a name instead of one per pattern
#: (key contacts test ~75k names per 5,000 companies; a quarter of their time went here)
_NOMINEE_RE = re.compile("|".join(re.escape(p) for p in NOMINEE_PATTERNS))


def nominee_mask(names: pd.Series, flags: pd.Series | None = None) -> np.ndarray:
    """:func:`is_nominee` over a column of names (and flags) at once, for frames of millions
    of parties: True where the flag is set or the lower-cased name contains a pattern."""
    named = names.fillna("").astype(str).str.lower().str.contains(_NOMINEE_RE.pattern, regex=True)
    flagged = flags.fillna(False).astype(bool) if flags is not None else False
    return (named | flagged).to_numpy(dtype=bool)
