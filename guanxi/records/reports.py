"""Scenario reports (docs/reports.md): facts with their provenance, sections, the report.

A report is data first: every line a section shows is a :class:`Fact` with an id
(``F1``, ``F2`` …) and a :class:`Provenance` (source, load date, ingesting organisation),
already masked to the reader's scope by the service that built it. HTML, PDF, Word and the
narrative summary are all drawn from the same :class:`Report`; a sentence of the summary
cites fact ids, and the renderers turn provenance into numbered footnotes.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Provenance", "Fact", "Section", "Sentence", "Report", "SCENARIOS"]

log = logging.getLogger(__name__)

#: scenario key → title (开户, 投融资, 变更, 拜访)
SCENARIOS: dict[str, str] = {
    "onboarding": "开户尽调报告 Onboarding (KYC)",
    "credit": "投融资分析报告 Credit and financing",
    "change": "变更复核报告 Change review",
    "visit": "拜访简报 Pre-visit brief",
}


@dataclass(frozen=True, order=True)
class Provenance:
    """Where a fact comes from: the source file or feed (or the guanxi method that
    derived it), the date it was loaded, and the bank organisation that ingested it
    (``None`` when the reader's scope may not see that organisation)."""

    source: str
    loaded: str | None = None
    org: str | None = None

    def text(self) -> str:
        parts = [self.source, f"loaded {self.loaded}" if self.loaded else "load date unknown"]
        parts.append(f"ingested by {self.org}" if self.org else "ingesting organisation masked")
        return "; ".join(parts)


@dataclass(frozen=True)
class Fact:
    """One line of a section: ``cells`` as shown (in the section's column order),
    ``text`` one sentence saying it, its provenance, and ``flag`` for a risk marker."""

    id: str
    text: str
    cells: tuple[str, ...]
    provenance: Provenance
    flag: bool = False


@dataclass(frozen=True)
class Section:
    """A titled table of facts; ``note`` says why it is empty or what was left out."""

    key: str
    title: str
    columns: tuple[str, ...]
    facts: tuple[Fact, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A summary sentence and the fact ids it rests on."""

    text: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """One scenario report of one company as one reader may see it."""

    scenario: str
    company_id: str
    company_name: str | None
    reader: str
    scope: str
    generated_at: str
    sections: tuple[Section, ...]
    summary: tuple[Sentence, ...] = ()
    summary_by: str = "template"
    dropped_sentences: int = 0
    images: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title(self) -> str:
        return SCENARIOS[self.scenario]

    def facts(self) -> dict[str, Fact]:
        """Every fact of the report by id."""
        return {f.id: f for s in self.sections for f in s.facts}

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def footnotes(self) -> list[Provenance]:
        """The distinct provenances in order of first use (footnote n is index n-1)."""
        seen: dict[Provenance, None] = {}
        for s in self.sections:
            for f in s.facts:
                seen.setdefault(f.provenance, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("images")
        d["title"] = self.title
        d["footnotes"] = [asdict(p) for p in self.footnotes()]
        return d
