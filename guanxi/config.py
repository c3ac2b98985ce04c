"""One configuration object for guanxi, read from the environment (and ``.env``).

Every field is documented in ``.env.example``. Variables carry the ``GUANXI_`` prefix,
except the standard Neo4j connection variables ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``: when ``NEO4J_URI`` is set guanxi uses that
server and never starts one of its own.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings", "PROJECT_ROOT", "URI_SCHEMES"]

log = logging.getLogger(__name__)

#: The URI schemes of the Neo4j driver: ``bolt`` talks to one server; ``neo4j`` asks the server
#: for a routing table, so that a cluster (or Aura) sends read transactions to secondaries and
#: writes to the primary. ``+s`` is TLS with a verified certificate, ``+ssc`` TLS with a
#: self-signed one.
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: The repository root (where ``neo4j/pom.xml`` lives) for an editable install.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """guanxi settings; see ``.env.example`` for every field."""

    model_config = SettingsConfigDict(
        env_prefix="GUANXI_", env_file=".env", extra="ignore", frozen=True
    )

    # --- an external server (takes precedence over the local one) ---
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_URI", "GUANXI_NEO4J_URI")
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "GUANXI_NEO4J_USER")
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_PASSWORD", "GUANXI_NEO4J_PASSWORD"),
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("NEO4J_DATABASE", "GUANXI_NEO4J_DATABASE"),
    )
    gds_uri: str | None = Field(
        default=None,
        description="the server that runs GDS when it is not the one NEO4J_URI routes reads "
        "to: on a cluster, a direct bolt:// URI of the secondary with GDS, so that a "
        "projection and the algorithms on it meet in one in-memory catalog",
    )

    # --- the local server started by `guanxi db start` ---
    home: Path = Field(default=Path(".guanxi"), description="data, logs, password")
    neo4j_dist: Path = Field(
        default=PROJECT_ROOT / "neo4j" / "target",
        description="where `mvn package` in neo4j/ put lib/ and plugins/",
    )
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "1g"
    pagecache: str = "512m"
    start_timeout_s: float = 180.0
    import_heap: str = Field(
        default="2g", description="JVM heap of the offline importer (`guanxi load --bulk`)"
    )
    import_off_heap: str = Field(
        default="6g",
        description="the importer's --max-off-heap-memory (id mapping, caches); the server "
        "is stopped meanwhile, so its heap and page cache are free",
    )
    import_threads: int = Field(default=2, ge=1, description="the importer's --threads")
    import_chunk_rows: int = Field(
        default=500_000, ge=1000, description="rows per importer CSV file written by --bulk"
    )
    java_home: Path | None = None

    # --- the connection to Neo4j (fail fast when it is down) ---
    neo4j_connect_timeout_s: float = Field(
        default=3.0, gt=0, description="seconds to open a Bolt connection (TCP and handshake)"
    )
    neo4j_acquire_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description="seconds a query waits for a pooled connection, connecting included "
        "(keep it above the connect timeout)",
    )
    neo4j_retry_s: float = Field(
        default=0.5,
        ge=0,
        description="the API's retry time for a transaction that failed transiently: the "
        "driver retries after about 1 s, then 2 s, 4 s ... while less than this has passed "
        "since the first failure, so under 0.8 s means exactly one retry",
    )
    neo4j_batch_retry_s: float = Field(
        default=30.0,
        ge=0,
        description="the same for the CLI and batch jobs (loads, scoring), which wait out "
        "a short outage rather than fail",
    )
    neo4j_breaker_s: float = Field(
        default=1.0,
        ge=0,
        description="after Neo4j was found unreachable, calls fail at once for this many "
        "seconds before one probe goes through; 0 turns the circuit breaker off",
    )

    # --- queries ---
    query_timeout_s: float = 60.0
    console_timeout_s: float = 30.0
    batch_timeout_s: float = Field(
        default=3600.0, description="whole-graph reads of batch scoring and the path index"
    )
    console_row_cap: int = 1000
    console_max_bytes: int = Field(
        default=5_000_000, description="about how much JSON one console answer may carry"
    )
    console_concurrency: int = Field(
        default=2, ge=1, description="console queries one user may run at once (per worker)"
    )
    batch_size: int = 5000
    stake_change_points: float = Field(
        default=1.0, ge=0, description="a stake move of at least this many points is a change event"
    )
    as_of_index_cache: int = Field(
        default=4, ge=1, description="as-of contact-path indexes kept per process (by date)"
    )

    document_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1,
        description="largest document upload (guanxi documents add, POST /api/v1/documents)",
    )

    # --- service ---
    users_file: Path | None = Field(
        default=None, description="API users and key hashes; default <home>/users.json"
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_workers: int = Field(default=1, ge=1, description="uvicorn worker processes")
    api_warm_index: bool = Field(
        default=True, description="build the contact-path index when the API starts"
    )
    api_warm_plans: bool = Field(
        default=True,
        description="run the workbench's queries once on real rows when the API starts, so "
        "that the first expansion of each relationship type after a Neo4j restart is not slow",
    )
    key_ttl_days: float = Field(
        default=90.0,
        gt=0,
        description="days an API key stays valid after it is created or rotated "
        "(`guanxi users add|rotate --ttl-days` overrides it per key)",
    )
    api_rate_per_min: int = Field(
        default=600,
        ge=0,
        description="requests per minute per API key (token-bucket refill rate), counted "
        "per worker process; 0 disables the limit",
    )
    api_rate_burst: int = Field(
        default=100,
        ge=0,
        description="requests a key may send at once before the per-minute rate applies "
        "(bucket size); 0 disables the limit",
    )
    auth_fail_limit: int = Field(
        default=20,
        ge=0,
        description="failed authentications from one client IP within a minute after "
        "which that IP gets 429 until the minute has passed; 0 never blocks (failures are "
        "still logged and slowed)",
    )
    path_index_check_s: float = Field(
        default=1.0,
        ge=0,
        description="seconds a contact-path index is trusted before the graph version is "
        "read again (writes made by this process are always seen at once); 0 checks on "
        "every request",
    )
    path_index_persist: bool = Field(
        default=True,
        description="save the contact-path index under <home>/path-index per graph version "
        "and day, so that a new process (a shell's `guanxi paths`, another API worker) "
        "loads it instead of rebuilding it",
    )
    log_level: str = "INFO"

    # --- audit trail ---
    audit_dir: Path | None = Field(
        default=None,
        description="folder of the hash-chained audit log (audit.jsonl and its rotated "
        "files); default <home>/audit",
    )
    audit_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=4096,
        description="size at which audit.jsonl is rotated to audit-<first>-<last>.jsonl "
        "(rotated files are never deleted)",
    )
    audit_fsync: bool = Field(
        default=False,
        description="fsync audit.jsonl after every record (durable across a power cut, "
        "but each request then waits for the disk)",
    )

    llm_url: str | None = Field(
        default=None,
        description="base URL of an OpenAI-compatible endpoint (the bank's own deployment) that "
        "drafts report summaries from the report's facts; unset: template summaries only",
    )
    llm_model: str = Field(default="default", description="model name sent to llm_url")
    llm_api_key: SecretStr | None = Field(default=None, description="bearer key of llm_url")
    llm_timeout_s: float = Field(
        default=20.0, gt=0, description="seconds to wait for a drafted summary"
    )

    @field_validator("neo4j_uri", "gds_uri")
    @classmethod
    def _check_uri(cls, value: str | None) -> str | None:
        """An empty URI means none; otherwise a driver scheme and a host."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in URI_SCHEMES or not parts.hostname:
            raise ValueError(
                f"{value!r} is not a Neo4j URI: expected one of "
                f"{', '.join(s + '://host[:port]' for s in URI_SCHEMES)}"
            )
        return value

    @property
    def routing(self) -> bool:
        """True for a ``neo4j://`` URI: the driver routes by the server's routing table."""
        return urlsplit(self.uri).scheme.startswith("neo4j")

    @property
    def external(self) -> bool:
        """True when ``NEO4J_URI`` points guanxi at a server it does not manage."""
        return bool(self.neo4j_uri)

    @property
    def home_dir(self) -> Path:
        """The absolute local home (``.guanxi`` by default)."""
        return self.home.expanduser().resolve()

    @property
    def users_path(self) -> Path:
        """Where API users live (``GUANXI_USERS_FILE``, else ``<home>/users.json``)."""
        return (self.users_file or self.home_dir / "users.json").expanduser().resolve()

    @property
    def audit_path(self) -> Path:
        """The audit log's folder (``GUANXI_AUDIT_DIR``, else ``<home>/audit``)."""
        return (self.audit_dir or self.home_dir / "audit").expanduser().resolve()

    @property
    def uri(self) -> str:
        """The Bolt URI guanxi connects to."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def database_key(self) -> str:
        """``<uri>/<database>``: the key of state kept per database (version, path index)."""
        return f"{self.uri}/{self.neo4j_database}"

    @property
    def database_digest(self) -> str:
        """16 hex digits of the key's sha256: a file name without host or port."""
        return hashlib.sha256(self.database_key.encode()).hexdigest()[:16]

    def password(self) -> str:
        """The password: ``NEO4J_PASSWORD`` if set, else the one stored in the home."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        stored = self.home_dir / "password"
        if stored.exists():
            return stored.read_text(encoding="utf-8").strip()
        from guanxi.errors import GraphUnavailable

        msg = f"No Neo4j password: set NEO4J_PASSWORD or run `guanxi db start` (stored in {stored})"
        raise GraphUnavailable(msg)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()
