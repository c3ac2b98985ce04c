"""Companies: holding groups with ownership pyramids, standalone firms, their attributes.

Layout of the company index: custodians first, then state-asset administrations, then
the members of each holding group (holding company first, contiguous per group), then
standalone companies. Inside a group every member but the holding company has a parent
member that holds the majority of it, drawn towards earlier members so that pyramids
stay two to four levels deep.
"""

from __future__ import annotations

import logging

import numpy as np

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.world import CUSTODIAN, OPERATING, STATE_ADMIN, World

__all__ = ["build_structure", "build_attributes"]

log = logging.getLogger(__name__)

# group archetype -> probability of each member archetype when it differs from the group's
_MEMBER_MIX = np.array([
    # TECH MANUF TIER2 TRADE STATE REAL CONSUMER
    [0.0, 0.3, 0.3, 0.2, 0.0, 0.0, 0.2],   # tech_growth groups
    [0.25, 0.0, 0.5, 0.25, 0.0, 0.0, 0.0],  # manufacturing_core groups
    [0.2, 0.5, 0.0, 0.3, 0.0, 0.0, 0.0],   # (tier2 groups are rare)
    [0.0, 0.3, 0.3, 0.0, 0.0, 0.0, 0.4],   # trading groups
    [0.05, 0.3, 0.05, 0.2, 0.0, 0.2, 0.2],  # state groups
    [0.0, 0.2, 0.0, 0.3, 0.0, 0.0, 0.5],   # real-estate groups
    [0.0, 0.0, 0.2, 0.5, 0.0, 0.3, 0.0],   # consumer groups
])  # fmt: skip
_GROUP_ARCH_P = np.array([0.14, 0.28, 0.0, 0.10, 0.22, 0.14, 0.12])
_REV_MU = np.array([0.2, 0.8, 0.7, 1.2, 0.3, -0.3, 0.6])


