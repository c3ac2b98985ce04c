"""Scanned documents (docs/documents.md): upload a business licence or a statement (image
or PDF, multipart), list the documents in your scope, read one, and a company's documents
with the flags where they disagree with the registry. Thin: parse, call the document
service with the caller's scope, serialise; the audit middleware records every call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from guanxi.api.deps import ClientDep, ScopeDep
from guanxi.api.document_models import CompanyDocumentsPublic, DocumentPublic
from guanxi.api.models import ErrorPublic
from guanxi.documents import add_document, document_flags, get_document, list_documents
from guanxi.errors import TooLarge
from guanxi.viz.documents import render_documents

__all__ = ["router", "page_router"]

router = APIRouter(
    prefix="/api/v1",
    tags=["documents"],
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)


@router.post(
    "/documents",
    response_model=DocumentPublic,
    status_code=201,
    summary="Upload a scanned licence or statement (PNG, JPEG, TIFF or PDF): OCR, validate, match",
    responses={
        413: {"model": ErrorPublic, "description": "over GUANXI_DOCUMENT_MAX_BYTES"},
        415: {"model": ErrorPublic, "description": "not a PNG, JPEG, TIFF or PDF"},
        422: {"model": ErrorPublic},
    },
)
def upload(
    request: Request,
    client: ClientDep,
    scope: ScopeDep,
    file: Annotated[UploadFile, File(description="the scan")],
    company_id: Annotated[str | None, Form(description="the company it describes")] = None,
) -> dict:
    limit = request.app.state.settings.document_max_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{file.filename!r} is over the limit of {limit:,} bytes")
    name = file.filename or "upload"
    doc = add_document(client, scope, data, name, company_id or None, max_bytes=limit)
    request.state.audit_params = {"document": doc.id, "company_id": doc.company_id}
    request.state.audit_rows = 1
    return doc.to_dict()


@router.get("/documents", response_model=list[DocumentPublic], summary="Documents in your scope")
def documents(
    request: Request,
    client: ClientDep,
    scope: ScopeDep,
    company_id: Annotated[str | None, Query(description="only this company's")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict]:
    found = list_documents(client, scope, company_id, limit)
    request.state.audit_rows = len(found)
    return [d.to_dict() for d in found]


@router.get("/documents/{document_id}", response_model=DocumentPublic, summary="One document")
def document(document_id: str, client: ClientDep, scope: ScopeDep) -> dict:
    return get_document(client, scope, document_id).to_dict()


@router.get(
    "/companies/{company_id}/documents",
    response_model=CompanyDocumentsPublic,
    summary="A company's documents in your scope, with the flags against its registry facts",
)
def company_documents(
    request: Request, company_id: str, client: ClientDep, scope: ScopeDep
) -> dict:
    docs = list_documents(client, scope, company_id)
    flags = document_flags(client, company_id, scope)
    request.state.audit_rows = len(docs)
    return {
        "company_id": company_id,
        "documents": [d.to_dict() for d in docs],
        "flags": [f.to_dict() for f in flags],
    }


page_router = APIRouter(tags=["pages"], include_in_schema=False)


@page_router.get("/ui/documents", response_class=HTMLResponse)
def documents_page(
    request: Request,
    client: ClientDep,
    scope: ScopeDep,
    company_id: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    found = list_documents(client, scope, company_id)
    request.state.audit_rows = len(found)
    note = f"{len(found)} document(s) uploaded by your branch subtree, newest first"
    return HTMLResponse(render_documents([d.to_dict() for d in found], note))
