"""Equity penetration (股权穿透), actual controller (实际控制人) and beneficial owners.

Pure functions work on a holdings frame with columns ``holder_id``, ``company_id``, ``pct``
(0–100) and a parties frame ``id``, ``name``, ``label``, ``nominee``;
:func:`company_ownership` fetches a company's upstream ownership graph with one query.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from guanxi.errors import NotFound
from guanxi.scoring.nominees import NOMINEE_PATTERNS, is_nominee
from guanxi.scoring.records import Controller, OwnerStake, ScorerInfo

__all__ = [
    "ControlRule",
    "ownership_matrix",
    "penetrated_stakes",
    "stakes_in",
    "actual_controllers",
    "beneficial_owners",
    "company_ownership",
    "CONTROL_KINDS",
    "KIND_ZH",
    "INFO",
]

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


INFO = ScorerInfo(
    name="ownership",
    method="integrated ownership (I-A)^-1; control blocs aggregated up control chains",
    config={"absolute": 50.0, "relative": 30.0, "margin": 10.0, "beneficial_threshold": 25.0},
    result="Controller, list[OwnerStake]",
)


def ownership_matrix(holdings: pd.DataFrame) -> tuple[sp.csr_matrix, list[str], dict[str, int]]:
    """The ownership matrix ``A`` with ``A[i, j] = pct(i holds j) / 100``.

    Self-holdings are dropped; duplicate rows are summed; a company whose recorded
    holders add up to more than 100% has its column scaled down to 1 (dirty data would
    otherwise make ``(I - A)`` singular).
    """
    h = holdings[holdings["holder_id"] != holdings["company_id"]]
    h = h.groupby(["holder_id", "company_id"], as_index=False)["pct"].sum()
    ids = sorted(set(h["holder_id"]) | set(h["company_id"]))
    index = {x: i for i, x in enumerate(ids)}
    rows = h["holder_id"].map(index).to_numpy()
    cols = h["company_id"].map(index).to_numpy()
    vals = h["pct"].astype(float).clip(lower=0).to_numpy() / 100.0
    n = len(ids)
    a = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    colsum = np.asarray(a.sum(axis=0)).ravel()
    over = colsum > 1.0
    if over.any():
        log.warning("%d companies have holders summing to > 100%%; scaled", int(over.sum()))
        scale = np.where(over, 1.0 / np.maximum(colsum, 1e-12), 1.0)
        a = sp.csr_matrix(a @ sp.diags(scale))
    return a, ids, index


def stakes_in(holdings: pd.DataFrame, company_id: str) -> dict[str, float]:
    """Every party's penetrated stake (percent) in ``company_id``, solved exactly.

    Notes
    -----
    The penetrated stake of *i* in *c* is the sum over all ownership paths of the product
    of the fractions along the path: ``T = A + A^2 + ... = (I - A)^-1 - I``. Column *c* is
    one sparse solve ``(I - A) x = e_c``; ``T[:, c] = x - e_c``. With cross-holdings the
    series still converges because every company's column sums to at most 1 and a cycle's
    product is below 1. A party's own (circular) stake in itself is dropped.
    """
    a, ids, index = ownership_matrix(holdings)
    if company_id not in index:
        return {}
    n = len(ids)
    e = np.zeros(n)
    e[index[company_id]] = 1.0
    x = spsolve(sp.csc_matrix(sp.identity(n) - a), e)
    x = np.atleast_1d(x) - e
    return {ids[i]: float(x[i]) * 100.0 for i in np.flatnonzero(x > 1e-12) if ids[i] != company_id}


def penetrated_stakes(
    holdings: pd.DataFrame, *, max_depth: int = 30, prune: float = 1e-7
) -> pd.DataFrame:
    """All penetrated stakes as a frame ``holder_id``, ``company_id``, ``stake`` (percent).

    Notes
    -----
    Batch form of :func:`stakes_in`: the series ``T = sum_k A^k`` summed on sparse
    matrices until the new term vanishes (entries below ``prune`` are dropped, at most
    ``max_depth`` terms), so only reachable pairs are materialised. It equals
    ``(I - A)^-1 - I`` up to the pruning tolerance.

    Examples
    --------
    >>> df = pd.DataFrame({"holder_id": ["A", "B"], "company_id": ["B", "C"], "pct": [60, 60]})
    >>> s = penetrated_stakes(df)
    >>> round(float(s.query("holder_id == 'A' and company_id == 'C'").stake.iloc[0]), 6)
    36.0
    """
    a, ids, _ = ownership_matrix(holdings)
    total = a.copy()
    term = a
    for _ in range(max_depth):
        term = sp.csr_matrix(term @ a)
        term.data[term.data < prune] = 0.0
        term.eliminate_zeros()
        if term.nnz == 0:
            break
        total = total + term
    coo = total.tocoo()
    keep = coo.row != coo.col
    out = pd.DataFrame(
        {
            "holder_id": np.asarray(ids, dtype=object)[coo.row[keep]],
            "company_id": np.asarray(ids, dtype=object)[coo.col[keep]],
            "stake": coo.data[keep] * 100.0,
        }
    )
    return out.sort_values(["company_id", "stake"], ascending=[True, False], ignore_index=True)


def _party_maps(parties: pd.DataFrame | None) -> tuple[dict, dict, dict]:
    if parties is None or parties.empty:
        return {}, {}, {}
    names = dict(zip(parties["id"], parties["name"], strict=False))
    labels = dict(zip(parties["id"], parties["label"], strict=False))
    flags = parties["nominee"] if "nominee" in parties else [False] * len(parties)
    nominee = {
        i: is_nominee(n, bool(f) if f == f and f is not None else False)
        for i, n, f in zip(parties["id"], parties["name"], flags, strict=False)
    }
    return names, labels, nominee


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
    ``stake`` is the controller's penetrated stake from ``stakes`` (or :func:`stakes_in`).
    """
    names, labels, nominee = _party_maps(parties)
    h = holdings[holdings["holder_id"] != holdings["company_id"]]
    holders: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for hid, cid, pct in zip(h["holder_id"], h["company_id"], h["pct"].astype(float), strict=True):
        holders[cid].append((hid, pct))
    memo: dict[str, Controller] = {}
    visiting: set[str] = set()

    def resolve(c: str) -> Controller:
        if c in memo:
            return memo[c]
        visiting.add(c)
        votes: dict[str, float] = defaultdict(float)
        members: dict[str, list[tuple[str, float, Controller | None]]] = defaultdict(list)
        for hid, pct in holders.get(c, []):
            if nominee.get(hid, False) or is_nominee(names.get(hid)):
                continue
            ctl = resolve(hid) if hid in holders and hid not in visiting else None
            if ctl is not None and ctl.kind not in CONTROL_KINDS:
                ctl = None
            party = ctl.controller_id if ctl is not None and ctl.controller_id else hid
            votes[party] += pct
            members[party].append((hid, pct, ctl))
        visiting.discard(c)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        top_id, top = ranked[0] if ranked else (None, 0.0)
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if top > rule.absolute:
            kind = "absolute"
        elif top >= rule.relative and top - second >= rule.margin:
            kind = "relative"
        elif top >= rule.relative and top > second:
            kind = "suspected"
        else:
            kind = "none"
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
            res = Controller(
                c, top_id, names.get(top_id), label, kind, top, stake, chain, tuple(paths), why
            )
        memo[c] = res
        return res

    targets = companies if companies is not None else sorted(holders)
    return {c: resolve(c) for c in targets}


