"""The documents page (``/ui/documents``): an upload form and the documents in the
caller's scope with the fields read, their confidence and the validation problems.
Self-contained HTML from ``guanxi/viz/templates/documents.html``; everything shown is
escaped."""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote

from guanxi.viz.templates import fill

__all__ = ["render_documents"]

log = logging.getLogger(__name__)

_CSS = (
    "body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1300px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left;vertical-align:top}.muted{color:#777}.bad{color:#c00}"
    "label{margin-right:.8em}.low{color:#b60}"
)
_E = html.escape


def _fields(fields: list[dict[str, Any]]) -> str:
    items = []
    for f in fields:
        cls = ' class="low"' if f["confidence"] < 0.9 else ""
        value = f["value"] if f["value"] is not None else "—"
        items.append(
            f'<div{cls} data-field="{_E(f["name"])}">{_E(f["name"])}: {_E(str(value))}'
            f" <span class=muted>({f['confidence']:.2f})</span></div>"
        )
    return "".join(items)


def _row(d: dict[str, Any]) -> str:
    company = (
        f'<a href="/ui/network/{quote(d["company_id"], safe="")}">'
        f"{_E(d['company_name'] or d['company_id'])}</a>"
        f" <span class=muted>{_E(d['matched_by'] or '')}</span>"
        if d["company_id"]
        else '<span class="bad">not matched</span>'
    )
    problems = "".join(f'<div class="bad">{_E(p["detail"])}</div>' for p in d["problems"])
    return (
        f'<tr class="gx-doc" data-id="{_E(d["id"])}"><td>{_E(d["file_name"])}<br>'
        f"<span class=muted>{_E(d['id'])}</span></td><td>{_E(d['kind'])}</td>"
        f"<td>{company}</td><td>{_fields(d['fields'])}</td><td>{problems or 'valid'}</td>"
        f"<td>{_E(d['uploaded_by'])} · {_E(d['branch'])}<br>"
        f"<span class=muted>{_E(d['uploaded_at'][:19])}</span></td></tr>"
    )


def render_documents(documents: list[dict[str, Any]], note: str) -> str:
    """The documents page with ``documents`` (``DocumentRecord.to_dict()`` shapes)."""
    rows = "".join(_row(d) for d in documents) or '<tr><td colspan="6">none yet</td></tr>'
    return fill("documents.html", css=_CSS, note=_E(note), rows=rows)
