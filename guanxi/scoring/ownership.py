"""Ownership of a company: penetrated stakes, actual controller and beneficial owners.

:func:`beneficial_owners` is the pure function (on the frames of
:mod:`guanxi.scoring.penetration`); :func:`company_ownership` fetches a company's upstream
ownership graph with one query and returns an :class:`~guanxi.records.OwnershipResult`
(what ``guanxi ownership``, ``GET /api/v1/companies/{id}/ownership`` and the ownership page
serialise). The maths lives in :mod:`~guanxi.scoring.penetration` (stakes) and
:mod:`~guanxi.scoring.controllers` (the actual controller).
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.records import Controller, Disclosure, OwnershipResult, OwnerStake, ScorerInfo
from guanxi.scoring.controllers import ControlRule, actual_controllers
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.penetration import (
    deemed_holdings,
    direct_holdings,
    party_maps,
    stake_holdings,
    stakes_in,
)
from guanxi.scoring.projection import read_company

__all__ = ["INFO", "beneficial_owners", "company_ownership"]

log = logging.getLogger(__name__)

INFO = ScorerInfo(
    name="ownership",
    method="integrated ownership (I-A)^-1; control blocs aggregated up control chains",
    config={**ControlRule().__dict__, "beneficial_threshold": 25.0},
    result="OwnershipResult (Controller, list[OwnerStake])",
)


def beneficial_owners(
    holdings: pd.DataFrame,
    company_id: str,
    parties: pd.DataFrame | None = None,
    threshold: float = 25.0,
) -> list[OwnerStake]:
    """Ultimate owners (parties nobody holds: persons and top-of-chain companies) with a
    penetrated stake of at least ``threshold`` percent, nominees excluded, largest first."""
    names, labels, nominee = party_maps(parties)
    stakes = stakes_in(holdings, company_id)
    holdings = stake_holdings(holdings)
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
    client: Gateway,
    company_id: str,
    *,
    rule: ControlRule = ControlRule(),
    threshold: float = 25.0,
    as_of: date | None = None,
) -> OwnershipResult:
    """Fetch ``company_id``'s upstream ownership graph (one query) and report its holders'
    penetrated stakes, its actual controller, its beneficial owners and the graph's direct
    holdings (``edges``). With ``as_of``: the holdings valid on that date (docs/time.md).

    Raises
    ------
    NotFound
        When no company has that id.
    """
    if as_of is None:
        rows = read_company(client, "scoring.ownership_upstream", company_id)
    else:
        rows = read_company(client, "time.ownership_upstream_as_of", company_id, as_of=as_of)
    name = rows[0]["company_name"]
    edges = [r for r in rows if r["holder_id"] is not None]
    cols = ["holder_id", "company_id", "pct", "kind", "as_of"]
    holdings = pd.DataFrame(edges, columns=cols).fillna({"pct": 0, "kind": "direct"})
    if holdings.empty:
        ctl = Controller(
            company_id, None, None, None, "none", 0.0, 0.0, (company_id,), (), "no holders recorded"
        )
        return OwnershipResult(company_id, name, ctl)
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
    stakes = stakes_in(holdings, company_id)
    ctl = actual_controllers(
        holdings, parties, [company_id], rule, {(k, company_id): v for k, v in stakes.items()}
    )[company_id]
    names, labels, nominee = party_maps(parties)
    own = stake_holdings(holdings)
    direct = own[own["company_id"] == company_id].groupby("holder_id")["pct"].sum()
    deemed = _deemed(holdings, names)
    stated = {d.holder_id: d.pct for d in deemed if d.company_id == company_id}
    holders = sorted(
        (
            OwnerStake(
                i,
                names.get(i),
                labels.get(i, "Company"),
                s,
                float(direct.get(i, 0.0)),
                nominee.get(i, False),
                stated.get(i),
            )
            for i, s in {**dict.fromkeys(stated, 0.0), **stakes}.items()
        ),
        key=lambda o: (-o.stake, o.id),
    )
    return OwnershipResult(
        company_id,
        name,
        ctl,
        tuple(beneficial_owners(holdings, company_id, parties, threshold)),
        tuple(holders),
        direct_holdings(holdings),
        deemed,
    )


def _deemed(holdings: pd.DataFrame, names: dict[str, str]) -> tuple[Disclosure, ...]:
    """The deemed interests of the upstream graph as disclosed, largest first."""
    d = deemed_holdings(holdings).sort_values(["pct", "holder_id"], ascending=[False, True])
    return tuple(
        Disclosure(h, names.get(h), c, float(p), "deemed", a if isinstance(a, str) else None)
        for h, c, p, a in zip(d["holder_id"], d["company_id"], d["pct"], d["as_of"], strict=True)
    )
