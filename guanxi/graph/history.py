"""Time in the graph model: history types and the statements that rewrite a fact's versions.

A relationship type with ``history`` in ``schema.yaml`` keeps its current version as the
relationship itself (with ``valid_from``) and its closed versions as relationships of the
history type between the same nodes (``HOLDS_SHARES`` → ``HELD_SHARES``), with the same
properties plus ``valid_to`` (docs/time.md). Current-state queries read the current types
as before; as-of queries read both (:func:`as_of_params`). The write statement of
:func:`rewrite_versions` is built here from the schema, like the loaders' ``MERGE``
statements in :mod:`guanxi.graph.schema`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from guanxi.graph.schema import PropSpec, RelSpec, Schema, get_schema, quote

__all__ = ["history_types", "versioned_types", "as_of_params", "rewrite_versions", "MIN_DATE"]

log = logging.getLogger(__name__)

#: What a missing ``valid_from`` (a fact loaded without ``--snapshot``) compares as.
MIN_DATE = date(1, 1, 1)


def versioned_types(schema: Schema | None = None) -> dict[str, RelSpec]:
    """The relationship types that snapshot loads version (those with ``history``)."""
    schema = schema or get_schema()
    return {n: r for n, r in schema.relationships.items() if r.history}


def history_types(schema: Schema | None = None) -> dict[str, RelSpec]:
    """Each history type as a relationship type: the properties of its current type plus
    ``valid_to`` (exclusive), the same scope and endpoints."""
    valid_to = PropSpec(type="date", doc="the first date the version no longer held")
    out: dict[str, RelSpec] = {}
    for rel in versioned_types(schema).values():
        assert rel.history is not None
        out[rel.history.type] = RelSpec.model_validate(
            {
                "name": rel.history.type, "scope": rel.scope, "from": rel.from_, "to": rel.to,
                "key": rel.key, "doc": f"closed versions of {rel.name}",
                "properties": {**rel.properties, "valid_to": valid_to},
            }
        )  # fmt: skip
    return out


def as_of_params(as_of: date) -> dict[str, Any]:
    """The parameters every as-of query takes: ``$as_of``, ``$history`` (history type →
    current type) and ``$versioned`` (current and history types whose validity is read)."""
    hist = {r.history.type: n for n, r in versioned_types().items() if r.history}
    return {"as_of": as_of, "history": hist, "versioned": [*hist.values(), *hist]}


def _key_match(var: str, key: str | None) -> str:
    if key is None:
        return "true"
    k = quote(key)
    return f"({var}.{k} = r.key OR ({var}.{k} IS NULL AND r.key IS NULL))"


def rewrite_versions(rel_type: str, start: str, end: str) -> str:
    """Rows ``{a, b, key, current, history}``: replace every version of one fact (start
    ``a``, end ``b``, the type's key value ``key``) by ``current`` (the open version's
    properties, or null) and ``history`` (closed versions' properties, with ``valid_to``).
    The provenance parameters stamp what is written. Returns ``written``."""
    schema = get_schema()
    rel = schema.rel(rel_type)
    if rel.history is None or start not in rel.from_ or end not in rel.to:
        raise ValueError(f"{rel_type} from {start} to {end} is not versioned")
    t, h = quote(rel_type), quote(rel.history.type)
    stamp = ", ".join(f"{{v}}.{quote(p)} = ${p}" for p in schema.provenance)
    return (
        f"UNWIND $rows AS r\n"
        f"MATCH (a:{quote(start)} {{{quote(schema.node(start).key)}: r.a}})\n"
        f"MATCH (b:{quote(end)} {{{quote(schema.node(end).key)}: r.b}})\n"
        f"CALL (a, b, r) {{\n  MATCH (a)-[x:{t}|{h}]->(b) WHERE {_key_match('x', rel.key)}\n"
        f"  DELETE x\n}}\n"
        f"CALL (a, b, r) {{\n  WITH r WHERE r.current IS NOT NULL\n"
        f"  CREATE (a)-[x:{t}]->(b) SET x = r.current, {stamp.format(v='x')}\n}}\n"
        f"CALL (a, b, r) {{\n  UNWIND r.history AS v\n"
        f"  CREATE (a)-[y:{h}]->(b) SET y = v, {stamp.format(v='y')}\n}}\n"
        "RETURN count(*) AS written"
    )
