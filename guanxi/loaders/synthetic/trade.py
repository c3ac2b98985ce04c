"""Supply links, payment transactions and guarantees between companies.

Every operating company has a position in a supply chain (``CHAIN_ROLES``: upstream raw
materials, midstream components, downstream assembly, distribution), drawn partly from its
archetype (so partly visible in its industry) and partly at random; it is the generator's
*structural* lookalike truth, because what reveals it is the network: a position mostly
buys from the one before it and sells to the one after it. Suppliers choose buyers by
archetype affinity (second-tier suppliers sell to core manufacturers, manufacturers to
state and real-estate firms, traders to consumer businesses) times that chain affinity,
weighted by the buyer's revenue, half of the time inside their own province
and often inside their own group: large buyers become core enterprises with tiers of
suppliers around them. Buyers pay their suppliers in several transactions a year; groups
move money between parent and subsidiary; everybody pays rent and services.

Guarantees follow a strict order of the companies (pyramid depth, then a random rank),
so that ordinary guarantees (parent for subsidiary, core firm for supplier, chains of
local firms) never close a cycle; the only cycles are the planted guarantee circles
(互保 pairs and 联保 rings), whose members guarantee nobody else.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.world import World

__all__ = ["build_supply", "build_payments", "build_guarantees", "province_of", "assign_roles",
           "CHAIN_ROLES"]  # fmt: skip

log = logging.getLogger(__name__)

_OUT_DEGREE = np.array([1.2, 1.9, 2.8, 2.3, 1.0, 0.15, 0.5])
_AFFINITY = np.array([
    # buyer: TECH MANUF TIER2 TRADE STATE REAL CONSUMER
    [1.0, 3.0, 0.5, 0.3, 2.0, 0.2, 0.5],  # tech_growth supplies
    [0.5, 2.0, 0.2, 1.0, 2.0, 1.5, 1.0],  # manufacturing_core
    [1.0, 4.0, 1.5, 0.2, 1.0, 0.2, 0.2],  # supply_chain_tier2
    [0.2, 1.0, 0.5, 1.5, 0.5, 0.5, 3.0],  # trading_sme
    [0.3, 1.0, 0.1, 0.2, 2.0, 2.0, 0.3],  # state_owned
    [0.2, 0.2, 0.2, 0.2, 1.0, 0.5, 1.0],  # real_estate
    [0.2, 0.2, 0.2, 0.5, 0.3, 1.0, 1.0],  # consumer_services
])  # fmt: skip


CHAIN_ROLES: tuple[str, ...] = ("upstream", "midstream", "downstream", "distribution")
# supplier position -> buyer position: mostly the next link of the chain
_CHAIN = np.array([
    [0.3, 20.0, 0.5, 0.1],  # upstream sells to midstream
    [0.2, 0.3, 20.0, 0.5],  # midstream to downstream
    [0.1, 0.2, 0.3, 20.0],  # downstream to distribution
    [0.1, 0.1, 0.3, 6.0],  # distribution to other distributors (and to consumers, off-graph)
])  # fmt: skip
_CHAIN_OUT = np.array([1.6, 1.4, 1.3, 0.6])  # supply out-degree multiplier per position
# archetype -> preferred positions (mixed 40/60 with a uniform draw)
_ROLE_PREF = np.array([
    [0.1, 0.5, 0.3, 0.1],  # tech_growth
    [0.1, 0.2, 0.6, 0.1],  # manufacturing_core
    [0.4, 0.5, 0.1, 0.0],  # supply_chain_tier2
    [0.0, 0.1, 0.2, 0.7],  # trading_sme
    [0.5, 0.2, 0.2, 0.1],  # state_owned
    [0.3, 0.2, 0.3, 0.2],  # real_estate
    [0.0, 0.1, 0.3, 0.6],  # consumer_services
])  # fmt: skip


def assign_roles(w: World) -> None:
    """Fill ``co['role']``: the chain position of every operating company (-1 for the
    others), 40 % from its archetype's preference, 60 % uniform (own stream ``roles``)."""
    rng = w.rng("roles")
    arch = w.co["arch"]
    p = 0.4 * _ROLE_PREF[np.maximum(arch, 0)] + 0.6 / len(CHAIN_ROLES)
    cum = np.cumsum(p, axis=1)
    role = (rng.random(len(arch))[:, None] * cum[:, -1:] >= cum).sum(axis=1)
    w.co["role"] = np.where(arch >= 0, role, -1)


def province_of(w: World) -> np.ndarray:
    """Province index (into the sorted province names) of every company."""
    names = sorted({c[0] for c in cat.CITIES})
    by_city = np.array([names.index(c[0]) for c in cat.CITIES])
    return by_city[w.co["city"]]


