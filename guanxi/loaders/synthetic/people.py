"""Executive positions (SERVES_AS) and the true decision makers of each company.

Small firms have the registry's minimal set: an executive director who is usually the
founder, legal representative and manager at once, and one supervisor (often a
co-owner). Larger firms, group holding companies and listed companies have a board
(chairman, vice chairman, directors drawn from the group's executive pool and the
parent's officers, independent directors from a pool of professionals who sit on several
listed boards), supervisors, a CEO, a CFO, VPs, a CTO at tech firms and a board secretary
when listed. One company in five also shows a former chairman or CEO whose position has ended
(``until`` set), and some small firms have a nominal legal representative (挂名法人) who
decides nothing: noise for key-contact scoring.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.world import OPERATING, World

__all__ = ["build_positions", "decision_makers"]

log = logging.getLogger(__name__)


def build_positions(w: World) -> None:
    """Fill ``frames['positions']`` (person, company, role, since, until)."""
    rng = w.rng("positions")
    co, n = w.co, w.n
    op = co["kind"] == OPERATING
    group, parent, depth, listed = co["group"], co["parent"], co["depth"], co["listed"]
    sizes = w.truth["group_sizes"]
    holding = op & (group >= 0) & (parent < 0)
    big = op & (listed | holding | (co["employees"] >= 500))
    big |= op & (parent >= 0) & (depth <= 1) & (co["employees"] >= 200)
    small = op & ~big
    private = ~co["state"]
    person_ctrl = np.where(~co["ctrl_co"], co["ctrl"], -1)

    pool_size = np.maximum(2, np.ceil(sizes / 2)).astype(np.int64)
    pool_start = w.new_persons(int(pool_size.sum()))[0] + np.concatenate(
        [[0], np.cumsum(pool_size)[:-1]]
    )
    g = np.maximum(group, 0)
    pool_pick = pool_start[g] + np.floor(rng.random((8, n)) * pool_size[g]).astype(np.int64)
    in_group = group >= 0

    u = rng.random((6, n))
    chair = w.new_persons(n)
    chair = np.where(in_group & (u[0] < 0.5), pool_pick[0], chair)
    chair = np.where((depth == 1) & private & (u[1] < 0.4), person_ctrl, chair)
    chair = np.where(
        (co["founder"] >= 0) & (holding & (u[1] < 0.9) | ~in_group), co["founder"], chair
    )
    chair = np.where(op, chair, -1)
    ceo = np.where(small & (u[2] < 0.8) | big & (u[2] < 0.15), chair, w.new_persons(n))
    legal = np.where(u[3] < 0.75, chair, ceo)
    nominal = small & (u[4] < 0.08)  # 挂名法人: a nominal legal representative
    legal = np.where(nominal, w.new_persons(n), legal)
    cfo = w.new_persons(n)

    rows: list[tuple[np.ndarray, np.ndarray, str]] = []

    def add(persons: np.ndarray, mask: np.ndarray, role: str) -> None:
        idx = np.flatnonzero(mask & (persons >= 0))
        rows.append((persons[idx], idx, role))

    add(legal, op, "legal_rep")
    add(chair, big, "chairman")
    add(chair, small, "director")  # 执行董事
    add(ceo, big, "ceo")
    add(ceo, small, "manager")
    add(cfo, big, "cfo")
    add(np.where(in_group, pool_pick[1], w.new_persons(n)), big & (u[5] < 0.4), "vice_chairman")
    psub = np.maximum(parent, 0)
    add(chair[psub], big & (parent >= 0) & (rng.random(n) < 0.6), "director")
    add(ceo[psub], big & (parent >= 0) & (rng.random(n) < 0.5), "director")
    for j in range(2, 4):
        add(pool_pick[j], big & in_group & (rng.random(n) < 0.6), "director")
    add(w.new_persons(n), big & ~in_group, "director")
    add(co["founder"], big & (co["founder"] != chair), "director")
    add(person_ctrl, holding & private & (person_ctrl != chair), "director")

    h = w.frames["holdings"]
    ph = h[~h["holder_co"] & (h["pct"] >= 5) & ~h["controlling"]]
    ph = ph[big[ph["company"].to_numpy()] & (rng.random(len(ph)) < 0.6)]
    rows.append((ph["holder"].to_numpy(), ph["company"].to_numpy(), "director"))
    sh = h[~h["holder_co"] & ~h["controlling"] & small[h["company"].to_numpy()]]
    sh = sh.drop_duplicates("company")
    sup_from_holder = np.full(n, -1, dtype=np.int64)
    sup_from_holder[sh["company"].to_numpy()] = sh["holder"].to_numpy()
    sup = np.where(in_group, pool_pick[7], w.new_persons(n))
    sup = np.where((sup_from_holder >= 0) & (rng.random(n) < 0.7), sup_from_holder, sup)
    add(sup, op, "supervisor")
    add(np.where(in_group, pool_pick[5], w.new_persons(n)), big, "supervisor")
    add(
        np.where(in_group, pool_pick[6], w.new_persons(n)),
        big & (rng.random(n) < 0.5),
        "supervisor",
    )

    n_listed = int(listed.sum())
    indep = w.new_persons(max(5, n_listed))
    for _ in range(3):
        add(rng.choice(indep, n), listed | holding & (rng.random(n) < 0.1), "independent_director")
    add(w.new_persons(n), listed, "secretary")
    add(w.new_persons(n), big & (co["arch"] == cat.TECH) & (rng.random(n) < 0.6), "cto")
    for _ in range(2):
        add(w.new_persons(n), big & (rng.random(n) < 0.45), "vp")

    person = np.concatenate([r[0] for r in rows])
    comp = np.concatenate([r[1] for r in rows])
    role = np.concatenate([np.full(len(r[1]), r[2], dtype=object) for r in rows])
    since = w.dates(rng, co["founded"][comp], np.full(len(comp), w.year_end() - 30))
    p = pd.DataFrame({"person": person, "company": comp, "role": role, "since": since})
    p["until"] = pd.NaT
    former = np.flatnonzero(op & (rng.random(n) < 0.2) & (co["founded"] < w.year_end() - 1200))
    f_role = np.where(big[former], np.where(rng.random(len(former)) < 0.5, "chairman", "ceo"),
                      "manager").astype(object)  # fmt: skip
    f_since = w.dates(rng, co["founded"][former], co["founded"][former] + 365)
    f_until = w.dates(rng, f_since + 365, np.full(len(former), w.year_end() - 400))
    formers = pd.DataFrame({"person": w.new_persons(len(former)), "company": former,
                            "role": f_role, "since": f_since, "until": f_until})  # fmt: skip
    p = pd.concat([p, formers], ignore_index=True)
    p = p.drop_duplicates(["person", "company", "role"]).reset_index(drop=True)
    current = p["until"].isna()
    first = p[current].groupby(["person", "company"])["since"].transform("min")
    p.loc[current, "since"] = first  # one appointment date per person and company
    w.frames["positions"] = p
    co.update(chair=chair, ceo=ceo, legal=np.where(nominal, -1, legal), cfo=np.where(big, cfo, -1))


def decision_makers(w: World, limit: int = 5) -> pd.DataFrame:
    """The true decision makers per company in rank order (company, person, rank).

    Priority: the actual controller when a person involved in the company (a position,
    a direct stake, or control of its direct parent), the chairman (executive director),
    the CEO (manager) and the legal representative, non-nominee persons holding at least
    10 % by size of stake, the CFO, the vice chairman.
    """
    co, n = w.co, w.n
    op = np.flatnonzero(co["kind"] == OPERATING)
    pos = w.frames["positions"]
    current = pos[pos["until"].isna()]
    h = w.frames["holdings"]
    hp = h[~h["holder_co"]]
    ctrl = np.where(co["ctrl_co"], -1, co["ctrl"])
    linked = np.concatenate([
        current["person"].to_numpy() * n + current["company"].to_numpy(),
        hp["holder"].to_numpy() * n + hp["company"].to_numpy(),
    ])  # fmt: skip
    c_op = op[ctrl[op] >= 0]
    direct = np.isin(ctrl[c_op] * n + c_op, linked)
    keep = direct | (co["depth"][c_op] == 1)
    cand = [(c_op[keep], ctrl[c_op[keep]], np.where(direct[keep], 0.0, 1.5))]
    for key, prio in (("chair", 1.0), ("ceo", 2.0), ("legal", 2.5), ("cfo", 4.5)):
        c = op[co[key][op] >= 0]
        cand.append((c, co[key][c], np.full(len(c), prio)))
    vice = current[current["role"] == "vice_chairman"]
    cand.append((vice["company"].to_numpy(), vice["person"].to_numpy(), np.full(len(vice), 5.0)))
    nominee = np.zeros(w.n_persons, dtype=bool)
    for idx in w.person_nominee:
        nominee[idx] = True
    ph = hp[(hp["pct"] >= 10) & ~nominee[hp["holder"].to_numpy()]]
    pct = ph["pct"].to_numpy()
    cand.append((ph["company"].to_numpy(), ph["holder"].to_numpy(), 3.0 + (1 - pct / 100)))
    d = pd.DataFrame({
        "company": np.concatenate([c[0] for c in cand]),
        "person": np.concatenate([c[1] for c in cand]),
        "priority": np.concatenate([c[2] for c in cand]),
    })  # fmt: skip
    d = d.sort_values(["company", "priority", "person"], kind="stable")
    d = d.drop_duplicates(["company", "person"])
    d["rank"] = d.groupby("company").cumcount() + 1
    return d[d["rank"] <= limit][["company", "person", "rank"]].reset_index(drop=True)
