"""The graph model as data: ``schema.yaml`` loaded into frozen pydantic models.

``guanxi db init`` applies :meth:`Schema.ddl` (constraints and indexes with
``IF NOT EXISTS``, so it is idempotent). The loaders' ``MERGE`` statements are built here
too (:meth:`Schema.merge_nodes`, :meth:`Schema.merge_rels`, :meth:`Schema.merge_stubs`), so
that a label's key, a relationship type's endpoints and the provenance properties are
written down once. Labels, relationship types and property names used in dynamic Cypher
come from here, backtick-quoted by :func:`quote`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Schema",
    "NodeSpec",
    "RelSpec",
    "PropSpec",
    "HistorySpec",
    "get_schema",
    "quote",
    "SCHEMA_PATH",
]

log = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).parent / "schema.yaml"
Scope = Literal["public", "internal"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote(identifier: str) -> str:
    """Backtick-quote a label, type or property name taken from the schema."""
    if not _IDENT.match(identifier):
        raise ValueError(f"Not a valid schema identifier: {identifier!r}")
    return f"`{identifier}`"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class PropSpec(_Frozen):
    """A property: its type, whether required, the allowed range or values (checked by the
    loaders), unit, scope override and description."""

    type: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    unit: str | None = None
    scope: Scope | None = None
    doc: str | None = None


class NodeSpec(_Frozen):
    """A node label."""

    name: str
    scope: Scope
    key: str
    doc: str = ""
    properties: dict[str, PropSpec]
    indexes: tuple[str, ...] = ()
    #: TEXT indexes, for ``CONTAINS`` / ``ENDS WITH`` (name search by fragment)
    text: tuple[str, ...] = ()
    fulltext: tuple[str, ...] = ()


class HistorySpec(_Frozen):
    """How snapshots version a relationship type (docs/time.md): closed versions' ``type``,
    new-version ``values``, the ``changed`` property and each event kind."""

    type: str
    values: tuple[str, ...] = ()
    changed: str | None = None
    events: dict[str, str] = {}


class RelSpec(_Frozen):
    """A relationship type with its allowed endpoint labels."""

    name: str
    scope: Scope
    from_: tuple[str, ...] = Field(alias="from")
    to: tuple[str, ...]
    key: str | None = None
    doc: str = ""
    properties: dict[str, PropSpec] = {}
    history: HistorySpec | None = None


class VectorIndexSpec(_Frozen):
    label: str
    property: str
    dimensions: int
    similarity: Literal["cosine", "euclidean"] = "cosine"


class Schema(_Frozen):
    """The whole model."""

    provenance: dict[str, PropSpec]
    nodes: dict[str, NodeSpec]
    relationships: dict[str, RelSpec]
    vector_indexes: dict[str, VectorIndexSpec] = {}
    #: results written back by scoring and the GNN (all computed over internal facts too)
    derived_properties: dict[str, PropSpec] = {}
    derived_relationships: dict[str, Scope] = {}
    #: the change events of snapshot loads (``Change`` nodes, docs/time.md)
    changes: dict[str, NodeSpec] = {}

    @classmethod
    def load(cls, path: Path = SCHEMA_PATH) -> Schema:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        nodes = {k: NodeSpec(name=k, **v) for k, v in raw["nodes"].items()}
        rels = {k: RelSpec(name=k, **v) for k, v in raw["relationships"].items()}
        derived = raw.get("derived", {})
        vec = {k: VectorIndexSpec(**v) for k, v in (derived.get("vector_indexes") or {}).items()}
        schema = cls(
            provenance={k: PropSpec(**v) for k, v in raw["provenance"].items()},
            nodes=nodes,
            relationships=rels,
            vector_indexes=vec,
            derived_properties={
                k: PropSpec(**v) for k, v in (derived.get("node_properties") or {}).items()
            },
            derived_relationships={
                k: v.get("scope", "internal")
                for k, v in (derived.get("relationships") or {}).items()
            },
            changes={k: NodeSpec(name=k, **v) for k, v in (raw.get("changes") or {}).items()},
        )
        schema._check()
        return schema

    def _check(self) -> None:
        for rel in self.relationships.values():
            for label in (*rel.from_, *rel.to):
                if label not in self.nodes:
                    raise ValueError(f"Relationship {rel.name} refers to unknown label {label}")
        for node in self.nodes.values():
            if node.key not in node.properties:
                raise ValueError(f"Label {node.name}: key {node.key!r} is not a property")

    def node(self, label: str) -> NodeSpec:
        try:
            return self.nodes[label]
        except KeyError:
            raise KeyError(f"Unknown label {label!r}; known: {sorted(self.nodes)}") from None

    def rel(self, rel_type: str) -> RelSpec:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise KeyError(
                f"Unknown relationship type {rel_type!r}; known: {sorted(self.relationships)}"
            ) from None

    def internal_labels(self) -> list[str]:
        return sorted(n for n, s in self.nodes.items() if s.scope == "internal")

    def internal_rel_types(self) -> list[str]:
        return sorted(n for n, s in self.relationships.items() if s.scope == "internal")

    def internal_names(self) -> dict[str, str]:
        """Every label, relationship type and property key that names a bank-internal fact
        (schema ``scope: internal``, derived results, internal provenance), mapped to what it
        is (``"label Branch"``). The console fence refuses queries that mention them."""
        out: dict[str, str] = {}
        for name in self.internal_labels():
            out[name] = f"label {name}"
        for name in self.internal_rel_types():
            out[name] = f"relationship type {name}"
        for name, scope in self.derived_relationships.items():
            if scope == "internal":
                out[name] = f"relationship type {name} (derived)"
        props = [
            *self.provenance.items(),
            *self.derived_properties.items(),
            *((k, p) for n in self.nodes.values() for k, p in n.properties.items()),
            *((k, p) for r in self.relationships.values() for k, p in r.properties.items()),
        ]
        for key, spec in props:
            if spec.scope == "internal":
                out.setdefault(key, f"property {key}")
        return out

    def ddl(self) -> list[tuple[str, str]]:
        """``(name, statement)`` pairs: key constraints, property and full-text indexes,
        vector indexes; all ``IF NOT EXISTS``."""
        out: list[tuple[str, str]] = []
        for label, spec in {**self.nodes, **self.changes}.items():
            lq, kq = quote(label), quote(spec.key)
            name = f"{label.lower()}_{spec.key}_key"
            out.append(
                (
                    name,
                    f"CREATE CONSTRAINT {quote(name)} IF NOT EXISTS "
                    f"FOR (n:{lq}) REQUIRE n.{kq} IS UNIQUE",
                )
            )
            for prop in spec.indexes:
                iname = f"{label.lower()}_{prop}"
                out.append(
                    (
                        iname,
                        f"CREATE INDEX {quote(iname)} IF NOT EXISTS "
                        f"FOR (n:{lq}) ON (n.{quote(prop)})",
                    )
                )
            for prop in spec.text:
                tname = f"{label.lower()}_{prop}_text"
                out.append(
                    (
                        tname,
                        f"CREATE TEXT INDEX {quote(tname)} IF NOT EXISTS "
                        f"FOR (n:{lq}) ON (n.{quote(prop)})",
                    )
                )
            if spec.fulltext:
                fname = f"{label.lower()}_fulltext"
                props = ", ".join(f"n.{quote(p)}" for p in spec.fulltext)
                out.append(
                    (
                        fname,
                        f"CREATE FULLTEXT INDEX {quote(fname)} IF NOT EXISTS "
                        f"FOR (n:{lq}) ON EACH [{props}]",
                    )
                )
        for rel_type in ("INTIMACY", "KEY_CONTACT"):
            iname = f"{rel_type.lower()}_run"
            on = f"FOR ()-[r:{quote(rel_type)}]-() ON (r.run_id)"
            out.append((iname, f"CREATE INDEX {quote(iname)} IF NOT EXISTS {on}"))
        for name, v in self.vector_indexes.items():
            out.append(
                (
                    name,
                    f"CREATE VECTOR INDEX {quote(name)} IF NOT EXISTS "
                    f"FOR (n:{quote(v.label)}) ON (n.{quote(v.property)}) "
                    "OPTIONS {indexConfig: {`vector.dimensions`: "
                    f"{int(v.dimensions)}, `vector.similarity_function`: '{v.similarity}'}}}}",
                )
            )
        return out

    # -- the loaders' statements: `UNWIND $rows`, names from the schema, values as parameters
    def _stamp(self, var: str) -> str:
        """``n.`source` = $source, …``: every provenance property from its parameter."""
        return ", ".join(f"{var}.{quote(p)} = ${p}" for p in self.provenance)

    def merge_nodes(self, label: str) -> str:
        """Rows ``{key, props}``: MERGE ``label`` nodes on their key and SET the props (a full
        row clears ``stub``) and the provenance parameters. Returns ``written``."""
        key = quote(self.node(label).key)
        return (
            f"UNWIND $rows AS r\nMERGE (n:{quote(label)} {{{key}: r.key}})\n"
            f"SET n += r.props, n.stub = null, {self._stamp('n')}\nRETURN count(*) AS written"
        )

    def merge_rels(self, rel_type: str, start: str, end: str) -> str:
        """Rows ``{a, b, props[, key]}``: MATCH the ``start`` and ``end`` nodes by their keys,
        MERGE one ``rel_type`` between them (one per value of the type's ``key``, e.g.
        ``SERVES_AS`` per role) and SET the props and provenance. A row whose endpoints do not
        both exist writes nothing. Returns ``written``."""
        rel = self.rel(rel_type)
        if start not in rel.from_ or end not in rel.to:
            raise ValueError(f"{rel_type} does not lead from {start} to {end}")
        on = f" {{{quote(rel.key)}: r.key}}" if rel.key else ""
        return (
            f"UNWIND $rows AS r\nMATCH (a:{quote(start)} {{{quote(self.node(start).key)}: r.a}})\n"
            f"MATCH (b:{quote(end)} {{{quote(self.node(end).key)}: r.b}})\n"
            f"MERGE (a)-[x:{quote(rel_type)}{on}]->(b)\n"
            f"SET x += r.props, {self._stamp('x')}\nRETURN count(*) AS written"
        )

    def merge_stubs(self, label: str) -> str:
        """Rows ``{key}``: a placeholder ``label`` node (``stub: true``, ``name`` = key) per id
        that does not exist yet; an existing node is left as it is. Returns ``written``."""
        key = quote(self.node(label).key)
        return (
            f"UNWIND $rows AS r\nMERGE (n:{quote(label)} {{{key}: r.key}})\n"
            f"ON CREATE SET n.stub = true, n.`name` = r.key, {self._stamp('n')}\n"
            "RETURN count(*) AS written"
        )


@lru_cache(maxsize=1)
def get_schema() -> Schema:
    """The package schema (loaded once)."""
    return Schema.load()
