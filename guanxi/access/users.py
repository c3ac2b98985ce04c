"""API users and keys.

Users live in ``<GUANXI_HOME>/users.json`` (``GUANXI_USERS_FILE``; mode 600), never in
the graph, so loading and wiping data leaves them alone. Only the SHA-256 of a key is
stored: keys are 256-bit random tokens, so a fast hash is enough and a lost file
reveals no usable key. A key is shown once, when the user is created or rotated.

Each entry also holds the key's public id (``key_id``: the first 12 hex digits of its
hash, shown in listings and audit records), ``created_at``, ``expires_at`` (created or
rotated + ``GUANXI_KEY_TTL_DAYS``), ``revoked_at`` and ``last_rotated_at``. Entries written
before keys expired (name, role, branch, lines, created_at) expire ``created_at`` + the
TTL. Servers re-read the file when its stat changes, so a revocation or rotation made by
``guanxi users`` in another process is refused at the next request. Writers take an
``fcntl`` lock on ``users.json.lock`` around read-modify-write and replace the file
atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from guanxi.access.files import exclusive_lock, write_private_json
from guanxi.access.user_entries import FIELDS, KEY_ID_LEN, normalise, parse_time
from guanxi.config import Settings
from guanxi.errors import AuthenticationFailed, ConfigError, NotFound

__all__ = ["User", "UserStore", "ROLES", "Role", "KeyStatus"]

log = logging.getLogger(__name__)

Role = Literal["rm", "manager", "analyst", "admin"]
ROLES: tuple[str, ...] = ("rm", "manager", "analyst", "admin")
KeyStatus = Literal["active", "expired", "revoked"]
KEY_PREFIX = "gx_"


def _now() -> datetime:
    """The current time (UTC, whole seconds); tests patch it."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class User:
    """An API user: role, home branch (scope = its subtree), business lines, and the
    public facts of their key (id, creation, expiry, revocation; never the key)."""

    name: str
    role: Role
    branch: str
    lines: tuple[str, ...] = ()
    created_at: str = field(default_factory=lambda: _now().isoformat())
    key_id: str = ""
    expires_at: str | None = None
    revoked_at: str | None = None
    last_rotated_at: str | None = None

    @property
    def can_run_cypher(self) -> bool:
        return self.role in ("analyst", "admin")

    @property
    def sees_contact_details(self) -> bool:
        return self.role in ("rm", "manager", "admin")

    @property
    def can_read_audit(self) -> bool:
        """Admins read the whole audit trail; managers (branch heads) their subtree's."""
        return self.role in ("admin", "manager")

    def status(self, now: datetime | None = None) -> KeyStatus:
        """``revoked``, ``expired`` (at or past ``expires_at``) or ``active``."""
        if self.revoked_at:
            return "revoked"
        expires = parse_time(self.expires_at)
        if expires is not None and (now or _now()) >= expires:
            return "expired"
        return "active"

    def to_dict(self) -> dict[str, Any]:
        """The public record (as listed and stored, without the key hash)."""
        return {**asdict(self), "lines": list(self.lines)}


