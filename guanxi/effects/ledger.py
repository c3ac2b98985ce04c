"""The profit-sharing ledger and its monthly settlements (业绩分润; docs/effects.md).

:func:`share_entries` (pure) splits one conversion's income between the branches by the
rule (:mod:`~guanxi.effects.sharing`), one :class:`~guanxi.records.ShareEntry` per branch
whose cents sum exactly to the income. :func:`settle` posts a month: the conversions
credited to a task in that month, plus, for conversions of an earlier **closed** month
whose split changed, correction entries (the difference, per branch). Recomputing an open
month replaces its entries with the same ones (idempotent); a closed month is never
written again. Only the whole bank settles; :func:`settlement` shows a branch the entries
of the conversions it takes part in and the transfers it pays or receives.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from guanxi.access.scope import Scope
from guanxi.effects.sharing import DEFAULT_RULES, ROLES, income_cents, load_rules, split_cents
from guanxi.effects.sharing import weights as rule_weights
from guanxi.effects.targets import introducer, path_type, to_date
from guanxi.errors import AccessDenied, Conflict, InvalidData, NotFound
from guanxi.graph.gateway import Gateway
from guanxi.records import Settlement, ShareEntry, Transfer

__all__ = ["month_bounds", "conversion_roles", "share_entries", "net_transfers", "settle",
           "close_month", "settlement"]  # fmt: skip

log = logging.getLogger(__name__)


def month_bounds(month: str) -> tuple[date, date]:
    """``(first day, first day of the next month)`` of ``YYYY-MM``.

    Raises
    ------
    InvalidData
        For anything but ``YYYY-MM``.
    """
    try:
        if len(month) != 7 or month[4] != "-":
            raise ValueError(month)
        y, m = int(month[:4]), int(month[5:])
        first = date(y, m, 1)
    except ValueError as e:
        raise InvalidData(f"Month {month!r} is not YYYY-MM") from e
    return first, date(y + m // 12, m % 12 + 1, 1)


def _approach(touches: list[dict[str, Any]]) -> dict[str, Any] | None:
    conv = [t for t in touches if t.get("outcome") == "converted"]
    return (conv or touches or [None])[-1]


def conversion_roles(conv: dict[str, Any], kinds: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Who holds each role of a conversion (``ledger.conversions`` row), and why.

    ``booking``: the branch a new customer opened at (the conversion id's last part), else
    the task RM's branch, else the target's customer branch, else the owner; ``introducer``:
    the branch of the customer or RM the approach's path starts at (None without a path);
    ``originator``: the campaign's owner branch.
    """
    a = _approach(conv.get("touches") or [])
    path = list(a.get("path_ids") or []) if a else []
    who, kind, ibranch = introducer(path, kinds)
    booking = (conv["id"].rsplit("/", 1)[-1] if conv["kind"] == "customer" else None) or (
        conv.get("rm_branch") or conv.get("customer_branch") or conv.get("owner")
    )
    return {
        "roles": {"originator": conv.get("owner") or booking, "introducer": ibranch,
                  "booking": booking},
        "path": path, "touch": a.get("id") if a else None, "introducer": who,
        "introducer_kind": kind,
        "path_type": path_type(path, kinds.get(path[0], {}).get("kind") if path else None),
    }  # fmt: skip


def share_entries(conv: dict[str, Any], kinds: dict[str, dict[str, Any]], rules: dict[str, Any],
                  month: str) -> list[ShareEntry]:  # fmt: skip
    """The entries of one conversion: its income split by the rule, one per branch.

    Examples: docs/effects.md, "Worked examples". The entries' cents sum exactly to the
    income (:func:`~guanxi.effects.sharing.split_cents`).
    """
    cents, formula = income_cents(
        conv["kind"],
        conv.get("product"),
        conv.get("value"),
        rules.get("rates") or {},
        {"margin": conv.get("margin"), "fee": conv.get("fee")},
    )
    who = conversion_roles(conv, kinds)
    roles = who["roles"]
    w = rule_weights(rules, roles)
    split = split_cents(cents, w)
    out = []
    for branch in sorted(split):
        held = "+".join(r for r in ROLES if (roles.get(r) or roles["booking"]) == branch)
        expl = {"conversion": conv["id"], "company": conv.get("company"), "at": str(conv["at"]),
                "income_cents": cents, "income": formula, "path": who["path"],
                "path_type": who["path_type"], "touch": who["touch"],
                "introducer": who["introducer"], "introducer_kind": who["introducer_kind"],
                "roles": roles, "rule": rules["rule"], "weight": str(w[branch])}  # fmt: skip
        out.append(ShareEntry(f"{month}/{conv['id']}/{branch}", month, conv["id"],
                              conv["campaign"], branch, held or "booking", split[branch],
                              rules["rule"], payer=roles["booking"], explanation=expl))  # fmt: skip
    return out


def net_transfers(entries: list[ShareEntry]) -> list[Transfer]:
    """Net transfers per branch pair: each entry of a branch other than its payer (the
    booking branch) is owed by the payer; opposite debts of a pair cancel."""
    owed: dict[tuple[str, str], int] = {}
    for e in entries:
        if e.payer and e.branch != e.payer:
            owed[(e.payer, e.branch)] = owed.get((e.payer, e.branch), 0) + e.cents
    out = []
    for a, b in sorted({tuple(sorted(k)) for k in owed}):
        net = owed.get((a, b), 0) - owed.get((b, a), 0)
        if net:
            out.append(Transfer(a, b, net) if net > 0 else Transfer(b, a, -net))
    return out


