"""Document intake: a scanned licence or statement in, a ``Document`` node out.

Steps of :func:`add_document`: check the size and the type (first bytes), hash the file
(the same file twice is one document: a second upload returns the stored one, and a
second branch uploading it is added to the branches that see it), read it by OCR, take
out the fields, validate them, find the company (USCC, else name; or the one the uploader
names), and store it with ``(:Document)-[:DESCRIBES]->(:Company)``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from guanxi.access.scope import HEAD_OFFICE, Scope
from guanxi.config import get_settings
from guanxi.documents.checks import validate_fields
from guanxi.documents.fields import extract_fields
from guanxi.documents.ocr import ENGINE, media_type, read_document
from guanxi.documents.store import fields_json, record_from_row
from guanxi.errors import NotFound, TooLarge, UnsupportedMediaType
from guanxi.graph.gateway import Gateway
from guanxi.loaders.synthetic.uscc import uscc_valid
from guanxi.records.documents import DocumentField, DocumentRecord

__all__ = ["add_document", "document_id", "match_company", "uploader_branch"]

log = logging.getLogger(__name__)


def document_id(sha256: str) -> str:
    """The id of the document of a file: ``DOC-`` + 32 hex digits of its sha256."""
    return "DOC-" + sha256[:32]


def uploader_branch(scope: Scope) -> str:
    """The branch a document is filed under: the uploader's (the operator's: head office)."""
    return scope.user.branch or HEAD_OFFICE


def match_company(
    client: Gateway, kind: str, fields: list[DocumentField]
) -> tuple[str | None, str | None, str | None]:
    """(company id, name, matched_by) for a document: the company whose id is the
    licence's valid USCC, else the single company whose name, legal name or alias is the
    name read (a licence's 名称, a statement's 编制单位); (None, None, None) when none or
    several match."""
    by = {f.name: f.value for f in fields}
    uscc = by.get("uscc") if uscc_valid(by.get("uscc")) else None
    name = by.get("name") if kind == "licence" else by.get("company")
    if not uscc and not name:
        return None, None, None
    rows = client.read("documents.match_company", uscc=uscc, company_name=name)
    found = {r["id"]: r for r in rows}
    if len(found) != 1:
        if found:
            log.info("document matches %d companies by name %r: not linked", len(found), name)
        return None, None, None
    r = next(iter(found.values()))
    return r["id"], r["name"], r["matched_by"]


def add_document(
    client: Gateway,
    scope: Scope,
    data: bytes,
    file_name: str,
    company_id: str | None = None,
    max_bytes: int | None = None,
) -> DocumentRecord:
    """Read, validate, match and store one uploaded file.

    Parameters
    ----------
    client : Gateway
        The graph.
    scope : Scope
        The uploader's scope: the document is filed under their branch.
    data : bytes
        The file (PNG, JPEG, TIFF or a PDF of at most five pages).
    file_name : str
        Its name, kept for people (only the base name).
    company_id : str, optional
        The company it describes; default: found from the USCC, else the name.
    max_bytes : int, optional
        The size limit (default: ``GUANXI_DOCUMENT_MAX_BYTES``).

    Returns
    -------
    DocumentRecord
        ``existing`` is True when the same file was stored before (not read again).

    Raises
    ------
    TooLarge
        Over ``GUANXI_DOCUMENT_MAX_BYTES``.
    UnsupportedMediaType
        Not a PNG, JPEG, TIFF or PDF.
    NotFound
        ``company_id`` is not a company.
    """
    limit = max_bytes or get_settings().document_max_bytes
    if len(data) > limit:
        raise TooLarge(f"{file_name!r} is {len(data):,} bytes; the limit is {limit:,}")
    kind_of_file = media_type(data)
    if kind_of_file is None:
        raise UnsupportedMediaType(f"{file_name!r} is not a PNG, JPEG, TIFF or PDF file")
    if company_id is not None and not client.read("documents.company", id=company_id):
        raise NotFound(f"No company {company_id!r}")
    sha = hashlib.sha256(data).hexdigest()
    branch = uploader_branch(scope)
    stored = client.read("documents.by_sha256", sha256=sha)
    if stored:
        if branch not in (stored[0]["doc"].get("branches") or []):
            client.write("documents.add_branch", id=stored[0]["doc"]["id"], branch=branch)
        log.info("document %s already stored; not read again", stored[0]["doc"]["id"])
        seen = {**stored[0]["doc"], "branches": [*(stored[0]["doc"].get("branches") or []), branch]}
        return record_from_row({**stored[0], "doc": seen}, existing=True, scope=scope)
    rows = read_document(data)
    kind, fields = extract_fields(rows)
    problems = validate_fields(kind, fields)
    if company_id is not None:
        found = client.read("documents.company", id=company_id)[0]
        cid, cname, how = company_id, found["name"], "given"
    else:
        cid, cname, how = match_company(client, kind, fields)
    doc = {
        "id": document_id(sha), "kind": kind, "sha256": sha, "file_name": Path(file_name).name,
        "media_type": kind_of_file, "size": len(data), "uploaded_by": scope.user.name,
        "uploaded_at": datetime.now(UTC), "branch": branch, "branches": [branch],
        "ingested_by": branch, "source": "document_intake", "engine": ENGINE,
        "fields": fields_json(fields),
        "problems": json.dumps([p.to_dict() for p in problems], ensure_ascii=False),
        "valid": not problems, "matched_by": how,
        "min_confidence": min((f.confidence for f in fields), default=0.0),
    }  # fmt: skip
    client.write("documents.write", doc=doc, company_id=cid)
    log.info("document %s (%s) stored for %s, %d problem(s)", doc["id"], kind, cid, len(problems))
    return record_from_row({"doc": doc, "company_id": cid, "company_name": cname if cid else None})
