"""The recommended approach of a task, captured when the task is made: the target's key
contact, its top warm paths from the owner branch (its RMs and the customers they manage)
with introducer and channel, and the intimacy evidence of each hop.

:func:`approaches` searches every target on the in-memory path index
(:func:`guanxi.scoring.path_search.search`), then re-reads the hops of a batch of targets
from Neo4j in one query (:func:`guanxi.scoring.contact_paths.live_hops`) and explains them
(:func:`~guanxi.scoring.contact_paths.explain`), so 10,000 targets cost 10,000 searches and
a few dozen reads, not 10,000 of each. What the caller may not see of other branches is
scrubbed before any text is written (``access.masking.bank_context_scrubber``).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any

from guanxi.access.masking import bank_context_scrubber
from guanxi.access.scope import Scope
from guanxi.graph.gateway import Gateway
from guanxi.scoring.contact_paths import explain, live_hops
from guanxi.scoring.path_index_cache import get_index
from guanxi.scoring.path_search import Found, PathConfig, search

__all__ = ["approaches", "origin_starts", "BATCH"]

log = logging.getLogger(__name__)

#: targets whose hops are read from Neo4j in one query
BATCH = 250


def origin_starts(client: Gateway, branch: str) -> tuple[list[str], dict[str, str]]:
    """The path origins of a branch subtree: its RMs and the customer companies they
    manage; and each such company's RM."""
    rms = [r["id"] for r in client.read("campaigns.branch_rms", branch=branch)]
    managed = {
        r["company"]: r["rm"] for r in client.read("campaigns.branch_managed", branch=branch)
    }
    return rms + sorted(managed), managed


def _pairs(f: Found) -> list[tuple[str, str]]:
    return list(zip(f.nodes, f.nodes[1:], strict=False))


def _path_dict(p: Any) -> dict[str, Any]:
    """A path as stored in a task: ``ContactPath.to_dict()`` (hops with their evidence, so
    the access layer can mask them for each reader) and its node ids."""
    return {**p.to_dict(), "node_ids": p.node_ids}


def approaches(
    client: Gateway,
    targets: list[str],
    branch: str,
    scope: Scope,
    k: int = 2,
    max_hops: int = 4,
) -> dict[str, dict[str, Any]]:
    """Each target's approach: ``key_contact`` ({person_id, name, score, reasons} or None),
    ``paths`` (the top ``k`` from ``branch``'s RMs and managed customers, strongest first)
    and ``path_rm`` / ``path_customer``: the RM or the customer company the best path
    starts from. A target without a path gets ``paths: []``."""
    t0 = time.perf_counter()
    ix = get_index(client)
    starts, managed = origin_starts(client, branch)
    pos = ix.positions(starts)
    start_set = set(pos.tolist())
    cfg = PathConfig(max_hops=max_hops)
    scrub = bank_context_scrubber(scope)
    today = date.today()
    out: dict[str, dict[str, Any]] = {}

    def explain_batch(found: dict[str, list[Found]]) -> None:
        """Read the batch's hops live (one query) and explain its paths."""
        g, ctx = live_hops(client, [f for fs in found.values() for f in fs], scrub is not None)
        if scrub is not None:
            scrub(ctx)
        for t, fs in found.items():
            live = [f for f in fs if all(g.edges_between(u, v) for u, v in _pairs(f))]
            out[t] = {"paths": [_path_dict(explain(g, f, ctx, today)) for f in live]}

    # the searches (this thread, CPU) overlap the live reads of the previous batch (Neo4j)
    pending: list[Future] = []
    with ThreadPoolExecutor(max_workers=1) as reader:
        batch: dict[str, list[Found]] = {}
        for t in targets:
            if t in ix.pos and start_set and ix.pos[t] not in start_set:
                batch[t] = search(ix, t, pos, k, cfg)
            if len(batch) >= BATCH:
                pending.append(reader.submit(explain_batch, batch))
                batch = {}
        if batch:
            pending.append(reader.submit(explain_batch, batch))
        t_search = time.perf_counter() - t0
        for f in pending:
            f.result()
    kcs = {
        r["id"]: {x: r[x] for x in ("person_id", "name", "score", "reasons")}
        for r in client.read("campaigns.key_contacts", ids=targets)
    }
    for t in targets:
        a = out.setdefault(t, {"paths": []})
        a["key_contact"] = kcs.get(t)
        first = a["paths"][0]["node_ids"][0] if a["paths"] else None
        a["path_rm"] = first if first is not None and first not in managed else None
        a["path_customer"] = first if first in managed else None
        a["customer_rm"] = managed.get(first) if first else None
    log.info(
        "approaches for %d targets: search %.1f s, total %.1f s",
        len(targets), t_search, time.perf_counter() - t0,
    )  # fmt: skip
    return out
