"""Masking bank-internal facts outside a caller's scope in scoring results.

Contact paths are found over the whole graph; a hop through a party outside the caller's
scope stays in the path but is masked: the hidden RM becomes "另一分行的客户经理", the
evidence of an internal relationship that the caller may not see is removed (also when it
only backs a public hop, e.g. another branch's customer's payments on a shareholding hop),
and the introducer is replaced by a request to go through the head office. Free-text reasons
of key contacts that cite an RM or a customer of another branch are replaced: the decision
reads the reason's ``refs`` (``guanxi.records.Reason``), not its words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from guanxi.access.scope import Scope
from guanxi.access.visibility import in_scope, is_internal_type, node_visible, rel_visible
from guanxi.errors import AccessDenied
from guanxi.graph.gateway import Gateway
from guanxi.records import (
    EVIDENCE_TYPES,
    Evidence,
    IntimacyResult,
    KeyContact,
    Lookalikes,
    Prospects,
    Reason,
    Recommendations,
)

__all__ = [
    "mask_paths",
    "mask_contacts",
    "mask_intimacy",
    "mask_recommendations",
    "mask_prospects",
    "mask_lookalikes",
    "reason_masker",
    "bank_context_scrubber",
    "MASKED_RM",
    "MASKED_REASON",
]

log = logging.getLogger(__name__)

MASKED_RM = "另一分行的客户经理 (an RM of another branch)"
MASKED_NODE = "他行范围内的关系方 (a party outside your scope)"
MASKED_REASON = "通过他行客户或客户经理可达（详情不可见）"
VIA_HEAD_OFFICE = "经总行协调引荐 (ask the head office to arrange the introduction)"


def _info(client: Gateway, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    return {r["key"]: r for r in client.read("scope.nodes_info", keys=sorted(set(keys)))}


def mask_paths(
    client: Gateway,
    scope: Scope,
    paths: list[dict[str, Any]],
    info: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Mask, in place, the hops of ``paths`` (``ContactPath.to_dict()``) outside ``scope``;
    ``info``: the parties' ``scope.nodes_info`` rows by key when already read (else read)."""
    if scope.everything or not paths:
        return
    keys = [k for p in paths for h in p["hops"] for k in (h["from"], h["to"])]
    if info is None or any(k not in info for k in keys):
        info = _info(client, keys)
    aliases: dict[str, str] = {}
    hidden_names: set[str] = set()

    def hidden(key: str) -> bool:
        i = info.get(key)
        return i is not None and not node_visible(scope, i["labels"], i["branches"])

    def alias(key: str) -> str:
        return aliases.setdefault(key, f"masked-{len(aliases) + 1}")

    for p in paths:
        masked_any = False
        for h in p["hops"]:
            s, t = info.get(h["from"]), info.get(h["to"])
            if (
                s
                and t
                and is_internal_type(h["type"])
                and not rel_visible(
                    scope, h["type"], {}, (s["labels"], s["branches"]), (t["labels"], t["branches"])
                )
            ):
                h["evidence"], h["text"], h["masked"] = [], "", True
                masked_any = True
            elif s and t and _drop_hidden_evidence(scope, h, s, t):
                masked_any = True
            for end, name in (("from", "from_name"), ("to", "to_name")):
                key = h[end]
                if hidden(key):
                    rm = "RelationshipManager" in info[key]["labels"]
                    hidden_names.add(info[key]["name"] or key)
                    h[end], h[name] = alias(key), MASKED_RM if rm else MASKED_NODE
                    h["masked"] = masked_any = True
        if masked_any and (
            p.get("introducer_id") in aliases or _mentions(p, hidden_names | set(aliases))
        ):
            p["introducer"], p["introducer_id"] = VIA_HEAD_OFFICE, None
            p["reason"] = (
                "路径经过他行范围内的关系方，须经总行协调 (the path crosses another branch)"
            )


def _drop_hidden_evidence(
    scope: Scope, hop: dict[str, Any], s: dict[str, Any], t: dict[str, Any]
) -> bool:
    """Remove from a public hop the evidence items backed by an internal relationship the
    caller may not see (a payment between another branch's customer and a public company
    shows on a shareholding hop). Whether anything was removed."""
    kept = []
    for e in hop["evidence"]:
        rel = EVIDENCE_TYPES.get(e.get("kind", ""))  # the relationship it rests on
        if rel is None or not is_internal_type(rel) or _pair_visible(scope, rel, s, t):
            kept.append(e)
    if len(kept) == len(hop["evidence"]):
        return False
    hop["evidence"], hop["masked"] = kept, True
    hop["text"] = "·".join(e["text"] for e in kept if e.get("text"))
    return True


def _pair_visible(scope: Scope, rel: str, s: dict[str, Any], t: dict[str, Any]) -> bool:
    """Whether a relationship of type ``rel`` between ``s`` and ``t`` (either direction; an
    RM is the start of MANAGES and KNOWS) may be shown."""
    a, b = (s["labels"], s["branches"]), (t["labels"], t["branches"])
    if rel in ("MANAGES", "KNOWS"):
        a, b = (b, a) if "RelationshipManager" in b[0] else (a, b)
        return rel_visible(scope, rel, {}, a, b)
    return rel_visible(scope, rel, {}, a, b) or rel_visible(scope, rel, {}, b, a)


def _mentions(path: dict[str, Any], words: set[str]) -> bool:
    text = (path.get("introducer") or "") + (path.get("reason") or "")
    return any(w and w in text for w in words)


