"""The local server's life: start, start again, kill -9 and recover, stop with no JVM left.

Runs a second, throw-away Neo4j on its own ports in a temporary home (about a minute)."""

import os
import signal
import time
from pathlib import Path

import pytest

from guanxi.config import Settings, get_settings
from guanxi.graph.client import GraphClient
from guanxi.graph.server import LocalServer
from tests.integration.servers import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("NEO4J_URI")), reason="NEO4J_URI set: no local server is managed"
    ),
]


@pytest.fixture
def server(tmp_path: Path):
    base = get_settings()
    s = Settings(
        home=tmp_path / "gx",
        neo4j_dist=base.neo4j_dist,
        bolt_port=free_port(),  # not fixed: a developer's own server may hold any one port
        http_port=free_port(),
        heap="512m",
        pagecache="64m",
    )
    srv = LocalServer(s)
    yield srv
    srv.stop(timeout=20)
    assert srv.our_jvms() == []


def test_start_twice_kill9_recovers_and_stop_leaves_nothing(server: LocalServer) -> None:
    assert server.start() == "started"
    pid = server.pid()
    assert pid is not None
    assert server.start() == "already running"
    assert server.pid() == pid

    with GraphClient(server.settings) as c:
        c.console("UNWIND range(1, 500) AS i CREATE (:Kept {i: i})", allow_write=True)

    os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 20
    while server.our_jvms() and time.time() < deadline:
        time.sleep(0.2)
    assert server.our_jvms() == []

    assert server.start() == "started"
    with GraphClient(server.settings) as c:
        assert c.console("MATCH (n:Kept) RETURN count(n)")["rows"] == [[500]]

    stopped = server.stop()
    assert stopped
    assert server.our_jvms() == []
    assert not server.bolt_open()
