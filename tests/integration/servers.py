"""A throw-away local Neo4j for tests that need a server of their own.

``second_server(home)`` starts a guanxi-managed server under ``home`` (free ports, a small
heap; the shared test server is not touched), yields its :class:`LocalServer` and stops it
afterwards, checking that none of its JVMs is left. ``GUANXI_TEST_SECOND_PORTS=bolt,http``
fixes the ports (on a shared machine where each developer has ports of their own).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guanxi.config import Settings, get_settings
from guanxi.graph.server import LocalServer

__all__ = ["free_port", "second_server"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def second_server(home: Path, password: str | None = None) -> Iterator[LocalServer]:
    """A started local server with its data under ``home``; stopped on exit. ``password``:
    the one to set (like the members of a cluster, which share their users), else a new one."""
    fixed = os.environ.get("GUANXI_TEST_SECOND_PORTS")
    bolt, http = map(int, fixed.split(",")) if fixed else (free_port(), free_port())
    s = Settings(
        neo4j_uri="",  # a server of our own even when the suite runs against NEO4J_URI
        home=home,
        neo4j_dist=get_settings().neo4j_dist,
        bolt_port=bolt,
        http_port=http,
        heap="512m",
        pagecache="64m",
    )
    srv = LocalServer(s)
    if password is not None:
        srv.password_file.parent.mkdir(parents=True, exist_ok=True)
        srv.password_file.write_text(password + "\n", encoding="utf-8")
        srv.password_file.chmod(0o600)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop(timeout=20)
    assert srv.our_jvms() == []
