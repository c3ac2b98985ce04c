"""``guanxi score``: centrality, intimacy and key contacts for the whole graph, written back
with one run id, with progress and timing."""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.records import KeyContact, Reason
from guanxi.scoring.centrality import compute_centrality, write_centrality
from guanxi.scoring.contact_facts import RoleRow, assemble_facts, person_stakes
from guanxi.scoring.contact_graph import ContactGraph
from guanxi.scoring.controllers import actual_controllers
from guanxi.scoring.intimacy_arrays import iter_intimacy
from guanxi.scoring.key_contacts import rank_contacts, reach_of
from guanxi.scoring.party_read import PARTY_LABELS
from guanxi.scoring.penetration import penetrated_stakes, stake_holdings
from guanxi.scoring.projection import LocalGraph, clear_cache, fetch_frames

__all__ = [
    "CONTACT_TYPES",
    "PARTY_LABELS",
    "new_run_id",
    "graph_contacts",
    "write_intimacy",
    "run_scoring",
]

log = logging.getLogger(__name__)

#: the relationship types key contacts read (roles, stakes, who knows whom): the whole-graph
#: ContactGraph of the contact step holds only these (at 1M companies the others are 5.7M more)
CONTACT_TYPES = ("SERVES_AS", "HOLDS_SHARES", "KNOWS")


def new_run_id() -> str:
    """``score-YYYYmmddTHHMMSS-xxxxxx``."""
    return f"score-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _holdings(g: LocalGraph | ContactGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        (u, v, float(p.get("pct") or 0.0), p.get("kind") or "direct")
        for u, v, p in g.out_edges("HOLDS_SHARES")
    ]
    hold = pd.DataFrame(rows, columns=["holder_id", "company_id", "pct", "kind"])
    parties = pd.DataFrame(
        [(n.id, n.name, n.label, n.nominee) for n in g.nodes.values()],
        columns=["id", "name", "label", "nominee"],
    )
    # a party without a name (an end that is no party) stays None: pandas 3 infers a string
    # column and would make it NaN, which a controller's explanation then tried to join
    parties["name"] = parties["name"].astype(object).where(parties["name"].notna(), None)
    return hold, parties


def _reach(g: LocalGraph | ContactGraph, pid: str) -> tuple[float, Reason]:
    rm_s, rm_name, rm_id, cust, cust_id, known, known_at = (None,) * 7
    for v, lst in g.neighbours(pid).items():
        nv = g.nodes[v]
        for t, p, out in lst:
            if t == "KNOWS" and nv.label == "RelationshipManager":
                s = float(p.get("strength", 0.5) or 0.5)
                if rm_s is None or s > rm_s:
                    rm_s, rm_name, rm_id = s, nv.name, v
            elif t in ("SERVES_AS", "HOLDS_SHARES") and out and nv.customer and cust is None:
                cust, cust_id = nv.name, v
            elif t == "KNOWS" and nv.label == "Person" and known is None:
                at = next(
                    (
                        x
                        for x, ll in g.neighbours(v).items()
                        if g.nodes[x].customer and any(tt == "SERVES_AS" and o for tt, _, o in ll)
                    ),
                    None,
                )
                if at is not None:
                    known, known_at = nv.name, at
    return reach_of(
        rm_s, rm_name, cust, known, rm_id=rm_id, customer_id=cust_id, known_customer_id=known_at
    )


def _roles(g: LocalGraph | ContactGraph, companies: Iterable[str]) -> Iterator[RoleRow]:
    """The roles (SERVES_AS) at each of ``companies``, as role rows."""
    for c in companies:
        if g.nodes[c].label != "Company":
            continue
        for pid, lst in g.neighbours(c).items():
            for t, p, out in lst:
                if t == "SERVES_AS" and not out:
                    yield pid, p.get("role"), c, g.nodes[c].name, p.get("until")


def graph_contacts(
    g: LocalGraph | ContactGraph,
    pagerank: dict[str, float] | None = None,
    k: int = 5,
    today: date | None = None,
) -> dict[str, list[KeyContact]]:
    """Key contacts of every company of a whole graph: a :class:`ContactGraph` (batch
    scoring), or a :class:`LocalGraph`, the reference it is tested against."""
    today = today or date.today()
    hold, parties = _holdings(g)
    stakes = (
        penetrated_stakes(hold)
        if not hold.empty
        else pd.DataFrame(columns=["holder_id", "company_id", "stake"])
    )
    labels = {n.id: n.label for n in g.nodes.values()}
    stake_map = {(h, c): s for h, c, s in stakes.itertuples(index=False)}
    controllers = actual_controllers(hold, parties, stakes=stake_map) if not hold.empty else {}
    penetrated: dict[str, dict[str, float]] = defaultdict(dict)
    for h, c, s in stakes.itertuples(index=False):
        penetrated[c][h] = s
    direct: dict[str, dict[str, float]] = defaultdict(dict)
    own = stake_holdings(hold)  # deemed interests are no direct stakes
    for h, c, p in own[["holder_id", "company_id", "pct"]].itertuples(index=False):
        direct[c][h] = p
    reach_cache: dict[str, tuple[float, Reason]] = {}
    out: dict[str, list[KeyContact]] = {}
    names = {n.id: n.name for n in g.nodes.values()}
    nominees = {n.id for n in g.nodes.values() if n.nominee}
    for cid, node in g.nodes.items():
        if node.label != "Company":
            continue
        ctl = controllers.get(cid)
        chain = ctl.chain[:-1] if ctl else ()
        f = assemble_facts(
            cid,
            _roles(g, (cid, *chain)),
            person_stakes(penetrated[cid], direct[cid], labels),
            ctl,
            names=names,
            nominees=nominees,
            today=today,
            pagerank=pagerank or {},
        )
        cands = f.candidates()
        for pid in cands:
            if pid not in reach_cache:
                reach_cache[pid] = _reach(g, pid)
            f.reach[pid] = reach_cache[pid]
        if cands:
            out[cid] = rank_contacts(f, k)
    return out


