"""Word (.docx) reports with python-docx, made for the scenarios banks annotate
(onboarding and credit) and available for every scenario: the same sections, facts,
footnote numbers and pictures as the PDF, a header with the reader, time and scope, and
page numbers in the footer (a ``PAGE`` field)."""

from __future__ import annotations

import io
import logging

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from guanxi.records.reports import Report
from guanxi.reports.render import CAPTIONS

__all__ = ["render_docx"]

log = logging.getLogger(__name__)

_FONT = "WenQuanYi Micro Hei"


def _page_field(paragraph) -> None:  # noqa: ANN001
    """Append a ``PAGE`` field (the page number Word fills in) to ``paragraph``."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def render_docx(report: Report, images: dict[str, bytes] | None = None) -> bytes:
    """The report as a Word document."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = _FONT, Pt(9.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), _FONT)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(1.8)
    sec.header.paragraphs[0].text = (
        f"{report.title} · {report.company_name or report.company_id} · reader {report.reader}"
        f" · {report.generated_at} · scope {report.scope}"
    )
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("page ")
    _page_field(foot)
    doc.add_heading(report.title, 0)
    doc.add_paragraph(
        f"{report.company_name or '—'} ({report.company_id}) — Reader 阅读人: {report.reader}; "
        f"Generated 生成: {report.generated_at}; Scope 范围: {report.scope}"
    )
    doc.add_heading("摘要 Summary", 1)
    for s in report.summary:
        doc.add_paragraph(f"{s.text} [{', '.join(s.facts)}]", style="List Bullet")
    notes = {p: i for i, p in enumerate(report.footnotes(), 1)}
    for section in report.sections:
        doc.add_heading(section.title, 1)
        if not section.facts:
            doc.add_paragraph(section.note or "—")
            continue
        table = doc.add_table(rows=1, cols=len(section.columns) + 2, style="Table Grid")
        for cell, head in zip(table.rows[0].cells, ("id", *section.columns, "src"), strict=True):
            cell.text = head
        for f in section.facts:
            cells = table.add_row().cells
            for cell, value in zip(cells, (f.id, *f.cells, str(notes[f.provenance])), strict=True):
                cell.text = value
    for key, png in (images or {}).items():
        doc.add_heading(CAPTIONS[key], 2)
        doc.add_picture(io.BytesIO(png), width=Cm(16))
    doc.add_heading("来源 Sources", 1)
    for p, i in notes.items():
        doc.add_paragraph(f"{i}. {p.text()}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
