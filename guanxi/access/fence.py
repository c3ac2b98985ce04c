"""The analyst console's fence: what an ad-hoc Cypher query may do, read from its plan.

``GraphClient.console`` runs ``EXPLAIN`` first and hands the planner's verdict to
:func:`check_plan` before anything runs. The rules (docs/security.md, "The console"):

Everyone (admins included)
    * read-only (query type ``r``) — writes, schema and ``CALL {} IN TRANSACTIONS`` refused;
    * only the read operators of :data:`READ_OPERATORS` (``fence.yaml``) — no
      ``LOAD CSV``, no ``SHOW`` or administration commands, no writes of any kind;
    * procedures only from :data:`PROCEDURES` (schema introspection, the full-text index);
      no ``apoc.load.*``/``apoc.import.*`` (files, URLs), no GDS catalog or algorithms,
      no ``dbms.*``;
    * namespaced functions only from :data:`FUNCTION_NAMESPACES` (no
      ``apoc.cypher.run*``, which would run a query the plan does not show).

Analysts without contact details (every analyst)
    * no ``phone``/``email`` property, no ``properties()``, no ``n{.*}``, no dynamic
      property access ``n[$key]``; whole nodes in results have contact details masked.

Branch-scoped analysts (``fenced``): the plan may touch public facts only, by construction
    * labels and relationship types: only the public ones of the schema;
    * no untyped relationship pattern (``-[r]-``, ``--``, ``*``) and no operator that starts
      from every node or an id (``AllNodesScan``, ``NodeByIdSeek``…): every row starts at a
      public label and moves along public relationship types, which connect public labels;
    * property keys: only those the schema declares public (:func:`public_properties`);
      ``keys()``, ``properties()``, ``n{.*}``, ``n[expr]`` and dynamic labels refused;
    * no procedures at all. Bank-internal facts are reached through saved queries that
      take the caller's scope as parameters (``guanxi.access.saved``).

Every refusal raises :class:`ConsoleRefused` (HTTP 403) naming the clause, operator,
procedure, function, label, type or property.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from guanxi.access.visibility import internal_names
from guanxi.errors import AccessDenied, ReadOnlyViolation
from guanxi.graph.history import history_types
from guanxi.graph.schema import get_schema

__all__ = [
    "ConsoleRefused",
    "ConsolePolicy",
    "check_plan",
    "public_properties",
    "CONTACT_PROPS",
    "READ_OPERATORS",
    "PROCEDURES",
    "FUNCTION_NAMESPACES",
]

log = logging.getLogger(__name__)


class ConsoleRefused(AccessDenied):
    """The console refused a query: it names what is not allowed and why."""


_LISTS = yaml.safe_load((Path(__file__).with_name("fence.yaml")).read_text(encoding="utf-8"))
#: Operators a read query may plan to (``@neo4j`` suffix and runtime variants stripped).
READ_OPERATORS = frozenset(_LISTS["read_operators"])
#: Operators that start from every node or relationship, or from an id: not for the fenced.
_UNTYPED_ENTRY = frozenset(_LISTS["untyped_entry"])
#: What some refused operators are, in the words of the query that planned them.
_OPERATOR_CLAUSE = {
    "LoadCSV": "LOAD CSV",
    "TransactionApply": "CALL {} IN TRANSACTIONS",
    "TransactionForeach": "CALL {} IN TRANSACTIONS",
    "Foreach": "FOREACH",
}
#: Read-only procedures the unfenced console may call (schema introspection, full text).
PROCEDURES = frozenset(_LISTS["procedures"])
#: Namespaced functions allowed: pure functions of values (no graph access, no Cypher).
FUNCTION_NAMESPACES = tuple(_LISTS["function_namespaces"])
#: The fenced may use fewer (``apoc.coll.sortNodes`` reads a property named by a string).
_FENCED_NAMESPACES = tuple(n for n in FUNCTION_NAMESPACES if not n.startswith("apoc.coll"))
CONTACT_PROPS = frozenset({"phone", "email"})

_BACKTICK = re.compile(r"([:|&!]\s*)?`((?:[^`]|``)*)`")
_FUNC = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\(")
_LABEL = re.compile(r"(?<=[\w)\]]):!?([A-Za-z_]\w*(?:\s*[|&]\s*!?[A-Za-z_]\w*)*)")
_BRACKET_LABEL = re.compile(r"[(\[]\s*:!?([A-Za-z_]\w*(?:\s*[|&]\s*!?[A-Za-z_]\w*)*)")
_PROP = re.compile(r"(?<=[\w)\]}`])\.([A-Za-z_]\w*)")
_INDEX_OK = re.compile(r"^\s*-?(?:\d+|\$autoint_\d+)?\s*(?:\.\.\s*-?(?:\d+|\$autoint_\d+)?)?\s*$")
_DOTTED_CALL = re.compile(r"(?<![\w.$])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\s*\(")
_INDEX_PROPS = re.compile(r":[A-Za-z_]\w*\(([^)]*)\)")
_MAP_PROJECTION_KEY = re.compile(r"\{\s*\.([A-Za-z_]\w*)|,\s*\.([A-Za-z_]\w*)")
_REL_PATTERN = re.compile(r"-\[([^\]]*)\]-")
_DEGREE = re.compile(r"getDegree\(\([^)]*\)\s*<?-(\[[^\]]*\])?-")
#: Operators that move along relationships (their patterns must be typed).
_TRAVERSALS = ("Expand", "ShortestPath", "Relationship", "Trail", "Repeat", "CountFromCountStore")
_DYNAMIC_ACCESS = re.compile(r"(?<![\w.])(?!cache\[)([A-Za-z_]\w*)\[([^\]]*)\]")
#: Accessors of temporal values (``c.founded.year``), allowed beside declared properties.
_TEMPORAL_FIELDS = frozenset(_LISTS["temporal_fields"])


@dataclass(frozen=True)
class ConsolePolicy:
    """What one caller's console may do.

    ``fenced``: a branch-scoped caller (public facts only, see the module docstring);
    ``contact_details``: whether the role may see persons' phone and e-mail.
    """

    fenced: bool
    contact_details: bool

    @classmethod
    def unrestricted(cls) -> ConsolePolicy:
        """The operator's own console (``guanxi cypher`` with the database password)."""
        return cls(fenced=False, contact_details=True)


