"""Shareholdings and actual controllers.

Every operating company has one controlling holder: the parent member inside a holding
group, the group's controller (a person, or a state-asset administration) at the group's
holding company, the founder of a standalone private firm, or a state-asset
administration for a standalone state firm. The actual controller is the end of that
chain. The remaining capital goes to co-founders, angel investors, other groups' holding
companies (joint ventures, strategic stakes), nominee persons (代持) and, for listed
companies, custodians and asset-management plans, which may hold more than the
controller without controlling anything. Non-nominee minority holders stay below the
controlling stake; every company's total stays at or below 100 %.

Only group holding companies and custodians hold minority stakes in other companies and
holding companies are held only by persons or the state, so ownership has no cycles.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.world import CUSTODIAN, OPERATING, STATE_ADMIN, World

__all__ = ["build_ownership"]

log = logging.getLogger(__name__)


def _floor2(x: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(x) * 100.0 + 1e-9) / 100.0


def _admin_for(w: World, companies: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The state-asset administration of each company: its province's, else the central one."""
    co = w.co
    admin = np.flatnonzero(co["kind"] == STATE_ADMIN)
    by_province = {co["region"][a]: a for a in admin[1:].tolist()}
    province = np.array([c[0] for c in cat.CITIES])[co["city"][companies]]
    local = np.array([by_province.get(p, -1) for p in province.tolist()], dtype=np.int64)
    central = (local < 0) | (rng.random(len(companies)) < 0.25)
    return np.where(central, admin[0], local)


