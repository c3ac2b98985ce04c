"""Guarantee circles (担保圈): strongly connected components of ``GUARANTEES``, and the
chains of guarantees that lead into them.

:func:`find_circles` is the pure function on a guarantees frame. A component of two
companies is a mutual guarantee (``mutual``, 互保); a larger one is a ``ring`` (联保) when
it is a single cycle, else a ``knot``. With ``collapse`` (a member → group mapping), the
members of one group count as one party first (docs/risk.md "Circles": a group that
guarantees its way round through its own members is one borrower, so such a loop is a
circle of the group, reported with the group's id)."""

from __future__ import annotations

import logging
from collections import deque

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from guanxi.records import Circle, ScorerInfo

__all__ = ["INFO", "find_circles", "chains_into"]

log = logging.getLogger(__name__)

INFO = ScorerInfo(
    name="circles",
    method="strongly connected components of GUARANTEES (Tarjan via scipy); reverse BFS for "
    "chains leading in",
    config={"collapse_groups": False, "chain_depth": 3},
    result="Circle",
)


def chains_into(guarantees: pd.DataFrame, members: set[str], depth: int = 3) -> dict[str, int]:
    """Guarantors outside ``members`` whose guarantees lead into them within ``depth``
    hops: id → hops (1 = guarantees a member directly)."""
    into: dict[str, list[str]] = {}
    for g, b in zip(guarantees["guarantor_id"], guarantees["borrower_id"], strict=True):
        into.setdefault(b, []).append(g)
    seen: dict[str, int] = {}
    queue = deque((m, 0) for m in sorted(members))
    while queue:
        node, d = queue.popleft()
        if d >= depth:
            continue
        for g in into.get(node, ()):
            if g in members or g in seen:
                continue
            seen[g] = d + 1
            queue.append((g, d + 1))
    return dict(sorted(seen.items()))


def find_circles(
    guarantees: pd.DataFrame,
    names: dict[str, str] | None = None,
    collapse: dict[str, str] | None = None,
    chain_depth: int = 3,
) -> list[Circle]:
    """Every guarantee circle.

    Parameters
    ----------
    guarantees : DataFrame
        ``guarantor_id``, ``borrower_id``, ``amount``.
    names : dict, optional
        Company id → name.
    collapse : dict, optional
        Company id → group id: members of a group become one party.
    chain_depth : int
        How far back to follow chains of guarantees into a circle.

    Returns
    -------
    list of Circle
        Sorted by the smallest member id; ``id`` is ``CIR-`` + that id.

    Examples
    --------
    >>> g = pd.DataFrame({"guarantor_id": ["A", "B", "X"], "borrower_id": ["B", "A", "A"],
    ...                   "amount": [10.0, 20.0, 5.0]})
    >>> [(c.kind, c.members, c.chains_in) for c in find_circles(g)]
    [('mutual', ('A', 'B'), {'X': 1})]
    """
    names = names or {}
    g = guarantees[["guarantor_id", "borrower_id", "amount"]].copy()
    g["amount"] = pd.to_numeric(g["amount"], errors="coerce").fillna(0.0)
    if collapse:
        g["guarantor_id"] = g["guarantor_id"].map(lambda x: collapse.get(x, x))
        g["borrower_id"] = g["borrower_id"].map(lambda x: collapse.get(x, x))
    g = g[g["guarantor_id"] != g["borrower_id"]]
    if g.empty:
        return []
    ids = pd.Index(pd.unique(pd.concat([g["guarantor_id"], g["borrower_id"]])))
    a, b = ids.get_indexer(g["guarantor_id"]), ids.get_indexer(g["borrower_id"])
    m = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids))).tocsr()
    _, comp = connected_components(m, directed=True, connection="strong")
    sizes = np.bincount(comp)
    big = np.flatnonzero(sizes >= 2)
    out = []
    for c in big.tolist():
        members = tuple(sorted(ids[comp == c]))
        mset = set(members)
        inside = g[g["guarantor_id"].isin(mset) & g["borrower_id"].isin(mset)]
        rows = tuple(sorted((x, y, float(z)) for x, y, z in inside.itertuples(index=False)))
        edges = {(x, y) for x, y, _ in rows}
        if len(members) == 2:
            kind = "mutual"
        elif len(edges) == len(members):
            kind = "ring"
        else:
            kind = "knot"
        out.append(Circle(
            id=f"CIR-{members[0]}", kind=kind, members=members,
            names=tuple(names.get(x) for x in members), guarantees=rows,
            total_amount=float(sum(x for _, _, x in rows)),
            chains_in=chains_into(g, mset, chain_depth),
        ))  # fmt: skip
    out.sort(key=lambda c: c.members[0])
    log.info("circles: %d found among %d guarantees", len(out), len(g))
    return out
