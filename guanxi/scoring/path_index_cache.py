"""The per-process cache of the contact-path index: one :class:`PathIndex` per database,
built on first use and rebuilt when the graph version changes; and as-of indexes
(docs/time.md), one per (database, date), built on demand, the least recently used
dropped past ``as_of_index_cache`` (each costs a build and its memory, like the current one).

The version is the stamp that loads and batch scoring leave plus the node and relationship
counts (``admin.graph_version``); it is read at most every ``path_index_check_s`` seconds,
and at once after any write by this process (``GraphClient.writes``). The current index is
also saved on disk per version (:mod:`guanxi.scoring.path_index_store`), so a new process
— a shell's ``guanxi paths``, another API worker — loads it instead of building it.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections import OrderedDict
from datetime import date

from guanxi.graph.gateway import Gateway
from guanxi.graph.version import forget_watches, watch_for
from guanxi.scoring.party_read import key_contact_frame, party_frames
from guanxi.scoring.path_index import PathIndex
from guanxi.scoring.path_index_store import index_dir, load_index, save_index

__all__ = ["get_index", "cached", "clear_index"]

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_INDEX: dict[str, PathIndex] = {}
_AS_OF: OrderedDict[tuple[str, date], PathIndex] = OrderedDict()


def _build(client: Gateway, version: tuple, as_of: date | None = None) -> PathIndex:
    t0 = time.perf_counter()
    nodes, edges = party_frames(client, as_of)
    kc = key_contact_frame(client)
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
    return client.settings.database_key


def get_index(client: Gateway, as_of: date | None = None) -> PathIndex:
    """The index for ``client``'s database: built on first use and rebuilt, under a lock
    (concurrent callers wait for the one build), whenever the graph version has changed.
    The version comes from the database's :func:`~guanxi.graph.version.watch_for` (read at
    most every ``path_index_check_s`` seconds, at once after this process's own writes,
    by one caller at a time while the others go on). ``as_of``: the index of that date."""
    version = watch_for(client).current(client)
    key = _key(client)
    if as_of is not None:
        with _LOCK:
            ix = _AS_OF.get((key, as_of))
            if ix is None or ix.version != version:
                ix = _AS_OF[(key, as_of)] = _build(client, version, as_of)
            _AS_OF.move_to_end((key, as_of))
            while len(_AS_OF) > client.settings.as_of_index_cache:
                _AS_OF.popitem(last=False)
            return ix
    with _LOCK:
        ix = _INDEX.get(key)
        if ix is None or ix.version != version:
            ix = _INDEX[key] = _saved_or_built(client, key, version)
        return ix


def _saved_or_built(client: Gateway, key: str, version: tuple) -> PathIndex:
    """The index of ``version`` saved on disk by any process (``path_index_persist``),
    else a new build, saved for the next process (docs/scaling.md, "Cold starts"). An
    exclusive lock on ``<folder>.lock`` makes API workers that start together wait for one
    build and load it, instead of each building its own. A graph without a stamp (never
    loaded by guanxi: seeded by hand) is not saved, as its counts alone do not identify it."""
    if not client.settings.path_index_persist or not version or version[0] is None:
        return _build(client, version)
    folder = index_dir(client.settings)
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        t0 = time.perf_counter()
        ix = load_index(folder, version)
        if ix is not None:
            ix.id_rank()
            log.info("contact-path index: %d parties loaded from %s in %.2fs", len(ix),
                     folder, time.perf_counter() - t0)  # fmt: skip
            return ix
        ix = _build(client, version)
        save_index(ix, folder)
        return ix


def cached(client: Gateway) -> PathIndex | None:
    """The index already built for ``client``'s database, if any (no query, no build)."""
    with _LOCK:
        return _INDEX.get(_key(client))


def clear_index() -> None:
    """Forget every cached index (tests, after a wipe in the same process)."""
    with _LOCK:
        _INDEX.clear()
        _AS_OF.clear()
    forget_watches()
