"""The workbench's side panel and its public paths: :func:`node_card` (profile, scores,
provenance and relationship counts of one node, as the caller may see them) and
:func:`public_path` (the shortest path over public registry relationships between two
parties). Masked items are named, never shown: a property the caller may not read is
listed in ``masked`` with its value left out.
"""

from __future__ import annotations

import logging
from typing import Any

from guanxi.access.scope import Scope
from guanxi.access.visibility import node_visible, profile_for
from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import get_schema
from guanxi.graph.values import to_plain
from guanxi.records.workbench import NodeCard
from guanxi.scoring.neighbours import HIDDEN_PROPS, main_label, neighbour_counts
from guanxi.scoring.risk_graph import inherited

__all__ = ["node_card", "public_path", "card_parts", "SCORE_KEYS"]

log = logging.getLogger(__name__)

#: The node properties the panel shows as scores rather than as profile.
SCORE_KEYS = ("pagerank", "betweenness", "weighted_degree", "prospect_score",
              "customer_similarity", "inherited_risk")  # fmt: skip
_NOT_SHOWN = {"embedding", "run_id", "centrality_run_id", "embedding_run_id", "risk_run_id",
              "inherited_risk_text", "inherited_risk_path", "load_id"}  # fmt: skip


def card_parts(
    props: dict[str, Any], provenance: dict[str, Any], scope: Scope | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[str]]:
    """Split a node's properties into (profile, scores, provenance, masked) for ``scope``.

    A property the scope may not read (:func:`~guanxi.access.visibility.profile_for`) is
    named in ``masked`` and left out; the score keys (:data:`SCORE_KEYS`) go to scores; the
    ingesting organisation is shown only when it is a branch in scope.

    Examples
    --------
    >>> p, s, v, m = card_parts({"name": "x", "pagerank": 0.2, "prospect_score": 0.7},
    ...                         {"source": "a.csv", "ingested_by": "BB"}, None)
    >>> (p, s, v["ingested_by"], m)
    ({'name': 'x'}, {'pagerank': 0.2, 'prospect_score': 0.7}, 'BB', [])
    """
    shown = profile_for(scope, props)
    masked = sorted(k for k in props if k not in shown and k not in _NOT_SHOWN)
    profile = {k: v for k, v in shown.items() if k not in SCORE_KEYS and k not in _NOT_SHOWN}
    scores = {k: shown[k] for k in SCORE_KEYS if k in shown}
    prov = {k: v for k, v in provenance.items() if k != "load_id"}
    org = prov.get("ingested_by")
    if org is not None and scope is not None and not scope.sees_branch(org):
        prov["ingested_by"] = None
        masked.append("ingested_by")
    return profile, scores, prov, masked


def node_card(client: Gateway, key: str, scope: Scope | None) -> NodeCard:
    """The side panel of ``key``: profile, scores (pagerank, key-contact ranks, prospect
    score, inherited risk when they exist and the caller may see them), provenance, masked
    items and relationship counts.

    Raises
    ------
    NotFound
        When the node does not exist or ``scope`` may not see it.
    """
    rows = client.read("workbench.nodes", keys=[key], hidden=list(HIDDEN_PROPS[:4]))
    r = rows[0] if rows else None
    if r is None or not node_visible(scope, r["labels"], r["branches"]):
        raise NotFound(f"No node with id {key!r}")
    props = {k: to_plain(v) for k, v in r["props"] if k not in ("source", "ingested_by")}
    profile, scores, prov, masked = card_parts(props, to_plain(r["provenance"]), scope)
    scores["key_contact_of"] = to_plain(r["key_contact_of"])
    if "Company" in r["labels"] and scope is not None:
        risk = inherited(client, scope, [key]).get(key)
        scores["inherited_risk"] = risk.to_dict() if risk else None
    return NodeCard(
        id=key, label=main_label(r["labels"]), name=r["name"], profile=profile,
        masked=tuple(masked), scores=scores, provenance=prov,
        counts=tuple(neighbour_counts(client, key, scope)),
    )  # fmt: skip


def public_path(client: Gateway, a: str, b: str) -> dict[str, Any]:
    """The shortest path (at most 6 hops) from ``a`` to ``b`` over public relationships:
    ``{"a", "b", "nodes": [ids], "types": [types]}`` (empty lists when there is none).
    Public facts only, so every caller may see it. From a party to itself there is no path
    to show (empty lists).
    """
    if a == b:
        return {"a": a, "b": b, "nodes": [], "types": []}
    schema = get_schema()
    types = sorted(t for t, s in schema.relationships.items() if s.scope == "public")
    types = [t for t in types if t not in ("SAME_AS", "MEMBER_OF")]
    rows = client.read("workbench.public_path", a=a, b=b, types=types)
    if not rows:
        return {"a": a, "b": b, "nodes": [], "types": []}
    return {"a": a, "b": b, "nodes": list(rows[0]["keys"]), "types": list(rows[0]["types"])}