@dataclass(frozen=True)
class _Entry:
    """A parsed entry of the file: the user and the key's expiry as a POSIX time."""

    user: User
    expires: float
    revoked: bool


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key() -> tuple[str, str]:
    """A new key (``gx_`` + 256 random bits) and its hash: the key is shown once, the
    hash is what the file keeps."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, _hash(key)


class UserStore:
    """Reads and writes ``users.json``; looks users up by key hash."""

    def __init__(self, settings: Settings) -> None:
        self.path: Path = settings.users_path
        self.ttl_days: float = settings.key_ttl_days
        self._cache: tuple[tuple[int, int, int], dict[str, dict], dict[str, _Entry]] | None
        self._cache = None

    def _load(self) -> tuple[dict[str, dict], dict[str, _Entry]]:
        # parsed once per version of the file (every request authenticates; `users add`
        # or `revoke` in another process replaces the file, which changes its stat)
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}, {}
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ConfigError(f"{self.path} is not valid JSON: {e}") from e
        fallback = datetime.fromtimestamp(st.st_mtime, UTC).replace(microsecond=0)
        data = {h: normalise(h, u, fallback, self.ttl_days, self.path) for h, u in raw.items()}
        index = {h: self._entry(u) for h, u in data.items()}
        self._cache = (stamp, data, index)
        return data, index

    def _read(self) -> dict[str, dict]:
        return self._load()[0]

    @staticmethod
    def _entry(u: dict) -> _Entry:
        user = User(**{**{k: u[k] for k in FIELDS}, "lines": tuple(u["lines"])})
        expires = parse_time(u["expires_at"])
        return _Entry(user, expires.timestamp() if expires else 0.0, bool(u["revoked_at"]))

    def _write(self, data: dict[str, dict]) -> None:
        write_private_json(self.path, data)

    @contextmanager
    def _locked(self) -> Iterator[dict[str, dict]]:
        """The file's entries, freshly read under an exclusive lock (``users.json.lock``)
        held until the block ends: two processes changing users never lose a change."""
        with exclusive_lock(self.path):
            self._cache = None  # never trust a stat stamp for a read-modify-write
            yield dict(self._read())

    def _ttl(self, ttl_days: float | None) -> timedelta:
        days = self.ttl_days if ttl_days is None else ttl_days
        if days < 0:
            raise ConfigError(f"A key's lifetime cannot be negative ({days} days)")
        return timedelta(days=days)

    @staticmethod
    def _find(data: dict[str, dict], name: str) -> str | None:
        return next((h for h, u in data.items() if u["name"] == name), None)

    def add(
        self,
        name: str,
        role: str,
        branch: str,
        lines: tuple[str, ...] = (),
        ttl_days: float | None = None,
    ) -> str:
        """Create (or re-key) a user; returns the new key, which is not stored. The key
        expires after ``ttl_days`` (default ``GUANXI_KEY_TTL_DAYS``)."""
        if role not in ROLES:
            raise ConfigError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}")
        if not name.strip():
            raise ConfigError("A user needs a name")
        ttl = self._ttl(ttl_days)
        (key, digest), now = _new_key(), _now()
        user = User(
            name=name, role=role, branch=branch, lines=tuple(lines),  # type: ignore[arg-type]
            created_at=now.isoformat(), key_id=digest[:KEY_ID_LEN],
            expires_at=(now + ttl).isoformat(),
        )  # fmt: skip
        with self._locked() as data:
            data = {h: u for h, u in data.items() if u["name"] != name}
            data[digest] = user.to_dict()
            self._write(data)
        log.info("user %s (%s @ %s) created, key %s", name, role, branch, user.key_id)
        return key

    def revoke(self, name: str) -> bool:
        """Revoke the user's key at once (the user stays listed, as revoked, until
        rotated or removed); False when there is no such user."""
        with self._locked() as data:
            digest = self._find(data, name)
            if digest is None:
                return False
            if not data[digest].get("revoked_at"):
                data[digest] = {**data[digest], "revoked_at": _now().isoformat()}
                self._write(data)
        log.info("user %s: key %s revoked", name, data[digest]["key_id"])
        return True

    def rotate(self, name: str, ttl_days: float | None = None) -> str:
        """Give the user a new key (same role, branch and lines) and return it; the old
        key is refused at once. A revoked or expired user becomes active again.

        Raises
        ------
        NotFound
            When there is no such user.
        """
        ttl = self._ttl(ttl_days)
        (key, digest), now = _new_key(), _now()
        with self._locked() as data:
            old = self._find(data, name)
            if old is None:
                raise NotFound(f"No user {name!r}; `guanxi users list` shows the users")
            entry = data.pop(old)
            data[digest] = {
                **entry,
                "key_id": digest[:KEY_ID_LEN],
                "expires_at": (now + ttl).isoformat(),
                "revoked_at": None,
                "last_rotated_at": now.isoformat(),
            }
            self._write(data)
        log.info("user %s: key %s rotated to %s", name, entry["key_id"], digest[:KEY_ID_LEN])
        return key

    def remove(self, name: str) -> bool:
        """Delete the user; their key stops working. False when there is no such user."""
        with self._locked() as data:
            kept = {h: u for h, u in data.items() if u["name"] != name}
            if len(kept) == len(data):
                return False
            self._write(kept)
        log.info("user %s removed", name)
        return True

    def list(self) -> list[User]:
        """Every user with their key's id, dates and status (never the key or its hash)."""
        return sorted((e.user for e in self._load()[1].values()), key=lambda u: u.name)

    def get(self, name: str) -> User | None:
        """The user called ``name``, or None."""
        return next((u for u in self.list() if u.name == name), None)

    def authenticate(self, key: str | None) -> User:
        """The user of ``key``; :class:`AuthenticationFailed` when it is missing, unknown,
        expired or revoked."""
        if not key:
            raise AuthenticationFailed("Missing API key: send 'Authorization: Bearer <key>'")
        entry = self._load()[1].get(_hash(key.strip()))
        if entry is None:
            raise AuthenticationFailed("Unknown API key")
        u = entry.user
        if entry.revoked:
            raise AuthenticationFailed(
                f"API key of user {u.name!r} was revoked on {str(u.revoked_at)[:10]}; "
                "ask an admin to rotate it"
            )
        if _now().timestamp() >= entry.expires:
            raise AuthenticationFailed(
                f"API key of user {u.name!r} expired on {str(u.expires_at)[:10]}; "
                "ask an admin to rotate it"
            )
        return u
