"""The canonical file families of docs/data-model.md, as data.

Each :class:`Family` says which columns a canonical file has, their types, which are
required, the value ranges, the key that must be unique, the endpoints a relationship
family refers to, and the named ``.cypher`` queries (``guanxi/graph/queries/load/``) that
write it. :data:`ORDER` is the dependency order for loading a folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

__all__ = ["Column", "Ref", "Family", "FAMILIES", "ORDER", "family_for_name", "KEY_OF_LABEL"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    """A canonical column: ``type`` is one of string, float, integer, date, boolean, list."""

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
class Family:
    """A canonical family: file name, columns, key, references and its write queries.

    ``queries`` maps a query name to the label value (of the single ``label_column`` ref)
    whose rows it writes, or ``None`` for all rows. ``kind`` is ``node`` or ``rel``.
    """

    name: str
    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    writes: str
    refs: tuple[Ref, ...] = ()
    queries: tuple[tuple[str, str | None], ...] = ()
    extra_queries: tuple[str, ...] = ()
    label: str | None = None
    aggregate: bool = False
    file: str = ""
    col_index: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", self.file or f"{self.name}.csv")
        object.__setattr__(self, "col_index", {c.name: c for c in self.columns})

    @property
    def required(self) -> list[str]:
        """Names of the required columns."""
        return [c.name for c in self.columns if c.required]


def _c(spec: str) -> Column:
    """``"pct*:float[0,100]"`` → Column (``*`` required, ``[min,max]`` range)."""
    rng: tuple[float | None, float | None] = (None, None)
    if "[" in spec:
        spec, r = spec[:-1].split("[")
        lo, hi = r.split(",")
        rng = (float(lo) if lo else None, float(hi) if hi else None)
    name, _, typ = spec.partition(":")
    req = name.endswith("*")
    return Column(name.rstrip("*"), typ or "string", req, rng[0], rng[1])


def _cols(*specs: str) -> tuple[Column, ...]:
    return tuple(_c(s) for s in specs)


KEY_OF_LABEL = {
    "Company": "id",
    "Person": "id",
    "Branch": "id",
    "RelationshipManager": "id",
    "Product": "code",
}

_FAMILIES = [
    Family(
        "branches", "node",
        _cols("id*", "name*", "level*", "parent_id", "region"),
        ("id",), "(:Branch), (child)-[:PART_OF]->(parent)", label="Branch",
        refs=(Ref("parent_id", "Branch"),),
        queries=(("load.branches", None),), extra_queries=("load.branch_parents",),
    ),
    Family(
        "products", "node", _cols("code*", "name*", "line"), ("code",), "(:Product)",
        label="Product", queries=(("load.products", None),),
    ),
    Family(
        "companies", "node",
        _cols(
            "id*", "name*", "status", "industry", "region", "founded:date",
            "registered_capital:float[0,]", "tags:list", "listed:boolean", "stock_code",
            "employees:integer[0,]", "revenue:float", "rd_intensity:float[0,1]",
            "nominee:boolean",
        ),
        ("id",), "(:Company)", label="Company", queries=(("load.companies", None),),
    ),
    Family(
        "persons", "node",
        _cols("id*", "name*", "gender", "birth_year:integer[1900,2030]", "nominee:boolean",
              "phone", "email"),
        ("id",), "(:Person)", label="Person", queries=(("load.persons", None),),
    ),
    Family(
        "rms", "node", _cols("id*", "name*", "business_line", "branch_id*"), ("id",),
        "(:RelationshipManager)-[:WORKS_AT]->(:Branch)", label="RelationshipManager",
        refs=(Ref("branch_id", "Branch"),),
        queries=(("load.rms", None),), extra_queries=("load.rm_branches",),
    ),
    Family(
        "shareholdings", "rel",
        _cols("holder_id*", "holder_type*", "company_id*", "pct*:float[0,100]",
              "amount:float[0,]", "as_of:date"),
        ("holder_id", "company_id"), "HOLDS_SHARES",
        refs=(Ref("holder_id", label_column="holder_type"), Ref("company_id", "Company")),
        queries=(("load.shareholdings_person", "Person"),
                 ("load.shareholdings_company", "Company")),
    ),
    Family(
        "positions", "rel", _cols("person_id*", "company_id*", "role*", "since:date",
                                  "until:date"),
        ("person_id", "company_id", "role"), "SERVES_AS",
        refs=(Ref("person_id", "Person"), Ref("company_id", "Company")),
        queries=(("load.positions", None),),
    ),
    Family(
        "supply", "rel", _cols("supplier_id*", "buyer_id*", "amount:float[0,]", "period",
                               "share:float[0,1]"),
        ("supplier_id", "buyer_id"), "SUPPLIES",
        refs=(Ref("supplier_id", "Company"), Ref("buyer_id", "Company")),
        queries=(("load.supply", None),),
    ),
    Family(
        "payments", "rel", _cols("payer_id*", "payee_id*", "amount*:float[0,]", "date*:date"),
        ("payer_id", "payee_id"), "PAYS (aggregated)", aggregate=True,
        refs=(Ref("payer_id", "Company"), Ref("payee_id", "Company")),
        queries=(("load.flows", None),),
    ),
    Family(
        "flows", "rel", _cols("payer_id*", "payee_id*", "amount*:float[0,]",
                              "count*:integer[0,]", "first:date", "last:date"),
        ("payer_id", "payee_id"), "PAYS",
        refs=(Ref("payer_id", "Company"), Ref("payee_id", "Company")),
        queries=(("load.flows", None),),
    ),
    Family(
        "guarantees", "rel", _cols("guarantor_id*", "borrower_id*", "amount:float[0,]",
                                   "start:date", "end:date"),
        ("guarantor_id", "borrower_id"), "GUARANTEES",
        refs=(Ref("guarantor_id", "Company"), Ref("borrower_id", "Company")),
        queries=(("load.guarantees", None),),
    ),
    Family(
        "customers", "rel", _cols("company_id*", "branch_id*", "since:date", "business_line"),
        ("company_id", "branch_id"), "CUSTOMER_OF",
        refs=(Ref("company_id", "Company"), Ref("branch_id", "Branch")),
        queries=(("load.customers", None),),
    ),
    Family(
        "manages", "rel", _cols("rm_id*", "company_id*", "since:date"), ("rm_id", "company_id"),
        "MANAGES", refs=(Ref("rm_id", "RelationshipManager"), Ref("company_id", "Company")),
        queries=(("load.manages", None),),
    ),
    Family(
        "product_holdings", "rel", _cols("company_id*", "product_code*", "since:date",
                                         "balance:float"),
        ("company_id", "product_code"), "HOLDS_PRODUCT",
        refs=(Ref("company_id", "Company"), Ref("product_code", "Product")),
        queries=(("load.product_holdings", None),),
    ),
    Family(
        "contacts", "rel", _cols("from_id*", "from_type*", "person_id*", "since:date",
                                 "strength:float[0,1]", "last_contact:date"),
        ("from_id", "person_id"), "KNOWS",
        refs=(Ref("from_id", label_column="from_type"), Ref("person_id", "Person")),
        queries=(("load.contacts_person", "Person"),
                 ("load.contacts_rm", "RelationshipManager")),
    ),
]  # fmt: skip

FAMILIES: dict[str, Family] = {f.name: f for f in _FAMILIES}

#: Dependency order: nodes first (branches before rms), then every relationship family.
ORDER: tuple[str, ...] = tuple(f.name for f in _FAMILIES)

_CHOICES = {
    ("shareholdings", "holder_type"): ("Person", "Company"),
    ("contacts", "from_type"): ("Person", "RelationshipManager"),
    ("branches", "level"): ("head_office", "branch", "sub_branch"),
}
for (_fam, _col), _vals in _CHOICES.items():
    _f = FAMILIES[_fam]
    _f.col_index[_col] = Column(_col, "string", True, choices=_vals)
    object.__setattr__(_f, "columns", tuple(_f.col_index[c.name] for c in _f.columns))


def family_for_name(name: str) -> Family | None:
    """The family whose canonical file stem is ``name`` (``companies.csv`` → companies)."""
    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    return FAMILIES.get(stem)
