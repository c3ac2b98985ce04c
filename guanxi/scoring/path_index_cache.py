"""The per-process cache of the contact-path index: one :class:`PathIndex` per database,
built on first use and rebuilt when the graph version changes.

The version is the stamp that loads and batch scoring leave plus the node and relationship
counts (``admin.graph_version``); it is read at most every ``path_index_check_s`` seconds,
and at once after any write by this process (``GraphClient.writes``).
"""

from __future__ import annotations

import logging
import threading
import time

import pandas as pd

from guanxi.graph.admin import graph_version
from guanxi.graph.gateway import Gateway
from guanxi.scoring.path_index import PathIndex
from guanxi.scoring.projection import party_frames

__all__ = ["get_index", "cached", "clear_index"]

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_INDEX: dict[str, PathIndex] = {}
_CHECKED: dict[str, tuple[float, int | None]] = {}  # key -> (monotonic time, writes) of a check
_CHECKING: set[str] = set()  # keys whose version a caller is reading now


def _build(client: Gateway, version: tuple) -> PathIndex:
    t0 = time.perf_counter()
    nodes, edges = party_frames(client)
    kc = pd.DataFrame(
        client.read("scoring.key_contact_scores", timeout=client.settings.batch_timeout_s)[0][
            "rows"
        ],
        columns=["company_id", "person_id", "score"],
    )
    ix = PathIndex.from_frames(nodes, edges, kc, version)
    ix.id_rank()  # 0.3 s at 100k: with the build, not on (every thread of) the first search
    log.info(
        "contact-path index: %d parties, %d pairs in %.1fs",
        len(ix),
        len(ix.indices) // 2,
        time.perf_counter() - t0,
    )
    return ix


def _key(client: Gateway) -> str:
    return f"{client.settings.uri}/{client.settings.neo4j_database}"


def get_index(client: Gateway) -> PathIndex:
    """The index for ``client``'s database: built on first use and rebuilt, under a lock
    (concurrent callers wait for the one build), whenever the graph version has changed.

    The version is read at most every ``path_index_check_s`` seconds (a query per request
    was a tenth of a contact-path request's cost), and again at once after any write by
    this process (``GraphClient.writes``): another process's load or scoring run is seen
    within that many seconds, this process's own at once. When the interval is up, one
    caller reads the version while the others go on with the index they have (a server's
    threads all found it due together, ~10 extra queries a second at 150 requests/s).
    """
    key = _key(client)
    writes = getattr(type(client), "writes", None)
    now = time.monotonic()
    with _LOCK:
        ix, seen = _INDEX.get(key), _CHECKED.get(key)
        fresh = seen is not None and writes is not None and seen[1] == writes
        if (
            ix is not None
            and fresh
            and (now - seen[0] < client.settings.path_index_check_s or key in _CHECKING)
        ):
            return ix
        _CHECKING.add(key)
    try:
        version = graph_version(client)
        with _LOCK:
            ix = _INDEX.get(key)
            if ix is None or ix.version != version:
                ix = _INDEX[key] = _build(client, version)
            _CHECKED[key] = (now, writes)
            return ix
    finally:
        with _LOCK:
            _CHECKING.discard(key)


def cached(client: Gateway) -> PathIndex | None:
    """The index already built for ``client``'s database, if any (no query, no build)."""
    with _LOCK:
        return _INDEX.get(_key(client))


def clear_index() -> None:
    """Forget every cached index (tests, after a wipe in the same process)."""
    with _LOCK:
        _INDEX.clear()
        _CHECKED.clear()
        _CHECKING.clear()
