"""The report's summary: template sentences by default, optionally drafted by an
OpenAI-compatible endpoint from the report's facts only, with a grounding check.

Every sentence cites the fact ids it rests on (``[F3]`` or ``[F3, F7]``). A drafted
sentence that cites no fact, or any id the report does not hold, is dropped
(:func:`ground`); when the endpoint fails or nothing survives, the template summary is
used. The endpoint is the bank's own deployment (``GUANXI_LLM_URL``), off unless set; it
receives the facts the reader may see and nothing else.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace

import httpx

from guanxi.config import Settings, get_settings
from guanxi.records.reports import Report, Sentence

__all__ = ["template_summary", "ground", "draft_summary", "summarise", "PROMPT"]

log = logging.getLogger(__name__)

_CITE = re.compile(r"\[(F\d+(?:\s*[,，]\s*F\d+)*)\]")
_SPLIT = re.compile(r"(?<=[。.!?！？])\s*")

#: the sections whose first facts the template summary reads, in order
_LEADS = (
    "controller",
    "holders",
    "owners",
    "risk",
    "changes",
    "contacts",
    "paths",
    "recommendations",
    "tasks",
    "guarantees",
    "supply",
    "products",
    "partners",
    "documents",
)

PROMPT = (
    "You write a short summary (3-6 sentences, Chinese) of a bank report. Use ONLY the facts "
    "given, one per line as 'ID: text'. End every sentence with the ids it rests on in square "
    "brackets, e.g. [F3] or [F3, F7]. Never state anything the facts do not say."
)


def template_summary(report: Report, limit: int = 6) -> tuple[Sentence, ...]:
    """Deterministic sentences: the report's title line, then the first fact of each lead
    section that has one (at most ``limit`` sentences), each citing its fact."""
    out = []
    for key in _LEADS:
        sec = next((s for s in report.sections if s.key == key), None)
        if sec is None or not sec.facts:
            continue
        f = sec.facts[0]
        more = f"（另有 {len(sec.facts) - 1} 项）" if len(sec.facts) > 1 else ""
        out.append(Sentence(f"{sec.title.split(' ')[0]}：{f.text}{more}。", (f.id,)))
        if len(out) >= limit:
            break
    if not out:
        out.append(Sentence(f"{report.company_name or report.company_id} 暂无可报告的事实。", ()))
    return tuple(out)


def ground(text: str, known: set[str]) -> tuple[list[Sentence], int]:
    """Split a draft into sentences and keep those whose citations are all ``known``.

    Returns the kept sentences (citation marks removed from the text, ids in ``facts``)
    and the number dropped: sentences citing nothing or an unknown id.

    Examples
    --------
    >>> kept, dropped = ground("甲控股乙 [F1]。乙亏损 [F9]。无引用。", {"F1"})
    >>> [(s.text, s.facts) for s in kept], dropped
    ([('甲控股乙。', ('F1',))], 2)
    """
    kept, dropped = [], 0
    for raw in filter(None, (s.strip() for s in _SPLIT.split(text))):
        ids = [i.strip() for m in _CITE.findall(raw) for i in re.split(r"[,，]", m)]
        if not ids or any(i not in known for i in ids):
            dropped += 1
            continue
        body = re.sub(r"\s+([。.!?！？])", r"\1", _CITE.sub("", raw)).strip()
        kept.append(Sentence(body, tuple(dict.fromkeys(ids))))
    return kept, dropped


def draft_summary(report: Report, settings: Settings) -> tuple[list[Sentence], int]:
    """Ask ``settings.llm_url`` (``POST …/chat/completions``) for a summary of the report's
    facts and ground it. Raises ``httpx.HTTPError`` or ``KeyError``/``ValueError`` on a
    failed or malformed answer."""
    facts = report.facts()
    lines = "\n".join(f"{i}: {f.text}" for i, f in facts.items())
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
    body = {
        "model": settings.llm_model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": f"{report.title} — {report.company_name}\n{lines}"},
        ],
    }
    url = settings.llm_url.rstrip("/") + "/chat/completions"  # type: ignore[union-attr]
    resp = httpx.post(url, json=body, headers=headers, timeout=settings.llm_timeout_s)
    resp.raise_for_status()
    text = resp.json()["choices"][0]["message"]["content"]
    return ground(str(text), set(facts))


def summarise(report: Report, settings: Settings | None = None) -> Report:
    """``report`` with its summary: drafted and grounded when an endpoint is configured
    and answers with at least one grounded sentence, else the template summary."""
    settings = settings or get_settings()
    if settings.llm_url:
        try:
            kept, dropped = draft_summary(report, settings)
        except (httpx.HTTPError, KeyError, IndexError, ValueError, json.JSONDecodeError) as e:
            log.warning(
                "summary endpoint %s failed (%s); template summary used", settings.llm_url, e
            )
        else:
            if kept:
                return replace(
                    report, summary=tuple(kept), summary_by="llm", dropped_sentences=dropped
                )
            log.warning("no drafted sentence was grounded (%d dropped); template used", dropped)
            return replace(report, summary=template_summary(report), dropped_sentences=dropped)
    return replace(report, summary=template_summary(report))
