"""Rules that reach from customers into their public network: supply-chain extension
(链式拓客), group extension and executive move. Targets are non-customers; each result is
anchored on the customer it comes from (its RM and branch)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from guanxi.opportunities.context import ROLE_ZH, RuleContext
from guanxi.opportunities.registry import Candidate, register
from guanxi.records import Reason, RuleInfo

__all__ = ["supply_chain", "group_extension", "executive_move"]

log = logging.getLogger(__name__)


def _yuan(x: float) -> str:
    return f"¥{x / 1e8:.2f}亿" if x >= 1e8 else f"¥{x / 1e4:.0f}万"


@register(RuleInfo(
    name="supply_chain", title="链式拓客 supply-chain extension",
    description="Suppliers and buyers of customers that are not customers, weighted by the "
    "share of trade.",
    params={"min_share": 0.05}, queries=("opportunities.supply", "opportunities.customers"),
    scoring="sum over links to customers of the share of trade (supplier's share of the "
    "buyer's purchases), capped at 1; anchor: the customer of the largest share",
    reason="为本行客户{customer}供货/向其采购，占采购额{share}（年{amount}）",
    target="non-customer",
))  # fmt: skip
def supply_chain(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    s = ctx.supply
    if s.empty:
        return []
    cust = ctx.customers.index
    up = s[s["buyer_id"].isin(cust) & ~s["supplier_id"].isin(cust)].assign(
        target=lambda d: d["supplier_id"], anchor=lambda d: d["buyer_id"], dir="supplies"
    )
    down = s[s["supplier_id"].isin(cust) & ~s["buyer_id"].isin(cust)].assign(
        target=lambda d: d["buyer_id"], anchor=lambda d: d["supplier_id"], dir="buys"
    )
    links = pd.concat([up, down], ignore_index=True)
    links = links[links["share"] >= p["min_share"]]
    links = links[links["target"].isin(ctx.companies.index)]
    if links.empty:
        return []
    links = links.sort_values(["target", "share", "anchor"], ascending=[True, False, True])
    total = links.groupby("target")["share"].sum().clip(upper=1.0)
    n = links.groupby("target").size()
    best = links.drop_duplicates("target")
    out = []
    for t, anchor, share, amount, d in zip(best["target"], best["anchor"], best["share"],
                                           best["amount"], best["dir"], strict=True):  # fmt: skip
        verb = "为本行客户{}供货" if d == "supplies" else "向本行客户{}采购"
        text = verb.format(ctx.name(anchor)) + f"，占采购额{share:.0%}（年{_yuan(float(amount))}）"
        out.append(
            Candidate(
                t,
                float(total[t]),
                [Reason(text, "customer_tie", (anchor,))],
                anchor,
                {"links": int(n[t]), "top_share": float(share), "direction": d},
            )
        )
    return out


@register(RuleInfo(
    name="group_extension", title="集团拓展 group extension",
    description="Members of a customer's group (集团客户) that the bank does not serve.",
    params={}, queries=("opportunities.members", "opportunities.customers"),
    scoring="share of the group's members that are customers, plus 0.5 when the company's "
    "controlling holder or a company it controls is a customer; capped at 1",
    reason="与本行客户{customer}同属{group}（{evidence}），集团内{k}/{n}家为本行客户",
    target="non-customer",
))  # fmt: skip
def group_extension(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    m = ctx.members
    if m.empty:
        return []
    cust = ctx.customers.index
    m = m.assign(customer=m["company_id"].isin(cust))
    stats = m.groupby("group_id")["customer"].agg(["sum", "size"])
    parent_of = dict(zip(m["company_id"], m["parent_id"], strict=True))
    children: dict[str, list[str]] = {}
    for c, par in parent_of.items():
        children.setdefault(par, []).append(c)
    out = []
    for g, part in m.groupby("group_id", sort=True):
        k, n = int(stats.at[g, "sum"]), int(stats.at[g, "size"])
        if k == 0:
            continue
        custs = sorted(part.loc[part["customer"], "company_id"])
        for row in part[~part["customer"]].itertuples(index=False):
            near = [x for x in [row.parent_id, *children.get(row.company_id, [])] if x in custs]
            anchor = near[0] if near else custs[0]
            score = min(1.0, k / n + (0.5 if near else 0.0))
            text = (f"与本行客户{ctx.name(anchor)}同属{row.group_name}（{row.evidence}），"
                    f"集团内{k}/{n}家为本行客户")  # fmt: skip
            out.append(Candidate(row.company_id, score, [Reason(text, "group", (anchor,))],
                                 anchor, {"group_id": g, "customers": k, "size": n,
                                          "direct": bool(near)}))  # fmt: skip
    return out


@register(RuleInfo(
    name="executive_move", title="高管动向 executive move",
    description="A key person of a customer (a decision role or a key contact) who now also "
    "serves a non-customer: a warm path by construction.",
    params={"half_life_days": 180.0, "as_of": ""},
    queries=("opportunities.moves", "opportunities.customers"),
    scoring="2^(-days since the appointment / half_life) x role weight at the customer "
    "(chairman, CEO 1; CFO, vice chairman 0.9; legal rep 0.8; director, manager 0.7); "
    "as_of: the newest appointment in the data unless given",
    reason="{person}（本行客户{customer}{role}）自{since}起任{company}{role2}",
    target="non-customer",
))  # fmt: skip
def executive_move(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    mv = ctx.moves()
    mv = mv[mv["since"].notna()]
    if mv.empty:
        return []
    since = pd.to_datetime(mv["since"])
    as_of = pd.Timestamp(p["as_of"]) if p["as_of"] else since.max()
    weight = {"chairman": 1.0, "ceo": 1.0, "cfo": 0.9, "vice_chairman": 0.9, "legal_rep": 0.8}
    days = (as_of - since).dt.days.clip(lower=0)
    mv = mv.assign(score=[2 ** (-d / p["half_life_days"]) * weight.get(r, 0.7)
                          for d, r in zip(days, mv["customer_role"], strict=True)])  # fmt: skip
    mv = mv.sort_values(["company_id", "score", "person_id"], ascending=[True, False, True])
    out = []
    for b in mv.drop_duplicates("company_id").itertuples(index=False):
        t = b.company_id
        text = (f"{b.person_name}（本行客户{ctx.name(b.customer_id)}"
                f"{ROLE_ZH.get(b.customer_role, b.customer_role)}）自{b.since}起任"
                f"{ctx.name(t)}{ROLE_ZH.get(b.role, b.role)}")  # fmt: skip
        out.append(Candidate(t, float(b.score), [Reason(text, "executive_move",
                             (b.customer_id,))], b.customer_id,
                             {"person_id": b.person_id, "since": b.since,
                              "days": int((as_of - pd.Timestamp(b.since)).days),
                              "as_of": str(as_of.date())}))  # fmt: skip
    return out
