"""Facts and their provenance, numbered as a report is built (``F1``, ``F2`` …).

:class:`FactBook` hands out fact ids in the order sections are built and turns the raw
provenance maps of the report queries (``{source, loaded_at, org}``) into
:class:`~guanxi.records.reports.Provenance`, showing the ingesting organisation only when
the reader's scope holds it (``ingested_by`` is a bank-internal property, schema.yaml).
Facts derived by a guanxi method (a controller, a key contact) cite the method and the
sources of their inputs. The small formatters keep numbers the same in every format.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from guanxi.access.scope import Scope
from guanxi.records.reports import Fact, Provenance, Section

__all__ = ["FactBook", "pct", "money", "text", "UNKNOWN_SOURCE"]

log = logging.getLogger(__name__)

UNKNOWN_SOURCE = "source not recorded"


def pct(v: Any) -> str:
    """A percentage as the registry states it: ``49.56%`` (two decimals at most).

    Examples
    --------
    >>> pct(49.56), pct(30.0), pct(None)
    ('49.56%', '30%', '—')
    """
    if v is None:
        return "—"
    return f"{float(v):.2f}".rstrip("0").rstrip(".") + "%"


def money(v: Any, unit: str = "") -> str:
    """An amount with thousands separators: ``1,000,000`` (``—`` when unknown)."""
    if v is None:
        return "—"
    return f"{float(v):,.0f}{unit}"


def text(v: Any) -> str:
    """A cell's text: ``—`` for nothing."""
    return "—" if v in (None, "", "None") else str(v)


class FactBook:
    """Numbers facts and builds their provenance for one reader's ``scope``."""

    def __init__(self, scope: Scope | None) -> None:
        self.scope = scope
        self.count = 0

    def org(self, org: str | None) -> str | None:
        """The ingesting organisation if the reader may see it, else ``None``."""
        if org is None:
            return None
        s = self.scope
        if s is None or s.everything or s.whole_bank or org in s.branches:
            return org
        return None

    def provenance(self, prov: Mapping[str, Any] | None) -> Provenance:
        """A query's ``{source, loaded_at, org}`` as the reader may see it."""
        prov = prov or {}
        loaded = prov.get("loaded_at")
        return Provenance(
            source=str(prov.get("source") or UNKNOWN_SOURCE),
            loaded=str(loaded)[:10] if loaded else None,
            org=self.org(prov.get("org")),
        )

    def derived(self, method: str, inputs: Iterable[Mapping[str, Any] | None]) -> Provenance:
        """The provenance of a fact computed by guanxi ``method`` from facts of ``inputs``
        (raw provenance maps): the method and the input sources, the latest load date."""
        provs = [self.provenance(p) for p in inputs]
        sources = sorted({p.source for p in provs if p.source != UNKNOWN_SOURCE})
        loaded = max((p.loaded for p in provs if p.loaded), default=None)
        orgs = {p.org for p in provs if p.org}
        src = f"guanxi {method}" + (f" from {', '.join(sources[:3])}" if sources else "")
        return Provenance(source=src, loaded=loaded, org=orgs.pop() if len(orgs) == 1 else None)

    def fact(
        self, sentence: str, cells: Sequence[Any], prov: Provenance, *, flag: bool = False
    ) -> Fact:
        """The next fact: ``sentence`` says it, ``cells`` show it (``—`` for nothing)."""
        self.count += 1
        return Fact(f"F{self.count}", sentence, tuple(text(c) for c in cells), prov, flag)

    @staticmethod
    def section(
        key: str, title: str, columns: Sequence[str], facts: Iterable[Fact], empty: str
    ) -> Section:
        """A section of ``facts``; ``empty`` is its note when there are none."""
        facts = tuple(facts)
        return Section(key, title, tuple(columns), facts, None if facts else empty)
