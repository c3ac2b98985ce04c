"""Planning the workbench's queries ahead (issue 23): after a restart Neo4j plans a query the
first time it is asked, 0.5–1 s for the workbench's larger ones, and a page of neighbours
has one text per relationship type (:func:`~guanxi.scoring.neighbours.neighbours_query`), so
a person's first expansion of each type would wait for the planner. :func:`warm_plans` runs
each once for a key that matches nothing; the API does it in the background when it starts
(``GUANXI_API_WARM_PLANS``)."""

from __future__ import annotations

import logging

from guanxi.graph.gateway import Gateway
from guanxi.graph.schema import get_schema
from guanxi.scoring.neighbours import HIDDEN_PROPS, PER_PAIR, _lists, neighbours_query

__all__ = ["warm_plans"]

log = logging.getLogger(__name__)


def warm_plans(client: Gateway) -> int:
    """Have Neo4j plan the workbench's queries now (counts, the canvas, and a page of
    neighbours for every relationship type), running each for a key that matches nothing.
    Returns the number of queries planned."""
    ls = _lists(None)
    common = {"key": "", "past": ls["past"], "with_branches": True}
    client.read("workbench.neighbour_counts", **common, internal_types=ls["internal"][0],
                internal_labels=ls["internal"][1])  # fmt: skip
    client.read("workbench.nodes", keys=[""], hidden=list(HIDDEN_PROPS))
    client.read("workbench.links", keys=[""], hidden=list(HIDDEN_PROPS), past=ls["past"], limit=1)
    types = sorted(t for t in get_schema().relationships if t not in ls["past"])
    for t in types:
        client.run_text(
            "workbench.neighbours", neighbours_query(client, t),
            {"key": "", "direction": "both", "skip": 0, "limit": 1, "per_pair": PER_PAIR,
             "hidden": list(HIDDEN_PROPS), "with_branches": True},
        )  # fmt: skip
    log.info("planned %d workbench queries", len(types) + 3)
    return len(types) + 3
