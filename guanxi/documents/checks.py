"""Validation of extracted fields and their comparison with the registry. Pure functions.

Licence: the USCC's check character (GB 32100-2015, ``guanxi.loaders.synthetic.uscc``),
a name and a legal representative present, a founding date that exists and is not in the
future, a positive registered capital. Statement: the balance sheet balances and the
income statement adds up (Notes of :func:`validate_fields`).

Registry comparison (:func:`compare_registry`) turns disagreements into
:class:`~guanxi.records.documents.DocumentFlag` records.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from guanxi.loaders.names import normal_name as clean_text
from guanxi.loaders.synthetic.uscc import uscc_valid
from guanxi.records.documents import DocumentField, DocumentFlag, DocumentProblem

__all__ = ["SUMS", "validate_fields", "compare_registry", "CAPITAL_TOLERANCE"]

log = logging.getLogger(__name__)

#: statement identities: (left, right-hand terms with signs) — left = Σ sign·term
SUMS: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = (
    ("total_assets", ((1, "total_liabilities"), (1, "total_equity"))),
    ("total_liabilities_and_equity", ((1, "total_liabilities"), (1, "total_equity"))),
    ("net_profit", ((1, "total_profit"), (-1, "income_tax"))),
)
_REQUIRED = {
    "licence": ("uscc", "name", "legal_rep", "registered_capital", "founded"),
    "statement": ("total_assets", "total_liabilities", "total_equity"),
}
#: relative difference of registered capital above which it is flagged (0.5 %)
CAPITAL_TOLERANCE = 0.005


def _value(fields: Sequence[DocumentField], name: str) -> Any:
    return next((f.value for f in fields if f.name == name), None)


def validate_fields(
    kind: str, fields: Sequence[DocumentField], today: date | None = None
) -> list[DocumentProblem]:
    """The problems of a document's fields (an empty list: valid).

    Parameters
    ----------
    kind : str
        ``licence``, ``statement`` or ``unknown`` (always one problem: unreadable).
    fields : sequence of DocumentField
        As :func:`guanxi.documents.fields.extract_fields` returns them.
    today : datetime.date, optional
        The reference for "not in the future" (default: today).

    Returns
    -------
    list of DocumentProblem

    Notes
    -----
    A sum holds when ``|left − Σ sign·term| ≤ max(1, 1e-6·|left|)`` CNY (the statement
    prints fen; the slack absorbs rounding in the last digit of large figures). The sums
    are ``total_assets = total_liabilities + total_equity``,
    ``total_liabilities_and_equity = total_liabilities + total_equity`` and
    ``net_profit = total_profit − income_tax``; a sum whose terms are missing is skipped.

    Examples
    --------
    >>> f = [DocumentField("total_assets", 100.0, "100", 1.0),
    ...      DocumentField("total_liabilities", 30.0, "30", 1.0),
    ...      DocumentField("total_equity", 60.0, "60", 1.0)]
    >>> [p.kind for p in validate_fields("statement", f)]
    ['sum']
    """
    if kind not in _REQUIRED:
        return [DocumentProblem("unreadable", (), "neither a business licence nor a statement")]
    today = today or date.today()
    problems = [
        DocumentProblem("missing", (n,), f"{n} not found or not readable")
        for n in _REQUIRED[kind]
        if _value(fields, n) in (None, "")
    ]
    code = _value(fields, "uscc")
    if code and not uscc_valid(code):
        problems.append(DocumentProblem("uscc_check", ("uscc",), f"{code}: check character fails"))
    founded = _value(fields, "founded")
    if founded and not (date(1949, 1, 1) <= date.fromisoformat(founded) <= today):
        problems.append(DocumentProblem("date", ("founded",), f"{founded} is not a plausible date"))
    cap = _value(fields, "registered_capital")
    if cap is not None and cap <= 0:
        problems.append(DocumentProblem("amount", ("registered_capital",), f"{cap} is not > 0"))
    if kind == "statement":
        for left, terms in SUMS:
            values = [_value(fields, n) for _, n in terms]
            lv = _value(fields, left)
            if lv is None or any(v is None for v in values):
                continue
            rhs = sum(s * v for (s, _), v in zip(terms, values, strict=True))
            if abs(lv - rhs) > max(1.0, 1e-6 * abs(lv)):
                names = (left, *(n for _, n in terms))
                problems.append(DocumentProblem("sum", names, f"{left} {lv:,.2f} ≠ {rhs:,.2f}"))
    return problems


def compare_registry(
    document_id: str,
    fields: Sequence[DocumentField],
    registry: Mapping[str, Any],
) -> list[DocumentFlag]:
    """Where a licence disagrees with the registry facts of its company.

    ``registry`` has ``id``, ``name``, ``legal_name``, ``aliases``, ``registered_capital``
    (CNY 10k), ``founded`` (ISO) and ``legal_reps`` (names of the people who serve as
    ``legal_rep``). A fact the registry lacks is not compared. Names are compared after
    :func:`guanxi.loaders.names.normal_name` (width, case, punctuation); capital differs when
    the relative difference exceeds :data:`CAPITAL_TOLERANCE`.

    Examples
    --------
    >>> reg = {"id": "C1", "name": "甲有限公司", "legal_reps": ["张三"],
    ...        "registered_capital": 100.0}
    >>> f = [DocumentField("name", "甲有限公司", "", 0.99),
    ...      DocumentField("legal_rep", "李四", "", 0.98),
    ...      DocumentField("registered_capital", 100.2, "", 0.97)]
    >>> [(x.kind, x.registry_value) for x in compare_registry("D1", f, reg)]
    [('legal_rep_differs', ['张三'])]
    """
    cid = registry["id"]
    flags: list[DocumentFlag] = []
    by_name = {f.name: f for f in fields if f.value not in (None, "")}

    def flag(kind: str, name: str, reg_value: Any) -> None:
        f = by_name[name]
        flags.append(DocumentFlag(document_id, cid, kind, name, f.value, reg_value, f.confidence,
                                  (document_id, cid)))  # fmt: skip

    if "uscc" in by_name and len(cid) == 18 and by_name["uscc"].value != cid:
        flag("uscc_differs", "uscc", cid)
    if "name" in by_name and registry.get("name"):
        names = [registry.get("name"), registry.get("legal_name"), *(registry.get("aliases") or [])]
        if clean_text(by_name["name"].value) not in {clean_text(n) for n in names if n}:
            flag("name_differs", "name", registry["name"])
    reps = [r for r in registry.get("legal_reps") or [] if r]
    rep = by_name.get("legal_rep")
    if rep and reps and clean_text(rep.value) not in {clean_text(r) for r in reps}:
        flag("legal_rep_differs", "legal_rep", sorted(reps))
    cap = registry.get("registered_capital")
    if "registered_capital" in by_name and cap:
        doc_cap = float(by_name["registered_capital"].value)
        if abs(doc_cap - cap) > CAPITAL_TOLERANCE * abs(cap):
            flag("capital_differs", "registered_capital", float(cap))
    founded = registry.get("founded")
    if "founded" in by_name and founded and str(by_name["founded"].value) != str(founded):
        flag("founded_differs", "founded", str(founded))
    return flags
