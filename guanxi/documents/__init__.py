"""Document intake (the report assistant's OCR, docs/documents.md): scanned business
licences and statements read offline, validated, matched to their company and stored as
``Document`` nodes; ``document_flags`` says where they disagree with the registry."""

from guanxi.documents.intake import add_document
from guanxi.documents.store import document_flags, get_document, list_documents, report_documents

__all__ = ["report_documents", "add_document", "document_flags", "get_document", "list_documents"]
