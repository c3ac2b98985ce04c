"""Report sections from public registry facts (visible to every reader): profile,
holders, controller, beneficial owners, executives, related parties, supply chain,
guarantees, changes. Each builder is a pure function of query rows and service records
(``reports.company_facts``, :func:`~guanxi.scoring.ownership.company_ownership`,
:func:`~guanxi.scoring.changes.company_changes`) and the :class:`FactBook`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from guanxi.records import ChangeEvent
from guanxi.records.reports import Section
from guanxi.records.scores import OwnershipResult
from guanxi.reports.facts import FactBook, money, pct, text

__all__ = [
    "PROFILE_KEYS",
    "profile_section",
    "holders_section",
    "controller_section",
    "owners_section",
    "executives_section",
    "related_section",
    "supply_section",
    "guarantees_section",
    "changes_section",
]

log = logging.getLogger(__name__)

#: profile properties shown, in order, with their labels
PROFILE_KEYS = {
    "id": "代码 id",
    "name": "名称 name",
    "full_name": "全称 full name",
    "uscc": "统一社会信用代码",
    "industry": "行业 industry",
    "region": "地区 region",
    "established": "成立 established",
    "registered_capital": "注册资本 registered capital",
    "listed": "上市 listed",
    "status": "状态 status",
}


def profile_section(book: FactBook, profile: Mapping[str, Any], prov: Mapping) -> Section:
    """The company's registry profile (``profile`` already filtered to the reader)."""
    p = book.provenance(prov)
    facts = [
        book.fact(f"{label}: {text(profile[k])}", (label, profile[k]), p)
        for k, label in PROFILE_KEYS.items()
        if profile.get(k) not in (None, "")
    ]
    return book.section("profile", "基本信息 Profile", ("item", "value"), facts, "no profile")


def holders_section(book: FactBook, holders: Sequence[Mapping[str, Any]], top: int = 10) -> Section:
    """The ``top`` registered holders with their stated percentages; nominees flagged."""
    facts = []
    for i, h in enumerate(holders[:top], 1):
        nominee = "nominee 名义持有" if h.get("nominee") else ""
        facts.append(
            book.fact(
                f"股东 {h['name']} 持股 {pct(h['pct'])}" + ("（名义持有人）" if nominee else ""),
                (i, h["name"], h.get("label"), pct(h["pct"]), h.get("kind") or "direct", nominee),
                book.provenance(h.get("prov")),
                flag=bool(nominee),
            )
        )
    return book.section(
        "holders",
        "十大股东 Top holders",
        ("#", "holder", "type", "stake", "kind", "flag"),
        facts,
        "no holders recorded",
    )


def controller_section(
    book: FactBook, own: OwnershipResult, holders: Sequence[Mapping[str, Any]]
) -> Section:
    """The actual controller (实际控制人) with its chain and the reason, derived from the
    holdings."""
    c = own.controller
    prov = book.derived("actual controller (scoring.controllers)", [h.get("prov") for h in holders])
    if c.controller_id is None:
        f = book.fact(f"未识别实际控制人：{c.reason}", ("—", c.kind, "—", "—", c.reason), prov)
        return book.section(
            "controller",
            "实际控制人 Controller",
            ("controller", "kind", "votes", "chain", "reason"),
            [f],
            "",
        )
    names = {h.id: h.name for h in own.holders} | {own.company: own.name}
    chain = " → ".join(text(names.get(i, i)) for i in c.chain)
    f = book.fact(
        f"实际控制人为 {c.controller_name}（{c.kind}，表决权 {pct(c.votes)}）",
        (c.controller_name, c.kind, pct(c.votes), chain, c.reason),
        prov,
    )
    return book.section(
        "controller",
        "实际控制人 Controller",
        ("controller", "kind", "votes", "chain", "reason"),
        [f],
        "",
    )


def owners_section(
    book: FactBook, own: OwnershipResult, holders: Sequence[Mapping[str, Any]]
) -> Section:
    """Beneficial owners (受益所有人): penetrated stakes at or above the threshold."""
    prov = book.derived(
        "ownership penetration (scoring.ownership)", [h.get("prov") for h in holders]
    )
    facts = [
        book.fact(
            f"受益所有人 {o.name}，穿透持股 {pct(o.stake)}",
            (o.name, o.label, pct(o.stake), pct(o.direct)),
            prov,
        )
        for o in own.beneficial_owners
    ]
    return book.section(
        "owners",
        "受益所有人 Beneficial owners (≥25%)",
        ("owner", "type", "penetrated", "direct"),
        facts,
        "no owner reaches the threshold",
    )


