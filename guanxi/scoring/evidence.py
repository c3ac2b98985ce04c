"""Evidence items from single relationships and shared neighbours, and the noisy-OR.

Each relationship becomes one :class:`~guanxi.records.Evidence` with a strength
``s`` in [0, 1], a weight ``w`` (the most one kind of evidence can say) and a short Chinese
line. docs/scoring.md lists every formula; :data:`WEIGHTS` holds the weights.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson

from guanxi.records import Evidence

__all__ = [
    "WEIGHTS",
    "ROLE_SENIORITY",
    "ROLE_ZH",
    "edge_evidence",
    "evidence_json",
    "shared_strength",
    "shared_evidence",
    "noisy_or",
    "relationship_term",
    "fmt_cny",
    "to_date",
    "decay",
    "saturate",
]

log = logging.getLogger(__name__)

#: w_i per evidence kind: the largest contribution one item of that kind can make.
WEIGHTS: dict[str, float] = {
    "shareholding": 0.9,
    "role": 0.9,
    "supply": 0.7,
    "payment": 0.7,
    "guarantee": 0.8,
    "knows": 0.9,
    "manages": 0.9,
    "shared_executives": 0.6,
    "shared_shareholders": 0.5,
    "colleagues": 0.6,
    "co_holders": 0.3,
}

#: Seniority of a role at a company, 0–1 (decision power and reachability of the person).
ROLE_SENIORITY: dict[str, float] = {
    "chairman": 1.0,
    "acting_chairman": 0.95,  # 代董事长: holds the chairman's office until one is elected
    "legal_rep": 0.95,
    "ceo": 0.95,
    "general_manager": 0.95,
    "vice_chairman": 0.8,
    "cfo": 0.8,
    "cto": 0.7,
    "vp": 0.65,
    "executive_director": 0.65,  # 执行董事: a director who also manages
    "director": 0.6,
    "honorary_chairman": 0.6,  # 名誉董事长: standing, not office
    "secretary": 0.55,
    "manager": 0.5,
    "non_executive_director": 0.5,
    "employee_director": 0.5,
    "supervisor": 0.4,
    "independent_director": 0.3,
}
ROLE_ZH: dict[str, str] = {
    "chairman": "董事长",
    "acting_chairman": "代董事长",
    "legal_rep": "法定代表人",
    "ceo": "总经理",
    "general_manager": "总经理",
    "vice_chairman": "副董事长",
    "cfo": "财务总监",
    "cto": "技术总监",
    "vp": "副总经理",
    "executive_director": "执行董事",
    "director": "董事",
    "honorary_chairman": "名誉董事长",
    "non_executive_director": "非执行董事",
    "employee_director": "职工董事",
    "secretary": "董秘",
    "manager": "经理",
    "supervisor": "监事",
    "independent_director": "独立董事",
}

PAY_HALF_LIFE_DAYS = 180.0
KNOWS_HALF_LIFE_DAYS = 365.0


def to_date(value: Any) -> date | None:
    """A ``date`` from a driver date, a ``date`` or an ISO string; ``None`` otherwise."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value
    if hasattr(value, "to_native"):
        return value.to_native()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def decay(last: Any, today: date, half_life: float) -> float:
    """``0.5 ** (days since last / half_life)``; 1 when the date is unknown or in the future."""
    d = to_date(last)
    if d is None:
        return 1.0
    return 0.5 ** (max((today - d).days, 0) / half_life)