def _corrections(conv: dict[str, Any], expected: list[ShareEntry], posted: dict[str, int],
                 month: str, of: str) -> list[ShareEntry]:  # fmt: skip
    want = {e.branch: e for e in expected}
    out = []
    for b in sorted(set(want) | set(posted)):
        diff = (want[b].cents if b in want else 0) - posted.get(b, 0)
        if diff:
            base = want.get(b) or expected[0]
            out.append(
                ShareEntry(
                    f"{month}/corr/{conv['id']}/{b}",
                    month,
                    conv["id"],
                    conv["campaign"],
                    b,
                    base.role if b in want else "reversal",
                    diff,
                    base.rule,
                    "correction",
                    of,
                    base.payer,
                    {
                        **base.explanation,
                        "posted_cents": posted.get(b, 0),
                        "expected_cents": want[b].cents if b in want else 0,
                    },
                )
            )
    return out


def _kinds(client: Gateway, convs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    heads = {p[i] for c in convs for t in c["touches"] or [] for i, p in
             ((0, t.get("path_ids")), (1, t.get("path_ids"))) if p and len(p) > i}  # fmt: skip
    return {k["id"]: k for k in client.read("effects.path_nodes", ids=sorted(heads))}


def settle(client: Gateway, scope: Scope, month: str, preview: bool = False,
           rules_path: Path = DEFAULT_RULES) -> Settlement:  # fmt: skip
    """Compute (``preview``) or post a month's entries and net transfers.

    Raises
    ------
    AccessDenied
        For a caller short of the whole bank.
    Conflict
        For a closed month (corrections go to an open one).
    InvalidData
        For a bad month or rules file.
    """
    if not scope.everything:
        raise AccessDenied("Settlements are posted by head office; branches read them")
    first, nxt = month_bounds(month)
    rules = load_rules(rules_path)
    status = {m["month"]: m["status"] for m in client.read("ledger.months")}
    if status.get(month) == "closed":
        raise Conflict(f"Month {month} is closed; corrections are posted in an open month")
    convs = client.read("ledger.conversions", until=nxt)
    kinds = _kinds(client, convs)
    earlier = [c for c in convs if status.get(f"{to_date(c['at']):%Y-%m}") == "closed"
               and to_date(c["at"]) < first]  # fmt: skip
    posted: dict[str, dict[str, int]] = {}
    for r in client.read("ledger.posted", ids=[c["id"] for c in earlier], month=month):
        posted.setdefault(r["conversion_id"], {})[r["branch"]] = int(r["cents"])
    entries: list[ShareEntry] = []
    for c in convs:
        day = to_date(c["at"])
        if first <= day < nxt:
            entries += share_entries(c, kinds, rules, month)
        elif c in earlier:
            exp = share_entries(c, kinds, rules, f"{day:%Y-%m}")
            entries += _corrections(c, exp, posted.get(c["id"], {}), month, f"{day:%Y-%m}")
    transfers = net_transfers(entries)
    if not preview:
        rows = [
            {
                **e.to_dict(),
                "explanation": json.dumps(e.explanation, ensure_ascii=False, default=str),
            }
            for e in entries
        ]
        trs = [{"id": f"{month}/{t.payer}/{t.payee}", "month": month, **t.to_dict()}
               for t in transfers]  # fmt: skip
        done = client.write("ledger.replace_month", month=month, rule=rules["rule"],
                            at=datetime.now(UTC), rows=rows, transfers=trs)  # fmt: skip
        if not done:
            raise Conflict(f"Month {month} is closed; corrections are posted in an open month")
        log.info("settled %s: %d entries, %d transfers", month, len(entries), len(transfers))
    return Settlement(month, status.get(month, "open"), preview, rules["rule"], tuple(entries),
                      tuple(transfers))  # fmt: skip


def close_month(client: Gateway, scope: Scope, month: str) -> dict[str, Any]:
    """Close a settled month: its entries never change again.

    Raises
    ------
    AccessDenied
        For a caller short of the whole bank.
    NotFound
        When the month was never settled.
    """
    if not scope.everything:
        raise AccessDenied("Settlements are closed by head office")
    month_bounds(month)
    res = client.write("ledger.close_month", month=month, at=datetime.now(UTC))
    if not res:
        raise NotFound(f"Month {month} was never settled; settle it first")
    return res[0]


def _mask(e: ShareEntry, scope: Scope) -> ShareEntry:
    """An entry as a branch may see it: the path's inner nodes hidden unless the
    introducing branch is in scope (they may be another branch's customers' contacts)."""
    x = dict(e.explanation)
    if x.get("path") and (x.get("roles") or {}).get("introducer") not in scope.branches:
        p = x["path"]
        x["path"] = [p[0] if len(p) < 2 else "•", *(["•"] * (len(p) - 2)), p[-1]][-len(p) :]
        x["introducer"] = None
    return ShareEntry(**{**e.__dict__, "explanation": x})


def settlement(client: Gateway, scope: Scope, month: str) -> Settlement:
    """A month's posted entries and transfers as the caller may see them: the whole bank
    all; a branch the entries of conversions it takes part in and its own transfers."""
    month_bounds(month)
    status = {m["month"]: m for m in client.read("ledger.months")}.get(month)
    p = {"scope_all": scope.everything, "branches": sorted(scope.branches)}
    entries = []
    for r in client.read("ledger.entries", month=month, **p):
        d = dict(r["e"])
        d["explanation"] = json.loads(d.get("explanation") or "{}")
        e = ShareEntry(**{k: d.get(k) for k in ShareEntry.__dataclass_fields__})
        entries.append(e if scope.everything else _mask(e, scope))
    trs = [Transfer(r["payer"], r["payee"], int(r["cents"]))
           for r in client.read("ledger.transfers", month=month, **p)]  # fmt: skip
    return Settlement(month, status["status"] if status else "unsettled", False,
                      (status or {}).get("rule") or "", tuple(entries), tuple(trs))  # fmt: skip
