"""Pydantic models of the document endpoints (Public family; uploads are multipart)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["DocumentFieldPublic", "DocumentProblemPublic", "DocumentPublic", "DocumentFlagPublic",
           "CompanyDocumentsPublic"]  # fmt: skip


class DocumentFieldPublic(BaseModel):
    name: str
    value: str | float | None
    raw: str
    confidence: float


class DocumentProblemPublic(BaseModel):
    kind: str
    fields: list[str]
    detail: str


class DocumentPublic(BaseModel):
    """A stored document: what was read, how sure the OCR was, what failed validation,
    which company it describes and how it was found; ``existing``: the same file was
    stored before (it is not read again)."""

    id: str
    kind: str
    file_name: str
    sha256: str
    media_type: str
    uploaded_by: str
    branch: str
    uploaded_at: str
    engine: str
    company_id: str | None
    company_name: str | None
    matched_by: str | None
    valid: bool
    fields: list[DocumentFieldPublic]
    problems: list[DocumentProblemPublic]
    existing: bool


class DocumentFlagPublic(BaseModel):
    """A licence disagrees with the registry (``kind``: name_differs, legal_rep_differs,
    capital_differs, founded_differs, uscc_differs)."""

    document_id: str
    company_id: str
    kind: str
    field: str
    document_value: str | float | None
    registry_value: str | float | list[str] | None
    confidence: float
    refs: list[str]


class CompanyDocumentsPublic(BaseModel):
    company_id: str
    documents: list[DocumentPublic]
    flags: list[DocumentFlagPublic]
