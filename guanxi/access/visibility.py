"""Which bank-internal nodes and relationships a scope may see (the rule of docs/access.md).

Public labels and relationship types are always visible. For internal ones:

* ``Branch``: visible when in scope; ``RelationshipManager``: when it works at a branch in
  scope; ``Product``: always (the catalogue is not secret, holdings are).
* ``CUSTOMER_OF``: the branch is in scope and, for users with business lines, the line is
  one of theirs. ``WORKS_AT`` / ``PART_OF``: a branch endpoint in scope.
  ``MANAGES`` and RM ``KNOWS``: the RM's branch in scope. Person-to-person ``KNOWS``: the
  organisation that recorded it (``ingested_by``) is in scope.
  ``HOLDS_PRODUCT`` and ``PAYS``: a company endpoint is a customer of a branch in scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from guanxi.access.scope import Scope
from guanxi.graph.schema import get_schema

__all__ = [
    "node_visible",
    "rel_visible",
    "is_internal_label",
    "is_internal_type",
    "in_scope",
    "profile_for",
    "internal_names",
    "SHOWN_DERIVED",
]

#: Derived scores the API shows every user: centrality is a bank-wide aggregate that key
#: contacts and pages already show. The other derived properties (the GNN's similarity to
#: the bank's customers, the prospect score, run ids) and internal provenance are not.
SHOWN_DERIVED = frozenset({"pagerank", "betweenness", "weighted_degree"})


def is_internal_label(labels: Iterable[str]) -> bool:
    schema = get_schema()
    return any(lb in schema.nodes and schema.nodes[lb].scope == "internal" for lb in labels)


def is_internal_type(rel_type: str) -> bool:
    spec = get_schema().relationships.get(rel_type)
    return spec is not None and spec.scope == "internal"


@lru_cache(maxsize=1)
def internal_names() -> dict[str, str]:
    """The schema's bank-internal labels, types and property keys
    (:meth:`~guanxi.graph.schema.Schema.internal_names`), computed once: the console fence
    and company profiles ask on every request."""
    return get_schema().internal_names()


def profile_for(scope: Scope | None, props: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties as ``scope`` may see them: internal ones (``schema.yaml``
    ``scope: internal``, derived scores but :data:`SHOWN_DERIVED`) only for the whole bank."""
    if scope is None or scope.everything:
        return dict(props)
    internal = internal_names()
    return {
        k: v
        for k, v in props.items()
        if k in SHOWN_DERIVED or not internal.get(k, "").startswith("property ")
    }


def in_scope(scope: Scope, branches: Iterable[Mapping[str, Any]], check_line: bool) -> bool:
    """Whether one of ``branches`` ({branch, line}) is in scope (and of the user's lines)."""
    return _in_scope(scope, branches, check_line)


def _in_scope(scope: Scope, branches: Iterable[Mapping[str, Any]], check_line: bool) -> bool:
    for b in branches:
        if b.get("branch") in scope.branches and (
            not check_line or not scope.lines or b.get("line") in scope.lines
        ):
            return True
    return False


def node_visible(scope: Scope | None, labels: Iterable[str], branches: Iterable[Mapping]) -> bool:
    """Whether a node may be shown; ``branches`` are ``{branch, line}`` it belongs to."""
    labels = list(labels)
    if scope is None or scope.everything or not is_internal_label(labels):
        return True
    if "Product" in labels:
        return True
    return _in_scope(scope, branches, check_line=False)


def rel_visible(
    scope: Scope | None,
    rel_type: str,
    props: Mapping[str, Any],
    start: tuple[list[str], list[Mapping]],
    end: tuple[list[str], list[Mapping]],
) -> bool:
    """Whether a relationship may be shown. ``start``/``end`` are (labels, branches)."""
    if scope is None or scope.everything or not is_internal_type(rel_type):
        return True
    (s_labels, s_br), (e_labels, e_br) = start, end
    if rel_type == "CUSTOMER_OF":
        line_ok = not scope.lines or props.get("business_line") in scope.lines
        return line_ok and _in_scope(scope, e_br, False)
    if rel_type in ("WORKS_AT", "PART_OF"):
        return _in_scope(scope, e_br, False) or _in_scope(scope, s_br, False)
    if rel_type == "MATCHED_IN":  # seen by the organisation that ran the match
        return _in_scope(scope, e_br, False)
    if rel_type == "KNOWS" and "Person" in s_labels:
        return props.get("ingested_by") in scope.branches
    if rel_type in ("MANAGES", "KNOWS"):
        return _in_scope(scope, s_br, False)
    # HOLDS_PRODUCT, PAYS and anything internal attached to companies
    return _in_scope(scope, s_br, True) or ("Company" in e_labels and _in_scope(scope, e_br, True))
