"""Applications of the embeddings: lookalikes, product recommendations, prospects.

Each is one named query (``guanxi/graph/queries/gnn/apps.cypher``) whose rows become typed
records (:mod:`guanxi.records.recommendations`), reasons included; the CLI, the API and
the notebooks call these functions and serialise the records with ``to_dict()``. Nothing
here imports torch: the queries read what ``guanxi train`` wrote back.
"""

from __future__ import annotations

import logging

from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.records import (
    Lookalike,
    Lookalikes,
    Prospect,
    Prospects,
    Reason,
    Recommendation,
    Recommendations,
)

__all__ = ["lookalikes", "recommend", "prospects"]

log = logging.getLogger(__name__)


def lookalikes(client: Gateway, company: str, k: int = 10) -> Lookalikes:
    """The ``k`` companies nearest to ``company`` on the vector index, with reasons
    (``gnn.lookalikes``).

    Raises
    ------
    NotFound
        When ``company`` does not exist or has no embedding yet.
    """
    rows = client.read("gnn.lookalikes", id=company, k=k)
    if not rows:
        exists = client.read("gnn.company_state", id=company)
        if not exists:
            raise NotFound(f"No company '{company}'")
        if not exists[0]["has_embedding"]:
            raise NotFound(f"Company '{company}' has no embedding yet: run `guanxi train`")
        return Lookalikes(company, None)
    row = rows[0]
    found = tuple(
        Lookalike(o["id"], o["name"], o["score"], tuple(o["reasons"])) for o in row["lookalikes"]
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
