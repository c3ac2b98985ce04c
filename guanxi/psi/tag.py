"""Write a match into the graph: a tag on the matched companies and its provenance, a
``PartnerList`` node with ``(Company)-[:MATCHED_IN {at}]->(PartnerList)`` (both
``scope: internal``; docs/data-model.md).

The write is idempotent: the list is merged by id (``<partner>/<tag>``), the tag is added
once, and a re-run replaces the list's matches (companies no longer matched lose the tag
and the link)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from guanxi.errors import InvalidData
from guanxi.graph.gateway import Gateway
from guanxi.records.psi import MatchResult

__all__ = ["TagReport", "list_id", "tag_matches"]

log = logging.getLogger(__name__)

_TAG = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class TagReport:
    """What a tagging run wrote: the list's id, the companies now linked to it (matched
    ids the graph does not hold are not counted), and stale links removed."""

    list_id: str
    tag: str
    tagged: int
    removed: int
    matched_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "tag": self.tag,
            "tagged": self.tagged,
            "removed": self.removed,
            "matched_at": self.matched_at,
        }


def list_id(partner: str, tag: str) -> str:
    """The ``PartnerList`` id of a partner's list under a tag: ``<partner>/<tag>``."""
    return f"{partner.strip()}/{tag}"


def tag_matches(
    client: Gateway,
    result: MatchResult,
    tag: str,
    partner: str,
    *,
    at: datetime | None = None,
    ingested_by: str = "HO",
) -> TagReport:
    """Tag the companies of ``result`` with ``tag`` and record the partner list.

    ``ingested_by`` is the Branch id of the bank organisation that ran the match: the list
    and its links are internal and visible within that branch's subtree (and to head
    office), like any ingested fact (docs/privacy.md).

    Raises
    ------
    InvalidData
        The tag is not snake_case, the partner is empty, the match was cardinality only
        (there are no companies to tag), or ``ingested_by`` names no Branch of a graph that
        has branches.
    """
    if not _TAG.fullmatch(tag):
        raise InvalidData(f"Tag {tag!r} must be snake_case (a-z, 0-9, _), at most 64 chars")
    if not partner.strip():
        raise InvalidData("A partner name is needed to record where the tag came from")
    if not result.reveal:
        raise InvalidData("A cardinality-only match names no companies; nothing to tag")
    org = ingested_by.strip()
    [known] = client.read("psi.branch_known", org=org)
    if not org or (known["any_branch"] and not known["known"]):
        raise InvalidData(f"--org {ingested_by!r} is not a Branch id of the graph")
    when = at or datetime.now(UTC)
    lid = list_id(partner, tag)
    client.write(
        "psi.write_partner_list",
        id=lid,
        partner=partner.strip(),
        tag=tag,
        protocol=result.protocol,
        fpr=result.fpr,
        matched_at=when,
        size=len(result.matched_ids),
        ingested_by=org,
    )
    removed = client.write("psi.untag_stale", list_id=lid, tag=tag, ids=list(result.matched_ids))[
        0
    ]["removed"]
    client.write_batches(
        "psi.tag_matches",
        [{"id": cid} for cid in result.matched_ids],
        list_id=lid,
        tag=tag,
        at=when,
        protocol=result.protocol,
        fpr=result.fpr,
    )
    # ids from a candidates file may name companies the graph does not hold
    tagged = len(client.read("psi.partner_list", id=lid)[0]["company_ids"])
    log.info("PSI tag %r from %r: %d tagged, %d removed", tag, partner, tagged, removed)
    return TagReport(lid, tag, tagged, removed, when.isoformat())
