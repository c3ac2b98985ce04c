"""Warming the workbench's queries (issue 23): after a restart of Neo4j the first rows of a
query cost 0.3–1.5 s (measured: a different query reading the same data first does not
help, and neither does running the query for a key that matches nothing), and a page of
neighbours has one text per relationship type
(:func:`~guanxi.scoring.neighbours.neighbours_query`), so a person's first expansion of each
type waited for it. :func:`warm_plans` runs each once on real rows; the API does it in the
background when it starts (``GUANXI_API_WARM_PLANS``), once per server: :func:`warm_once`
lets one of the API workers that start together do it (the plans live in Neo4j, shared by
every connection), the others skip."""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path

from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import get_schema
from guanxi.scoring.neighbours import HIDDEN_PROPS, PER_PAIR, _lists, neighbours_query

__all__ = ["warm_plans", "warm_once"]

log = logging.getLogger(__name__)


def warm_plans(client: Gateway) -> int:
    """Run the workbench's queries once on real rows (after a restart a query's first rows
    cost 0.3–1.5 s, once per relationship type): for one relationship of each type, a page of
    its start's neighbours (out) and its end's (in), then the counts, canvas, inherited risk
    and scope lookups of those nodes. Reads only; returns the number of queries run."""
    ls = _lists(None)
    keys: list[str] = []
    types = sorted(t for t in get_schema().relationships if t not in ls["past"])
    for t in types:
        ends = client.run_text("workbench.sample_start",
                               neighbours_query(client, t, "workbench.sample_start"))  # fmt: skip
        for key, direction in ((ends[0]["start"], "out"), (ends[0]["end"], "in")) if ends else ():
            keys.append(key)
            client.run_text(
                "workbench.neighbours", neighbours_query(client, t),
                {"key": key, "direction": direction, "skip": 0, "limit": 5,
                 "per_pair": PER_PAIR, "hidden": list(HIDDEN_PROPS), "with_branches": True},
            )  # fmt: skip
    keys = sorted(set(keys))[:50]
    internal_types, internal_labels = ls["internal"]
    for key in keys[:5]:
        client.read("workbench.neighbour_counts", key=key, past=ls["past"], with_branches=True,
                    internal_types=internal_types, internal_labels=internal_labels)  # fmt: skip
    client.read("workbench.nodes", keys=keys, hidden=list(HIDDEN_PROPS))
    client.read("workbench.links", keys=keys, hidden=list(HIDDEN_PROPS), past=ls["past"], limit=50)
    client.read("risk.inherited_of", ids=keys)  # the risk of a page's companies
    client.read("scope.nodes_info", keys=keys)  # ... masked for a branch-scoped reader
    log.info("ran the workbench's queries for %d relationship types", len(types))
    return 3 * len(types) + 9


def warm_once(client: Gateway, lock_path: Path) -> int | None:
    """:func:`warm_plans` unless another process holds ``lock_path`` (an API worker started
    with this one is warming the same server's plans): then skip and return None."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another worker is planning the workbench's queries; skipped")
            return None
        try:
            return warm_plans(client)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
