"""API users and keys.

Users live in ``<GUANXI_HOME>/users.json`` (``GUANXI_USERS_FILE``; mode 600), never in
the graph, so loading and wiping data leaves them alone. Only the SHA-256 of a key is
stored: keys are 256-bit random tokens, so a fast hash is enough and a lost file
reveals no usable key. A key is shown once, when the user is created.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from guanxi.config import Settings
from guanxi.errors import AuthenticationFailed, ConfigError

__all__ = ["User", "UserStore", "ROLES", "Role"]

log = logging.getLogger(__name__)

Role = Literal["rm", "analyst", "admin"]
ROLES: tuple[str, ...] = ("rm", "analyst", "admin")
KEY_PREFIX = "gx_"


@dataclass(frozen=True)
class User:
    """An API user: role, home branch (scope = its subtree) and business lines."""

    name: str
    role: Role
    branch: str
    lines: tuple[str, ...] = ()
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def can_run_cypher(self) -> bool:
        return self.role in ("analyst", "admin")

    @property
    def sees_contact_details(self) -> bool:
        return self.role in ("rm", "admin")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class UserStore:
    """Reads and writes ``users.json``; looks users up by key hash."""

    def __init__(self, settings: Settings) -> None:
        self.path: Path = settings.users_path
        self._cache: tuple[tuple[int, int, int], dict[str, dict]] | None = None

    def _read(self) -> dict[str, dict]:
        # parsed once per version of the file (every request authenticates; `users add`
        # in another process replaces the file, which changes its stat)
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ConfigError(f"{self.path} is not valid JSON: {e}") from e
        self._cache = (stamp, data)
        return data

    def _write(self, data: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    def add(self, name: str, role: str, branch: str, lines: tuple[str, ...] = ()) -> str:
        """Create (or re-key) a user; returns the new key, which is not stored."""
        if role not in ROLES:
            raise ConfigError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}")
        if not name.strip():
            raise ConfigError("A user needs a name")
        data = self._read()
        data = {h: u for h, u in data.items() if u["name"] != name}
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        user = User(name=name, role=role, branch=branch, lines=tuple(lines))  # type: ignore[arg-type]
        data[_hash(key)] = {**asdict(user), "lines": list(user.lines)}
        self._write(data)
        log.info("user %s (%s @ %s) created", name, role, branch)
        return key

    def remove(self, name: str) -> bool:
        data = self._read()
        kept = {h: u for h, u in data.items() if u["name"] != name}
        self._write(kept)
        return len(kept) != len(data)

    def list(self) -> list[User]:
        return sorted(
            (User(**{**u, "lines": tuple(u.get("lines", ()))}) for u in self._read().values()),
            key=lambda u: u.name,
        )

    def authenticate(self, key: str | None) -> User:
        """The user of ``key``; :class:`AuthenticationFailed` when missing or unknown."""
        if not key:
            raise AuthenticationFailed("Missing API key: send 'Authorization: Bearer <key>'")
        u = self._read().get(_hash(key.strip()))
        if u is None:
            raise AuthenticationFailed("Unknown API key")
        return User(**{**u, "lines": tuple(u.get("lines", ()))})
