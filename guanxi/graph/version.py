"""``VersionWatch``: the graph version as this process knows it, for in-process caches.

Every cache of something derived from the graph (the contact-path index, a caller's branch
scope, the scoring projections) is valid for one graph version
(:func:`guanxi.graph.admin.graph_version`: the ``GuanxiMeta`` stamp that loads, wipes and
batch scoring bump, with the node and relationship counts). Reading it costs a query, so a
watch re-reads it at most every ``check_s`` seconds — and at once after this process's own
writes (``GraphClient.writes``), so a process always sees what it wrote. Another process's
load is seen within ``check_s`` (``GUANXI_PATH_INDEX_CHECK_S``, 1 s by default).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from guanxi.graph.admin import graph_version
from guanxi.graph.gateway import Gateway

__all__ = ["VersionWatch"]

log = logging.getLogger(__name__)


class VersionWatch:
    """The last graph version read, re-read when it may have changed (thread-safe).

    Parameters
    ----------
    check_s
        Seconds a version read is trusted (0: read on every call).
    """

    def __init__(self, check_s: float) -> None:
        self.check_s = check_s
        self._lock = threading.Lock()
        self._seen: tuple[Any, ...] | None = None
        self._at = 0.0
        self._writes: int | None = None

    def peek(self, client: Gateway) -> tuple[Any, ...] | None:
        """The remembered version while it is fresh, else ``None`` (no query: safe to call
        on an event loop)."""
        writes = getattr(type(client), "writes", None)
        with self._lock:
            if (
                self._seen is not None
                and time.monotonic() - self._at < self.check_s
                and (writes is None or writes == self._writes)
            ):
                return self._seen
        return None

    def current(self, client: Gateway) -> tuple[Any, ...]:
        """The graph version: the remembered one while fresh, else read now (a query)."""
        seen = self.peek(client)
        if seen is not None:
            return seen
        writes = getattr(type(client), "writes", None)
        now = time.monotonic()
        version = graph_version(client)
        with self._lock:
            self._seen, self._at, self._writes = version, now, writes
        return version
