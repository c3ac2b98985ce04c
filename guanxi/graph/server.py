"""The local Neo4j Community server that ``guanxi db start`` runs.

The ``neo4j/`` Maven module resolves the server, APOC core and the OpenGDS modules into
``neo4j/target/lib`` and ``neo4j/target/plugins``; this module writes a ``neo4j.conf``
under the guanxi home, sets a generated password (stored mode 600), starts the JVM
detached, waits until Bolt answers, and stops it cleanly. Every JVM we start carries
``-Dguanxi.home=<home>`` so that ``stop`` can find and end stray ones too.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from guanxi.config import Settings, get_settings
from guanxi.errors import ConfigError, GraphUnavailable, ServerError
from guanxi.graph.server_setup import (
    ADMIN_ENTRY_POINT,
    APOC_CONF,
    ENTRY_POINT,
    JVM_FLAGS,
    alive,
    ensure_dist,
    find_java,
    log4j_config,
    neo4j_conf,
    send_signal,
)

__all__ = ["LocalServer", "ServerState"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerState:
    """What ``guanxi db status`` reports about the local server process."""

    pid: int | None
    running: bool
    bolt_open: bool


class LocalServer:
    """A Neo4j server under ``settings.home`` (``.guanxi/neo4j`` by default)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        if self.settings.external:
            raise ConfigError(
                f"NEO4J_URI is set ({self.settings.neo4j_uri}): guanxi uses that server "
                "and does not manage a local one"
            )
        self.home = self.settings.home_dir
        self.root = self.home / "neo4j"
        self.conf_dir = self.root / "conf"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.run_dir = self.root / "run"
        self.pid_file = self.run_dir / "neo4j.pid"
        self.password_file = self.home / "password"
        self.dist = self.settings.neo4j_dist.expanduser().resolve()

    # -- prerequisites (guanxi.graph.server_setup) ------------------------------------
    def java(self) -> str:
        """The ``java`` executable, version ≥ 17 (see :func:`find_java`)."""
        return find_java(self.settings)

    def ensure_dist(self, progress: Callable[[str], None] | None = None) -> None:
        """Resolve the server jars with Maven unless ``neo4j/target/lib`` already has them."""
        ensure_dist(self.dist, progress)

    # -- configuration -----------------------------------------------------------
    def write_conf(self) -> Path:
        """Write ``conf/neo4j.conf`` (and ``apoc.conf``) for this home, always regenerated
        from the settings."""
        for d in (self.conf_dir, self.data_dir, self.logs_dir, self.run_dir):
            d.mkdir(parents=True, exist_ok=True)
        (self.root / "import").mkdir(exist_ok=True)
        path = self.conf_dir / "neo4j.conf"
        path.write_text(neo4j_conf(self.settings, self.root, self.dist), encoding="utf-8")
        (self.conf_dir / "apoc.conf").write_text(APOC_CONF, encoding="utf-8")
        return path

    def _classpath(self) -> str:
        return f"{self.dist / 'lib'}/*:{self.dist / 'plugins'}/*"

    def ensure_password(self) -> str:
        """Generate the password once (mode 600) and set it as the initial password."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            # hex, so it never starts with '-' (neo4j-admin would read that as an option)
            pw = secrets.token_hex(24)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(pw + "\n")
        os.chmod(self.password_file, 0o600)
        pw = self.password_file.read_text(encoding="utf-8").strip()
        if not (self.data_dir / "dbms" / "auth.ini").exists():
            self._admin(["dbms", "set-initial-password", pw])
        return pw

    def _admin(self, args: list[str]) -> None:
        env = {**os.environ, "NEO4J_HOME": str(self.root), "NEO4J_CONF": str(self.conf_dir)}
        cmd = [
            self.java(),
            "-cp",
            self._classpath(),
            f"-Dbasedir={self.root}",
            ADMIN_ENTRY_POINT,
            *args,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=self.root)
        if proc.returncode != 0:
            raise ServerError(
                f"neo4j-admin {args[0]} {args[1]} failed (exit {proc.returncode}): "
                f"{(proc.stdout + proc.stderr)[-1500:]}"
            )

    # -- process -----------------------------------------------------------------
    def _marker(self) -> str:
        return f"-Dguanxi.home={self.root}"

    def our_jvms(self) -> list[int]:
        """PIDs of every JVM started for this home (found by its command-line marker)."""
        marker = self._marker().encode()
        pids = []
        for p in Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                cmd = (p / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in cmd.split(b"\0") and ENTRY_POINT.encode() in cmd:
                pids.append(int(p.name))
        return sorted(pids)

    def pid(self) -> int | None:
        """The running server's PID, or None."""
        pids = self.our_jvms()
        return pids[0] if pids else None

    def bolt_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.settings.bolt_port), timeout=1):
                return True
        except OSError:
            return False

    def state(self) -> ServerState:
        pid = self.pid()
        return ServerState(pid=pid, running=pid is not None, bolt_open=self.bolt_open())

    def start(self, progress: Callable[[str], None] | None = None) -> str:
        """Start the server unless it runs; wait until Bolt accepts our password.

        Returns ``"started"`` or ``"already running"``. A store left by a killed JVM is
        recovered by Neo4j itself on start.
        """
        say = progress or (lambda _m: None)
        pid = self.pid()
        if pid is not None:
            self._wait_ready(pid)
            return "already running"
        # a JVM that was just killed may hold its sockets for a moment
        deadline = time.monotonic() + 15
        while self.bolt_open() and time.monotonic() < deadline:
            time.sleep(0.3)
        if self.bolt_open():
            raise ServerError(
                f"Port {self.settings.bolt_port} is taken by a process that is not this "
                f"guanxi home's Neo4j ({self.root}); stop it or set GUANXI_BOLT_PORT"
            )
        self.ensure_dist(say)
        java = self.java()
        self.write_conf()
        self.ensure_password()
        say(f"Starting Neo4j under {self.root} …")
        heap = self.settings.heap
        cmd = [
            java,
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *JVM_FLAGS,
            self._marker(),
            f"-Dlog4j2.configurationFile=file:{self._log4j()}",
            "-cp",
            self._classpath(),
            ENTRY_POINT,
            f"--home-dir={self.root}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]
        console = open(self.logs_dir / "console.log", "ab")  # noqa: SIM115 - handed to the JVM
        proc = subprocess.Popen(
            cmd,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
            start_new_session=True,
        )
        console.close()
        self.pid_file.write_text(str(proc.pid))
        self._wait_ready(proc.pid, proc)
        return "started"

    def _log4j(self) -> Path:
        """A minimal log4j2 config so the server logs to files under logs/."""
        path = self.conf_dir / "server-logs.xml"
        path.write_text(log4j_config(self.logs_dir), encoding="utf-8")
        return path

    def _wait_ready(self, pid: int, proc: subprocess.Popen | None = None) -> None:
        from neo4j import GraphDatabase
        from neo4j import exceptions as nex

        deadline = time.monotonic() + self.settings.start_timeout_s
        pw = self.password_file.read_text(encoding="utf-8").strip()
        uri = f"bolt://127.0.0.1:{self.settings.bolt_port}"
        last: Exception | None = None
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise ServerError(
                    f"Neo4j exited with code {proc.returncode} during start-up; "
                    f"last lines of {self.logs_dir / 'console.log'}:\n{self.log_tail()}"
                )
            if proc is None and not alive(pid):
                raise ServerError(f"Neo4j (pid {pid}) is gone; see {self.logs_dir}")
            if self.bolt_open():
                try:
                    with GraphDatabase.driver(uri, auth=(self.settings.neo4j_user, pw)) as d:
                        d.verify_connectivity()
                        d.execute_query(
                            "RETURN 1", database_=self.settings.neo4j_database, routing_="r"
                        )
                    return
                except nex.AuthError as e:
                    raise GraphUnavailable(
                        f"Neo4j under {self.root} refused the stored password in "
                        f"{self.password_file}: {e.message}. `guanxi db reset` starts afresh."
                    ) from e
                except Exception as e:  # noqa: BLE001 - keep polling until the deadline
                    last = e
            time.sleep(0.5)
        raise ServerError(
            f"Neo4j did not answer on {uri} within {self.settings.start_timeout_s:.0f}s "
            f"(last error: {last}); see {self.logs_dir}:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        out = []
        for name in ("console.log", "neo4j.log"):
            p = self.logs_dir / name
            if p.exists():
                out.extend(p.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        return "\n".join(out[-lines:])

    def stop(self, timeout: float = 60.0) -> list[int]:
        """Stop every JVM of this home: SIGTERM, then SIGKILL after ``timeout`` seconds.
        Returns the PIDs that were stopped."""
        pids = self.our_jvms()
        for pid in pids:
            send_signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.2)
        for pid in pids:
            if alive(pid):
                log.warning("Neo4j pid %d ignored SIGTERM for %.0fs; killing it", pid, timeout)
                send_signal(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in pids):
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return pids

    def reset(self) -> None:
        """Stop the server and delete its data (the password is kept and set again)."""
        self.stop()
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        if self.logs_dir.exists():
            shutil.rmtree(self.logs_dir)
