"""The local Neo4j Community server that ``guanxi db start`` runs.

The ``neo4j/`` Maven module resolves the server, APOC core and the OpenGDS modules into
``neo4j/target/lib`` and ``neo4j/target/plugins``; this module writes a ``neo4j.conf``
under the guanxi home, sets a generated password (stored mode 600), starts the JVM
detached, waits until Bolt answers, and stops it cleanly. Every JVM we start carries
``-Dguanxi.home=<home>`` so that ``stop`` can find and end stray ones too.
"""

from __future__ import annotations

import contextlib
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

from guanxi.config import PROJECT_ROOT, Settings, get_settings
from guanxi.errors import ConfigError, GraphUnavailable, ServerError

__all__ = ["LocalServer", "ServerState"]

log = logging.getLogger(__name__)

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


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

    # -- prerequisites -----------------------------------------------------------
    def java(self) -> str:
        """The ``java`` executable (``GUANXI_JAVA_HOME``, ``JAVA_HOME`` or PATH), version ≥ 17."""
        candidates = []
        for home in (self.settings.java_home, os.environ.get("JAVA_HOME")):
            if home:
                candidates.append(Path(home) / "bin" / "java")
        found = shutil.which("java")
        if found:
            candidates.append(Path(found))
        for c in candidates:
            if c.exists():
                self._check_java(str(c))
                return str(c)
        raise ConfigError(
            "Java not found: Neo4j 5.26 needs a JDK 17 or 21. Install one "
            "(Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME"
        )

    @staticmethod
    def _check_java(java: str) -> None:
        out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
        first = out.splitlines()[0] if out else ""
        try:
            ver = first.split('"')[1]
            major = int(ver.split(".")[0] if not ver.startswith("1.") else ver.split(".")[1])
        except (IndexError, ValueError):
            log.warning("could not read the Java version from %r", first)
            return
        if major < 17:
            raise ConfigError(f"{java} is Java {major}; Neo4j 5.26 needs Java 17 or 21")

    def _jars(self, sub: str) -> list[Path]:
        d = self.dist / sub
        return sorted(d.glob("*.jar")) if d.is_dir() else []

    def ensure_dist(self, progress: Callable[[str], None] | None = None) -> None:
        """Resolve the server jars with Maven unless ``neo4j/target/lib`` already has them."""
        if self._jars("lib"):
            return
        pom = PROJECT_ROOT / "neo4j" / "pom.xml"
        mvn = shutil.which("mvn")
        if not mvn:
            raise ConfigError(
                f"Maven not found and {self.dist / 'lib'} is empty: install Maven "
                "(Debian: `apt-get install maven`) and run `make setup`"
            )
        if not pom.exists():
            raise ConfigError(f"{pom} is missing; cannot resolve Neo4j")
        if progress:
            progress("Resolving Neo4j from Maven Central (first run only)…")
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(pom), "package"], capture_output=True, text=True
        )
        if proc.returncode != 0 or not self._jars("lib"):
            tail = (proc.stdout + proc.stderr)[-2000:]
            raise ConfigError(f"Maven could not resolve Neo4j (exit {proc.returncode}):\n{tail}")

    # -- configuration -----------------------------------------------------------
    def write_conf(self) -> Path:
        """Write ``conf/neo4j.conf`` for this home (always regenerated from settings)."""
        s = self.settings
        for d in (self.conf_dir, self.data_dir, self.logs_dir, self.run_dir):
            d.mkdir(parents=True, exist_ok=True)
        (self.root / "import").mkdir(exist_ok=True)
        conf = f"""# Written by guanxi from its settings; `guanxi db start` overwrites edits.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:{s.bolt_port}
server.http.enabled=true
server.http.listen_address=127.0.0.1:{s.http_port}
server.https.enabled=false
server.directories.data={self.data_dir}
server.directories.logs={self.logs_dir}
server.directories.run={self.run_dir}
server.directories.import={self.root / "import"}
server.directories.plugins={self.dist / "plugins"}
dbms.security.auth_enabled=true
dbms.security.procedures.unrestricted=apoc.*,gds.*
dbms.security.procedures.allowlist=apoc.*,gds.*
# The database never fetches URLs or reads files for a query (docs/security.md): every
# address is blocked for LOAD CSV and apoc.load.*, and file:/// URLs are refused.
internal.dbms.cypher_ip_blocklist=0.0.0.0/0,::/0
dbms.security.allow_csv_import_from_file_urls=false
dbms.usage_report.enabled=false
server.memory.heap.initial_size={s.heap}
server.memory.heap.max_size={s.heap}
server.memory.pagecache.size={s.pagecache}
db.tx_log.rotation.retention_policy=2 files
db.transaction.timeout=0
"""
        path = self.conf_dir / "neo4j.conf"
        path.write_text(conf, encoding="utf-8")
        # APOC reads apoc.conf beside neo4j.conf: no file import or export (belt and braces
        # with the console's procedure allow-list, docs/security.md)
        (self.conf_dir / "apoc.conf").write_text(
            "apoc.import.file.enabled=false\napoc.export.file.enabled=false\n", encoding="utf-8"
        )
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
        path.write_text(
            f"""<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR">
  <Appenders>
    <File name="neo4j" fileName="{self.logs_dir}/neo4j.log">
      <PatternLayout pattern="%d{{yyyy-MM-dd HH:mm:ss.SSSZ}} %-5p %m%n"/>
    </File>
  </Appenders>
  <Loggers><Root level="INFO"><AppenderRef ref="neo4j"/></Root></Loggers>
</Configuration>
""",
            encoding="utf-8",
        )
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
            if proc is None and not _alive(pid):
                raise ServerError(f"Neo4j (pid {pid}) is gone; see {self.logs_dir}")
            if self.bolt_open():
                try:
                    with GraphDatabase.driver(uri, auth=(self.settings.neo4j_user, pw)) as d:
                        d.verify_connectivity()
                        d.execute_query("RETURN 1", database_=self.settings.neo4j_database)
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
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.2)
        for pid in pids:
            if _alive(pid):
                log.warning("Neo4j pid %d ignored SIGTERM for %.0fs; killing it", pid, timeout)
                _signal(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as gone
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