def write_intimacy(client: Gateway, pairs: pd.DataFrame, run_id: str) -> int:
    """Write intimacy rows (:func:`~guanxi.scoring.intimacy_arrays.iter_intimacy`'s frame),
    one labelled ``scoring.write_intimacy`` per pair of end labels; rows whose ends are no
    party (label ``Unknown``) are left out, as a lookup by label would find nothing."""
    cols = ["source_id", "target_id", "score", "evidence", "text"]
    written = 0
    for (sl, tl), rows in pairs.groupby(["source_label", "target_label"], sort=False):
        if sl not in PARTY_LABELS or tl not in PARTY_LABELS:
            log.warning("%d intimacy rows between %s and %s left out", len(rows), sl, tl)
            continue
        q = client.library.text_for("scoring.write_intimacy", SOURCE=sl, TARGET=tl)
        written += client.write_batches(
            "scoring.write_intimacy",
            rows[cols].to_dict("records"),
            text=q,
            run_id=run_id,
            batch_size=2000,
        )
    return written


def _delete_stale(client: Gateway, query: str, run_id: str, limit: int = 20000) -> None:
    """Run a ``delete … of other runs`` query in batches of ``limit`` until none is left."""
    while client.write(query, run_id=run_id, limit=limit)[0]["deleted"]:
        pass


def run_scoring(
    client: Gateway,
    *,
    engine: str = "auto",
    k: int = 5,
    hub_cap: int = 50,
    min_score: float = 0.05,
    two_hop_min: float | None = None,
    say: Callable[[str], None] = lambda m: None,
    run_id: str | None = None,
) -> dict:
    """Centrality + intimacy + key contacts, written back with one run id; stale INTIMACY
    and KEY_CONTACT of earlier runs are removed. Pairs not directly linked are stored when
    they score ``two_hop_min`` or more (None: ``min_score``). Returns counts and timings."""
    run_id = run_id or new_run_id()
    clear_cache()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    say(f"run {run_id}: centrality ({engine})…")
    cen, used = compute_centrality(client, engine=engine, run_id=run_id)
    nodes, edges = fetch_frames(client, run_id)
    n_cen = write_centrality(client, cen, nodes, run_id)
    timings["centrality_s"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"centrality of {n_cen} nodes written ({used}); intimacy…")
    n_int = 0

    def pairs_done(done: int, total: int) -> None:
        say(f"intimacy: {done}/{total} pairs scored")

    for part in iter_intimacy(
        nodes,
        edges,
        hub_cap=hub_cap,
        min_score=min_score,
        two_hop_min=two_hop_min,
        progress=pairs_done,
    ):
        n_int += write_intimacy(client, part, run_id)
    _delete_stale(client, "scoring.delete_stale_intimacy", run_id)
    timings["intimacy_s"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"{n_int} INTIMACY written; key contacts…")
    pr = dict(zip(cen["node_id"], cen["pagerank"], strict=True))
    g = ContactGraph(nodes, edges[edges["rel_type"].isin(CONTACT_TYPES)])
    contacts = graph_contacts(g, pr, k)
    rows = [
        {
            "person_id": c.id,
            "company_id": cid,
            "rank": c.rank,
            "score": round(c.score, 6),
            "reasons": list(c.reasons),
        }
        for cid, cs in contacts.items()
        for c in cs
    ]
    n_kc = client.write_batches("scoring.write_key_contacts", rows, run_id=run_id)
    _delete_stale(client, "scoring.delete_stale_key_contacts", run_id)
    timings["key_contacts_s"] = time.perf_counter() - t
    say(f"{n_kc} KEY_CONTACT written")
    client.write("admin.bump_graph_version", why=f"scoring {run_id}")
    return {
        "run_id": run_id,
        "engine": used,
        "centrality_nodes": n_cen,
        "intimacy": n_int,
        "two_hop_min": two_hop_min,
        "key_contacts": n_kc,
        "companies_with_contacts": len(contacts),
        "timings": {k2: round(v, 3) for k2, v in timings.items()},
    }
