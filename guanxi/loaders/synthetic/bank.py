"""The bank: branch hierarchy, relationship managers, customers, products, converters.

Branches sit in the provinces with the most economic weight, head office ``HO`` in
Beijing. Whether a company is a customer depends on a latent propensity (archetype,
size, tags, a branch in its province, a group sibling that banks with us); product
holdings follow the archetype (科创贷 for tech firms, 供应链融资 for second-tier suppliers,
跨境结算 for exporters …). Converters are non-customers of high propensity that sit close
to existing customers (supply partners, group siblings).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.identity import region_of_city
from guanxi.loaders.synthetic.trade import province_of
from guanxi.loaders.synthetic.world import World

__all__ = ["build_branches", "build_customers", "build_product_holdings", "BANK", "LINES"]

log = logging.getLogger(__name__)

BANK = "华信银行"
LINES = ("corporate", "sme", "tech", "trade_finance")
_AREAS = ("高新区", "开发区", "城东", "城西", "滨江", "科技园", "自贸区", "中心", "经开区", "新区")
_BASE = np.array([0.3, 0.8, 0.0, -0.3, 1.0, 0.3, -0.5])
_PRODUCT_BOOST: dict[int, dict[str, float]] = {
    cat.TECH: {"LN-TECH": 3, "LN-IP": 2, "LN-WC": 1.2, "TX-PAYROLL": 1.5, "DP-STRUCT": 1},
    cat.MANUF: {"LN-WC": 2.5, "LN-FA": 2, "TF-BA": 2, "TF-DISC": 1.5, "TX-XB": 1, "MK-FX": 1,
                "TX-PAYROLL": 1.5, "TX-CASH": 1},
    cat.TIER2: {"TF-SCF": 3, "TF-DISC": 2, "LN-WC": 2, "TF-BA": 1},
    cat.TRADE: {"TX-XB": 2.5, "MK-FX": 2, "TF-LG": 1.5, "TF-DISC": 1.5, "LN-WC": 1.5, "TF-SCF": 1},
    cat.STATE: {"LN-PROJ": 3, "IB-BOND": 2.5, "TX-CASH": 2.5, "TF-LG": 2, "LN-MA": 1,
                "DP-STRUCT": 1.5, "LN-FA": 1.5},
    cat.REAL: {"LN-PROJ": 3, "LN-FA": 2, "TF-LG": 1.5, "DP-STRUCT": 1, "TX-CASH": 0.5},
    cat.CONSUMER: {"TX-PAYROLL": 2, "TX-CASH": 2, "LN-WC": 1.5},
}  # fmt: skip


def build_branches(w: World) -> None:
    """Fill ``frames['branches']`` (id, name, level, parent_id, region, province)."""
    rng = w.rng("branches")
    weight: dict[int, float] = {}
    prov_names = sorted({c[0] for c in cat.CITIES})
    best_city: dict[int, int] = {}
    for i, (province, _, _, wt) in enumerate(cat.CITIES):
        p = prov_names.index(province)
        weight[p] = weight.get(p, 0.0) + wt
        if p not in best_city or wt > cat.CITIES[best_city[p]][3]:
            best_city[p] = i
    n_b = int(np.clip(round(10 * (w.n / 50_000) ** 0.15), 6, len(prov_names)))
    provs = sorted(weight, key=lambda p: (-weight[p], p))[:n_b]
    beijing = best_city[prov_names.index("北京市")]
    rows = [("HO", f"{BANK}总行", "head_office", None, region_of_city(beijing), -1)]
    for b, p in enumerate(provs, start=1):
        city = best_city[p]
        bid = f"BR{b:02d}"
        rows.append((bid, f"{BANK}{cat.CITIES[city][1]}分行", "branch", "HO",
                     region_of_city(city), p))  # fmt: skip
        areas = rng.choice(len(_AREAS), int(rng.integers(3, 6)), replace=False)
        for k, a in enumerate(sorted(areas.tolist()), start=1):
            rows.append((f"{bid}-{k:02d}", f"{BANK}{cat.CITIES[city][1]}{_AREAS[a]}支行",
                         "sub_branch", bid, region_of_city(city), p))  # fmt: skip
    w.frames["branches"] = pd.DataFrame(
        rows, columns=["id", "name", "level", "parent_id", "region", "province"]
    )


def _propensity(w: World) -> np.ndarray:
    co = w.co
    br = w.frames["branches"]
    covered = np.isin(province_of(w), br["province"].to_numpy())
    logrev = np.log(np.maximum(co["revenue"], 1.0))
    logit = _BASE[np.maximum(co["arch"], 0)] + 0.35 * (logrev - logrev[co["active"]].mean())
    logit += 1.5 * covered - 1.0 + 0.4 * co["high_tech"] + 0.3 * co["specialized"]
    logit += 0.3 * co["exporter"] + 0.5 * co["listed"]
    return np.where(co["active"], logit, -np.inf)


def build_customers(w: World) -> None:
    """Fill ``frames['customers']``, ``co['customer']`` and ``truth['converters']``."""
    rng = w.rng("customers")
    co, n = w.co, w.n
    logit = _propensity(w)
    score = logit + rng.logistic(size=n)
    k = int(round(w.cfg.customer_share * n))
    root = np.where(co["group"] >= 0, w.truth["group_starts"][np.maximum(co["group"], 0)], -1)
    first = np.zeros(n, dtype=bool)
    first[np.argsort(-score, kind="stable")[:k]] = True
    score = score + 1.2 * ((root >= 0) & first[np.maximum(root, 0)] & (root != np.arange(n)))
    customer = np.zeros(n, dtype=bool)
    customer[np.argsort(-score, kind="stable")[:k]] = True
    customer &= co["active"]

    s = w.frames["supply"]
    close = np.bincount(s["supplier"], customer[s["buyer"]], n)
    close += np.bincount(s["buyer"], customer[s["supplier"]], n)
    close += (root >= 0) & customer[np.maximum(root, 0)]
    conv = logit + 0.8 * np.minimum(close, 3) + 0.5 * rng.logistic(size=n)
    conv[customer | ~co["active"]] = -np.inf
    n_conv = int(round(w.cfg.converter_share * (co["active"] & ~customer).sum()))
    converters = np.sort(np.argsort(-conv, kind="stable")[:n_conv])

    br = w.frames["branches"]
    idx = np.flatnonzero(customer)
    prov = province_of(w)[idx]
    unit = np.empty(len(idx), dtype=object)
    branch_rows = br[br["level"] == "branch"]
    any_branch = rng.choice(branch_rows["id"].to_numpy(), len(idx))
    unit[:] = any_branch
    for bid, p in zip(branch_rows["id"], branch_rows["province"], strict=True):
        here = np.flatnonzero(prov == p)
        subs = br.loc[br["parent_id"] == bid, "id"].to_numpy()
        pick = rng.choice(np.concatenate([subs, [bid]]), len(here), p=None)
        unit[here] = pick
    big = co["revenue"][idx] > np.quantile(co["revenue"][idx], 0.98)
    unit[big & (rng.random(len(idx)) < 0.5)] = "HO"
    a = co["arch"][idx]
    rich = co["revenue"][idx] > np.quantile(co["revenue"][co["active"]], 0.8)
    line = np.where(rich, "corporate", "sme").astype(object)
    line[(a == cat.TECH) & (rng.random(len(idx)) < 0.7)] = "tech"
    line[(a == cat.TRADE) & (rng.random(len(idx)) < 0.5)] = "trade_finance"
    line[co["state"][idx]] = "corporate"
    lo = np.maximum(co["founded"][idx], np.datetime64("2005-01-01"))
    since = w.dates(rng, lo, np.full(len(idx), w.year_end() - 30))
    w.frames["customers"] = pd.DataFrame(
        {"company": idx, "branch": unit, "since": since, "business_line": line}
    )
    co["customer"] = customer
    w.truth["converters"] = converters


def build_product_holdings(w: World) -> None:
    """Fill ``frames['product_holdings']`` (company, product code, since, balance)."""
    rng = w.rng("products")
    co = w.co
    cu = w.frames["customers"]
    idx = cu["company"].to_numpy()
    codes = [p[0] for p in cat.PRODUCTS]
    logit = np.full((len(idx), len(codes)), -2.2)
    a = co["arch"][idx]
    for arch, boosts in _PRODUCT_BOOST.items():
        for code, v in boosts.items():
            logit[a == arch, codes.index(code)] += v

    def bump(code: str, mask: np.ndarray, v: float) -> None:
        logit[mask, codes.index(code)] += v

    bump("TX-XB", co["exporter"][idx], 2.0)
    bump("MK-FX", co["exporter"][idx], 1.5)
    bump("LN-TECH", co["high_tech"][idx], 1.0)
    bump("LN-IP", co["high_tech"][idx], 1.0)
    bump("IB-BOND", co["listed"][idx], 2.0)
    bump("LN-MA", co["listed"][idx], 1.5)
    bump("TX-PAYROLL", co["employees"][idx] > 500, 1.5)
    bump("TX-CASH", co["group"][idx] >= 0, 1.0)
    s = w.frames["supply"]
    feeds = np.bincount(s["supplier"], co["customer"][s["buyer"]], w.n)[idx] > 0
    bump("TF-SCF", feeds, 1.0)
    hold = rng.random(logit.shape) < 1.0 / (1.0 + np.exp(-logit))
    hold[np.arange(len(idx)), np.argmax(logit + rng.gumbel(size=logit.shape), axis=1)] = True
    ci, pi = np.nonzero(hold)
    since = w.dates(rng, cu["since"].to_numpy()[ci], np.full(len(ci), w.year_end()))
    balance = co["revenue"][idx[ci]] * 1e4 * np.exp(rng.normal(-2.5, 1.0, len(ci)))
    w.frames["product_holdings"] = pd.DataFrame({
        "company": idx[ci], "product": np.array(codes, dtype=object)[pi],
        "since": since, "balance": np.round(balance, 2),
    })  # fmt: skip
