"""The per-target frame that campaign statistics and sharing are computed on, built from
the rows of ``effects.campaign_rows`` (one per target) by pure functions.

A target's *approach* is the touch that converted it, else its latest touch (picked in
the query, ``effects.campaign_rows``, with the best outcome's rank); the approach's path
(node ids, origin first) gives the path type (:func:`path_type`) and the introducer
(:func:`introducer`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pandas as pd

__all__ = ["PATH_TYPES", "path_type", "introducer", "target_frame", "COLUMNS", "to_date"]

log = logging.getLogger(__name__)

#: path types, warmest first; ``cold``: the touch used no path
PATH_TYPES = ("existing_customer", "one_introduction", "two_or_more", "cold")
COLUMNS = ("company", "arm", "task", "rm", "rm_name", "branch", "touched", "best", "converted",
           "conversion_id", "conversion_at", "value", "product", "channel", "path", "touch_id",
           "path_type", "introducer", "introducer_kind", "introducer_branch", "days")  # fmt: skip


def to_date(v: Any) -> date | None:
    """A Neo4j or Python date/datetime (or ISO text) as a ``date``."""
    if v is None:
        return None
    if hasattr(v, "to_native"):
        v = v.to_native()
    if isinstance(v, str):
        return date.fromisoformat(v[:10])
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def path_type(path: list[str] | None, origin_kind: str | None) -> str:
    """The type of a contact path (node ids, origin first, the target last).

    Notes
    -----
    ``cold``: no path (fewer than two nodes). ``existing_customer``: the path starts at a
    customer company of the bank (the RM's customer introduces). Otherwise it starts at the
    RM: ``one_introduction`` with at most one node between the RM and the target,
    ``two_or_more`` with two or more.

    Examples
    --------
    >>> path_type(["RM-A", "P1", "T"], "rm"), path_type(["CA", "T"], "customer")
    ('one_introduction', 'existing_customer')
    """
    if not path or len(path) < 2:
        return "cold"
    if origin_kind == "customer":
        return "existing_customer"
    return "one_introduction" if len(path) - 2 <= 1 else "two_or_more"


def introducer(path: list[str] | None, kinds: dict[str, dict[str, Any]]) -> tuple:
    """``(node id, kind, branch)`` of who introduced the target along ``path``: the
    customer company the path starts at (kind ``customer``, the branch it banks with), else
    the RM's first contact (kind ``person`` or ``company``, credited to the RM's branch);
    ``(None, "none", None)`` without a path."""
    if not path or len(path) < 2:
        return None, "none", None
    origin = kinds.get(path[0], {})
    if origin.get("kind") == "customer":
        return path[0], "customer", origin.get("branch")
    nxt = path[1] if len(path) > 2 else path[0]
    kind = kinds.get(nxt, {}).get("kind", "other") if nxt != path[0] else "rm"
    return nxt, ("customer" if kind == "customer" else kind), origin.get("branch")


def target_frame(
    rows: list[dict[str, Any]], kinds: dict[str, dict[str, Any]], start: date, end: date
) -> pd.DataFrame:
    """One row per target (:data:`COLUMNS`) from ``effects.campaign_rows`` rows
    (``touches``: a count, ``best``: the best outcome's rank, ``approach``: a touch map).

    ``best`` is the rank of the best touch outcome (``OUTCOME_RANK``, 0 untouched; a
    conversion without a touch does not raise it);
    ``converted`` whether a conversion is linked; ``days`` from ``start`` to the first
    conversion, or to ``end`` (today, or the campaign's last day when it is over) for a
    target still open (censored); ``value`` the sum of the conversions' booked values.
    """
    cols: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    add = {c: cols[c].append for c in COLUMNS}
    for r in rows:
        convs = r["conversions"]
        first = min(convs, key=lambda v: (str(v.get("at")), v["id"])) if convs else None
        at = to_date(first.get("at")) if first else None
        a = r["approach"]
        path = list(a.get("path_ids") or []) if a else []
        who, kind, ibranch = introducer(path, kinds)
        for c in ("company", "arm", "task", "rm", "rm_name", "branch"):
            add[c](r[c])
        add["touched"](r["touches"] > 0)
        add["best"](int(r["best"] or 0))
        add["converted"](bool(convs))
        add["conversion_id"](first["id"] if first else None)
        add["conversion_at"](at)
        add["value"](float(sum(v.get("value") or 0.0 for v in convs)) if convs else 0.0)
        add["product"]((first.get("product") or first.get("kind")) if first else None)
        add["channel"](a.get("channel") if a else None)
        add["path"](path)
        add["touch_id"](a.get("id") if a else None)
        origin_kind = kinds.get(path[0], {}).get("kind") if path else None
        add["path_type"](path_type(path, origin_kind) if a else None)
        add["introducer"](who)
        add["introducer_kind"](kind)
        add["introducer_branch"](ibranch)
        add["days"](float(max(0, ((at if at is not None else end) - start).days)))
    return pd.DataFrame(cols, columns=list(COLUMNS))
