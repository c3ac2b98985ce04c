"""Document intake records: ``DocumentField`` (one extracted value with its OCR
confidence), ``DocumentProblem`` (a validation failure), ``DocumentRecord`` (a stored
``Document``) and ``DocumentFlag`` (a document disagrees with the registry facts of its
company).

Every record is frozen; ``to_dict()`` gives the JSON shape that the CLI, the API, the
page and the reports use. A document is bank-internal (scope: the uploaders' branches);
the service returns only documents in the caller's scope, so flags, which are derived
from documents, never leave it either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DocumentField", "DocumentProblem", "DocumentRecord", "DocumentFlag"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentField:
    """One field read from a document: ``value`` normalised (a date as ISO text, an
    amount as a number: registered capital in CNY 10k, statement lines in CNY), the text
    it was read from and the OCR confidence (0–1, the lowest of its text boxes)."""

    name: str
    value: str | float | None
    raw: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "raw": self.raw,
                "confidence": round(self.confidence, 4)}  # fmt: skip


@dataclass(frozen=True)
class DocumentProblem:
    """A validation failure: ``kind`` (``missing``, ``uscc_check``, ``date``, ``amount``,
    ``sum``), the fields it concerns and the values involved, as data."""

    kind: str
    fields: tuple[str, ...]
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "fields": list(self.fields), "detail": self.detail}


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document (``(:Document)-[:DESCRIBES]->(:Company)`` when matched)."""

    id: str
    kind: str
    file_name: str
    sha256: str
    media_type: str
    uploaded_by: str
    branch: str
    uploaded_at: str
    engine: str
    company_id: str | None = None
    company_name: str | None = None
    matched_by: str | None = None
    fields: tuple[DocumentField, ...] = ()
    problems: tuple[DocumentProblem, ...] = ()
    existing: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems

    def field(self, name: str) -> DocumentField | None:
        return next((f for f in self.fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "file_name": self.file_name,
            "sha256": self.sha256, "media_type": self.media_type,
            "uploaded_by": self.uploaded_by, "branch": self.branch,
            "uploaded_at": self.uploaded_at, "engine": self.engine,
            "company_id": self.company_id, "company_name": self.company_name,
            "matched_by": self.matched_by, "valid": self.valid,
            "fields": [f.to_dict() for f in self.fields],
            "problems": [p.to_dict() for p in self.problems], "existing": self.existing,
        }  # fmt: skip


@dataclass(frozen=True)
class DocumentFlag:
    """A document says something else than the registry: ``kind`` is
    ``name_differs``, ``legal_rep_differs``, ``capital_differs``, ``founded_differs`` or
    ``uscc_differs``; ``document_value`` and ``registry_value`` are the two values."""

    document_id: str
    company_id: str
    kind: str
    field: str
    document_value: str | float | None
    registry_value: str | float | list[str] | None
    confidence: float
    refs: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id, "company_id": self.company_id,
            "kind": self.kind, "field": self.field, "document_value": self.document_value,
            "registry_value": self.registry_value, "confidence": round(self.confidence, 4),
            "refs": list(self.refs),
        }  # fmt: skip
