"""The actual controller (实际控制人) of a company: voting blocs aggregated up control chains.

:func:`actual_controllers` is the pure function, on the holdings and parties frames of
:mod:`guanxi.scoring.penetration`; :class:`ControlRule` says when a bloc controls.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from guanxi.records import Controller
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.penetration import party_maps, stake_holdings, stakes_in

__all__ = ["ControlRule", "CONTROL_KINDS", "KIND_ZH", "actual_controllers"]

log = logging.getLogger(__name__)

#: Controller kinds that are control in the rule's sense (a suspected one is not).
CONTROL_KINDS = ("absolute", "relative")
#: How each kind reads in evidence.
KIND_ZH = {"absolute": "绝对控股", "relative": "相对控股", "suspected": "疑似实际控制人"}


@dataclass(frozen=True)
class ControlRule:
    """When a voting bloc controls a company: more than ``absolute`` percent, or at least
    ``relative`` percent with a lead of ``margin`` points over the next bloc. A bloc with at
    least ``relative`` percent that leads by less than ``margin`` (but leads) is only the
    *suspected* controller (疑似实际控制人): reported and ranked first, flagged as such, and
    never used to roll votes further up a chain."""

    absolute: float = 50.0
    relative: float = 30.0
    margin: float = 10.0


def _kind(top: float, second: float, rule: ControlRule) -> str:
    """``absolute``, ``relative``, ``suspected`` or ``none`` for the top bloc's votes."""
    if top > rule.absolute:
        return "absolute"
    if top >= rule.relative and top - second >= rule.margin:
        return "relative"
    if top >= rule.relative and top > second:
        return "suspected"
    return "none"


def _concert_bloc(
    votes: dict[str, float], members: dict[str, list], concert: set[str]
) -> tuple[str, ...]:
    """Fold the parties acting in concert into one bloc led by the largest (ties: smallest
    id): its votes and members move to the lead. Returns the bloc, lead first (empty when
    fewer than two parties act in concert)."""
    if len(concert) < 2:
        return ()
    lead = min(concert, key=lambda p: (-votes[p], p))
    for p in sorted(concert - {lead}):
        votes[lead] += votes.pop(p)
        members[lead].extend(members.pop(p))
    return (lead, *sorted(concert - {lead}))


def actual_controllers(
    holdings: pd.DataFrame,
    parties: pd.DataFrame | None = None,
    companies: list[str] | None = None,
    rule: ControlRule = ControlRule(),
    stakes: dict[tuple[str, str], float] | None = None,
) -> dict[str, Controller]:
    """The actual controller of each company in ``companies`` (default: every held one).

    Notes
    -----
    Votes are counted per *bloc*: a holder that is itself controlled votes with its
    ultimate controller, so ``votes(P, c) = sum of pct(h, c) over holders h whose ultimate
    controller is P (or h = P)``. Nominee-like holders are left out entirely (they are
    neither candidates nor competing blocs: their shares belong to many dispersed owners).
    The top bloc controls *c* when ``votes > rule.absolute`` ("absolute"), or when
    ``votes >= rule.relative`` and ``votes - second >= rule.margin`` ("relative"). A top
    bloc with ``votes >= rule.relative`` and a smaller (non-zero) lead is the "suspected"
    controller: reported, but a holder company whose controller is only suspected votes for
    itself one level up. Otherwise *c* has no controlling party. Resolution recurses upward
    with memoisation; a control cycle is cut at the first repeated company (that holder
    then votes for itself).
    ``stake`` is the controller's penetrated stake from ``stakes`` (or
    :func:`~guanxi.scoring.penetration.stakes_in`).

    The holdings' ``kind`` (when present) is what the disclosure says: ``deemed`` interests
    do not vote (they restate votes counted elsewhere), ``nominee`` holdings are left out
    like nominee holders, and the blocs of all holders of *c* whose holding is ``concert``
    (acting in concert, 一致行动) vote as one bloc, led by its largest member.
    """
    names, labels, nominee = party_maps(parties)
    h = stake_holdings(holdings)
    h = h[h["holder_id"] != h["company_id"]]
    kinds = h["kind"].fillna("direct") if "kind" in h.columns else ["direct"] * len(h)
    holders: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for hid, cid, pct, kind in zip(
        h["holder_id"], h["company_id"], h["pct"].astype(float), kinds, strict=True
    ):
        holders[cid].append((hid, pct, kind))
    memo: dict[str, Controller] = {}
    visiting: set[str] = set()

    def resolve(c: str) -> Controller:
        if c in memo:
            return memo[c]
        visiting.add(c)
        votes: dict[str, float] = defaultdict(float)
        members: dict[str, list[tuple[str, float, Controller | None]]] = defaultdict(list)
        concert: set[str] = set()
        for hid, pct, how in holders.get(c, []):
            if how == "nominee" or nominee.get(hid, False) or is_nominee(names.get(hid)):
                continue
            ctl = resolve(hid) if hid in holders and hid not in visiting else None
            if ctl is not None and ctl.kind not in CONTROL_KINDS:
                ctl = None
            party = ctl.controller_id if ctl is not None and ctl.controller_id else hid
            votes[party] += pct
            members[party].append((hid, pct, ctl))
            if how == "concert":
                concert.add(party)
        bloc = _concert_bloc(votes, members, concert)
        visiting.discard(c)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        top_id, top = ranked[0] if ranked else (None, 0.0)
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        kind = _kind(top, second, rule)
        if kind == "none" or top_id is None:
            why = (
                f"no bloc holds >{rule.absolute:g}% or ≥{rule.relative:g}% with a "
                f"{rule.margin:g}-point lead (largest {top:.2f}%, next {second:.2f}%)"
                if ranked
                else "no non-nominee holders recorded"
            )
            res = Controller(c, None, None, None, "none", top, 0.0, (c,), (), why)
        else:
            paths = []
            chain: tuple[str, ...] = (top_id, c)
            for hid, pct, ctl in sorted(members[top_id], key=lambda m: -m[1]):
                up = ctl.paths[0] if ctl is not None and ctl.paths and hid != top_id else ()
                paths.append((*up, (hid, c, pct)))
            best = members[top_id][0]
            if best[2] is not None and best[0] != top_id:
                chain = (*best[2].chain, c)
            stake = (stakes or {}).get((top_id, c))
            if stake is None:
                stake = stakes_in(holdings, c).get(top_id, 0.0)
            label = labels.get(top_id)
            why = f"{KIND_ZH[kind]}: 控制表决权{top:.2f}% (次大{second:.2f}%), 穿透持股{stake:.2f}%"
            if kind == "suspected":
                why += f", 领先不足{rule.margin:g}点, 未达控制标准"
            if top_id in bloc:
                others = [names.get(p) or p for p in bloc if p != top_id]
                why += f", 一致行动人: {', '.join(others)}"
            res = Controller(
                c, top_id, names.get(top_id), label, kind, top, stake, chain, tuple(paths), why
            )
        memo[c] = res
        return res

    targets = companies if companies is not None else sorted(holders)
    return {c: resolve(c) for c in targets}
