"""Report sections from bank-internal facts and derived scores, already scoped and masked
by the services that produce them (``reports.internal_facts`` with the reader's scope
parameters, :func:`~guanxi.access.masking.mask_contacts`, ``mask_paths``,
``mask_recommendations``, ``list_groups``/``inherited`` with the scope): products,
counterparties, risk flags, partner tags (PSI), key contacts, contact paths with their
intimacy evidence, lookalikes, recommendations, campaign tasks and documents.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from guanxi.records.documents import DocumentFlag, DocumentRecord
from guanxi.records.reports import Section
from guanxi.records.scores import OwnershipResult
from guanxi.reports.facts import FactBook, money, pct, text

__all__ = [
    "NOMINEE_HEAVY",
    "products_section",
    "counterparties_section",
    "risk_section",
    "partner_section",
    "documents_section",
    "circular",
    "nominee_share",
]

log = logging.getLogger(__name__)

#: a register is nominee-heavy when nominees hold at least this share of the listed stakes
NOMINEE_HEAVY = 50.0


def circular(own: OwnershipResult) -> bool:
    """Whether the company sits on a cycle of its upstream holdings (A holds B holds A).

    Examples
    --------
    >>> from guanxi.records.scores import Controller, Holding
    >>> ctl = Controller("A", None, None, None, "none", 0.0, 0.0)
    >>> edges = (Holding("B", "A", 60), Holding("A", "B", 10))
    >>> circular(OwnershipResult("A", "A", ctl, edges=edges))
    True
    """
    g = nx.DiGraph((h.holder_id, h.company_id) for h in own.edges)
    return own.company in g and any(own.company in c for c in nx.simple_cycles(g, length_bound=6))


def nominee_share(holders: Sequence[Mapping[str, Any]]) -> float:
    """The percentage of the listed holders' total stake that nominee holders hold:
    ``100 · Σ pct(nominee) / Σ pct(all)`` (0 without holders).

    Examples
    --------
    >>> nominee_share([{"pct": 30, "nominee": True}, {"pct": 10, "nominee": False}])
    75.0
    """
    total = sum(float(h.get("pct") or 0) for h in holders)
    nom = sum(float(h.get("pct") or 0) for h in holders if h.get("nominee"))
    return 100.0 * nom / total if total else 0.0


def products_section(book: FactBook, internal: Mapping[str, Any]) -> Section:
    """Products the company holds with the bank (only a customer in the reader's scope)."""
    facts = [
        book.fact(
            f"持有产品 {p['name']} 余额 {money(p.get('balance'))}",
            (p["code"], p["name"], p.get("line"), money(p.get("balance")), p.get("maturity")),
            book.provenance(p.get("prov")),
        )
        for p in internal["products"]
    ]
    empty = "no products" if internal["in_scope"] else "not a customer in your scope"
    return book.section(
        "products",
        "存量产品 Products with the bank",
        ("code", "product", "line", "balance", "maturity"),
        facts,
        empty,
    )


def counterparties_section(book: FactBook, internal: Mapping[str, Any]) -> Section:
    """Counterparty flows (bank-internal payments), masked by scope."""
    facts = [
        book.fact(
            f"{'付款给' if c['direction'] == 'out' else '收款自'} {c['name']} {money(c['amount'])}",
            (c["name"], c["direction"], money(c["amount"]), c.get("count"), c.get("last")),
            book.provenance(c.get("prov")),
        )
        for c in internal["counterparties"]
    ]
    empty = "no flows" if internal["in_scope"] else "not a customer in your scope"
    return book.section(
        "counterparties",
        "交易对手 Counterparty flows",
        ("counterparty", "direction", "amount", "count", "last"),
        facts,
        empty,
    )


def risk_section(
    book: FactBook,
    own: OwnershipResult,
    holders: Sequence[Mapping[str, Any]],
    circles: Sequence[Any],
    internal: Mapping[str, Any],
    inherited: Any,
) -> Section:
    """Risk flags: circular ownership, a nominee-heavy register, guarantee-circle
    membership, the bank's risk flags (in scope) and inherited risk (masked)."""
    hp = [h.get("prov") for h in holders]
    facts = []
    if circular(own):
        facts.append(
            book.fact(
                "存在循环持股",
                ("circular ownership 循环持股", "yes"),
                book.derived("ownership cycles", hp),
                flag=True,
            )
        )
    share = nominee_share(holders)
    if share >= NOMINEE_HEAVY:
        facts.append(
            book.fact(
                f"名义持有人持股占比 {pct(share)}",
                ("nominee-heavy register 名义持有人为主", pct(share)),
                book.derived("nominee share", hp),
                flag=True,
            )
        )
    for c in circles:
        facts.append(
            book.fact(
                f"属于担保圈 {c.id}",
                ("guarantee circle 担保圈", c.id),
                book.derived("guarantee circles", []),
                flag=True,
            )
        )
    for f in internal.get("flags", []):
        facts.append(
            book.fact(
                f"风险标记 {f['kind']}（{f['severity']}）",
                (f"risk flag {f['kind']}", f"{f['severity']} {text(f.get('note'))}"),
                book.provenance(f.get("prov")),
                flag=True,
            )
        )
    if inherited is not None:
        facts.append(
            book.fact(
                inherited.text,
                ("inherited risk 传导风险", f"{inherited.score:.2f}"),
                book.derived("risk propagation", []),
                flag=True,
            )
        )
    return book.section("risk", "风险提示 Risk flags", ("flag", "value"), facts, "no risk flags")


def partner_section(book: FactBook, internal: Mapping[str, Any]) -> Section:
    """Partner-list tags (PSI matches run by an organisation in scope) with provenance:
    partner, date, protocol, false-positive rate."""
    facts = [
        book.fact(
            f"合作方名单 {m['partner']} 标签 {m['tag']}",
            (
                m["tag"],
                m["partner"],
                m.get("matched_at", "")[:10] if m.get("matched_at") else None,
                m.get("protocol"),
                m.get("fpr"),
            ),
            book.provenance(m.get("prov")),
        )
        for m in internal["partner_lists"]
    ]
    return book.section(
        "partners",
        "合作方标签 Partner tags (PSI)",
        ("tag", "partner", "matched", "protocol", "fpr"),
        facts,
        "no partner-list matches in your scope",
    )


def documents_section(
    book: FactBook, docs: Sequence[DocumentRecord], flags: Sequence[DocumentFlag]
) -> Section:
    """Documents read by document intake (licences, statements) that the reader sees, each
    with its disagreements with the registry (flagged facts): who uploaded it, the lowest
    field confidence, and the file and its hash as the source."""
    facts = []
    for d in docs:
        mine = [f for f in flags if f.document_id == d.id]
        said = [f"{f.field}: 文件 {text(f.document_value)} ≠ 登记 {text(f.registry_value)}"
                for f in mine]  # fmt: skip
        conf = min((f.confidence for f in d.fields), default=None)
        facts.append(
            book.fact(
                f"文件 {d.kind} {d.file_name}" + (f"：{'；'.join(said)}" if said else ""),
                (d.kind, d.file_name, d.uploaded_by, conf, "；".join(said) or "—"),
                book.provenance(
                    {
                        "source": f"{d.file_name} (sha256 {d.sha256[:12]}…, {d.engine})",
                        "loaded_at": d.uploaded_at,
                        "org": d.branch,
                    }
                ),
                flag=bool(mine),
            )
        )
    return book.section(
        "documents",
        "文件 Documents",
        ("kind", "file", "uploaded by", "confidence", "registry disagreements"),
        facts,
        "no documents",
    )
