"""``VersionWatch``: the graph version as this process knows it, for in-process caches.

Every cache of something derived from the graph (the contact-path index, a caller's branch
scope, the scoring projections) is valid for one graph version
(:func:`guanxi.graph.admin.graph_version`: the ``GuanxiMeta`` stamp that loads, wipes and
batch scoring bump, with the node and relationship counts). Reading it costs a query, so a
watch re-reads it at most every ``path_index_check_s`` seconds — and at once after this
process's own writes (``GraphClient.writes``), so a process always sees what it wrote.
When a re-read is due, one caller reads while the others go on with the version they have
(a server's threads all found it due together: ~10 extra queries a second at 150
requests/s). One watch per database (:func:`watch_for`), shared by every cache of it.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from guanxi.graph.admin import graph_version
from guanxi.graph.gateway import Gateway

__all__ = ["VersionWatch", "watch_for", "forget_watches"]

log = logging.getLogger(__name__)


class VersionWatch:
    """The last graph version read for one database, re-read when it may have changed
    (thread-safe); the interval is the client's ``path_index_check_s`` (0: every call)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: tuple[Any, ...] | None = None
        self._at = 0.0
        self._writes: int | None = None
        self._reading = False

    def peek(self, client: Gateway) -> tuple[Any, ...] | None:
        """The remembered version while it is fresh, or while another caller is reading
        it, else ``None`` (no query: safe to call on an event loop)."""
        writes = getattr(type(client), "writes", None)
        with self._lock:
            if self._seen is None or writes != self._writes:
                return None  # never read, or this process wrote since: read it now
            if self._reading or time.monotonic() - self._at < client.settings.path_index_check_s:
                return self._seen
        return None

    def current(self, client: Gateway) -> tuple[Any, ...]:
        """The graph version: the remembered one while :meth:`peek` allows, else read now."""
        seen = self.peek(client)
        if seen is not None:
            return seen
        writes = getattr(type(client), "writes", None)
        now = time.monotonic()
        with self._lock:
            self._reading = True
        try:
            version = graph_version(client)
        finally:
            with self._lock:
                self._reading = False
        with self._lock:
            self._seen, self._at, self._writes = version, now, writes
        return version


_WATCHES: dict[str, VersionWatch] = {}
_WATCHES_LOCK = threading.Lock()


def watch_for(client: Gateway) -> VersionWatch:
    """The process's watch of ``client``'s database (one per URI and database name)."""
    with _WATCHES_LOCK:
        return _WATCHES.setdefault(client.settings.database_key, VersionWatch())


def forget_watches() -> None:
    """Forget every remembered version (tests; after a wipe from another client class)."""
    with _WATCHES_LOCK:
        _WATCHES.clear()