def executives_section(book: FactBook, execs: Sequence[Mapping[str, Any]]) -> Section:
    """Executives and directors with their posts at other companies."""
    facts = [
        book.fact(
            f"{e['name']} 任 {e['role']}",
            (e["name"], e["role"], "; ".join(e.get("other_posts") or []) or "—"),
            book.provenance(e.get("prov")),
        )
        for e in execs
    ]
    return book.section(
        "executives",
        "董监高 Executives",
        ("person", "role", "other posts"),
        facts,
        "no executives recorded",
    )


def related_section(
    book: FactBook, investments: Sequence[Mapping], groups: Sequence[Any]
) -> Section:
    """Related parties: the companies it holds shares in, and its group's members."""
    facts = [
        book.fact(
            f"对外投资 {x['name']} 持股 {pct(x['pct'])}",
            (x["name"], "investment 对外投资", pct(x["pct"])),
            book.provenance(x.get("prov")),
        )
        for x in investments
    ]
    for g in groups:
        prov = book.derived(f"groups run {g.run_id}".strip(), [])
        for m in g.members[:20]:
            facts.append(
                book.fact(
                    f"同集团 {g.name} 成员 {m.name}",
                    (m.name, f"group 集团 {g.name}", pct(m.pct)),
                    prov,
                )
            )
    return book.section(
        "related",
        "关联方 Related parties",
        ("party", "relation", "stake"),
        facts,
        "no related parties recorded",
    )


def supply_section(
    book: FactBook, suppliers: Sequence[Mapping], buyers: Sequence[Mapping]
) -> Section:
    """Supply-chain concentration: top suppliers and buyers with their shares."""
    facts = []
    for kind, rows in (("supplier 供应商", suppliers), ("buyer 客户", buyers)):
        for x in rows:
            share = pct(100 * x["share"]) if x.get("share") is not None else "—"
            facts.append(
                book.fact(
                    f"{kind} {x['name']} 占比 {share}",
                    (x["name"], kind, share, money(x.get("amount"))),
                    book.provenance(x.get("prov")),
                )
            )
    return book.section(
        "supply",
        "供应链集中度 Supply chain",
        ("party", "role", "share", "amount"),
        facts,
        "no supply links recorded",
    )


def guarantees_section(
    book: FactBook, given: Sequence[Mapping], received: Sequence[Mapping], circles: Sequence[Any]
) -> Section:
    """Guarantees given and received (万元) and the guarantee circles it sits in."""
    facts = []
    for kind, rows in (("given 对外担保", given), ("received 被担保", received)):
        for g in rows:
            facts.append(
                book.fact(
                    f"{kind} {g['name']} {money(g.get('amount'))}万元",
                    (g["name"], kind, money(g.get("amount")), g.get("end")),
                    book.provenance(g.get("prov")),
                )
            )
    for c in circles:
        names = " → ".join(text(n) for n in c.names)
        facts.append(
            book.fact(
                f"担保圈 {c.id}：{names}",
                (names, f"circle 担保圈 ({c.kind})", money(c.total_amount), "—"),
                book.derived("guarantee circles (scoring.circles)", []),
                flag=True,
            )
        )
    return book.section(
        "guarantees",
        "担保 Guarantees",
        ("party", "kind", "amount 万元", "until"),
        facts,
        "no guarantees recorded",
    )


def changes_section(book: FactBook, events: Sequence[ChangeEvent], since: str | None) -> Section:
    """Change events (holders, stakes, executives, controller) since a date."""
    facts = [
        book.fact(
            e.text,
            (e.date.isoformat(), e.kind, e.party_name or e.party_id, _delta(e)),
            book.derived(f"snapshot comparison {e.prev_date or '—'} → {e.date}", []),
        )
        for e in events
    ]
    when = f" since {since}" if since else ""
    return book.section(
        "changes",
        f"变更 Changes{when}",
        ("date", "kind", "party", "change"),
        facts,
        f"no changes recorded{when}",
    )


def _delta(e: ChangeEvent) -> str:
    if e.kind == "controller_changed":
        return f"{e.before_name or e.before_id or '无'} → {e.party_name or e.party_id}"
    if e.before is None and e.after is None:
        return e.key or "—"
    return f"{pct(e.before)} → {pct(e.after)}"