def bank_context_scrubber(scope: Scope) -> Callable[[dict[str, dict[str, Any]]], None] | None:
    """A function that removes from contact-path parties' bank context (``live_hops``:
    ``rm_id``, ``rm_name``, ``rm_branch``, ``branch``, ``branch_id``, ``branches``) what
    ``scope`` may not see, before introducers and reasons are written: a company whose
    customer relationship is outside scope is no "existing customer" and has no RM or
    branch; an RM or branch outside scope is not named. ``None`` for the whole bank."""
    if scope.everything:
        return None

    def scrub(ctx: dict[str, dict[str, Any]]) -> None:
        for c in ctx.values():
            labels = c.get("labels") or [c.get("label")]
            if "Company" in labels:
                if not in_scope(scope, c.get("branches") or [], check_line=True):
                    c.update(customer=False, rm_id=None, rm_name=None, branch=None)
                    continue
                if c.get("rm_branch") not in scope.branches:
                    c.update(rm_id=None, rm_name=None)
            if c.get("branch_id") not in scope.branches:
                c["branch"] = None

    return scrub


def reason_masker(
    client: Gateway, scope: Scope, reasons: Iterable[object]
) -> Callable[[object], object]:
    """A function that masks one reason to ``scope``: a :class:`Reason` citing a party the
    caller may not see (an RM outside scope; a company that is no customer in scope — its
    customer relationship, products or holdings are what is internal) becomes its
    ``summary`` ("3 customer(s) within two hops") or :data:`MASKED_REASON`. The decision
    reads ``refs``, never the words; a cited party that cannot be found is hidden. One read
    of ``scope.nodes_info`` for all of ``reasons``."""
    if scope.everything:
        return lambda x: x
    info = _info(client, sorted({r for x in reasons for r in getattr(x, "refs", ())}))

    def shown(ref: str) -> bool:
        i = info.get(ref)
        if i is None:
            return False
        if "Company" in i["labels"]:  # the customer relationship is what is internal
            return in_scope(scope, i["branches"], check_line=True)
        return node_visible(scope, i["labels"], i["branches"])

    def mask(x: object) -> object:
        if all(shown(r) for r in getattr(x, "refs", ())):
            return x
        summary = getattr(x, "summary", "")
        return Reason(summary, "masked") if summary else Reason(MASKED_REASON, "masked")

    return mask


def mask_contacts(client: Gateway, scope: Scope, contacts: list[KeyContact]) -> list[KeyContact]:
    """Key contacts with every reason citing an RM or a customer outside ``scope`` masked
    (:func:`reason_masker`)."""
    if scope.everything or not contacts:
        return contacts
    mask = reason_masker(client, scope, [x for c in contacts for x in c.reasons])
    return [replace(c, reasons=tuple(map(mask, c.reasons))) for c in contacts]


def mask_intimacy(client: Gateway, scope: Scope, res: IntimacyResult) -> IntimacyResult:
    """Intimacy as ``scope`` may see it: a party outside scope is refused
    (:class:`AccessDenied`); evidence of a bank-internal fact (its kind stands for an
    internal relationship type), or passing through a party outside scope (an indirect
    connection names every party on its path: RMs of other branches too), is left out and
    counted in ``masked_evidence``; the score keeps it."""
    if scope.everything:
        return res
    via = {x for e in res.evidence for x in e.detail.get("path", [])}
    info = _info(client, sorted(via | {res.a, res.b}))
    for key in dict.fromkeys((res.a, res.b)):
        i = info.get(key)
        if i is not None and not node_visible(scope, i["labels"], i["branches"]):
            raise AccessDenied(f"{key!r} is outside your branch scope")

    def shown(e: Evidence) -> bool:
        if is_internal_type(EVIDENCE_TYPES.get(e.kind, "")):  # a bank-internal fact
            return False
        return all(
            x in info and node_visible(scope, info[x]["labels"], info[x]["branches"])
            for x in e.detail.get("path", [])
        )

    kept = tuple(e for e in res.evidence if shown(e))
    masked = len(res.evidence) - len(kept)
    if not masked:
        return res
    text = "·".join(e.text for e in kept if e.text)
    return replace(res, evidence=kept, text=text, masked_evidence=masked)


def mask_recommendations(client: Gateway, scope: Scope, rec: Recommendations) -> Recommendations:
    """Product recommendations whose reasons name holders outside ``scope`` say how many
    hold the product, not who (product holdings are bank-internal)."""
    mask = reason_masker(client, scope, [x for p in rec.products for x in p.reasons])
    products = tuple(replace(p, reasons=tuple(map(mask, p.reasons))) for p in rec.products)
    return replace(rec, products=products)


def mask_prospects(client: Gateway, scope: Scope, res: Prospects) -> Prospects:
    """Prospects whose reasons name customers outside ``scope`` keep the count only."""
    items = [x for ps in res.branches.values() for p in ps for x in p.reasons]
    mask = reason_masker(client, scope, items)
    branches = {
        b: tuple(replace(p, reasons=tuple(map(mask, p.reasons))) for p in ps)
        for b, ps in res.branches.items()
    }
    return replace(res, branches=branches)


def mask_lookalikes(client: Gateway, scope: Scope, res: Lookalikes) -> Lookalikes:
    """Lookalikes whose reasons rest on bank-internal facts (the ``network`` block: the
    GNN learnt from payments) about a company that is no customer in ``scope`` keep their
    kind and share but say only their ``summary``; public reasons (profile, shared
    suppliers, buyers, holders) are untouched."""
    if scope.everything:
        return res
    reasons = [r for o in res.lookalikes for r in o.reasons]
    mask = reason_masker(client, scope, reasons)

    def one(r: object) -> object:
        masked = mask(r)
        if masked is r or not hasattr(r, "share"):
            return masked
        return replace(r, text=f"{r.summary or 'masked'} (detail masked)", names=(), refs=())

    items = tuple(replace(o, reasons=tuple(map(one, o.reasons))) for o in res.lookalikes)
    return replace(res, lookalikes=items)