def build_ownership(w: World) -> None:
    """Fill ``frames['holdings']`` and the controller arrays of ``w.co``."""
    rng = w.rng("ownership")
    co, n = w.co, w.n
    kind, group, parent, listed = co["kind"], co["group"], co["parent"], co["listed"]
    op = kind == OPERATING
    holding = op & (group >= 0) & (parent < 0)
    member = op & (parent >= 0)
    alone = op & (group < 0)
    state_root = co["state"] & (holding | alone)
    private_root = (holding | alone) & ~co["state"]
    starts = w.truth["group_starts"]
    n_groups = len(starts)

    # actual controllers at the roots
    ctrl = np.full(n, -1, dtype=np.int64)
    ctrl_co = np.zeros(n, dtype=bool)
    roots_p = np.flatnonzero(private_root)
    ctrl[roots_p] = w.new_persons(len(roots_p))
    roots_s = np.flatnonzero(state_root)
    ctrl[roots_s] = _admin_for(w, roots_s, rng)
    ctrl_co[roots_s] = True
    g_root = starts[group[member]]
    ctrl[member], ctrl_co[member] = ctrl[g_root], ctrl_co[g_root]
    founder = np.where(private_root, ctrl, -1)

    # controlling stakes
    u = rng.random(n)
    pct = np.where(u < 0.35, 100.0, 51.0 + 44.0 * rng.random(n))
    pct = np.where(alone & ~co["state"], np.where(u < 0.35, 100.0, 40 + 55 * rng.random(n)), pct)
    pct = np.where(member, np.where(u < 0.45, 100.0, 51 + 48 * rng.random(n)), pct)
    pct = np.where(state_root, np.where(u < 0.6, 100.0, 51 + 49 * rng.random(n)), pct)
    pct = np.where(listed, 25.0 + 30.0 * rng.random(n), pct)
    ctrl_pct = _floor2(pct)
    comp = np.flatnonzero(op)
    c_holder = np.where(member, parent, ctrl)[comp]
    c_is_co = (member | state_root)[comp]
    rows = [(c_holder, c_is_co, comp, ctrl_pct[comp], np.ones(len(comp), bool))]

    # minority holders of unlisted companies share the rest (R) by random weights
    rest = np.where(op & ~listed, 100.0 - ctrl_pct, 0.0)
    has_rest = np.flatnonzero(rest > 0.005)
    k = 1 + rng.poisson(0.6, len(has_rest))
    comp_m = np.repeat(has_rest, k)
    m = len(comp_m)
    angels = w.new_persons(max(10, n // 40))
    nominees = w.new_persons(max(5, n // 500), nominee=True)
    holder = w.new_persons(m)  # fresh co-founders by default
    is_co = np.zeros(m, dtype=bool)
    r = rng.random(m)
    holder = np.where(r < 0.15, rng.choice(angels, m), holder)
    roots = starts[rng.integers(0, n_groups, m)]
    joint = (
        (r > 0.75)
        & ((co["arch"][comp_m] == cat.TECH) | member[comp_m] | (r > 0.92))
        & (group[roots] != group[comp_m])
        & ~holding[comp_m]
    )
    holder = np.where(joint, roots, holder)
    is_co |= joint
    nominee_p = (r >= 0.15) & (r < 0.18) & alone[comp_m]
    holder = np.where(nominee_p, rng.choice(nominees, m), holder)
    cust = np.flatnonzero(kind == CUSTODIAN)
    plan = (r >= 0.18) & (r < 0.22) & (co["arch"][comp_m] == cat.TECH)
    holder = np.where(plan, rng.choice(cust[4:] if len(cust) > 4 else cust, m), holder)
    is_co |= plan
    ssf = state_root[comp_m] & holding[comp_m]
    holder = np.where(ssf, cust[min(3, len(cust) - 1)], holder)  # 社保基金 划转 stakes
    is_co |= ssf
    weight = np.exp(rng.standard_normal(m))
    share = weight / np.bincount(comp_m, weight, n)[comp_m]
    mpct = rest[comp_m] * share
    nominee_m = plan | ssf
    mpct = np.where(nominee_m, mpct, np.minimum(mpct, 0.9 * ctrl_pct[comp_m]))
    rows.append((holder, is_co, comp_m, _floor2(mpct), np.zeros(m, bool)))

    rows.append(_listed_holders(w, rng, ctrl_pct, angels, starts))
    h = pd.DataFrame({
        "holder": np.concatenate([x[0] for x in rows]),
        "holder_co": np.concatenate([x[1] for x in rows]),
        "company": np.concatenate([x[2] for x in rows]),
        "pct": np.concatenate([x[3] for x in rows]),
        "controlling": np.concatenate([x[4] for x in rows]),
    })  # fmt: skip
    h = h[(h["pct"] > 0) & ~(h["holder_co"] & (h["holder"] == h["company"]))]
    h = h.groupby(["holder_co", "holder", "company"], as_index=False, sort=True).agg(
        pct=("pct", "sum"), controlling=("controlling", "max")
    )
    # a holder drawn twice for one company is merged; keep it below the controller
    hold_co = h["holder_co"].to_numpy()
    custodian = hold_co & (kind[np.minimum(h["holder"].to_numpy(), n - 1)] == CUSTODIAN)
    limit = np.where(h["controlling"] | custodian, 100.0, 0.9 * ctrl_pct[h["company"]])
    h["pct"] = _floor2(np.minimum(h["pct"].to_numpy(), limit))
    h["amount"] = np.round(h["pct"].to_numpy() / 100.0 * co["capital"][h["company"]], 2)
    end = w.year_end()
    recent = w.dates(rng, np.full(len(h), end - 540), np.full(len(h), end))
    h["as_of"] = np.where(listed[h["company"]], end, recent)
    w.frames["holdings"] = h
    co.update(ctrl=ctrl, ctrl_co=ctrl_co, founder=founder, ctrl_pct=ctrl_pct)
    w.truth["angels"] = angels


def _listed_holders(
    w: World, rng: np.random.Generator, ctrl_pct: np.ndarray, angels: np.ndarray, starts
) -> tuple[np.ndarray, ...]:
    """Top-ten style holders of listed companies: custodians, plans, strategic, persons."""
    co = w.co
    lst = np.flatnonzero(co["listed"])
    cust = np.flatnonzero(co["kind"] == CUSTODIAN)
    plans = cust[4:] if len(cust) > 4 else cust
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(mask_p: float, holders: np.ndarray, lo: float, hi: float, is_co: bool) -> None:
        take = lst[rng.random(len(lst)) < mask_p]
        hold = holders if holders.ndim == 0 else rng.choice(holders, len(take))
        hold = np.broadcast_to(hold, take.shape)
        parts.append(
            (hold, np.full(len(take), is_co), take, lo + (hi - lo) * rng.random(len(take)))
        )

    add(0.7, np.asarray(cust[0]), 0.5, 6.0, True)  # 香港中央结算 (northbound)
    add(0.12, np.asarray(cust[1]), 15.0, 40.0, True)  # H shares held via the nominee
    add(0.5, np.asarray(cust[2]), 0.5, 3.0, True)  # 证金
    add(0.3, np.asarray(cust[3]), 0.5, 2.5, True)  # 社保
    for _ in range(2):
        add(0.6, plans, 0.3, 3.0, True)
    add(0.25, starts, 2.0, 10.0, True)  # strategic stakes of other groups' holdings
    for _ in range(3):
        add(0.7, w.new_persons(len(lst)), 0.2, 3.0, False)
    add(0.3, angels, 0.3, 2.0, False)
    holder = np.concatenate([p[0] for p in parts])
    is_co = np.concatenate([p[1] for p in parts])
    comp = np.concatenate([p[2] for p in parts])
    pct = np.concatenate([p[3] for p in parts])
    same_group = is_co & (co["group"][np.minimum(holder, w.n - 1)] == co["group"][comp])
    keep = ~(same_group & (co["group"][comp] >= 0))
    holder, is_co, comp, pct = holder[keep], is_co[keep], comp[keep], pct[keep]
    nominee = is_co & (co["kind"][np.where(is_co, holder, 0)] == CUSTODIAN)
    pct = np.where(nominee, pct, np.minimum(pct, 0.9 * ctrl_pct[comp]))
    room = 100.0 - ctrl_pct
    total = np.bincount(comp, pct, w.n)
    scale = np.where(total > room, room / np.maximum(total, 1e-9) * 0.98, 1.0)
    return holder, is_co, comp, _floor2(pct * scale[comp]), np.zeros(len(comp), bool)
