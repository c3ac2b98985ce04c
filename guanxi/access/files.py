"""Private files of the access layer: written atomically with mode 600, changed under a lock.

``users.json`` is rewritten whole (a temporary file, then ``os.replace``, so a reader never
sees half a file); read-modify-write cycles of several processes are serialised with an
exclusive ``fcntl`` lock on a sibling ``<name>.lock`` file.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["write_private_json", "exclusive_lock"]

log = logging.getLogger(__name__)


def write_private_json(path: Path, data: Any) -> None:
    """Replace ``path`` with ``data`` as indented, sorted JSON, mode 600, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (created mode 600) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
