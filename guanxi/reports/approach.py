"""Report sections of the pre-visit brief (拜访): key contacts, warm paths with their
intimacy evidence, lookalikes, recommended products and open campaign tasks — each from
records the services have already masked to the reader's scope
(:func:`~guanxi.access.masking.mask_contacts`, ``mask_paths``, ``mask_recommendations``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from guanxi.records import KeyContact
from guanxi.records.reports import Section
from guanxi.reports.facts import FactBook, text

__all__ = [
    "contacts_section",
    "paths_section",
    "lookalikes_section",
    "recommendations_section",
    "tasks_section",
]

log = logging.getLogger(__name__)


def contacts_section(book: FactBook, contacts: Sequence[KeyContact]) -> Section:
    """Key contacts (核心联系人) with their reasons (masked by ``mask_contacts``)."""
    prov = book.derived("key contacts (scoring.key_contacts)", [])
    facts = [
        book.fact(
            f"核心联系人 {c.name}：{'；'.join(map(str, c.reasons[:3]))}",
            (c.rank, c.name, f"{c.score:.3f}", "；".join(map(str, c.reasons))),
            prov,
        )
        for c in contacts
    ]
    return book.section(
        "contacts",
        "核心联系人 Key contacts",
        ("#", "person", "score", "reasons"),
        facts,
        "no key contacts found",
    )


def paths_section(book: FactBook, paths: Sequence[Mapping[str, Any]], reason: str) -> Section:
    """The best warm paths with introducer, channel and each hop's intimacy evidence."""
    prov = book.derived("contact paths (scoring.contact_paths)", [])
    facts = []
    for p in paths:
        hops = " → ".join(text(h.get("to_name") or h["to"]) for h in p["hops"])
        start = p["hops"][0] if p["hops"] else {}
        route = f"{text(start.get('from_name') or start.get('from'))} → {hops}"
        evidence = "；".join(h["text"] for h in p["hops"] if h.get("text")) or "—"
        facts.append(
            book.fact(
                f"联络路径 {route}，引荐人 {p['introducer']}，渠道 {p['channel']}",
                (route, p["introducer"], p["channel"], f"{p['score']:.3f}", evidence),
                prov,
            )
        )
    return book.section(
        "paths",
        "联络路径 Warm paths",
        ("path", "introducer", "channel", "score", "intimacy evidence"),
        facts,
        reason or "no warm path found",
    )


def lookalikes_section(book: FactBook, found: Sequence[Any], note: str | None) -> Section:
    """Lookalikes (vector index) and their reasons (what they bought, masked)."""
    prov = book.derived("lookalikes (gnn.apps)", [])
    facts = [
        book.fact(
            f"相似企业 {o.name}（{o.score:.2f}）",
            (o.name, f"{o.score:.3f}", "；".join(map(str, o.reasons)) or "—"),
            prov,
        )
        for o in found
    ]
    return book.section(
        "lookalikes",
        "相似企业 Lookalikes",
        ("company", "similarity", "reasons"),
        facts,
        note or "no lookalikes",
    )


def recommendations_section(book: FactBook, products: Sequence[Any], note: str | None) -> Section:
    """Recommended products with reasons (holders outside scope counted, not named)."""
    prov = book.derived("recommendations (gnn.apps)", [])
    facts = [
        book.fact(
            f"推荐产品 {p.name}",
            (p.code, p.name, f"{p.score:.3f}", "；".join(map(str, p.reasons)) or "—"),
            prov,
        )
        for p in products
    ]
    return book.section(
        "recommendations",
        "推荐产品 Recommended products",
        ("code", "product", "score", "reasons"),
        facts,
        note or "no recommendations",
    )


def tasks_section(book: FactBook, rows: Sequence[Mapping[str, Any]]) -> Section:
    """Open campaign tasks about the company that the reader sees."""
    facts = [
        book.fact(
            f"营销任务 {r['campaign_name']}，客户经理 {r['rm_name']}，截止 {text(r['due'])}",
            (
                r["campaign_name"],
                r["rm_name"],
                r["status"],
                r["due"],
                r.get("key_contact"),
                r.get("channel"),
            ),
            book.provenance(
                {
                    "source": f"campaign {r['campaign_id']}",
                    "loaded_at": r.get("created_at"),
                    "org": r.get("rm_branch"),
                }
            ),
        )
        for r in rows
    ]
    return book.section(
        "tasks",
        "营销任务 Open campaign tasks",
        ("campaign", "RM", "status", "due", "key contact", "channel"),
        facts,
        "no open tasks in your scope",
    )
