"""What the local Neo4j needs before it starts: Java, the jars, and its configuration.

:func:`find_java` finds a JDK 17 or 21, :func:`ensure_dist` resolves the server, APOC and
OpenGDS jars with Maven (``neo4j/pom.xml``) on first use, :func:`neo4j_conf` and
:func:`log4j_config` write the server's configuration from guanxi's settings: loopback
only, a generated password, no URL or file access for Cypher (docs/security.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from guanxi.config import PROJECT_ROOT, Settings
from guanxi.errors import ConfigError

__all__ = [
    "ENTRY_POINT",
    "ADMIN_ENTRY_POINT",
    "JVM_FLAGS",
    "alive",
    "send_signal",
    "find_java",
    "check_java",
    "jars",
    "ensure_dist",
    "neo4j_conf",
    "log4j_config",
    "APOC_CONF",
]

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

#: APOC reads apoc.conf beside neo4j.conf: no file import or export (belt and braces with
#: the console's procedure allow-list, docs/security.md)
APOC_CONF = "apoc.import.file.enabled=false\napoc.export.file.enabled=false\n"


def find_java(settings: Settings) -> str:
    """The ``java`` executable (``GUANXI_JAVA_HOME``, ``JAVA_HOME`` or PATH), version ≥ 17."""
    candidates = []
    for home in (settings.java_home, os.environ.get("JAVA_HOME")):
        if home:
            candidates.append(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found:
        candidates.append(Path(found))
    for c in candidates:
        if c.exists():
            check_java(str(c))
            return str(c)
    raise ConfigError(
        "Java not found: Neo4j 5.26 needs a JDK 17 or 21. Install one "
        "(Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME"
    )


def check_java(java: str) -> None:
    """Raise :class:`ConfigError` when ``java`` is older than 17."""
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


def jars(dist: Path, sub: str) -> list[Path]:
    """The jars of ``dist/sub`` (``lib`` or ``plugins``), sorted."""
    d = dist / sub
    return sorted(d.glob("*.jar")) if d.is_dir() else []


def ensure_dist(dist: Path, progress: Callable[[str], None] | None = None) -> None:
    """Resolve the server jars with Maven unless ``dist/lib`` already has them."""
    if jars(dist, "lib"):
        return
    pom = PROJECT_ROOT / "neo4j" / "pom.xml"
    mvn = shutil.which("mvn")
    if not mvn:
        raise ConfigError(
            f"Maven not found and {dist / 'lib'} is empty: install Maven "
            "(Debian: `apt-get install maven`) and run `make setup`"
        )
    if not pom.exists():
        raise ConfigError(f"{pom} is missing; cannot resolve Neo4j")
    if progress:
        progress("Resolving Neo4j from Maven Central (first run only)…")
    proc = subprocess.run(
        [mvn, "-B", "-q", "-f", str(pom), "package"], capture_output=True, text=True
    )
    if proc.returncode != 0 or not jars(dist, "lib"):
        tail = (proc.stdout + proc.stderr)[-2000:]
        raise ConfigError(f"Maven could not resolve Neo4j (exit {proc.returncode}):\n{tail}")


def neo4j_conf(settings: Settings, root: Path, dist: Path) -> str:
    """``neo4j.conf`` for a home ``root`` (data, logs, run and import below it)."""
    s = settings
    data_dir, logs_dir, run_dir = root / "data", root / "logs", root / "run"
    return f"""# Written by guanxi from its settings; `guanxi db start` overwrites edits.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:{s.bolt_port}
server.http.enabled=true
server.http.listen_address=127.0.0.1:{s.http_port}
server.https.enabled=false
server.directories.data={data_dir}
server.directories.logs={logs_dir}
server.directories.run={run_dir}
server.directories.import={root / "import"}
server.directories.plugins={dist / "plugins"}
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


def log4j_config(logs_dir: Path) -> str:
    """A minimal log4j2 configuration: the server logs to ``logs_dir/neo4j.log``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR">
  <Appenders>
    <File name="neo4j" fileName="{logs_dir}/neo4j.log">
      <PatternLayout pattern="%d{{yyyy-MM-dd HH:mm:ss.SSSZ}} %-5p %m%n"/>
    </File>
  </Appenders>
  <Loggers><Root level="INFO"><AppenderRef ref="neo4j"/></Root></Loggers>
</Configuration>
"""


def alive(pid: int) -> bool:
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


def send_signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
