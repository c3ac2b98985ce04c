"""``guanxi documents add|list|show|flags`` (docs/documents.md): scanned business
licences and statements, read offline by OCR, validated, matched to their company and
stored as ``Document`` nodes. Each runs as ``--user NAME`` (that API user's branch scope;
the document is filed under their branch) or as the operator (the whole bank; filed under
the head office), through the same service as the API, and leaves a ``cli`` audit record.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from guanxi.commands.output import JsonOpt, audit_cli, command, connect, out, print_result
from guanxi.commands.queries import UserOpt

__all__ = ["register", "documents_app"]

log = logging.getLogger(__name__)

documents_app = typer.Typer(
    name="documents",
    help="Scanned licences and statements: OCR, validation, flags (证照与报表).",
    no_args_is_help=True,
)


def _run(what: str, user: str | None, params: dict[str, Any], fn: Any) -> Any:
    from guanxi.commands.queries import _scope
    from guanxi.errors import GuanxiError

    with connect() as c:
        try:
            res = fn(c, _scope(c, user))
        except GuanxiError as e:
            audit_cli(what, user, what, params, None, e.http_status)
            raise
    audit_cli(what, user, what, params, {"rows": res if isinstance(res, list) else [res]}, 200)
    return res


def _show_doc(d: dict[str, Any]) -> None:
    head = "already stored" if d["existing"] else "stored"
    company = f"{d['company_id']} {d['company_name'] or ''} ({d['matched_by']})"
    out.print(f"{head}: {d['id']}  {d['kind']}  {d['file_name']}", highlight=False)
    out.print(f"company: {company if d['company_id'] else 'not matched'}", highlight=False)
    for f in d["fields"]:
        out.print(f"  {f['name']:<28} {f['value']}  ({f['confidence']:.2f})", highlight=False)
    for p in d["problems"]:
        out.print(f"  problem {p['kind']}: {p['detail']}", highlight=False)
    if not d["problems"]:
        out.print("  valid", highlight=False)


@command(documents_app, "add")
def add(
    file: Annotated[Path, typer.Argument(help="Image (PNG, JPEG, TIFF) or PDF.", exists=True)],
    company: Annotated[
        str | None, typer.Option("--company", help="Company id (default: found by USCC/name).")
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a scanned licence or statement, validate it and store it as a Document."""
    from guanxi.documents import add_document

    data = file.read_bytes()
    res = _run("documents add", user, {"file": file.name, "company": company},
               lambda c, s: add_document(c, s, data, file.name, company).to_dict())  # fmt: skip
    print_result(res, as_json, _show_doc)


@command(documents_app, "list")
def list_(
    company: Annotated[str | None, typer.Option("--company", help="Only this company's.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 200,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The documents in your scope, newest first."""
    from guanxi.documents import list_documents

    def fetch(c: Any, s: Any) -> list[dict]:
        return [d.to_dict() for d in list_documents(c, s, company, limit)]

    res = _run("documents list", user, {"company": company}, fetch)

    def show(rows: list[dict]) -> None:
        for d in rows:
            state = "valid" if d["valid"] else f"{len(d['problems'])} problem(s)"
            who = f"{d['uploaded_by']}@{d['branch']}"
            line = f"{d['id']}  {d['kind']:<9} {d['company_id'] or '-':<20} {state:<12} "
            out.print(line + f"{who}  {d['file_name']}", highlight=False)
        if not rows:
            out.print("no documents in your scope")

    print_result(res, as_json, show)


@command(documents_app, "show")
def show(
    document_id: Annotated[str, typer.Argument(help="Document id (DOC-…).")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One document: fields with confidence, problems, company."""
    from guanxi.documents import get_document

    res = _run("documents show", user, {"id": document_id},
               lambda c, s: get_document(c, s, document_id).to_dict())  # fmt: skip
    print_result(res, as_json, _show_doc)


@command(documents_app, "flags")
def flags(
    company: Annotated[str, typer.Argument(help="Company id.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Where the company's licences disagree with its registry facts."""
    from guanxi.documents import document_flags

    res = _run("documents flags", user, {"company": company},
               lambda c, s: [f.to_dict() for f in document_flags(c, company, s)])  # fmt: skip

    def pretty(rows: list[dict]) -> None:
        for f in rows:
            line = f"{f['kind']:<18} document {f['document_value']!r} · registry "
            out.print(line + f"{f['registry_value']!r}  ({f['document_id']})", highlight=False)
        if not rows:
            out.print("no disagreements")

    print_result(res, as_json, pretty)


def register(app: typer.Typer) -> None:
    """Add ``documents`` to ``app``."""
    app.add_typer(documents_app, name="documents")