def beneficial_owners(
    holdings: pd.DataFrame,
    company_id: str,
    parties: pd.DataFrame | None = None,
    threshold: float = 25.0,
) -> list[OwnerStake]:
    """Ultimate owners (parties nobody holds: persons and top-of-chain companies) with a
    penetrated stake of at least ``threshold`` percent, nominees excluded, largest first."""
    names, labels, nominee = _party_maps(parties)
    stakes = stakes_in(holdings, company_id)
    held = set(holdings["company_id"])
    direct = {
        hid: float(p)
        for hid, cid, p in zip(
            holdings["holder_id"], holdings["company_id"], holdings["pct"], strict=True
        )
        if cid == company_id
    }
    out = [
        OwnerStake(i, names.get(i), labels.get(i, "Person"), s, direct.get(i, 0.0))
        for i, s in stakes.items()
        if s >= threshold and i not in held and not nominee.get(i, is_nominee(names.get(i)))
    ]
    return sorted(out, key=lambda o: (-o.stake, o.id))


def company_ownership(
    client, company_id: str, *, rule: ControlRule = ControlRule(), threshold: float = 25.0
) -> dict:
    """Fetch ``company_id``'s upstream ownership graph (one query) and report its holders'
    penetrated stakes, its actual controller, its beneficial owners and the graph's direct
    holdings (``edges``: ``from`` holds ``pct`` percent of ``to``).

    Raises
    ------
    NotFound
        When no company has that id.
    """
    rows = client.read(
        "scoring.ownership_upstream", company_id=company_id, nominee_patterns=list(NOMINEE_PATTERNS)
    )
    if not rows:
        raise NotFound(f"No company with id {company_id!r}")
    name = rows[0]["company_name"]
    edges = [r for r in rows if r["holder_id"] is not None]
    holdings = pd.DataFrame(edges, columns=["holder_id", "company_id", "pct"]).fillna({"pct": 0})
    parties = pd.DataFrame(
        [
            {
                "id": r["holder_id"],
                "name": r["holder_name"],
                "label": r["holder_label"],
                "nominee": r["nominee"],
            }
            for r in edges
        ],
        columns=["id", "name", "label", "nominee"],
    ).drop_duplicates("id")
    if holdings.empty:
        ctl = Controller(
            company_id, None, None, None, "none", 0.0, 0.0, (company_id,), (), "no holders recorded"
        )
        return {
            "company": company_id,
            "name": name,
            "controller": ctl.to_dict(),
            "beneficial_owners": [],
            "holders": [],
            "edges": [],
        }
    stakes = stakes_in(holdings, company_id)
    ctl = actual_controllers(
        holdings, parties, [company_id], rule, {(k, company_id): v for k, v in stakes.items()}
    )[company_id]
    names, labels, nominee = _party_maps(parties)
    direct = holdings[holdings["company_id"] == company_id].set_index("holder_id")["pct"]
    holders = sorted(
        (
            OwnerStake(
                i,
                names.get(i),
                labels.get(i, "Company"),
                s,
                float(direct.get(i, 0.0)),
                nominee.get(i, False),
            )
            for i, s in stakes.items()
        ),
        key=lambda o: (-o.stake, o.id),
    )
    owners = beneficial_owners(holdings, company_id, parties, threshold)
    return {
        "company": company_id,
        "name": name,
        "controller": ctl.to_dict(),
        "beneficial_owners": [o.to_dict() for o in owners],
        "holders": [o.to_dict() for o in holders],
        "edges": _holding_edges(holdings),
    }


def _holding_edges(holdings: pd.DataFrame) -> list[dict]:
    """The direct holdings of the upstream graph as ``{from, to, pct}``, duplicates summed
    (as in :func:`ownership_matrix`), largest first: what an ownership tree draws."""
    h = holdings[holdings["holder_id"] != holdings["company_id"]]
    h = h.groupby(["holder_id", "company_id"], as_index=False)["pct"].sum()
    h = h.sort_values(["pct", "holder_id"], ascending=[False, True])
    return [
        {"from": a, "to": b, "pct": round(float(p), 4)}
        for a, b, p in zip(h["holder_id"], h["company_id"], h["pct"], strict=True)
    ]
