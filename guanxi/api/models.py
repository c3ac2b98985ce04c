"""Pydantic models of the API (Base / Public families)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from guanxi.graph.schema import get_schema
from guanxi.records import CHANGE_KINDS

__all__ = [
    "ContactsPublic",
    "PathsPublic",
    "IntimacyPublic",
    "OwnershipPublic",
    "LookalikesPublic",
    "RecommendationsPublic",
    "ProspectsPublic",
    "RelType",
    "ErrorPublic",
    "CompanyHit",
    "CompanyDetail",
    "GraphNode",
    "GraphEdge",
    "EgoNetworkPublic",
    "CypherRequest",
    "CypherResult",
    "SavedQueryPublic",
    "SavedQueryRun",
    "MethodPublic",
]


#: The schema's relationship types, so the OpenAPI spec lists the valid values.
RelType = Enum("RelType", {t: t for t in sorted(get_schema().relationships)}, type=str)


class ErrorPublic(BaseModel):
    error: str
    message: str
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None
    #: 429: whole seconds to wait, as in the ``Retry-After`` header
    retry_after: int | None = None


class CompanyHit(BaseModel):
    id: str
    name: str | None
    industry: str | None = None
    region: str | None = None
    listed: bool = False


class CompanyDetail(BaseModel):
    profile: dict[str, Any]
    shareholders: list[dict[str, Any]]
    executives: list[dict[str, Any]]
    investments: list[dict[str, Any]]
    customer_of: list[dict[str, Any]] = Field(description="only within the caller's scope")
    products: list[dict[str, Any]] = Field(description="only when a customer in scope")
    counterparties: list[dict[str, Any]] = Field(description="only when a customer in scope")
    managed_by: list[dict[str, Any]] = Field(description="only RMs in scope")
    partner_lists: list[dict[str, Any]] = Field(
        default_factory=list,
        description="partner-list matches (PSI) behind the company's partner tags, with their "
        "provenance (partner, tag, protocol, false-positive rate, when, which organisation); "
        "only matches run by an organisation in the caller's scope",
    )
    in_scope: bool


class GraphNode(BaseModel):
    id: str
    label: str
    name: str | None = None
    level: int = 0


class GraphEdge(BaseModel):
    source: str
    target: str
    type: str
    properties: dict[str, Any] = {}


class EgoNetworkPublic(BaseModel):
    center: str
    depth: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool
    cap: int
    as_of: str | None = None


ChangeKind = Enum("ChangeKind", {k: k for k in CHANGE_KINDS}, type=str)


class ChangePublic(BaseModel):
    """One change event of a snapshot load (docs/time.md)."""

    company: str
    company_name: str | None = None
    date: str
    prev_date: str | None = None
    kind: str
    rel_type: str | None = None
    party: str | None = None
    party_label: str | None = None
    party_name: str | None = None
    key: str | None = None
    before: float | None = None
    after: float | None = None
    before_party: str | None = None
    before_name: str | None = None
    text: str


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=20000)
    params: dict[str, Any] = {}


class CypherResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


class SavedQueryPublic(BaseModel):
    name: str
    title: str
    description: str
    params: list[str]
    #: ``internal``: reads bank-internal facts, within the caller's scope only
    reads: str = "public"


class SavedQueryRun(BaseModel):
    params: dict[str, Any] = {}


class ContactPublic(BaseModel):
    id: str
    name: str | None
    rank: int
    score: float
    reasons: list[str]
    components: dict[str, float] = {}
    same_as: list[str] = []


class ContactsPublic(BaseModel):
    company: str
    contacts: list[ContactPublic]


class HopPublic(BaseModel):
    from_: str = Field(alias="from")
    to: str
    from_name: str | None = None
    to_name: str | None = None
    type: str
    intimacy: float
    evidence: list[dict[str, Any]]
    text: str = ""
    masked: bool = False

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class PathPublic(BaseModel):
    score: float
    hops: list[HopPublic]
    introducer: str
    introducer_id: str | None = None
    channel: str
    reason: str


class PathsPublic(BaseModel):
    target: str
    origin: str | None
    paths: list[PathPublic]
    reason: str
    #: the target's inherited risk (docs/risk.md), masked to the caller's scope
    target_risk: dict[str, Any] | None = None


class IntimacyPublic(BaseModel):
    a: str
    b: str
    score: float
    direct: float
    indirect: float
    evidence: list[dict[str, Any]]
    text: str
    masked_evidence: int = 0


class OwnershipPublic(BaseModel):
    company: str | None = None
    name: str | None = None
    controller: dict[str, Any]
    holders: list[dict[str, Any]]
    beneficial_owners: list[dict[str, Any]]

    model_config = {"extra": "allow"}


class LookalikeReasonPublic(BaseModel):
    kind: str = Field(
        description="profile, position, suppliers, buyers, investors, holders or network"
    )
    text: str
    share: float = Field(description="share of the cosine this block explains (0-1)")
    names: list[str] = Field(default_factory=list, description="shared parties named")


class LookalikePublic(BaseModel):
    id: str
    name: str | None
    score: float
    reasons: list[str]
    why: list[LookalikeReasonPublic] = Field(default_factory=list)


class LookalikesPublic(BaseModel):
    company: str
    name: str | None = None
    lookalikes: list[LookalikePublic]


class RecommendationsPublic(BaseModel):
    company: str
    products: list[dict[str, Any]]


class ProspectsPublic(BaseModel):
    branch: str | None
    branches: dict[str, list[dict[str, Any]]]


class MethodPublic(BaseModel):
    """How a scorer works, so that reports and callers can cite the method."""

    name: str = Field(description="the scorer, e.g. `intimacy`")
    method: str = Field(description="the method in one sentence (docs/scoring.md has more)")
    config: dict[str, Any] = Field(description="its parameters with their defaults")
    result: str = Field(description="the result record, and what is written back to Neo4j")
