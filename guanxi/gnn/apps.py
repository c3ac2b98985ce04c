"""Applications of the embeddings: lookalikes, product recommendations, prospects.

Each is one named query (``guanxi/graph/queries/gnn/apps.cypher``) whose rows become typed
records (:mod:`guanxi.records.recommendations`), reasons included; the CLI, the API and
the notebooks call these functions and serialise the records with ``to_dict()``. Nothing
here imports torch: the queries read what ``guanxi train`` wrote back.
"""

from __future__ import annotations

import logging
from typing import Any

from guanxi.errors import NotFound
from guanxi.gnn.similarity import block_slices
from guanxi.graph.gateway import Gateway
from guanxi.records import (
    Lookalike,
    LookalikeReason,
    Lookalikes,
    Prospect,
    Prospects,
    Reason,
    Recommendation,
    Recommendations,
)

__all__ = ["lookalikes", "lookalike_reasons", "recommend", "prospects"]

log = logging.getLogger(__name__)


def _profile_text(row: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    facts = [f"same {what}: {row[key]}" for what, key in
             (("industry", "industry"), ("region", "region"), ("size band", "band"))
             if row.get(key)]  # fmt: skip
    if row.get("tags"):
        facts.append("shared tags: " + ", ".join(row["tags"]))
    return ("; ".join(facts) or "similar profile (industry, region, size, tags)"), ()


def _shared(what: str, names: list[str] | None, fallback: str) -> tuple[str, tuple[str, ...]]:
    names = list(names or [])
    return (f"shared {what}: " + ", ".join(names) if names else fallback), tuple(names)


def lookalike_reasons(row: dict[str, Any], min_share: float = 0.01) -> tuple[LookalikeReason, ...]:
    """The reasons of one lookalike row of ``gnn.lookalikes``, largest share first.

    Parameters
    ----------
    row : dict
        ``parts`` (``[{kind, part}]``: each block's dot product), ``cosine`` (their sum) and
        the facts the query found (``industry``, ``region``, ``band``, ``tags``,
        ``suppliers``, ``buyers``, ``holders``, ``supplier_count``, ``buyer_count``).
    min_share : float
        Blocks explaining less than this share (or pulling the score down) are left out.

    Returns
    -------
    tuple of LookalikeReason

    Notes
    -----
    share_b = part_b / Σ_b part_b: the vector is unit length and its blocks are disjoint
    slices, so the cosine is exactly the sum of the blocks' dot products. The ``network``
    block (the GNN, trained on payments too) is bank-internal: it cites the lookalike in
    ``refs`` so that masking can withhold its wording.

    Examples
    --------
    >>> r = lookalike_reasons({"parts": [{"kind": "profile", "part": 0.3},
    ...                                  {"kind": "suppliers", "part": 0.1}],
    ...                        "industry": "制造业", "suppliers": ["甲"], "id": "X"})
    >>> [(x.kind, x.share) for x in r]
    [('profile', 0.75), ('suppliers', 0.25)]
    """
    total = sum(p["part"] for p in row["parts"])
    out = []
    for p in row["parts"]:
        share = p["part"] / total if total > 0 else 0.0
        if share < min_share:
            continue
        kind, refs, summary = p["kind"], (), ""
        if kind == "profile":
            text, names = _profile_text(row)
        elif kind == "position":
            text, names = (f"similar supply-chain position ({row.get('supplier_count', 0)} "
                           f"suppliers, {row.get('buyer_count', 0)} buyers)"), ()  # fmt: skip
        elif kind in ("suppliers", "buyers"):
            text, names = _shared(kind, row.get(kind), f"{kind} of similar kinds")
        elif kind == "holders":
            text, names = _shared("holders", row.get("holders"), "overlapping holders")
        elif kind == "investors":
            text, names = "investors with similar portfolios", ()
        else:
            text, names = "close in the learned network model", ()
            refs, summary = (row.get("id") or "",), "network model"
        out.append(LookalikeReason(kind, text, round(share, 4), names, refs, summary))
    return tuple(sorted(out, key=lambda r: -r.share))


def lookalikes(client: Gateway, company: str, k: int = 10) -> Lookalikes:
    """The ``k`` companies nearest to ``company`` on the vector index, with reasons
    (``gnn.lookalikes``).

    Raises
    ------
    NotFound
        When ``company`` does not exist or has no embedding yet.
    """
    rows = client.read("gnn.lookalikes", id=company, k=k, blocks=block_slices())
    if not rows:
        exists = client.read("gnn.company_state", id=company)
        if not exists:
            raise NotFound(f"No company '{company}'")
        if not exists[0]["has_embedding"]:
            raise NotFound(f"Company '{company}' has no embedding yet: run `guanxi train`")
        return Lookalikes(company, None)
    row = rows[0]
    found = tuple(
        Lookalike(o["id"], o["name"], o["score"], lookalike_reasons(o)) for o in row["lookalikes"]
    )
    return Lookalikes(row["company"], row["name"], found)


def recommend(client: Gateway, company: str, k: int = 10, limit: int = 10) -> Recommendations:
    """Products for ``company`` held by its ``k`` lookalikes, group peers and supply
    partners, at most ``limit`` (``gnn.recommend``)."""
    rows = client.read("gnn.recommend", id=company, k=k, limit=limit)
    products = tuple(
        Recommendation(r["code"], r["name"], r["line"], r["score"], r["holders"],
                       tuple(map(Reason.from_row, r["reasons"])))
        for r in rows
    )  # fmt: skip
    return Recommendations(company, products)


def prospects(client: Gateway, branch: str | None = None, k: int = 50) -> Prospects:
    """The ``k`` best prospects of each branch (only ``branch`` when given), branchless
    ones under ``"unassigned"`` (``gnn.prospects``)."""
    rows = client.read("gnn.prospects", branch=branch, k=k)
    out: dict[str, list[Prospect]] = {}
    for r in rows:
        out.setdefault(r["branch"] or "unassigned", []).append(
            Prospect(r["id"], r["name"], r["score"], tuple(map(Reason.from_row, r["reasons"])))
        )
    return Prospects(branch, {b: tuple(items) for b, items in out.items()})
