"""Applications of the embeddings: lookalikes, product recommendations, prospects.

Each is one named query (``guanxi/graph/queries/gnn/apps.cypher``); the CLI and the API
call these functions.
"""

from __future__ import annotations

import logging
from typing import Any

from guanxi.errors import NotFound

__all__ = ["lookalikes", "recommend", "prospects"]

log = logging.getLogger(__name__)


def lookalikes(client: Any, company: str, k: int = 10) -> dict[str, Any]:
    """``{"company", "name", "lookalikes": [{"id", "name", "score", "reasons"}]}`` from one
    query on the vector index (``gnn.lookalikes``)."""
    rows = client.read("gnn.lookalikes", id=company, k=k)
    if not rows:
        exists = client.read("gnn.company_state", id=company)
        if not exists:
            raise NotFound(f"No company '{company}'")
        if not exists[0]["has_embedding"]:
            raise NotFound(f"Company '{company}' has no embedding yet: run `guanxi train`")
        return {"company": company, "name": None, "lookalikes": []}
    return rows[0]


def recommend(client: Any, company: str, k: int = 10, limit: int = 10) -> dict[str, Any]:
    """Products for ``company`` held by its lookalikes, group peers and supply partners."""
    rows = client.read("gnn.recommend", id=company, k=k, limit=limit)
    return {"company": company, "products": rows}


def prospects(client: Any, branch: str | None = None, k: int = 50) -> dict[str, Any]:
    """Per-branch prospect lists: ``{"branches": {branch: [{id, name, score, reasons}]}}``."""
    rows = client.read("gnn.prospects", branch=branch, k=k)
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["branch"] or "unassigned", []).append(
            {"id": r["id"], "name": r["name"], "score": r["score"], "reasons": r["reasons"]}
        )
    return {"branch": branch, "branches": out}
