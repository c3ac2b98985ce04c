"""Reading stored documents through the caller's scope: the list, one document, and the
flags where a company's licences disagree with its registry facts (``document_flags``,
for the reports). A document is visible when one of the branches that uploaded it is in
the caller's scope (admins: all); an RM of another branch gets nothing, and asking for a
document outside one's scope is answered like a document that does not exist.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from guanxi.access.scope import Scope
from guanxi.documents.checks import compare_registry
from guanxi.errors import NotFound
from guanxi.graph.gateway import Gateway
from guanxi.records.documents import DocumentField, DocumentFlag, DocumentProblem, DocumentRecord

__all__ = [
    "report_documents",
    "record_from_row",
    "list_documents",
    "get_document",
    "document_flags",
    "fields_json",
]

log = logging.getLogger(__name__)


def fields_json(fields: list[DocumentField] | tuple[DocumentField, ...]) -> str:
    """The fields as the ``Document.fields`` property stores them (JSON)."""
    return json.dumps([f.to_dict() for f in fields], ensure_ascii=False)


def _fields(text: str | None) -> tuple[DocumentField, ...]:
    return tuple(
        DocumentField(f["name"], f["value"], f.get("raw", ""), float(f["confidence"]))
        for f in json.loads(text or "[]")
    )


def record_from_row(
    row: dict[str, Any], existing: bool = False, scope: Scope | None = None
) -> DocumentRecord:
    """A :class:`DocumentRecord` from a row of ``documents.list`` / ``documents.get``.

    A document that several branches uploaded names the first uploader and their branch
    only to a ``scope`` that contains that branch; another caller sees the first of
    their own branches that uploaded it and no uploader (who else holds the file is
    another branch's fact)."""
    d = row["doc"]
    branch, uploader = d.get("branch") or "", d.get("uploaded_by") or ""
    if scope is not None and not scope.everything and branch not in scope.branches:
        mine = [b for b in d.get("branches") or [] if b in scope.branches]
        branch, uploader = (mine[0] if mine else ""), ""
    problems = tuple(
        DocumentProblem(p["kind"], tuple(p["fields"]), p["detail"])
        for p in json.loads(d.get("problems") or "[]")
    )
    at = d.get("uploaded_at")
    return DocumentRecord(
        id=d["id"], kind=d["kind"], file_name=d.get("file_name") or "",
        sha256=d["sha256"], media_type=d.get("media_type") or "",
        uploaded_by=uploader, branch=branch,
        uploaded_at=at.isoformat() if hasattr(at, "isoformat") else str(at or ""),
        engine=d.get("engine") or "", company_id=row.get("company_id"),
        company_name=row.get("company_name"), matched_by=d.get("matched_by"),
        fields=_fields(d.get("fields")), problems=problems, existing=existing,
    )  # fmt: skip


def list_documents(
    client: Gateway, scope: Scope, company_id: str | None = None, limit: int = 200
) -> list[DocumentRecord]:
    """Documents in ``scope`` (of one company when ``company_id`` is given), newest first."""
    rows = client.read("documents.list", company_id=company_id, limit=limit, **_scope_params(scope))
    return [record_from_row(r, scope=scope) for r in rows]


def get_document(client: Gateway, scope: Scope, document_id: str) -> DocumentRecord:
    """One document in ``scope``.

    Raises
    ------
    NotFound
        When there is no such document, or it is outside the caller's scope.
    """
    rows = client.read("documents.get", id=document_id, **_scope_params(scope))
    if not rows:
        raise NotFound(f"No document {document_id!r} in your scope")
    return record_from_row(rows[0], scope=scope)


def document_flags(client: Gateway, company_id: str, scope: Scope) -> list[DocumentFlag]:
    """Where the licences of ``company_id`` that ``scope`` may see disagree with the
    company's registry facts (name, legal representative, registered capital, founding
    date, USCC): one :class:`DocumentFlag` per disagreement, newest document first.
    Computed when asked, so a later registry load is always compared."""
    rows = client.read("documents.document_flags", company_id=company_id, **_scope_params(scope))
    flags: list[DocumentFlag] = []
    for r in rows:
        flags.extend(compare_registry(r["document_id"], _fields(r["fields"]), r["registry"]))
    return flags


def report_documents(
    client: Gateway, scope: Scope, company_id: str
) -> tuple[list[DocumentRecord], list[DocumentFlag]]:
    """What a report shows of document intake (guanxi.reports, ``documents`` section): the
    company's 20 newest documents in ``scope`` and their disagreements with the registry.
    The API and the CLI hand it to the reports, which sit on the same level."""
    return list_documents(client, scope, company_id, limit=20), document_flags(
        client, company_id, scope
    )


def _scope_params(scope: Scope) -> dict[str, Any]:
    p = scope.params()
    return {"scope_all": p["scope_all"], "branches": p["branches"]}
