"""Groups, circles and inherited risk on the graph: read through the query library, call
the pure functions (:mod:`groups`, :mod:`circles`, :mod:`risk`), write back with a run id,
and read results back for a caller's scope.

Scope (docs/risk.md "Who sees what"): groups and circles rest on public facts (control,
guarantees) and are shown to everyone; exposure figures (balances with the bank) are
bank-internal and summed over the members the caller may see, the others counted in
``hidden_members``. Inherited risk rests on the bank's own flags: a company's score is shown
unless it is a customer outside the caller's scope, and parties on its path that are such
customers are replaced by a placeholder."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import pandas as pd

from guanxi.access.masking import MASKED_NODE
from guanxi.access.scope import Scope
from guanxi.access.visibility import in_scope
from guanxi.graph.gateway import Gateway
from guanxi.records import Circle, Group, GroupMember, InheritedRisk
from guanxi.scoring.circles import find_circles
from guanxi.scoring.groups import GroupRule, control_edges, detect_groups
from guanxi.scoring.risk import Decay, propagate, propagation_edges

__all__ = ["new_run_id", "run_groups", "list_groups", "list_circles", "run_risk", "inherited"]

log = logging.getLogger(__name__)


def new_run_id(kind: str) -> str:
    """``<kind>-YYYYmmddTHHMMSS-xxxxxx``."""
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _holdings(client: Gateway) -> pd.DataFrame:
    h = client.read_df("risk.holdings")
    cols = ["holder_id", "holder_label", "holder_name", "nominee", "company_id", "pct"]
    return h if len(h) else pd.DataFrame(columns=cols)


def run_groups(client: Gateway, rule: GroupRule = GroupRule()) -> dict[str, object]:
    """Detect groups over the whole graph and write ``Group`` / ``MEMBER_OF`` with a new
    run id (older runs' groups are deleted). Returns run id, groups, members."""
    run_id = new_run_id("groups")
    members = detect_groups(_holdings(client), rule=rule)
    names = _names(client, members["company_id"].tolist())
    groups = []
    for gid, part in members.groupby("group_id", sort=True):
        root = gid.removeprefix("GRP-")
        first = part.iloc[0]
        base = names.get(root) or root
        groups.append({"id": gid, "name": base if "集团" in base else f"{base}（集团）",
                       "size": len(part),
                       "controller_id": _text(first["controller_id"]),
                       "controller_name": _text(first["controller_name"])})  # fmt: skip
    rows = members.astype(object).where(members.notna(), None).to_dict("records")
    client.write_batches("risk.write_groups", groups, run_id=run_id)
    client.write_batches("risk.write_members", rows, run_id=run_id)
    client.write("risk.delete_stale_groups", run_id=run_id)
    client.write("admin.bump_graph_version", why=f"groups {run_id}")
    return {"run_id": run_id, "groups": len(groups), "members": len(members)}


def _text(v: object) -> str | None:
    """A value as text, None for a missing one (NaN included)."""
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


def _names(client: Gateway, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {r["id"]: r["name"] for r in client.read("risk.names", ids=sorted(set(ids)))}


def _exposures(
    client: Gateway, scope: Scope, sets: list[list[str]]
) -> list[tuple[dict[str, float], int]]:
    """Per set of companies: totals over those in scope, and the customers hidden. One
    read for all sets."""
    ids = sorted({i for ids in sets for i in ids})
    rows = {r["id"]: r for r in client.read("risk.exposure", ids=ids, **scope.params())} \
        if ids else {}  # fmt: skip
    out = []
    for ids in sets:
        got = [rows[i] for i in ids if i in rows]
        seen = [r for r in got if r["in_scope"]]
        hidden = sum(1 for r in got if r["customer"] and not r["in_scope"])
        total = {"customers": float(len(seen)),
                 "balance": sum(r["balance"] or 0.0 for r in seen),
                 "credit": sum(r["credit"] or 0.0 for r in seen),
                 "guarantees_given": sum(r["guarantees"] or 0.0 for r in got)}  # fmt: skip
        out.append((total, hidden))
    return out


def list_groups(client: Gateway, scope: Scope, company_id: str | None = None) -> list[Group]:
    """Groups written by the last run (of ``company_id``, or all), exposure in scope."""
    out = []
    rows = client.read("risk.groups", company_id=company_id)
    exposures = _exposures(client, scope, [[m["id"] for m in r["members"]] for r in rows])
    for r, (exp, hidden) in zip(rows, exposures, strict=True):
        members = tuple(GroupMember(m["id"], m["name"], m["parent_id"], m["pct"], m["evidence"])
                        for m in r["members"])  # fmt: skip
        out.append(Group(r["id"], r["name"], _text(r["controller_id"]) or "",
                         _text(r["controller_name"]), members,
                         r["run_id"] or "", exp, hidden))  # fmt: skip
    return out


#: guarantee steps searched around one company for its circles (``list_circles``)
AROUND = 10


def list_circles(
    client: Gateway, scope: Scope, company_id: str | None = None, collapse: bool = False
) -> list[Circle]:
    """Guarantee circles computed now (of ``company_id``, or all), exposure in scope.
    ``collapse``: group members count as one party (groups from the last groups run).
    One company's circles are found among the guarantees within :data:`AROUND` steps of
    it (circles of up to 2·AROUND companies), not the whole graph's (33 s → well under a
    second at 100k companies: reports ask for one company's circles)."""
    if company_id and not collapse:
        g = client.read_df("risk.guarantees_around", company_id=company_id, depth=AROUND)
    else:
        g = client.read_df("risk.guarantees")
    if g.empty:
        return []
    groups = None
    if collapse:
        groups = {m["id"]: r["id"] for r in client.read("risk.groups", company_id=None)
                  for m in r["members"]}  # fmt: skip
    ids = pd.unique(pd.concat([g["guarantor_id"], g["borrower_id"]])).tolist()
    circles = find_circles(g, _names(client, ids), collapse=groups)
    if company_id:
        circles = [c for c in circles if company_id in c.members
                   or (groups and groups.get(company_id) in c.members)]  # fmt: skip
    out = []
    for c, (exp, hidden) in zip(
        circles, _exposures(client, scope, [list(c.members) for c in circles]), strict=True
    ):
        out.append(Circle(c.id, c.kind, c.members, c.names, c.guarantees, c.total_amount,
                          c.chains_in, exp, hidden))  # fmt: skip
    return out


def run_risk(client: Gateway, decay: Decay = Decay()) -> dict[str, object]:
    """Propagate every loaded flag and write each company's inherited risk with a new run
    id (scores of earlier runs are cleared). Returns run id, flags, parties scored."""
    run_id = new_run_id("risk")
    flags = client.read_df("risk.flags")
    if flags.empty:
        client.write("risk.clear_inherited", run_id=run_id)
        return {"run_id": run_id, "flags": 0, "scored": 0}
    control = control_edges(_holdings(client))
    control = control[control["pct"] > 50.0]
    edges = propagation_edges(client.read_df("risk.guarantees"), control,
                              client.read_df("risk.supply"), decay)  # fmt: skip
    ids = pd.unique(pd.concat([edges["source_id"], edges["target_id"], flags["party_id"]]))
    res = propagate(edges, flags, decay, _names(client, ids.tolist()))
    rows = [{"id": r.id, "score": r.score, "text": r.text, "path": list(r.path)} for r in res]
    client.write_batches("risk.write_inherited", rows, run_id=run_id)
    client.write("risk.clear_inherited", run_id=run_id)
    client.write("admin.bump_graph_version", why=f"risk {run_id}")
    return {"run_id": run_id, "flags": len(flags), "scored": len(rows)}


def inherited(
    client: Gateway, scope: Scope, ids: list[str] | None = None
) -> dict[str, InheritedRisk]:
    """Inherited risk (the last run's) of ``ids`` (None: every scored company), masked to
    ``scope``: customers outside it are left out, such customers on a path are replaced."""
    rows = (
        client.read("risk.inherited_of", ids=ids)
        if ids is not None
        else client.read("risk.inherited")
    )
    if not rows:
        return {}
    info: dict[str, dict] = {}
    if not scope.everything:
        keys = sorted({k for r in rows for k in (r["path"] or [])} | {r["id"] for r in rows})
        info = {r["key"]: r for r in client.read("scope.nodes_info", keys=keys)}

    def hidden(key: str) -> bool:
        b = [x for x in (info.get(key) or {}).get("branches", []) if x.get("branch")]
        return bool(b) and not in_scope(scope, b, check_line=True)

    out = {}
    for r in rows:
        path = tuple(r["path"] or (r["id"],))
        if not scope.everything and hidden(r["id"]):
            continue
        text = r["text"] or ""
        if not scope.everything and any(hidden(k) for k in path):
            path = tuple(MASKED_NODE if hidden(k) else k for k in path)
            text = f"传导风险 {r['score']:.2f}（路径含您范围外的客户，详情不可见）"
        out[r["id"]] = InheritedRisk(r["id"], float(r["score"]), path[0], "", path, (), text)
    return out