def _draw_buyers(w: World, rng: np.random.Generator, supplier: np.ndarray) -> np.ndarray:
    co, n = w.co, w.n
    prov = province_of(w)
    order = np.argsort(prov, kind="stable")
    bounds = np.searchsorted(prov[order], np.arange(prov.max() + 2))
    size = np.where(co["active"], co["revenue"], 0.0) ** 0.6
    buyer = np.empty(len(supplier), dtype=np.int64)
    local = rng.random(len(supplier)) < 0.5
    u = rng.random(len(supplier))
    role = np.maximum(co["role"], 0)
    for a, r in ((a, r) for a in range(7) for r in range(len(CHAIN_ROLES))):
        sel = np.flatnonzero((co["arch"][supplier] == a) & (role[supplier] == r))
        if sel.size == 0:
            continue
        aff = _AFFINITY[a][np.maximum(co["arch"], 0)] * _CHAIN[r][role]
        cum = np.cumsum((aff * size)[order])
        total = cum[-1]
        p = prov[supplier[sel]]
        lo = np.where(bounds[p] > 0, cum[np.maximum(bounds[p] - 1, 0)], 0.0)
        lo = np.where(bounds[p] > 0, lo, 0.0)
        hi = cum[np.maximum(bounds[p + 1] - 1, 0)]
        use_local = local[sel] & (hi > lo)
        x = np.where(use_local, lo + u[sel] * (hi - lo), u[sel] * total)
        buyer[sel] = order[np.minimum(np.searchsorted(cum, x, side="right"), n - 1)]
    starts, sizes = w.truth["group_starts"], w.truth["group_sizes"]
    g = co["group"][supplier]
    inside = (g >= 0) & (rng.random(len(supplier)) < 0.25)
    gi = np.maximum(g, 0)
    mate = starts[gi] + np.floor(rng.random(len(supplier)) * sizes[gi]).astype(np.int64)
    return np.where(inside, mate, buyer)


def build_supply(w: World) -> None:
    """Fill ``frames['supply']`` (supplier, buyer, amount in CNY, period, share)."""
    rng = w.rng("supply")
    co = w.co
    act = np.flatnonzero(co["active"])
    if "role" not in co:
        assign_roles(w)
    deg = rng.poisson(_OUT_DEGREE[co["arch"][act]] * _CHAIN_OUT[np.maximum(co["role"][act], 0)])
    supplier = np.repeat(act, deg)
    buyer = _draw_buyers(w, rng, supplier)
    s = pd.DataFrame({"supplier": supplier, "buyer": buyer})
    s = s[(s["supplier"] != s["buyer"]) & co["active"][s["buyer"].to_numpy()]]
    s = s.drop_duplicates().sort_values(["supplier", "buyer"]).reset_index(drop=True)
    sup, buy = s["supplier"].to_numpy(), s["buyer"].to_numpy()
    weight = np.exp(rng.standard_normal(len(s)))
    out_w = np.bincount(sup, weight, w.n)[sup]
    sold = co["revenue"][sup] * 1e4 * (0.3 + 0.6 * rng.random(len(s)))
    amount = np.round(sold * weight / out_w)
    coverage = 0.4 + 0.55 * rng.random(w.n)
    inflow = np.bincount(buy, amount, w.n)[buy]
    s["amount"] = amount
    s["period"] = str(w.cfg.year)
    s["share"] = np.round(coverage[buy] * amount / np.maximum(inflow, 1.0), 4)
    w.frames["supply"] = s


