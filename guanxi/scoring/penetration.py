"""Equity penetration (股权穿透): the ownership matrix and the penetrated (integrated) stakes.

Pure functions on a holdings frame with columns ``holder_id``, ``company_id``, ``pct``
(0–100), optionally ``kind`` (the disclosure: ``direct`` when missing, ``deemed``,
``concert``, ``nominee``; :func:`stake_holdings` keeps what penetrates: every kind but
``deemed``, an interest already carried by the chain it is deemed through) and a parties
frame ``id``, ``name``, ``label``, ``nominee``. :func:`stakes_in`
solves one company exactly, :func:`penetrated_stakes` sums the series for every company
(batch scoring). :mod:`guanxi.scoring.controllers` finds the actual controller on top of
them; :mod:`guanxi.scoring.ownership` is the service behind ``guanxi ownership``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from guanxi.records import Holding
from guanxi.scoring.nominees import is_nominee

__all__ = [
    "ownership_matrix",
    "stakes_in",
    "penetrated_stakes",
    "direct_holdings",
    "party_maps",
    "stake_holdings",
    "deemed_holdings",
]

log = logging.getLogger(__name__)


def _is_deemed(holdings: pd.DataFrame) -> pd.Series:
    if "kind" not in holdings.columns:
        return pd.Series(False, index=holdings.index)
    return holdings["kind"].fillna("direct").eq("deemed")


def stake_holdings(holdings: pd.DataFrame) -> pd.DataFrame:
    """The holdings that are stakes: every disclosure kind but ``deemed``.

    Notes
    -----
    A deemed (indirect) interest restates, at the holder, shares held further down a chain
    it controls or through a spouse or trust; they are already counted by the chain, so
    adding them would count them twice (the classic >100% company). They are reported as
    stated (:func:`deemed_holdings`), never penetrated.
    """
    return holdings[~_is_deemed(holdings)]


def deemed_holdings(holdings: pd.DataFrame) -> pd.DataFrame:
    """The ``deemed`` rows of a holdings frame, as disclosed."""
    return holdings[_is_deemed(holdings)]


def _summed(holdings: pd.DataFrame) -> pd.DataFrame:
    """The stake holdings (no deemed interests) without self-holdings, duplicates summed."""
    holdings = stake_holdings(holdings)
    h = holdings[holdings["holder_id"] != holdings["company_id"]]
    return h.groupby(["holder_id", "company_id"], as_index=False)["pct"].sum()


def ownership_matrix(holdings: pd.DataFrame) -> tuple[sp.csr_matrix, list[str], dict[str, int]]:
    """The ownership matrix ``A`` with ``A[i, j] = pct(i holds j) / 100``.

    Self-holdings are dropped; duplicate rows are summed; a company whose recorded
    holders add up to more than 100% has its column scaled down to 1 (dirty data would
    otherwise make ``(I - A)`` singular).
    """
    h = _summed(holdings)
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


def direct_holdings(holdings: pd.DataFrame) -> tuple[Holding, ...]:
    """The direct holdings as :class:`~guanxi.records.Holding` records, duplicates summed
    (as in :func:`ownership_matrix`), largest first: what an ownership tree draws."""
    h = _summed(holdings).sort_values(["pct", "holder_id"], ascending=[False, True])
    return tuple(
        Holding(a, b, float(p))
        for a, b, p in zip(h["holder_id"], h["company_id"], h["pct"], strict=True)
    )


def party_maps(
    parties: pd.DataFrame | None,
) -> tuple[dict[str, str], dict[str, str], dict[str, bool]]:
    """Names, labels and nominee-likeness (:func:`~guanxi.scoring.nominees.is_nominee` of
    the name or the ``nominee`` flag) of the parties frame, by id."""
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
