"""Group customers (集团客户): companies under common control, found from public
shareholdings.

:func:`detect_groups` is the pure function (on a holdings frame); :func:`find_groups`
reads the graph, calls it and writes ``Group`` nodes and ``MEMBER_OF`` relationships with
the run id. The rule (docs/risk.md "Groups"):

* a company's **controlling holder** is its largest real (non-nominee) holder when that
  stake is above ``absolute`` percent, or at least ``relative`` percent and ahead of the next
  real holder by more than ``margin`` points;
* a group is a connected set of companies linked by control, where a **natural person**
  who controls several companies joins them (common control), but a **state-asset
  administration** (国资委) does not: companies are not related merely because the state
  controls them (企业会计准则第36号 第六条), so each state-held pyramid is its own group;
* a group has at least ``min_size`` companies; its **controlling party** is the holder at
  the top (the person, the 国资委, or the root company when nothing controls it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from guanxi.records import ScorerInfo
from guanxi.scoring.nominees import is_nominee

__all__ = ["GroupRule", "INFO", "STATE_ADMIN_WORDS", "control_edges", "detect_groups"]

log = logging.getLogger(__name__)

#: Names of state-asset administrations (they control without grouping).
STATE_ADMIN_WORDS = ("国有资产监督管理委员会", "国资委", "国有资产管理委员会")


@dataclass(frozen=True)
class GroupRule:
    """When a holder controls a company (percent of shares) and how big a group must be."""

    absolute: float = 50.0
    relative: float = 20.0
    margin: float = 0.0
    min_size: int = 2


INFO = ScorerInfo(
    name="groups",
    method="control edges (largest real holder >absolute, or >=relative with a lead > margin); "
    "components joined by common natural-person control, not by 国资委",
    config=GroupRule().__dict__,
    result="Group (GroupMember rows)",
)


def control_edges(holdings: pd.DataFrame, rule: GroupRule = GroupRule()) -> pd.DataFrame:
    """The controlling holder of each company.

    Parameters
    ----------
    holdings : DataFrame
        ``holder_id``, ``holder_label``, ``holder_name``, ``nominee``, ``company_id``,
        ``pct`` (percent 0–100).
    rule : GroupRule

    Returns
    -------
    DataFrame
        ``company_id``, ``holder_id``, ``holder_label``, ``holder_name``, ``pct``,
        ``second`` (the next real holder's stake), ``state`` (the holder is a 国资委).
    """
    h = holdings.copy()
    real = ~np.array([is_nominee(n, f) for n, f in zip(h["holder_name"], h["nominee"],
                                                        strict=True)], dtype=bool)  # fmt: skip
    h = h[real & h["pct"].notna()]
    h = h.groupby(["company_id", "holder_id"], as_index=False).agg(
        pct=("pct", "sum"), holder_label=("holder_label", "first"),
        holder_name=("holder_name", "first"))  # fmt: skip
    h = h.sort_values(["company_id", "pct", "holder_id"], ascending=[True, False, True])
    h["second"] = h.groupby("company_id")["pct"].shift(-1).fillna(0.0)
    top = h.drop_duplicates("company_id", keep="first").copy()
    ok = (top["pct"] > rule.absolute) | (
        (top["pct"] >= rule.relative) & (top["pct"] - top["second"] > rule.margin)
    )
    top = top[ok].reset_index(drop=True)
    names = top["holder_name"].fillna("").astype(str)
    top["state"] = names.map(lambda s: any(w in s for w in STATE_ADMIN_WORDS))
    cols = ["company_id", "holder_id", "holder_label", "holder_name", "pct", "second", "state"]
    return top[cols]


def detect_groups(
    holdings: pd.DataFrame, companies: pd.DataFrame | None = None, rule: GroupRule = GroupRule()
) -> pd.DataFrame:
    """Group membership of every company in a group.

    Parameters
    ----------
    holdings : DataFrame
        As for :func:`control_edges`.
    companies : DataFrame, optional
        ``id``, ``name`` of companies (names of members and group names).
    rule : GroupRule

    Returns
    -------
    DataFrame
        One row per member: ``group_id`` (``GRP-`` + the root company's id), ``company_id``,
        ``parent_id``, ``pct``, ``controller_id``, ``controller_name``, ``evidence``; sorted
        by group and company.

    Notes
    -----
    Links are company → controlled company and person → controlled company; connected
    components of that undirected graph with at least ``min_size`` companies are groups.
    A 国资委 links nothing. The root of a group is the member not controlled by another
    member (the smallest id when several are, e.g. two companies of one person).

    Examples
    --------
    >>> h = pd.DataFrame({"holder_id": ["P1", "A", "A"],
    ...     "holder_label": ["Person"] + 2 * ["Company"],
    ...     "holder_name": ["张三", "甲公司", "甲公司"], "nominee": [False] * 3,
    ...     "company_id": ["A", "B", "C"], "pct": [80.0, 51.0, 60.0]})
    >>> detect_groups(h)["company_id"].tolist()
    ['A', 'B', 'C']
    """
    ctrl = control_edges(holdings, rule)
    link = ctrl[~ctrl["state"]]
    ids = pd.Index(pd.unique(pd.concat([ctrl["company_id"], link["holder_id"]])))
    a, b = ids.get_indexer(link["holder_id"]), ids.get_indexer(link["company_id"])
    n = len(ids)
    m = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, comp = connected_components(m, directed=False)
    is_co = pd.Series(False, index=ids)
    is_co[ctrl["company_id"].to_numpy()] = True
    is_co[link.loc[link["holder_label"] == "Company", "holder_id"].to_numpy()] = True
    frame = pd.DataFrame({"node": ids, "comp": comp, "company": is_co.to_numpy()})
    cos = frame[frame["company"]]
    size = cos.groupby("comp")["node"].transform("size")
    cos = cos[size >= rule.min_size]
    parent = ctrl.set_index("company_id")
    member_set = set(cos["node"])
    holder_names = dict(zip(holdings["holder_id"], holdings["holder_name"], strict=True))
    out = []
    for _, part in cos.groupby("comp", sort=False):
        members = sorted(part["node"])
        roots = [c for c in members if c not in parent.index
                 or parent.at[c, "holder_id"] not in member_set]  # fmt: skip
        root = min(roots) if roots else members[0]
        top = parent.loc[root] if root in parent.index else None
        cid = str(top["holder_id"]) if top is not None else root
        cname = top["holder_name"] if top is not None else holder_names.get(root)
        cname = cname if isinstance(cname, str) else None
        for c in members:
            p = parent.loc[c] if c in parent.index else None
            pid, pct = (p["holder_id"], float(p["pct"])) if p is not None else (None, None)
            kind = "绝对控股" if pct is not None and pct > rule.absolute else "相对控股"
            who = p["holder_name"] if p is not None and pd.notna(p["holder_name"]) else pid
            ev = f"{who} {kind} {pct:g}%" if p is not None else "无控股股东"
            out.append((f"GRP-{root}", c, pid, pct, cid, cname, ev))
    cols = ["group_id", "company_id", "parent_id", "pct", "controller_id", "controller_name",
            "evidence"]  # fmt: skip
    res = pd.DataFrame(out, columns=cols).sort_values(["group_id", "company_id"])
    log.info("groups: %d groups, %d members", res["group_id"].nunique(), len(res))
    return res.reset_index(drop=True)