@lru_cache(maxsize=1)
def public_properties() -> frozenset[str]:
    """Property keys the schema declares public on public labels and relationship types,
    and public provenance; ``stub`` marks a node created by a reference only."""
    schema = get_schema()
    keys = {k for k, p in schema.provenance.items() if p.scope != "internal"}
    specs = (*schema.nodes.values(), *schema.relationships.values(), *schema.changes.values())
    for spec in (*specs, *history_types(schema).values()):
        if spec.scope == "public":
            keys |= {k for k, p in spec.properties.items() if p.scope != "internal"}
    return frozenset(keys | {"stub"})


@lru_cache(maxsize=1)
def _public_tokens() -> frozenset[str]:
    schema = get_schema()
    return frozenset(
        [n for n, s in schema.nodes.items() if s.scope == "public"]
        + [r for r, s in schema.relationships.items() if s.scope == "public"]
        # docs/time.md: closed versions and change events are public, like their facts
        + [r for r, s in history_types(schema).items() if s.scope == "public"]
        + [n for n, s in schema.changes.items() if s.scope == "public"]
    )


def _operators(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(operator name without runtime suffix or variant, details) of every plan node."""
    op = str(plan.get("operatorType", ""))
    name = op.split("@", 1)[0].split("(", 1)[0]
    args = plan.get("args") or plan.get("arguments") or {}
    yield name, str(args.get("Details") or args.get("details") or "")
    for child in plan.get("children") or ():
        yield from _operators(child)


def _normalise(details: str) -> str:
    """Unwrap backtick-quoted labels and types; blank out backtick-quoted aliases."""

    def sub(m: re.Match[str]) -> str:
        prefix, body = m.group(1), m.group(2).replace("``", "`")
        if prefix:  # a label or type position: keep the name, plain when it is one
            return prefix + (body if re.fullmatch(r"[A-Za-z_]\w*", body) else "_quoted_")
        return "_alias_"

    return _BACKTICK.sub(sub, details)


def _refuse(what: str, why: str) -> ConsoleRefused:
    return ConsoleRefused(f"Refused: {what} is not allowed in the console ({why})")


def check_plan(query_type: str, plan: dict[str, Any] | None, policy: ConsolePolicy) -> None:
    """Raise :class:`ConsoleRefused` unless ``policy`` allows every part of ``plan``.

    Parameters
    ----------
    query_type
        The planner's ``r``/``rw``/``w``/``s`` verdict.
    plan
        ``ResultSummary.plan`` of ``EXPLAIN <query>`` (operatorType, args, children).
    policy
        The caller's :class:`ConsolePolicy`.
    """
    if query_type != "r":
        for op, raw in _operators(plan or {}):  # name the procedure when one is the cause
            if op == "ProcedureCall":
                _check_procedure(_normalise(raw), policy)
        raise ReadOnlyViolation(
            f"Refused: the query writes to the database (query type {query_type!r}); "
            "the console is read-only"
        )
    if not plan:
        raise _refuse("a query without a plan", "nothing to verify")
    for op, raw in _operators(plan):
        if op not in READ_OPERATORS:
            clause = _OPERATOR_CLAUSE.get(op) or (
                "SHOW / administration command" if op.startswith("Show") else f"operator {op}"
            )
            raise _refuse(clause, "only read clauses run here")
        details = _normalise(raw)
        if op == "ProcedureCall":
            _check_procedure(details, policy)
        if policy.fenced and (
            op in _UNTYPED_ENTRY or (op == "NodeCountFromCountStore" and "(:" not in details)
        ):
            raise _refuse(
                f"a pattern that starts from every node or from an id ({op})",
                "start from a public label, e.g. (c:Company)",
            )
        _check_functions(details, op, policy)
        if not policy.contact_details or policy.fenced:
            _check_properties(details, policy)
        if policy.fenced:
            _check_fenced_patterns(details, any(t in op for t in _TRAVERSALS))


def _check_procedure(details: str, policy: ConsolePolicy) -> None:
    name = details.split("(", 1)[0].strip()
    if policy.fenced:
        raise _refuse(f"procedure {name}", "branch-scoped analysts use saved queries for bank data")
    if name not in PROCEDURES:
        raise _refuse(f"procedure {name}", "only schema introspection and full-text search")


def _check_functions(details: str, op: str, policy: ConsolePolicy) -> None:
    allowed = _FENCED_NAMESPACES if policy.fenced else FUNCTION_NAMESPACES
    calls = _FUNC.findall(details)
    if op == "ProcedureCall":
        calls = calls[1:]  # the first is the procedure itself
    for fn in calls:
        if "." in fn:
            if not fn.startswith(allowed):
                raise _refuse(f"function {fn}", "only functions of values run here")
        elif (fn == "keys" and policy.fenced) or (
            fn == "properties" and (policy.fenced or not policy.contact_details)
        ):
            raise _refuse(f"function {fn}()", "property introspection is not available")


def _check_properties(details: str, policy: ConsolePolicy) -> None:
    if "{.*}" in details.replace(" ", ""):
        raise _refuse("the all-properties projection n{.*}", "name the properties you need")
    for var, inside in _DYNAMIC_ACCESS.findall(details):
        if not _INDEX_OK.match(inside):
            raise _refuse(f"dynamic property access {var}[{inside.strip()}]", "name properties")
    keys = set(_PROP.findall(_DOTTED_CALL.sub("fn(", details)))
    for group in _INDEX_PROPS.findall(details):
        keys |= {k.strip() for k in group.split(",") if k.strip()}
    for a, b in _MAP_PROJECTION_KEY.findall(details):
        keys.add(a or b)
    names = internal_names()
    for key in sorted(keys):
        if key in CONTACT_PROPS and not policy.contact_details:
            raise _refuse(f"property {key}", "contact details are not shown to this role")
        if policy.fenced and key not in public_properties() and key not in _TEMPORAL_FIELDS:
            why = names.get(key, f"property {key}")
            raise _refuse(
                f"property {key}",
                f"{why} is bank-internal or undeclared; branch-scoped analysts read "
                "declared public properties",
            )


def _check_fenced_patterns(details: str, traverses: bool) -> None:
    if "$all(" in details or "$any(" in details:
        raise _refuse("a dynamic label or relationship type", "name labels and types")
    public = _public_tokens()
    names = internal_names()
    if re.search(r":\s*[!%]|[|&]\s*[!%]", details):
        raise _refuse("a negated or wildcard label or type (! or %)", "name public types")
    for group in [*_LABEL.findall(details), *_BRACKET_LABEL.findall(details)]:
        for token in re.split(r"\s*[|&]\s*", group):
            if token not in public:
                why = names.get(token, f"{token} is not a public label or type")
                raise _refuse(f"{token}", f"{why}; branch-scoped analysts read public facts")
    # traversals must name their types; a path built from bound variables need not
    patterns = _REL_PATTERN.findall(details) if traverses else []
    patterns += [g or "" for g in _DEGREE.findall(details)]
    if any(":" not in inside for inside in patterns):
        raise _refuse(
            "an untyped relationship pattern", "name public relationship types, e.g. [:SUPPLIES]"
        )
