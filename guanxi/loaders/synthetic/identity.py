"""Identities: company names, regions, unified social credit codes, stock codes.

Runs after the structure and attributes are known, because names follow them: group
members share their group's 字号, listed companies are 股份有限公司, custodians and
state-asset administrations have their real-world style names.
"""

from __future__ import annotations

import logging

import numpy as np

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.names import trade_names, unique_names
from guanxi.loaders.synthetic.uscc import generate_uscc
from guanxi.loaders.synthetic.world import CUSTODIAN, OPERATING, STATE_ADMIN, World

__all__ = ["label_companies", "region_of_city"]

log = logging.getLogger(__name__)

_CUSTODIANS = (
    "香港中央结算有限公司",
    "香港中央结算（代理人）有限公司",
    "中国证券金融股份有限公司",
    "全国社会保障基金理事会",
)
_PLAN_MANAGERS = (
    "华夏基金", "易方达基金", "南方基金", "嘉实基金", "广发证券", "中信证券",
    "国泰君安证券", "招商财富", "中信信托", "华润信托", "平安信托", "博时基金",
)  # fmt: skip
_PLAN_KINDS = ("集合资产管理计划", "单一资产管理计划", "集合资金信托计划")


def region_of_city(i: int) -> str:
    """Region string of city ``i``: ``上海市`` for a municipality, else ``广东省深圳市``."""
    province, city, _, _ = cat.CITIES[i]
    return province if province.startswith(city) else f"{province}{city}市"


def _custodian_names(rng: np.random.Generator, k: int) -> list[str]:
    names = list(_CUSTODIANS[:k])
    while len(names) < k:
        mgr = _PLAN_MANAGERS[int(rng.integers(len(_PLAN_MANAGERS)))]
        kind = _PLAN_KINDS[int(rng.integers(len(_PLAN_KINDS)))]
        plan = f"{mgr}-{trade_names(rng, 1)[0]}{int(rng.integers(1, 99))}号{kind}"
        if plan not in names:
            names.append(plan)
    return names


def _admin_provinces(k: int) -> list[str]:
    seen: dict[str, float] = {}
    for province, _, _, weight in cat.CITIES:
        seen[province] = seen.get(province, 0.0) + weight
    ranked = sorted(seen, key=lambda p: (-seen[p], p))
    return ranked[: k - 1]


def label_companies(w: World) -> None:
    """Attach ``name``, ``region``, ``division``, ``id`` and ``stock_code`` to companies."""
    rng = w.rng("identity")
    co, n = w.co, w.n
    kind, group, city = co["kind"], co["group"], co["city"]
    cust = np.flatnonzero(kind == CUSTODIAN)
    admin = np.flatnonzero(kind == STATE_ADMIN)
    op = np.flatnonzero(kind == OPERATING)
    provinces = _admin_provinces(len(admin))

    region = np.array([region_of_city(i) for i in range(len(cat.CITIES))], dtype=object)[city]
    prefix4 = np.array([c[2] for c in cat.CITIES])[city]
    district = np.char.zfill(rng.integers(1, 13, n).astype("<U2"), 2)
    division = np.char.add(prefix4.astype("<U4"), district)
    region[cust] = np.where(np.arange(len(cust)) < 2, "香港特别行政区", "北京市")[: len(cust)]
    division[cust] = "110102"
    admin_region = ["北京市"] + provinces
    region[admin] = admin_region[: len(admin)]
    prov_code = {c[0]: c[2][:2] + "0000" for c in cat.CITIES}
    division[admin] = ["110000"] + [prov_code[p] for p in provinces][: len(admin) - 1]

    names = np.empty(n, dtype=object)
    names[cust] = _custodian_names(rng, len(cust))
    admin_names = ["国务院国有资产监督管理委员会"] + [
        f"{p}人民政府国有资产监督管理委员会" for p in provinces
    ]
    names[admin] = admin_names[: len(admin)]

    starts = w.truth["group_starts"]
    gtrade = trade_names(rng, len(starts))
    holding = (group >= 0) & (co["parent"] < 0)
    word_pick = rng.random(n)
    listed, state = co["listed"], co["state"]
    city_name = np.array([c[1] for c in cat.CITIES], dtype=object)[city]
    words = [cat.INDUSTRY_WORDS[i] for i in range(len(cat.INDUSTRIES))]

    def make(r: np.random.Generator, idx: np.ndarray, length: int) -> list[str]:
        fresh = trade_names(r, len(idx), length)
        out = []
        for j, i in enumerate(op[idx].tolist()):
            t = gtrade[group[i]] if group[i] >= 0 and length == 2 else fresh[j]
            ws = words[co["industry"][i]]
            word = ws[int(word_pick[i] * len(ws))]
            suffix = "股份有限公司" if listed[i] else "有限公司"
            if holding[i] and not listed[i]:
                word = "投资集团" if state[i] else ("控股集团" if word_pick[i] < 0.3 else "集团")
            out.append(f"{city_name[i]}{t}{word}{suffix}")
        return out

    names[op] = unique_names(rng, make, len(op))
    ids = np.empty(n, dtype="<U18")
    reg = np.where(kind == STATE_ADMIN, "11", "91")
    ids[:] = generate_uscc(rng, division, reg)
    stock = np.full(n, "", dtype=object)
    lst = np.flatnonzero(listed)
    tech = co["arch"][lst] == cat.TECH
    boards_tech = np.concatenate([np.arange(688001, 690000), np.arange(300001, 302000)])
    boards_main = np.concatenate([np.arange(600000, 606000), np.arange(1, 4000)])
    n_tech = min(int(tech.sum()), len(boards_tech))
    codes = np.concatenate([
        rng.choice(boards_tech, n_tech, replace=False),
        rng.choice(boards_main, len(lst) - n_tech, replace=False),
    ])  # fmt: skip
    order = np.concatenate([np.flatnonzero(tech)[:n_tech], np.flatnonzero(~tech)])
    order = np.concatenate([order, np.setdiff1d(np.arange(len(lst)), order)])
    stock[lst[order]] = [f"{c:06d}" for c in codes.tolist()]
    co.update(name=names, region=region, division=division, id=ids, stock_code=stock)