def _pick(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category per entry of ``rows`` from the probability rows ``probs[rows]``."""
    cum = np.cumsum(probs[rows], axis=1)
    u = rng.random(len(rows))[:, None] * cum[:, -1:]
    return (u >= cum).sum(axis=1)


def _depths(parent: np.ndarray) -> np.ndarray:
    """Distance of each company from the root of its pyramid (parents precede children)."""
    depth = np.zeros(len(parent), dtype=np.int64)
    for _ in range(len(parent) + 1):
        nxt = np.where(parent >= 0, depth[np.maximum(parent, 0)] + 1, 0)
        if np.array_equal(nxt, depth):
            break
        depth = nxt
    return depth


def build_structure(w: World) -> None:
    """Kinds, groups, parents, depths and archetypes of all companies."""
    rng = w.rng("structure")
    n = w.n
    n_cust = max(6, n // 2000)
    n_admin = min(16, max(3, n // 5000))
    n_op = n - n_cust - n_admin
    target = int(round(w.cfg.group_share * n_op))
    cap = int(min(400, max(30, n_op // 100)))
    sizes = np.minimum(2 + np.floor(rng.pareto(1.3, target // 2 + 10) * 3), cap).astype(np.int64)
    cut = int(np.searchsorted(np.cumsum(sizes), target)) + 1
    sizes = sizes[:cut]
    sizes[-1] -= max(0, int(sizes.sum()) - target)
    sizes = sizes[sizes >= 2]
    n_groups, in_groups = len(sizes), int(sizes.sum())
    garch = rng.choice(7, n_groups, p=_GROUP_ARCH_P / _GROUP_ARCH_P.sum())

    kind = np.full(n, OPERATING, dtype=np.int8)
    kind[:n_cust] = CUSTODIAN
    kind[n_cust : n_cust + n_admin] = STATE_ADMIN
    first = n_cust + n_admin
    starts = first + np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.full(n, -1, dtype=np.int64)
    gpos = np.zeros(n, dtype=np.int64)
    members = np.arange(first, first + in_groups)
    group[members] = np.repeat(np.arange(n_groups), sizes)
    gpos[members] = members - starts[group[members]]
    parent = np.full(n, -1, dtype=np.int64)
    sub = members[gpos[members] > 0]
    local = np.floor(gpos[sub] * rng.random(len(sub)) ** 1.8).astype(np.int64)
    parent[sub] = starts[group[sub]] + local
    depth = _depths(parent)
    for _ in range(16):  # flatten pyramids deeper than four levels below the holding
        deep = depth > 4
        if not deep.any():
            break
        parent[deep] = parent[parent[deep]]
        depth = _depths(parent)

    arch = np.full(n, -1, dtype=np.int64)
    ga = garch[group[members]]
    same = (gpos[members] == 0) | (rng.random(in_groups) < np.where(ga == cat.STATE, 0.8, 0.65))
    arch[members] = np.where(same, ga, _pick(rng, _MEMBER_MIX, ga))
    alone = np.arange(first + in_groups, n)
    share = np.array([cat.PROFILES[a]["share"] for a in range(7)])
    arch[alone] = rng.choice(7, len(alone), p=share / share.sum())
    state = np.zeros(n, dtype=bool)
    state[members] = ga == cat.STATE
    state[alone] = arch[alone] == cat.STATE
    w.co.update(
        kind=kind, group=group, gpos=gpos, parent=parent, depth=depth, arch=arch, state=state
    )
    w.truth["group_starts"] = starts
    w.truth["group_sizes"] = sizes
    w.truth["group_arch"] = garch
    log.debug("%d groups hold %d of %d operating companies", n_groups, in_groups, n_op)


def build_attributes(w: World) -> None:
    """Industry, city, founding date, size, R&D, tags, listing and status."""
    rng = w.rng("attributes")
    co, n = w.co, w.n
    arch, group, parent, depth = co["arch"], co["group"], co["parent"], co["depth"]
    op = co["kind"] == OPERATING
    holding = op & (group >= 0) & (parent < 0)
    a = np.maximum(arch, 0)

    industry = np.full(n, cat.INDUSTRIES.index("资本市场服务"), dtype=np.int64)
    industry[co["kind"] == STATE_ADMIN] = cat.INDUSTRIES.index("国家机构")
    city = np.zeros(n, dtype=np.int64)
    for k in range(7):
        idx = np.flatnonzero(op & (arch == k))
        industry[idx] = rng.choice(len(cat.INDUSTRIES), len(idx), p=cat.industry_weights(k))
        city[idx] = rng.choice(len(cat.CITIES), len(idx), p=cat.city_weights(k))
    starts = w.truth["group_starts"]
    grouped = np.flatnonzero(op & (group >= 0))
    home = city[starts[group[grouped]]]
    city[grouped] = np.where(rng.random(len(grouped)) < 0.6, home, city[grouped])

    lo = np.array([cat.PROFILES[k]["founded"][0] for k in range(7)])[a]
    hi = np.array([cat.PROFILES[k]["founded"][1] for k in range(7)])[a]
    year = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64) - 6 * holding
    founded = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    founded = founded + (rng.random(n) * 365).astype(np.int64)
    for level in range(1, int(depth.max()) + 1):
        idx = np.flatnonzero(depth == level)
        founded[idx] = np.maximum(founded[idx], founded[parent[idx]] + 90)
    founded = np.minimum(founded, np.datetime64(f"{w.cfg.year}-06-30"))

    mu = np.array([cat.PROFILES[k]["capital"][0] for k in range(7)])[a]
    sd = np.array([cat.PROFILES[k]["capital"][1] for k in range(7)])[a]
    gsize = np.where(group >= 0, w.truth["group_sizes"][np.maximum(group, 0)], 1)
    logcap = mu + sd * rng.standard_normal(n) + holding * (1.0 + 0.4 * np.log(gsize))
    logcap += 0.5 * (depth == 1)
    logrev = logcap + _REV_MU[a] + 0.9 * rng.standard_normal(n)
    capital = np.round(np.maximum(np.exp(logcap), 1.0), 2)
    revenue = np.round(np.maximum(np.exp(logrev), 1.0), 2)
    labour = np.where(np.isin(a, [cat.CONSUMER, cat.MANUF]), 0.4, 0.0)
    logemp = 0.75 * logrev - 1.2 + labour + 0.6 * rng.standard_normal(n)
    employees = np.maximum(1, np.round(np.exp(logemp))).astype(np.int64)

    rd_a = np.array([cat.PROFILES[k]["rd"][0] for k in range(7)])[a]
    rd_b = np.array([cat.PROFILES[k]["rd"][1] for k in range(7)])[a]
    rd = np.round(rng.beta(rd_a, rd_b), 4)

    status = np.full(n, "active", dtype=object)
    loose = op & (group < 0) & np.isin(a, [cat.TRADE, cat.CONSUMER, cat.TIER2])
    u = rng.random(n)
    status[loose & (u < 0.04)] = "revoked"
    status[loose & (u >= 0.04) & (u < 0.07)] = "cancelled"
    active = status == "active"

    score = logrev + 1.2 * holding + 0.5 * (a == cat.TECH) + rng.standard_normal(n)
    score[~(op & active)] = -np.inf
    n_listed = int(min(round(0.012 * op.sum()), 5000))
    listed = np.zeros(n, dtype=bool)
    listed[np.argsort(-score, kind="stable")[:n_listed]] = True

    def tag_p(key: str) -> np.ndarray:
        return np.array([cat.PROFILES[k][key] for k in range(7)])[a]

    high_tech = op & (rng.random(n) < tag_p("high_tech") * np.clip(rd / 0.04, 0, 1.5))
    sme = (employees >= 20) & (employees <= 1000)
    specialized = op & sme & (rng.random(n) < tag_p("specialized"))
    giant = specialized & (rng.random(n) < 0.2)
    exporter = op & (rng.random(n) < tag_p("exporter"))
    flags = [
        ("high_tech", high_tech),
        ("specialized_sme", specialized),
        ("little_giant", giant),
        ("state_owned", op & co["state"]),
        ("exporter", exporter),
    ]
    tags = np.full(n, "", dtype=object)
    for name, mask in flags:
        tags[mask] = tags[mask] + (name + ";")
    tags = np.array([t[:-1] for t in tags.tolist()], dtype=object)

    rd[~op] = 0.0
    for arr, val in ((capital, 0.0), (revenue, 0.0), (employees, 0)):
        arr[~op] = val
    co.update(
        industry=industry, city=city, founded=founded, capital=capital, revenue=revenue,
        employees=employees, rd=rd, status=status, active=active & op, listed=listed,
        tags=tags, high_tech=high_tech, specialized=specialized, exporter=exporter,
    )  # fmt: skip
