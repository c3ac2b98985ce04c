"""The canonical file families of docs/data-model.md, derived from the schema.

A family's columns, their types, required flags, ranges and choices, its key and the
labels its endpoints refer to all come from ``guanxi/graph/schema.yaml``. This module adds
only what the schema cannot say: which file feeds which label or relationship type, the
names of a file's endpoint columns, the node columns that lead to another node (a branch's
``parent_id``), and how raw ``payments`` aggregate into ``PAYS``. Adding a property to the
schema adds the column to its family; ``tests/unit/test_families_schema.py`` proves the two
agree. :data:`ORDER` is the dependency order for loading a folder.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from guanxi.graph.schema import PropSpec, Schema, get_schema

__all__ = [
    "Column", "Ref", "Link", "Aggregation", "Family", "FAMILIES", "ORDER", "PAYMENTS",
    "STUB_LABELS", "TYPES", "family_for_name", "build_families", "snake",
]  # fmt: skip

log = logging.getLogger(__name__)

#: The schema property types validation can read from a file (a loaded property of another
#: type is refused when the families are built).
TYPES = ("string", "integer", "float", "boolean", "date", "list<string>", "list<float>")
#: Labels a mapping's ``stubs`` may create placeholder nodes for (they have a ``name``).
STUB_LABELS = ("Company", "Person")


@dataclass(frozen=True)
class Column:
    """A canonical column: ``type`` is a schema property type (:data:`TYPES`)."""

    name: str
    type: str = "string"
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Ref:
    """A column that refers to a node: a fixed ``label``, or the label in ``label_column``."""

    column: str
    label: str | None = None
    label_column: str | None = None


@dataclass(frozen=True)
class Link:
    """A node file's column naming the node that ``rel_type`` leads to (the node is the start)."""

    column: str
    rel_type: str
    required: bool = False


@dataclass(frozen=True)
class Aggregation:
    """Raw rows → one relationship per endpoint pair. ``raw``: the file's columns besides
    the endpoints (a property name takes its type from the relationship's property);
    ``into``: each relationship property as ``(property, raw column, pandas aggregation)``."""

    raw: tuple[str | Column, ...]
    into: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Family:
    """A canonical family: file, columns, key, references, and what it writes.

    ``kind`` is ``node`` (``label``, ``links``) or ``rel`` (``rel_type``; ``refs[0]`` is the
    start, ``refs[1]`` the end). ``props`` are the schema properties a row SETs (for ``rel``
    without the type's ``key``, which the MERGE matches on: ``SERVES_AS`` per ``role``).
    """

    name: str
    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    label: str | None = None
    rel_type: str | None = None
    links: tuple[Link, ...] = ()
    props: tuple[str, ...] = ()
    aggregate: Aggregation | None = None
    file: str = ""
    col_index: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", self.file or f"{self.name}.csv")
        object.__setattr__(self, "col_index", {c.name: c for c in self.columns})

    @property
    def required(self) -> list[str]:
        """Names of the required columns."""
        return [c.name for c in self.columns if c.required]


def _column(name: str, spec: PropSpec) -> Column:
    if spec.type not in TYPES:
        raise ValueError(f"Column {name!r}: the loaders cannot read type {spec.type!r}")
    return Column(name, spec.type, spec.required, spec.min, spec.max, spec.choices)


def _nodes(schema: Schema, name: str, label: str, *links: Link) -> Family:
    spec = schema.node(label)
    cols = [_column(k, p) for k, p in spec.properties.items()]
    cols += [Column(link.column, "string", link.required) for link in links]
    refs = tuple(Ref(link.column, schema.rel(link.rel_type).to[0]) for link in links)
    return Family(
        name, "node", tuple(cols), (spec.key,), refs, label=label, links=links,
        props=tuple(spec.properties),
    )  # fmt: skip


def _end(column: str, labels: tuple[str, ...]) -> tuple[list[Column], Ref]:
    """``"holder_id:holder_type"`` → columns and the reference of one endpoint."""
    col, _, label_col = column.partition(":")
    if label_col:
        kind = Column(label_col, "string", True, choices=labels)
        return [Column(col, "string", True), kind], Ref(col, label_column=label_col)
    if len(labels) != 1:
        raise ValueError(f"{col}: the endpoint may be any of {labels}; name its label column")
    return [Column(col, "string", True)], Ref(col, labels[0])


def _rels(
    schema: Schema, name: str, rel_type: str, start: str, end: str,
    aggregate: Aggregation | None = None,
) -> Family:  # fmt: skip
    rel = schema.rel(rel_type)
    a_cols, a = _end(start, rel.from_)
    b_cols, b = _end(end, rel.to)
    if aggregate is None:
        own = [_column(k, p) for k, p in rel.properties.items()]
    else:
        own = [c if isinstance(c, Column) else _column(c, rel.properties[c]) for c in aggregate.raw]
    key = (a.column, b.column, *((rel.key,) if rel.key else ()))
    return Family(
        name, "rel", (*a_cols, *b_cols, *own), key, (a, b), rel_type=rel_type,
        props=tuple(k for k in rel.properties if k != rel.key), aggregate=aggregate,
    )  # fmt: skip


#: Raw transactions: summed per payer–payee into the PAYS properties (SET, not added to).
PAYMENTS = Aggregation(
    # a payment without a date still counts in amount and count; first/last skip it
    raw=("amount", Column("date", "date")),
    into=(("amount", "amount", "sum"), ("count", "amount", "size"),
          ("first", "date", "min"), ("last", "date", "max"),
          ("periods", "date", "quarters"), ("period_amounts", "amount", "quarter_sums")),
)  # fmt: skip


def build_families(schema: Schema) -> dict[str, Family]:
    """The canonical families of ``schema``, in dependency order: nodes first (branches
    before rms), then every relationship family."""
    families = [
        _nodes(schema, "branches", "Branch", Link("parent_id", "PART_OF")),
        _nodes(schema, "products", "Product"),
        _nodes(schema, "companies", "Company"),
        _nodes(schema, "persons", "Person"),
        _nodes(schema, "rms", "RelationshipManager", Link("branch_id", "WORKS_AT", True)),
        _rels(schema, "shareholdings", "HOLDS_SHARES", "holder_id:holder_type", "company_id"),
        _rels(schema, "positions", "SERVES_AS", "person_id", "company_id"),
        _rels(schema, "supply", "SUPPLIES", "supplier_id", "buyer_id"),
        _rels(schema, "payments", "PAYS", "payer_id", "payee_id", PAYMENTS),
        _rels(schema, "flows", "PAYS", "payer_id", "payee_id"),
        _rels(schema, "guarantees", "GUARANTEES", "guarantor_id", "borrower_id"),
        _rels(schema, "customers", "CUSTOMER_OF", "company_id", "branch_id"),
        _rels(schema, "manages", "MANAGES", "rm_id", "company_id"),
        _rels(schema, "product_holdings", "HOLDS_PRODUCT", "company_id", "product_code"),
        _rels(schema, "contacts", "KNOWS", "from_id:from_type", "person_id"),
    ]
    return {f.name: f for f in families}


FAMILIES: dict[str, Family] = build_families(get_schema())

#: Dependency order: nodes first (branches before rms), then every relationship family.
ORDER: tuple[str, ...] = tuple(FAMILIES)


def snake(label: str) -> str:
    """``RelationshipManager`` → ``relationship_manager`` (in the loaders' query names)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", label).lower()


def family_for_name(name: str) -> Family | None:
    """The family whose canonical file stem is ``name`` (``companies.csv`` → companies)."""
    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    return FAMILIES.get(stem)
