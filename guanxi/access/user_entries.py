"""The ``users.json`` format: one entry per key hash, and how older entries are upgraded.

An entry holds ``name``, ``role``, ``branch``, ``lines``, ``created_at``, ``key_id`` (the
first 12 hex digits of the key's hash), ``expires_at``, ``revoked_at`` and
``last_rotated_at``. Entries written before keys expired lack the last four: they get
their key id from the hash and expire ``created_at`` + the TTL.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from guanxi.errors import ConfigError

__all__ = ["FIELDS", "KEY_ID_LEN", "normalise", "parse_time"]

log = logging.getLogger(__name__)

KEY_ID_LEN = 12
FIELDS = ("name", "role", "branch", "lines", "created_at", "key_id", "expires_at",
          "revoked_at", "last_rotated_at")  # fmt: skip


def parse_time(value: Any) -> datetime | None:
    """An ISO timestamp as an aware datetime (naive ones are UTC); None when unparseable."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def normalise(digest: str, u: dict, fallback: datetime, ttl_days: float, where: Path) -> dict:
    """An entry in the current format; an old one gets its key id and its expiry
    (``created_at`` + the TTL; a missing ``created_at`` counts from the file's mtime)."""
    missing = [k for k in ("name", "role", "branch") if not isinstance(u.get(k), str)]
    if missing:
        raise ConfigError(f"{where}: the entry of key {digest[:KEY_ID_LEN]} lacks {missing}")
    created = parse_time(u.get("created_at")) or fallback
    expires = u.get("expires_at") or (created + timedelta(days=ttl_days)).isoformat()
    return {
        "name": u["name"],
        "role": u["role"],
        "branch": u["branch"],
        "lines": list(u.get("lines") or ()),
        "created_at": u.get("created_at") or created.isoformat(),
        "key_id": u.get("key_id") or digest[:KEY_ID_LEN],
        "expires_at": expires,
        "revoked_at": u.get("revoked_at"),
        "last_rotated_at": u.get("last_rotated_at"),
    }
