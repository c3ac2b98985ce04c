"""The pure parts of making a campaign: the control arm and the assignment rule.

:func:`split_arms` draws a reproducible, stratified control arm; :func:`assign_rms` gives
each treatment target an RM (docs/campaigns.md, "Assignment"). Both are plain functions
on lists, tested on hand-made cases.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["split_arms", "RmSlot", "Assignment", "assign_rms"]

log = logging.getLogger(__name__)


def split_arms(strata: dict[str, tuple[str, ...]], share: float, seed: int) -> dict[str, str]:
    """``treatment`` or ``control`` for each target id.

    Parameters
    ----------
    strata
        Target id → its stratum (e.g. ``(branch, industry)``).
    share
        The control share, 0 ≤ share < 1.
    seed
        The seed: the same targets, share and seed give the same arms.

    Notes
    -----
    Strata are visited in sorted order and ids sorted within each, so the draw does not
    depend on the order the source listed them. Stratum ``s`` with ``n_s`` targets gets
    ``round(C_s) - round(C_{s-1})`` control targets, where ``C_s`` is the running sum of
    ``share · n`` (so the total is ``round(share · N)`` and every stratum is within one
    of its share); which ones is a permutation drawn from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> arms = split_arms({f"c{i}": ("B1", "IT") for i in range(10)}, 0.2, 7)
    >>> sorted(arms.values()).count("control")
    2
    """
    if not 0 <= share < 1:
        raise ValueError(f"control share must be in [0, 1), got {share}")
    rng = np.random.default_rng(seed)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for tid, stratum in strata.items():
        groups[tuple("" if x is None else str(x) for x in stratum)].append(tid)
    out: dict[str, str] = {}
    running, taken = 0.0, 0
    for key in sorted(groups):
        ids = sorted(groups[key])
        running += share * len(ids)
        n_control = int(math.floor(running + 0.5)) - taken
        taken += n_control
        order = rng.permutation(len(ids))
        control = {ids[i] for i in order[:n_control]}
        for tid in ids:
            out[tid] = "control" if tid in control else "treatment"
    return out


@dataclass
class RmSlot:
    """An RM who may get tasks: branch, the branch's region and the open-task load."""

    id: str
    branch: str | None
    region: str | None
    load: int = 0


@dataclass(frozen=True)
class Assignment:
    """A target's RM and the rule that chose it: ``warm_path`` (the RM the best path starts
    from), ``customer_rm`` (the RM of the customer the path starts from), ``region`` (the
    least-loaded RM of a branch serving the target's region), ``branch`` (the least-loaded
    RM of the owner's subtree) or ``overflow`` (every RM at capacity: the least loaded)."""

    company_id: str
    rm_id: str
    rule: str


def assign_rms(
    targets: Iterable[tuple[str, str | None, str | None, str | None]],
    rms: list[RmSlot],
    capacity: int,
) -> list[Assignment]:
    """An RM for each ``(company_id, region, path_rm, customer_rm)``.

    ``path_rm`` is the RM the best warm path starts from, ``customer_rm`` the RM managing
    the customer company it starts from (or None). Rules in order: the warm path's RM, the
    customer's RM, the least-loaded RM whose branch serves the target's region, the least
    loaded of all; an RM takes a target only below ``capacity`` open tasks (their current
    load counts), unless all are full (``overflow``: the least loaded). Ties go to the
    smaller id, so the result is deterministic.

    Examples
    --------
    >>> rms = [RmSlot("R1", "B1", "上海"), RmSlot("R2", "B1", "上海")]
    >>> [a.rm_id for a in assign_rms([("c1", "上海", None, None)] * 3, rms, 2)]
    ['R1', 'R2', 'R1']
    """
    by_id = {r.id: r for r in rms}
    by_region: dict[str, list[RmSlot]] = defaultdict(list)
    for r in rms:
        by_region[(r.region or "").strip()].append(r)
    out: list[Assignment] = []

    def least(pool: list[RmSlot], full_ok: bool) -> RmSlot | None:
        ok = [r for r in pool if full_ok or r.load < capacity]
        return min(ok, key=lambda r: (r.load, r.id)) if ok else None

    for company, region, path_rm, customer_rm in targets:
        chosen: RmSlot | None = None
        rule = ""
        for rid, why in ((path_rm, "warm_path"), (customer_rm, "customer_rm")):
            r = by_id.get(rid or "")
            if r is not None and r.load < capacity:
                chosen, rule = r, why
                break
        if chosen is None:
            chosen, rule = least(by_region.get((region or "").strip(), []), False), "region"
        if chosen is None:
            chosen, rule = least(rms, False), "branch"
        if chosen is None:
            chosen, rule = least(rms, True), "overflow"
        if chosen is None:
            continue  # no RM at all: the caller reports the target as unassigned
        chosen.load += 1
        out.append(Assignment(company, chosen.id, rule))
    return out
