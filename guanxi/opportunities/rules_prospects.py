"""Technology prospects (the propensity model's score, or a documented tag heuristic
where no model has been trained) and risk exclusion (customers in a guarantee circle or
with inherited risk above a threshold, for review: flagged, not dropped)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from guanxi.opportunities.context import RuleContext
from guanxi.opportunities.registry import RISK_THRESHOLD, Candidate, register
from guanxi.records import Reason, RuleInfo
from guanxi.scoring.risk_graph import inherited

__all__ = ["tech_prospect", "risk_exclusion"]

log = logging.getLogger(__name__)

TECH_TAGS = {"high_tech": ("高新技术企业", 0.35), "specialized_sme": ("专精特新", 0.3),
             "little_giant": ("小巨人", 0.15)}  # fmt: skip


def _neighbours(ctx: RuleContext) -> pd.DataFrame:
    """Non-customer → the customer it trades with (largest share) or shares a group with."""
    s, cust = ctx.supply, ctx.customers.index
    rows = [
        s.loc[s["buyer_id"].isin(cust), ["supplier_id", "buyer_id", "share"]].set_axis(
            ["company_id", "anchor", "w"], axis=1),
        s.loc[s["supplier_id"].isin(cust), ["buyer_id", "supplier_id", "share"]].set_axis(
            ["company_id", "anchor", "w"], axis=1),
    ]  # fmt: skip
    m = ctx.members
    if len(m):
        mc = m[m["company_id"].isin(cust)][["group_id", "company_id"]]
        pairs = m.merge(mc, on="group_id", suffixes=("", "_c"))
        rows.append(
            pairs[["company_id", "company_id_c"]]
            .set_axis(["company_id", "anchor"], axis=1)
            .assign(w=0.5)
        )
    n = pd.concat(rows, ignore_index=True)
    n = n[~n["company_id"].isin(cust)].sort_values(
        ["company_id", "w", "anchor"], ascending=[True, False, True]
    )
    return n


@register(RuleInfo(
    name="tech_prospect", title="科创拓客 technology prospects",
    description="Non-customer technology companies next to a customer (trade or group), "
    "ranked by the propensity model (Company.prospect_score, `guanxi train`) or, without "
    "one, by tags and R&D intensity.",
    params={"min_score": 0.3},
    queries=("opportunities.companies", "opportunities.supply", "opportunities.members"),
    scoring="prospect_score when trained; else high_tech 0.35 + specialized_sme 0.3 + "
    "little_giant 0.15 + min(R&D intensity / 0.1, 1) x 0.2; plus 0.05 per customer tie "
    "(at most 3)",
    reason="科技企业标签：{tags}；研发强度{rd}；与本行客户{customer}有往来",
    target="non-customer",
))  # fmt: skip
def tech_prospect(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    co = ctx.companies
    if co.empty or ctx.customers.empty:
        return []
    near = _neighbours(ctx)
    ties = near.groupby("company_id").size()
    anchor = near.drop_duplicates("company_id").set_index("company_id")["anchor"]
    out = []
    for c in anchor.index.intersection(co.index):
        r = co.loc[c]
        tags = [t for t in (r["tags"] or []) if t in TECH_TAGS] if isinstance(r["tags"], list) \
            else []  # fmt: skip
        rd = float(r["rd_intensity"]) if pd.notna(r["rd_intensity"]) else 0.0
        model = pd.notna(r["prospect_score"])
        base = float(r["prospect_score"]) if model else (
            sum(TECH_TAGS[t][1] for t in tags) + min(rd / 0.1, 1.0) * 0.2)  # fmt: skip
        if not model and not tags:
            continue
        score = min(1.0, base + 0.05 * min(int(ties[c]), 3))
        if score < p["min_score"]:
            continue
        how = f"倾向模型得分{base:.2f}" if model else "标签规则"
        text = (f"科技企业标签：{'、'.join(TECH_TAGS[t][0] for t in tags) or '—'}；研发强度"
                f"{rd:.1%}；与本行客户{ctx.name(anchor[c])}有往来（{how}）")  # fmt: skip
        out.append(
            Candidate(
                c,
                score,
                [Reason(text, "tech", (anchor[c],))],
                anchor[c],
                {"model": bool(model), "tags": tags, "ties": int(ties[c])},
            )
        )
    return out


@register(RuleInfo(
    name="risk_exclusion", title="风险排查 risk exclusion",
    description="Customers that are members of a guarantee circle or carry inherited risk at "
    "or above the threshold: for review before any campaign (other rules flag them too).",
    params={"threshold": RISK_THRESHOLD},
    queries=("risk.guarantees", "risk.inherited", "opportunities.customers"),
    scoring="max(0.8 for a circle member, the inherited-risk score)",
    reason="位于担保圈{circle}（{kind}，{n}家，担保总额{amount}）；{inherited risk text}",
    target="customer",
))  # fmt: skip
def risk_exclusion(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    from guanxi.access.scope import Scope
    from guanxi.access.users import User

    cust = ctx.customers.index
    found: dict[str, Candidate] = {}
    for c in ctx.circles:
        for m in c.members:
            if m in cust:
                text = (f"位于担保圈{c.id}（{c.kind}，{len(c.members)}家，担保总额"
                        f"{c.total_amount:,.0f}万元）")  # fmt: skip
                found[m] = Candidate(m, 0.8, [Reason(text, "circle", (m,))], m,
                                     {"circle": c.id})  # fmt: skip
    # bank-wide here; run_rule keeps only results in the caller's scope
    everyone = Scope(User("rules", "admin", "HO"), frozenset(), frozenset(), root=True)
    for i, r in inherited(ctx.client, everyone, None).items():
        if i in cust and r.score >= p["threshold"]:
            cand = found.setdefault(i, Candidate(i, 0.0, [], i, {}))
            # the path may pass other branches' customers: the text comes masked, per
            # caller, in the result's ``risk`` (registry._risk), not in the reason
            text = f"继承风险 {r.score:.2f} ≥ {p['threshold']:g}（传导路径见 risk.inherited_text）"
            cand.reasons.append(Reason(text, "inherited_risk", (i,)))
            cand.score = max(cand.score, r.score)
            cand.evidence["inherited"] = round(r.score, 4)
    return list(found.values())
