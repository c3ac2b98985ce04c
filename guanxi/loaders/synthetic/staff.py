"""Relationship managers, who manages whom, and who knows whom (KNOWS).

RMs are spread over the bank's units in proportion to their customers, each with the
business line most of those customers have. Every customer has a primary RM of its unit
(matching line where possible), some a second one. RMs know some of the executives of
the companies they manage (the CFO most often, decision makers often, others now and
then) and, for prospects, sometimes a chairman. Executives know each other along supply
links, along the ownership pyramid, and by chance inside their province.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic.names import person_names
from guanxi.loaders.synthetic.trade import province_of
from guanxi.loaders.synthetic.world import World

__all__ = ["build_rms", "build_contacts"]

log = logging.getLogger(__name__)


def build_rms(w: World) -> None:
    """Fill ``frames['rms']`` (id, name, business_line, branch) and ``frames['manages']``."""
    rng = w.rng("rms")
    cu = w.frames["customers"]
    br = w.frames["branches"]
    n_rm = max(8, int(round(w.cfg.rms_per_company * w.n)))
    load = cu["branch"].value_counts().reindex(br["id"], fill_value=0)
    units = load.index.to_numpy()[load.to_numpy() > 0]
    counts = load.to_numpy()[load.to_numpy() > 0].astype(float)
    quota = max(n_rm - len(units), 0) * counts / counts.sum()
    extra = np.floor(quota).astype(np.int64)
    short = max(n_rm - len(units), 0) - int(extra.sum())
    extra[np.argsort(-(quota - extra), kind="stable")[:short]] += 1  # largest remainders
    per_unit = 1 + extra
    rm_unit = np.repeat(units, per_unit)
    rm_line = np.empty(len(rm_unit), dtype=object)
    for u_id, k in zip(units, per_unit, strict=True):
        mix = cu.loc[cu["branch"] == u_id, "business_line"].value_counts().sort_index()
        lines = rng.choice(mix.index.to_numpy(), int(k), p=mix.to_numpy() / mix.sum())
        lines[0] = mix.idxmax()
        rm_line[rm_unit == u_id] = lines
    names, _ = person_names(rng, len(rm_unit))
    rms = pd.DataFrame({"id": [f"RM-{i + 1:05d}" for i in range(len(rm_unit))], "name": names,
                        "business_line": rm_line, "branch": rm_unit})  # fmt: skip
    w.frames["rms"] = rms

    by_key = rms.groupby(["branch", "business_line"]).indices
    by_unit = rms.groupby("branch").indices
    rm_idx = np.empty(len(cu), dtype=np.int64)
    for (unit, line), rows in cu.groupby(["branch", "business_line"]).indices.items():
        pool = by_key.get((unit, line), by_unit[unit])
        rm_idx[rows] = rng.choice(pool, len(rows))
    second = np.flatnonzero(rng.random(len(cu)) < 0.15)
    rm2 = np.array(
        [rng.choice(by_unit[u]) for u in cu["branch"].to_numpy()[second]], dtype=np.int64
    )
    m = pd.DataFrame({
        "rm": np.concatenate([rm_idx, rm2]),
        "company": np.concatenate([cu["company"].to_numpy(), cu["company"].to_numpy()[second]]),
    }).drop_duplicates()  # fmt: skip
    lo = cu.set_index("company")["since"].reindex(m["company"]).to_numpy()
    m["since"] = w.dates(rng, lo, np.full(len(m), w.year_end()))
    w.frames["manages"] = m.sort_values(["rm", "company"]).reset_index(drop=True)


def build_contacts(w: World, dms: pd.DataFrame) -> None:
    """Fill ``frames['contacts']`` (source, source_is_rm, person, since, strength, last)."""
    rng = w.rng("contacts")
    co, n = w.co, w.n
    m = w.frames["manages"]
    parts: list[tuple[np.ndarray, np.ndarray, bool]] = []
    dm = dms.merge(m, on="company")
    p_rank = np.array([0.0, 0.45, 0.4, 0.35, 0.3, 0.3])[dm["rank"].to_numpy()]
    k = rng.random(len(dm)) < p_rank
    parts.append((dm["rm"].to_numpy()[k], dm["person"].to_numpy()[k], True))
    cfo = co["cfo"][m["company"].to_numpy()]
    k = (cfo >= 0) & (rng.random(len(m)) < 0.7)
    parts.append((m["rm"].to_numpy()[k], cfo[k], True))
    pos = w.frames["positions"]
    pos = pos[pos["role"].isin(["director", "supervisor", "vp"])].merge(m, on="company")
    k = rng.random(len(pos)) < 0.12
    parts.append((pos["rm"].to_numpy()[k], pos["person"].to_numpy()[k], True))

    # RMs of the province know a few chairmen of prospects, converters more often
    rms = w.frames["rms"]
    br = w.frames["branches"].set_index("id")
    rm_prov = br.loc[rms["branch"], "province"].to_numpy()
    prospect = np.flatnonzero(co["active"] & ~co["customer"] & (co["chair"] >= 0))
    conv = np.zeros(n, dtype=bool)
    conv[w.truth["converters"]] = True
    k = prospect[rng.random(len(prospect)) < np.where(conv[prospect], 0.3, 0.02)]
    prov = province_of(w)[k]
    rm_pick = rng.integers(0, len(rms), len(k))
    for p in np.unique(prov):
        local = np.flatnonzero(rm_prov == p)
        if len(local):
            here = prov == p
            rm_pick[here] = rng.choice(local, int(here.sum()))
    parts.append((rm_pick, co["chair"][k], True))

    s = w.frames["supply"]
    k = rng.random(len(s)) < 0.25
    a, b = s["supplier"].to_numpy()[k], s["buyer"].to_numpy()[k]
    parts.append(
        (co["chair"][a], np.where(rng.random(len(a)) < 0.6, co["chair"][b], co["ceo"][b]), False)
    )
    mem = np.flatnonzero((co["parent"] >= 0) & (co["chair"] >= 0))
    par = co["parent"][mem]
    k = rng.random(len(mem)) < 0.5
    parts.append((co["chair"][par[k]], co["chair"][mem[k]], False))
    k = rng.random(len(mem)) < 0.2
    parts.append((co["ceo"][mem[k]], co["chair"][par[k]], False))
    execs = np.flatnonzero(co["chair"] >= 0)
    x = rng.choice(execs, n // 20)
    y = rng.choice(execs, n // 20)
    parts.append((co["ceo"][x], co["chair"][y], False))

    src = np.concatenate([p[0] for p in parts])
    dst = np.concatenate([p[1] for p in parts])
    is_rm = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    c = pd.DataFrame({"source": src, "source_is_rm": is_rm, "person": dst})
    c = c[
        (c["source"] >= 0) & (c["person"] >= 0) & (c["source_is_rm"] | (c["source"] != c["person"]))
    ]
    c = c.drop_duplicates(["source_is_rm", "source", "person"])
    c = c.sort_values(["source_is_rm", "source", "person"]).reset_index(drop=True)
    year0 = np.datetime64("2010-01-01")
    c["since"] = w.dates(rng, np.full(len(c), year0), np.full(len(c), w.year_end() - 60))
    c["strength"] = np.round(0.1 + 0.9 * rng.random(len(c)), 2)
    c["last_contact"] = w.dates(rng, np.maximum(c["since"].to_numpy(), w.year_end() - 365),
                                np.full(len(c), w.year_end()))  # fmt: skip
    w.frames["contacts"] = c