def saturate(x: Any, scale: float) -> float:
    """``1 - exp(-x / scale)``: 0 at 0, 0.63 at ``scale``, approaching 1."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(v) or v <= 0:
        return 0.0
    return 1.0 - math.exp(-v / scale)


def fmt_cny(amount: Any) -> str:
    """``¥1.2亿``, ``¥350万``, ``¥800``."""
    try:
        v = float(amount)
    except (TypeError, ValueError):
        return "¥?"
    if v >= 1e8:
        return f"¥{v / 1e8:.1f}亿"
    if v >= 1e4:
        return f"¥{v / 1e4:.0f}万"
    return f"¥{v:.0f}"


def _num(props: dict[str, Any], key: str, default: float = 0.0) -> float:
    v = props.get(key)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(f) else f


def edge_evidence(rel_type: str, props: dict[str, Any], today: date) -> Evidence | None:
    """The evidence one relationship gives about the pair it joins (``None`` if none).

    Notes
    -----
    shareholding s = sqrt(min(1, pct/50)); role s = seniority × (0.4 if ended);
    supply s = max(share, 1-exp(-amount/5e7)); payment s = (½·sat(amount,1e8) +
    ½·sat(count,24)) × 0.5^(days since last/180); guarantee s = (0.6 + 0.4·sat(amount万,
    5000)) × (0.5 if ended); knows s = strength × (½ + ½·0.5^(days since last contact/365));
    manages s = 1.
    """
    w = WEIGHTS
    if rel_type == "HOLDS_SHARES":
        pct = _num(props, "pct")
        s = math.sqrt(min(1.0, max(pct, 0.0) / 50.0))
        return Evidence("shareholding", {"pct": pct}, f"持股{pct:g}%", s, w["shareholding"])
    if rel_type == "SERVES_AS":
        role = str(props.get("role") or "")
        until = to_date(props.get("until"))
        ended = until is not None and until < today
        s = ROLE_SENIORITY.get(role, 0.4) * (0.4 if ended else 1.0)
        text = ROLE_ZH.get(role, role or "任职") + ("(已离任)" if ended else "")
        return Evidence("role", {"role": role, "ended": ended}, text, s, w["role"])
    if rel_type == "SUPPLIES":
        amount, share = _num(props, "amount"), _num(props, "share")
        s = max(min(share, 1.0), saturate(amount, 5e7))
        text = f"供货{fmt_cny(amount)}" + (f"·占采购{share * 100:.0f}%" if share else "")
        return Evidence("supply", {"amount": amount, "share": share}, text, s, w["supply"])
    if rel_type == "PAYS":
        amount, count = _num(props, "amount"), _num(props, "count", 1.0)
        rec = decay(props.get("last"), today, PAY_HALF_LIFE_DAYS)
        s = (0.5 * saturate(amount, 1e8) + 0.5 * saturate(count, 24.0)) * rec
        last = to_date(props.get("last"))
        days = (today - last).days if last else None
        when = f"近{days}天内" if days is not None and days <= 365 else "累计"
        text = f"{when}付款{fmt_cny(amount)}/{count:.0f}笔"
        detail = {
            "amount": amount,
            "count": count,
            "last": str(last) if last else None,
            "recency": round(rec, 4),
        }
        return Evidence("payment", detail, text, s, w["payment"])
    if rel_type == "GUARANTEES":
        amount = _num(props, "amount")
        end = to_date(props.get("end"))
        ended = end is not None and end < today
        s = (0.6 + 0.4 * saturate(amount, 5000.0)) * (0.5 if ended else 1.0)
        text = f"担保{fmt_cny(amount * 1e4)}" + ("(已到期)" if ended else "")
        return Evidence(
            "guarantee", {"amount_wan": amount, "ended": ended}, text, s, w["guarantee"]
        )
    if rel_type == "KNOWS":
        strength = _num(props, "strength", 0.5)
        last = props.get("last_contact") or props.get("since")
        rec = decay(last, today, KNOWS_HALF_LIFE_DAYS)
        s = min(max(strength, 0.0), 1.0) * (0.5 + 0.5 * rec)
        ld = to_date(props.get("last_contact"))
        text = f"相识(强度{strength:.1f}" + (f"·最近联系{ld}" if ld else "") + ")"
        detail = {"strength": strength, "last_contact": str(ld) if ld else None}
        return Evidence("knows", detail, text, s, w["knows"])
    if rel_type == "MANAGES":
        return Evidence("manages", {}, "客户经理管户", 1.0, w["manages"])
    return None


def evidence_json(items: Iterable[Evidence]) -> str:
    """The stored form of a pair's evidence: a JSON list of :meth:`Evidence.to_dict`, UTF-8
    text as it is (no ``\\u`` escapes), anything not JSON as its ``str``. orjson writes it in
    ~0.8 µs against ~7 µs for ``json.dumps`` (batch scoring writes 18.6M at 1M companies);
    readers parse it, so its compact separators change nothing for them."""
    return orjson.dumps([e.to_dict() for e in items], default=str,
                        option=orjson.OPT_SERIALIZE_NUMPY).decode()  # fmt: skip


def shared_strength(kind: str, n: Any) -> Any:
    """``s = 1 - base^n`` for ``n`` shared neighbours (co-holders base 0.7, others 0.5); ``n``
    an int or an integer array (the array scorer)."""
    return 1.0 - (0.7 if kind == "co_holders" else 0.5) ** n


def shared_evidence(kind: str, names: list[str], ids: list[str] | None = None) -> Evidence | None:
    """Evidence from ``n = len(names)`` shared neighbours: s = 1 - 0.5^n (co-holders 0.7^n)."""
    n = len(names)
    if n == 0:
        return None
    s = shared_strength(kind, n)
    who = "、".join(str(x) for x in names[:2]) + ("等" if n > 2 else "")
    text = {
        "shared_executives": f"共同高管{n}人({who})",
        "shared_shareholders": f"共同股东{n}个({who})",
        "colleagues": f"同在{n}家公司任职({who})",
        "co_holders": f"同为{n}家公司股东({who})",
    }[kind]
    detail = {"count": n, "via": names[:5], "via_ids": list(ids or [])[:50]}
    return Evidence(kind, detail, text, s, WEIGHTS[kind])


def noisy_or(items: Iterable[Evidence]) -> float:
    """``1 - prod(1 - w_i * s_i)``.

    Examples
    --------
    >>> a = Evidence("x", {}, "", 0.5, 1.0)
    >>> noisy_or([a, a])
    0.75
    """
    p = 1.0
    for e in items:
        p *= 1.0 - _term(e)
    return 1.0 - p


def _term(e: Evidence) -> float:
    """``w·s`` clipped to [0, 1]: an item's chance in the noisy-OR."""
    return min(max(e.contribution, 0.0), 1.0)


def relationship_term(rel_type: str, props: dict[str, Any], today: date) -> float:
    """The term one relationship adds to the noisy-OR of the pair it joins (its
    :func:`edge_evidence`'s ``w·s``; 0 when it gives none). A pair's edge intimacy is
    ``1 - prod(1 - term)`` over its relationships."""
    e = edge_evidence(rel_type, props, today)
    return 0.0 if e is None else _term(e)
