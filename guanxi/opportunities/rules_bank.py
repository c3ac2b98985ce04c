"""Rules on what customers do with the bank (bank-internal facts): product maturity and
renewal, payment-flow change, long-tail activation. Targets are customers; each result is
assigned to the customer's own primary RM and branch."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from guanxi.opportunities.context import RuleContext
from guanxi.opportunities.registry import Candidate, register
from guanxi.opportunities.rules_network import _yuan
from guanxi.records import Reason, RuleInfo

__all__ = ["product_maturity", "payment_flow", "long_tail"]

log = logging.getLogger(__name__)


@register(RuleInfo(
    name="product_maturity", title="到期续作 product maturity and renewal",
    description="Customers with product holdings ending inside a window (renewal, rollover, "
    "a successor product).",
    params={"window_days": 90, "as_of": ""},
    queries=("opportunities.holdings", "opportunities.customers"),
    scoring="log10(1 + balance due in the window) / log10(1 + the largest such balance); "
    "as_of: today unless given (never derived from the data: other branches' dates)",
    reason="{product}余额{balance}将于{maturity}到期（{days}天后）",
    target="customer",
))  # fmt: skip
def product_maturity(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    h = ctx.holdings
    if h.empty:
        return []
    h = h[h["company_id"].isin(ctx.customers.index)]
    as_of = pd.Timestamp(p["as_of"] or date.today().isoformat())
    mat = pd.to_datetime(h["maturity"], errors="coerce")
    due = h[(mat > as_of) & (mat <= as_of + pd.Timedelta(days=int(p["window_days"])))].copy()
    if due.empty:
        return []
    due["maturity_ts"] = mat[due.index]
    due = due.sort_values(["company_id", "balance"], ascending=[True, False])
    total = due.groupby("company_id")["balance"].sum()
    top = float(np.log10(1 + total.max()))
    found: dict[str, Candidate] = {}
    for r in due.itertuples(index=False):
        c = r.company_id
        text = (f"{r.product_name}余额{_yuan(r.balance)}将于{r.maturity}到期"
                f"（{(r.maturity_ts - as_of).days}天后）")  # fmt: skip
        if c not in found:
            score = float(np.log10(1 + total[c]) / top) if top > 0 else 0.0
            found[c] = Candidate(c, score, [], c, {"due": float(total[c]), "products": [],
                                                   "as_of": str(as_of.date())})  # fmt: skip
        found[c].reasons.append(Reason(text, "maturity", (c,)))
        found[c].evidence["products"].append(r.product)
    out = list(found.values())
    return out


def _quarters(f: pd.DataFrame, side: str) -> pd.DataFrame:
    """Per customer on ``side`` (payee: inflows, payer: outflows) and quarter, the amount."""
    rows = f[[side, "periods", "period_amounts"]].explode(["periods", "period_amounts"])
    rows = rows.dropna(subset=["periods"])
    rows["period_amounts"] = rows["period_amounts"].astype(float)
    return rows.groupby([side, "periods"])["period_amounts"].sum().unstack(fill_value=0.0)


@register(RuleInfo(
    name="payment_flow", title="资金流异动 payment-flow change",
    description="Inflows or outflows of a customer that jump against their own history, or a "
    "new counterparty paying repeatedly and much in the latest quarter (PAYS.periods / "
    "period_amounts).",
    params={"min_ratio": 1.8, "min_history": 3, "z_scale": 12.0, "min_new_share": 0.2,
            "min_new_payments": 2},
    queries=("opportunities.flows", "opportunities.customers"),
    scoring="only customers with flows in at least min_history earlier quarters; jump: "
    "z = (ln(1+latest) - mean ln(1+earlier)) / (std ln(1+earlier) + 0.1), score min(1, z / "
    "z_scale) when latest / mean(earlier) >= min_ratio; new counterparty (first seen in the "
    "latest quarter, >= min_new_payments payments): its share of the quarter's inflow; the "
    "larger of the two",
    reason="{quarter}流入/流出{amount}，为此前季度均值的{ratio}倍；新交易对手{name}于{quarter}首次付款"
    "{n}笔{amount}，占当季流入{share}",
    target="customer",
))  # fmt: skip
def payment_flow(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    f = ctx.flows
    if f.empty or f["periods"].isna().all():
        return []
    f = f[f["periods"].notna()]
    last = max(q for qs in f["periods"] for q in qs)
    cust = set(ctx.customers.index)
    found: dict[str, Candidate] = {}

    def add(c: str, score: float, text: str, ev: dict[str, Any]) -> None:
        score = min(1.0, score)
        prev = found.get(c)
        if prev is None:
            found[c] = Candidate(c, score, [Reason(text, "payment_flow", (c,))], c, ev)
            return
        prev.reasons.append(Reason(text, "payment_flow", (c,)))
        prev.evidence.update(ev)
        prev.score = max(prev.score, score)

    steady: set[str] = set()
    for side, word in (("payee_id", "流入"), ("payer_id", "流出")):
        q = _quarters(f, side)
        if last not in q.columns or q.shape[1] < 2:
            continue
        earlier = q.drop(columns=[last]).iloc[:, -int(p["min_history"]) :]
        ok = (earlier > 0).sum(axis=1) >= int(p["min_history"])
        if side == "payee_id":
            steady = set(q.index[ok])
        ratio = q[last] / earlier.mean(axis=1).where(earlier.mean(axis=1) > 0)
        logs = np.log1p(earlier)
        z = (np.log1p(q[last]) - logs.mean(axis=1)) / (logs.std(axis=1) + 0.1)
        hit = ok & (ratio >= p["min_ratio"]) & (z > 0)
        for c in q.index[hit].intersection(list(cust)):
            r = float(ratio[c])
            add(c, float(z[c]) / p["z_scale"], f"{last}{word}{_yuan(float(q.at[c, last]))}，"
                f"为此前季度均值的{r:.1f}倍", {f"{word}_ratio": round(r, 2),
                                              f"{word}_z": round(float(z[c]), 2)})  # fmt: skip
    inflow_last = _quarters(f, "payee_id").get(last)
    new = f[f["periods"].map(lambda qs: list(qs) == [last]) & f["payee_id"].isin(steady & cust)]
    new = new[new["count"].fillna(0) >= p["min_new_payments"]]
    for r in new.itertuples(index=False):
        total = float(inflow_last.get(r.payee_id, 0.0)) if inflow_last is not None else 0.0
        share = float(r.amount) / total if total > 0 else 0.0
        if share >= p["min_new_share"]:
            add(r.payee_id, share, f"新交易对手{r.payer_name}于{last}首次付款{int(r.count)}笔"
                f"{_yuan(float(r.amount))}，占当季流入{share:.0%}",
                {"new_counterparty": r.payer_id, "new_share": round(share, 3)})  # fmt: skip
    return list(found.values())


@register(RuleInfo(
    name="long_tail", title="长尾激活 long-tail activation",
    description="Customers holding far fewer products than their lookalikes (same industry "
    "and revenue band among customers).",
    params={"min_gap": 1.5, "min_peers": 5},
    queries=("opportunities.holdings", "opportunities.companies", "opportunities.customers"),
    scoring="(peers' mean product count - own count) / peers' mean; peers: customers of the "
    "same industry and revenue quintile (the industry alone when fewer than min_peers)",
    reason="持有{n}种产品，同业同规模客户平均{mean}种（{k}家可比）；可比客户常持有：{products}",
    target="customer",
))  # fmt: skip
def long_tail(ctx: RuleContext, p: dict[str, Any]) -> list[Candidate]:
    cu = ctx.customers
    co = ctx.companies
    if cu.empty or co.empty:
        return []
    h = ctx.holdings
    n = h.groupby("company_id").size().reindex(cu.index, fill_value=0)
    info = co.reindex(cu.index)
    df = pd.DataFrame(
        {
            "n": n,
            "industry": info["industry"].fillna(""),
            "revenue": pd.to_numeric(info["revenue"], errors="coerce").fillna(0),
        }
    )
    df["band"] = pd.qcut(df["revenue"].rank(method="first"), 5, labels=False)
    by_band = df.groupby(["industry", "band"])["n"].agg(["mean", "size"])
    by_ind = df.groupby("industry")["n"].agg(["mean", "size"])
    key = list(zip(df["industry"], df["band"], strict=True))
    mean = np.where(by_band.reindex(key)["size"].to_numpy() >= p["min_peers"],
                    by_band.reindex(key)["mean"].to_numpy(),
                    by_ind.reindex(df["industry"])["mean"].to_numpy())  # fmt: skip
    k = np.where(by_band.reindex(key)["size"].to_numpy() >= p["min_peers"],
                 by_band.reindex(key)["size"].to_numpy(),
                 by_ind.reindex(df["industry"])["size"].to_numpy())  # fmt: skip
    df["mean"], df["k"] = mean, k
    df = df[(df["mean"] - df["n"] >= p["min_gap"]) & (df["k"] >= p["min_peers"])]
    top = (h.assign(industry=h["company_id"].map(info["industry"]))
           .groupby(["industry", "product_name"]).size())  # fmt: skip
    held = h.groupby("company_id")["product_name"].agg(set)
    out = []
    for c, r in df.iterrows():
        mine = held.get(c, set())
        common = [x for x, _ in top.get(r["industry"], pd.Series(dtype=int))
                  .sort_values(ascending=False).items() if x not in mine][:3]  # fmt: skip
        text = (f"持有{int(r['n'])}种产品，同业同规模客户平均{r['mean']:.1f}种（{int(r['k'])}家"
                f"可比）；可比客户常持有：{'、'.join(common) or '—'}")  # fmt: skip
        out.append(Candidate(c, float((r["mean"] - r["n"]) / r["mean"]),
                             [Reason(text, "long_tail", (c,))], c,
                             {"products": int(r["n"]), "peer_mean": round(float(r["mean"]), 2),
                              "peers": int(r["k"]), "suggest": common}))  # fmt: skip
    return out
