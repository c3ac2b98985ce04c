"""Planted opportunities: product maturities, and the triggers under which companies
convert, written to ``ground_truth.json`` under ``opportunities`` (rule → company ids).

Runs after the hold-out on its own random stream (``opportunities``), so every earlier
stage draws exactly what it drew before. What it plants (docs/synthetic.md):

* ``maturity`` on every product holding with a term (loans, bills, guarantees, structured
  deposits, bond underwriting): the next end of a term after the data year's end. Holders
  with a maturity in the 90 days after that convert (renew, extend) with a probability that
  grows with the balance due → ``product_maturity``.
* ``payment_flow``: ~2 % of customers get a fourth-quarter jump of their inflows (their payers
  pay 2–4× the quarter's usual amount) or a new large payer in that quarter only; 70 %
  convert.
* ``executive_move``: officers of ~1.5 % of customers take a seat (director, vice president)
  at a non-customer in the last 180 days of the year; 60 % of those companies convert.
* ``long_tail``: ~4 % of customers holding three or more products keep only one (the
  under-served); 80 % take more.
* From the existing ``converters`` (non-customers of high latent propensity near
  customers): ``supply_chain`` (trading with a customer), ``group_extension`` (a group
  with a customer in it) and ``tech_prospect`` (tagged high_tech or specialized_sme).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic.world import World

__all__ = ["TERMS", "plant_opportunities"]

log = logging.getLogger(__name__)

#: Term in days of the products that end (the others, cash management, payroll, FX, run on).
TERMS = {"LN-WC": 365, "LN-FA": 1095, "LN-PROJ": 1825, "LN-MA": 1095, "LN-TECH": 365,
         "LN-IP": 365, "TF-DISC": 180, "TF-BA": 180, "TF-SCF": 180, "TF-LG": 365,
         "DP-STRUCT": 180, "IB-BOND": 1095}  # fmt: skip
WINDOW = 90


def _maturities(w: World, rng: np.random.Generator) -> np.ndarray:
    ph = w.frames["product_holdings"]
    term = ph["product"].map(TERMS).to_numpy(dtype=float)
    since = ph["since"].to_numpy().astype("datetime64[D]")
    end = w.year_end()
    has = ~np.isnan(term)
    t = np.where(has, term, 1.0).astype(np.int64)
    elapsed = (end - since).astype(np.int64)
    k = elapsed // t + 1
    mat = since + (k * t).astype("timedelta64[D]")
    return np.where(has, mat, np.datetime64("NaT"))


def _long_tail(w: World, rng: np.random.Generator) -> np.ndarray:
    ph = w.frames["product_holdings"]
    counts = ph.groupby("company").size()
    rich = counts[counts >= 3].index.to_numpy()
    pick = rng.choice(rich, min(len(rich), max(3, int(0.04 * len(counts)))), replace=False)
    keep = ~ph["company"].isin(pick) | ~ph.duplicated("company", keep="first")
    w.frames["product_holdings"] = ph[keep].reset_index(drop=True)
    return np.sort(pick)


def _flows(w: World, rng: np.random.Generator, customers: np.ndarray) -> np.ndarray:
    pay = w.frames["payments"]
    q4 = np.datetime64(f"{w.cfg.year}-10-01", "D")
    inflow = pay.groupby("payee")["amount"].sum()
    cand = np.intersect1d(customers, inflow.index.to_numpy())
    pick = rng.choice(cand, min(len(cand), max(4, int(0.02 * len(customers)))), replace=False)
    days = (w.year_end() - q4).astype(np.int64) + 1
    rows = []
    active = np.flatnonzero(w.co["active"])
    for i, c in enumerate(np.sort(pick).tolist()):
        base = float(inflow[c]) / 4.0
        if i % 2 == 0:  # the usual payers pay 2-4x a quarter's inflow in Q4
            payers = pay.loc[pay["payee"] == c, "payer"].unique()
            amt = base * (2.0 + 2.0 * rng.random()) / len(payers)
            for p in payers.tolist():
                rows.append((p, c, amt, q4 + int(rng.integers(0, days))))
        else:  # a new large counterparty, in Q4 only
            p = int(rng.choice(active))
            while p == c or ((pay["payer"] == p) & (pay["payee"] == c)).any():
                p = int(rng.choice(active))
            for _ in range(3):
                rows.append((p, c, base * (0.5 + rng.random()), q4 + int(rng.integers(0, days))))
    add = pd.DataFrame(rows, columns=["payer", "payee", "amount", "date"])
    add["amount"] = add["amount"].round(2).clip(lower=1.0)
    add["date"] = add["date"].astype(pay["date"].dtype)
    w.frames["payments"] = (
        pd.concat([pay, add], ignore_index=True)
        .sort_values(["payer", "payee", "date", "amount"]).reset_index(drop=True)
    )  # fmt: skip
    return np.sort(pick)


def _moves(w: World, rng: np.random.Generator, customers: np.ndarray) -> np.ndarray:
    p = w.frames["positions"]
    key = p["until"].isna() & p["company"].isin(customers) & p["role"].isin(
        ["chairman", "ceo", "cfo", "vice_chairman", "director"])  # fmt: skip
    officers = p[key].drop_duplicates("person")
    k = min(len(officers), max(4, int(0.015 * len(customers))))
    movers = officers.iloc[np.sort(rng.choice(len(officers), k, replace=False))]
    non = np.flatnonzero(w.co["active"] & ~w.co["customer"])
    dest = rng.choice(non, k, replace=False)
    since = w.year_end() - rng.integers(0, 180, k).astype("timedelta64[D]")
    role = np.where(rng.random(k) < 0.6, "director", "vp").astype(object)
    add = pd.DataFrame({"person": movers["person"].to_numpy(), "company": dest, "role": role,
                        "since": since.astype(p["since"].dtype), "until": pd.NaT})  # fmt: skip
    w.frames["positions"] = pd.concat([p, add], ignore_index=True)
    return dest


def plant_opportunities(w: World) -> None:
    """Add maturities, flows, moves and trimmed holdings; fill ``truth['opportunities']``
    with company indices per rule."""
    rng = w.rng("opportunities")
    co = w.co
    customers = np.sort(w.frames["customers"]["company"].to_numpy())
    truth: dict[str, np.ndarray] = {}
    trimmed = _long_tail(w, rng)
    truth["long_tail"] = trimmed[rng.random(len(trimmed)) < 0.8]
    ph = w.frames["product_holdings"]
    mat = _maturities(w, rng)
    ph["maturity"] = mat
    due = (mat > w.year_end()) & (mat <= w.year_end() + WINDOW)
    bal = ph.loc[due].groupby("company")["balance"].sum()
    pr = bal.rank(pct=True).to_numpy()
    conv = rng.random(len(bal)) < 0.25 + 0.6 * pr
    truth["product_maturity"] = bal.index.to_numpy()[conv]
    flows = _flows(w, rng, customers)
    truth["payment_flow"] = flows[rng.random(len(flows)) < 0.7]
    dest = _moves(w, rng, customers)
    truth["executive_move"] = np.unique(dest[rng.random(len(dest)) < 0.6])
    conv_all = np.asarray(w.truth["converters"])
    s = w.frames["supply"]
    cust = co["customer"]
    trade = np.bincount(s["supplier"], cust[s["buyer"]], w.n) + np.bincount(
        s["buyer"], cust[s["supplier"]], w.n)  # fmt: skip
    truth["supply_chain"] = conv_all[trade[conv_all] > 0]
    grp = co["group"]
    with_cust = np.unique(grp[cust & (grp >= 0)])
    truth["group_extension"] = conv_all[np.isin(grp[conv_all], with_cust) & (grp[conv_all] >= 0)]
    tech = co["high_tech"] | co["specialized"]
    truth["tech_prospect"] = conv_all[tech[conv_all]]
    w.truth["opportunities"] = {k: np.unique(v.astype(np.int64)) for k, v in truth.items()}
    log.info("planted opportunities: %s", {k: len(v) for k, v in truth.items()})
