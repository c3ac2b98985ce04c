"""Entity resolution in the graph: propose ``SAME_AS`` pairs, review them, merge, undo.

:func:`propose` reads the parties of one label (optionally of one ``source``), scores
candidate pairs with :func:`~guanxi.loaders.matcher.match_parties` and writes them as
``SAME_AS {status: 'candidate', weight, probability, evidence}`` (pairs already decided are
left alone). :mod:`guanxi.loaders.review` writes them to a review file and reads the
person's decisions back; :func:`apply_decisions` rejects or merges. A merge
(``resolve.merge``, one transaction) moves every relationship of the duplicate onto the
canonical party and keeps the duplicate as a ``SourceRecord``; :func:`undo` reverses it.
The design and its trade-offs: docs/resolution.md.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from guanxi.errors import InvalidData, NotFound, RowError
from guanxi.graph.gateway import Gateway
from guanxi.loaders.matcher import MATCH_THRESHOLD, match_parties

__all__ = [
    "LABELS",
    "Decision",
    "ResolveReport",
    "party_records",
    "propose",
    "canonical_of",
    "apply_decisions",
    "undo",
]

log = logging.getLogger(__name__)

#: The labels resolution works on, and the query that reads their records.
LABELS = {"Company": "resolve.company_records", "Person": "resolve.person_records"}


@dataclass(frozen=True)
class Decision:
    """One reviewed pair: ``accept`` or ``reject`` (``row``: where it was in the file)."""

    left_id: str
    right_id: str
    decision: str
    row: int | None = None


@dataclass
class ResolveReport:
    """What a resolve step did: candidates written, merges (merge id → pair), rejections."""

    run_id: str
    candidates: int = 0
    merged: dict[str, tuple[str, str]] = field(default_factory=dict)
    rejected: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "candidates": self.candidates,
            "merged": [
                {"merge_id": k, "canonical": c, "duplicate": d} for k, (c, d) in self.merged.items()
            ],  # fmt: skip
            "rejected": self.rejected,
            "skipped": self.skipped,
        }


def party_records(client: Gateway, label: str, source: str | None = None) -> pd.DataFrame:
    """The resolution records of ``label`` (``source``: only parties whose provenance
    ``source`` starts with it — all parties are still candidates on the other side)."""
    if label not in LABELS:
        raise InvalidData(f"Cannot resolve {label!r}: one of {', '.join(LABELS)}")
    recs = pd.DataFrame(client.read(LABELS[label]))
    if recs.empty:
        return recs
    recs["in_source"] = (
        recs["source"].fillna("").str.startswith(source) if source else pd.Series(True, recs.index)
    )
    return recs


def propose(
    client: Gateway,
    label: str = "Company",
    *,
    threshold: float = MATCH_THRESHOLD,
    source: str | None = None,
) -> tuple[ResolveReport, pd.DataFrame]:
    """Score candidate pairs and write them as ``SAME_AS`` candidates.

    Returns the report and the pairs written (``left_id``, ``right_id``, ``label``,
    ``weight``, ``probability``, ``evidence``); with ``source``, only pairs with at least
    one party of that source. Decided pairs (accepted, rejected, undone) are not proposed.
    """
    report = ResolveReport(run_id=uuid.uuid4().hex[:12])
    recs = party_records(client, label, source)
    if len(recs) < 2:
        return report, pd.DataFrame()
    pairs = match_parties(recs, threshold)
    if source:
        mine = set(recs.loc[recs["in_source"], "unique_id"])
        pairs = pairs[pairs["left_id"].isin(mine) | pairs["right_id"].isin(mine)]
    decided = {frozenset((r["a"], r["b"])) for r in client.read("resolve.decided")}
    keep = [
        frozenset((a, b)) not in decided
        for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)
    ]  # noqa: E501
    pairs = pairs[keep].reset_index(drop=True)
    rows = [
        {"a": a, "b": b, "label": lb, "weight": float(w), "probability": float(p), "evidence": e}
        for a, b, lb, w, p, e in pairs[
            ["left_id", "right_id", "label", "weight", "probability", "evidence"]
        ].itertuples(index=False)  # noqa: E501
    ]
    report.candidates = client.write_batches(
        "resolve.write_candidates", rows, run_id=report.run_id, at=datetime.now(UTC)
    )
    client.write("admin.bump_graph_version", why=f"resolve propose {report.run_id}")
    log.info("resolve %s: %d candidate %s pairs", report.run_id, len(rows), label)
    return report, pairs


def canonical_of(facts: list[dict[str, Any]]) -> tuple[str, str]:
    """(canonical id, duplicate id) of a pair's two party facts: a listed company first,
    then one with a registered full name, then the better connected, then the smaller id."""
    a, b = sorted(facts, key=lambda f: (not f["listed"], not f["legal"], -f["degree"], f["id"]))
    return a["id"], b["id"]


def _merge(client: Gateway, d: Decision, by: str, report: ResolveReport) -> None:
    facts = client.read("resolve.pair", a=d.left_id, b=d.right_id)
    # a side merged before stands for its canonical party
    ids = {f["merged_into"] or f["id"] for f in facts}
    if len(ids) == 2 and any(f["merged_into"] for f in facts):
        facts = client.read("resolve.pair", a=ids.pop(), b=ids.pop())
    if len({f["id"] for f in facts}) < 2 or any(f["merged_into"] for f in facts):
        report.skipped.append(f"{d.left_id}~{d.right_id}: already one party or not found")
        return
    labels = {f["label"] for f in facts}
    if len(labels) != 1:
        raise InvalidData(
            f"Cannot merge {d.left_id!r} and {d.right_id!r}: {' and '.join(sorted(labels))}",
            [RowError("review", d.row, "decision", "accept", "parties of different labels")],
        )
    canonical, dup = canonical_of(facts)
    merge_id = "M-" + uuid.uuid4().hex[:12]
    res = client.write(
        "resolve.merge", label=labels.pop(), canonical=canonical, dup=dup,
        merge_id=merge_id, by=by, at=datetime.now(UTC),
    )  # fmt: skip
    if res:
        report.merged[merge_id] = (canonical, dup)


def apply_decisions(client: Gateway, decisions: list[Decision], by: str) -> ResolveReport:
    """Reject or merge each reviewed pair (in file order); blank decisions were dropped by
    the reader. Returns what was done."""
    report = ResolveReport(run_id=uuid.uuid4().hex[:12])
    for d in decisions:
        if d.decision == "reject":
            n = client.write(
                "resolve.reject", a=d.left_id, b=d.right_id, by=by, at=datetime.now(UTC)
            )
            report.rejected += n[0]["n"] if n else 0
        else:
            _merge(client, d, by, report)
    client.write("admin.bump_graph_version", why=f"resolve review {report.run_id}")
    return report


def undo(client: Gateway, merge_id: str, by: str) -> int:
    """Undo one merge; returns the relationships moved back.

    Raises
    ------
    NotFound
        No open merge with that id, or its canonical party was merged on since (undo that
        merge first).
    """
    res = client.write("resolve.undo", merge_id=merge_id, by=by, at=datetime.now(UTC))
    if not res:
        raise NotFound(
            f"No open merge {merge_id!r} (unknown, undone already, or its canonical party "
            "was merged into another since: undo that merge first)"
        )
    client.write("admin.bump_graph_version", why=f"resolve undo {merge_id}")
    return int(res[0]["restored"])