def build_payments(w: World) -> None:
    """Fill ``frames['payments']`` with raw transactions (payer, payee, amount, date)."""
    rng = w.rng("payments")
    co, n = w.co, w.n
    s = w.frames["supply"]
    pairs = [(s["buyer"].to_numpy(), s["supplier"].to_numpy(),
              s["amount"].to_numpy() * (0.7 + 0.3 * rng.random(len(s))),
              1 + rng.poisson(4.5, len(s)))]  # fmt: skip
    mem = np.flatnonzero(co["active"] & (co["parent"] >= 0))
    for share, up in ((0.4, True), (0.3, False)):
        m = mem[rng.random(len(mem)) < share]
        p = co["parent"][m]
        total = co["revenue"][m] * 1e4 * 0.05 * rng.random(len(m))
        payer, payee = (m, p) if up else (p, m)
        pairs.append((payer, payee, total, 1 + rng.poisson(1.5, len(m))))
    act = np.flatnonzero(co["active"])
    k = int(0.3 * n)
    payer = rng.choice(act, k)
    landlord = act[np.isin(co["arch"][act], [cat.REAL, cat.CONSUMER, cat.STATE])]
    wts = co["revenue"][landlord] ** 0.5
    payee = rng.choice(landlord, k, p=wts / wts.sum())
    total = co["revenue"][payer] * 1e4 * 0.02 * rng.random(k)
    pairs.append((payer, payee, total, 1 + rng.poisson(2.0, k)))
    a = np.concatenate([p[0] for p in pairs])
    b = np.concatenate([p[1] for p in pairs])
    total = np.concatenate([p[2] for p in pairs])
    cnt = np.concatenate([p[3] for p in pairs])
    keep = a != b
    a, b, total, cnt = a[keep], b[keep], total[keep], cnt[keep]
    edge = np.repeat(np.arange(len(a)), cnt)
    part = rng.exponential(1.0, len(edge))
    part = part / np.bincount(edge, part, len(a))[edge]
    year0 = np.datetime64(f"{w.cfg.year}-01-01", "D")
    days = (rng.random(len(edge)) * 366).astype(np.int64) % (w.year_end() - year0 + 1).astype(int)
    pay = pd.DataFrame({
        "payer": a[edge], "payee": b[edge],
        "amount": np.round(np.maximum(total[edge] * part, 1.0), 2), "date": year0 + days,
    })  # fmt: skip
    w.frames["payments"] = pay.sort_values(["payer", "payee", "date", "amount"]).reset_index(
        drop=True
    )


def build_guarantees(w: World) -> None:
    """Fill ``frames['guarantees']`` and ``truth['circles']`` (lists of company indices)."""
    rng = w.rng("guarantees")
    co, n = w.co, w.n
    act = co["active"]
    rank = co["depth"] * n + rng.permutation(n)
    mem = np.flatnonzero(act & (co["parent"] >= 0))
    mem = mem[rng.random(len(mem)) < 0.35]
    edges = [(co["parent"][mem], mem)]
    s = w.frames["supply"]
    pick = rng.random(len(s)) < 0.07
    edges.append((s["buyer"].to_numpy()[pick], s["supplier"].to_numpy()[pick]))
    prov = province_of(w)
    sme = np.flatnonzero(act & ~co["state"] & (co["employees"] < 1000))
    order = sme[np.argsort(prov[sme], kind="stable")]
    bounds = np.searchsorted(prov[order], np.arange(prov.max() + 2))
    heads = rng.choice(order, max(1, n // 60))
    for step in range(4):
        p = prov[heads]
        nxt = order[
            bounds[p]
            + np.floor(rng.random(len(heads)) * (bounds[p + 1] - bounds[p])).astype(np.int64)
        ]
        edges.append((heads, nxt))
        heads = nxt[rng.random(len(nxt)) < 0.8 - 0.1 * step]
    g = np.concatenate([e[0] for e in edges])
    b = np.concatenate([e[1] for e in edges])
    flip = rank[g] > rank[b]
    g, b = np.where(flip, b, g), np.where(flip, g, b)
    dag = pd.DataFrame({"guarantor": g, "borrower": b})
    dag = dag[dag["guarantor"] != dag["borrower"]].drop_duplicates()

    busy = np.zeros(n, dtype=bool)
    busy[dag["guarantor"].to_numpy()] = True
    free = order[~busy[order]]
    free_prov = prov[free]
    circles: list[list[int]] = []
    taken = np.zeros(n, dtype=bool)
    for _ in range(max(3, n // 2000)):
        length = 2 if rng.random() < 0.35 else int(rng.integers(3, 7))
        home = free_prov[int(rng.integers(len(free)))]
        pool = free[(free_prov == home) & ~taken[free]]
        if len(pool) < length:
            continue
        ring = rng.choice(pool, length, replace=False)
        taken[ring] = True
        circles.append([int(c) for c in ring])
    ring_g = [c for ring in circles for c in ring]
    ring_b = [c for ring in circles for c in ring[1:] + ring[:1]]
    gu = pd.concat([dag, pd.DataFrame({"guarantor": ring_g, "borrower": ring_b})])
    gu = gu.sort_values(["guarantor", "borrower"]).reset_index(drop=True)
    cap = co["capital"][gu["borrower"].to_numpy()]
    gu["amount"] = np.round(np.maximum(cap * (0.1 + 0.9 * rng.random(len(gu))), 10.0), 2)
    start = w.dates(rng, np.full(len(gu), np.datetime64(f"{w.cfg.year - 3}-01-01")),
                    np.full(len(gu), w.year_end() - 60))  # fmt: skip
    gu["start"] = start
    gu["end"] = start + rng.integers(365, 3 * 365, len(gu))
    w.frames["guarantees"] = gu
    w.truth["circles"] = circles
    log.debug("%d guarantees, %d circles", len(gu), len(circles))
