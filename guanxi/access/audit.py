"""The audit trail: an append-only, hash-chained log of who asked for what.

Records are JSON lines in ``<audit_dir>/audit.jsonl`` (mode 600). Each carries ``seq``
(monotonic across files), ``prev`` (the previous record's ``hash``; :data:`GENESIS` for
the first) and ``hash``, the SHA-256 of the record's canonical JSON without ``hash``
(sorted keys, no spaces, UTF-8). Editing or deleting a record breaks the chain, which
:meth:`AuditLog.verify` finds. Appends are safe across processes (``flock`` on
``audit.head``, which also keeps the last ``seq`` and ``hash`` so that removing records
at the end is found too). Past ``audit_max_bytes`` the file is renamed to
``audit-<first seq>-<last seq>.jsonl`` and never deleted; the chain goes on in the new
file. Secrets and contact details are redacted before anything is written
(:func:`redact`); the Authorization header and cookies are never passed in.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from guanxi.access.audit_chain import (
    GENESIS,
    HEAD_NAME,
    LOG_NAME,
    AuditProblem,
    AuditVerdict,
    canonical,
    digest,
    head_bytes,
    last_record,
    lines,
    parse,
    read_head,
    utc_iso,
    verify_chain,
)
from guanxi.access.redaction import redact, redact_endpoint, redact_text
from guanxi.config import Settings

__all__ = [
    "AuditLog",
    "AuditProblem",
    "AuditVerdict",
    "GENESIS",
    "KINDS",
    "utc_iso",
]

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("api", "page", "console", "export", "auth", "cli")
MAX_TEXT = 16_384  # longer query texts are cut (the record stays one readable line)

_ROTATED = re.compile(r"audit-(\d+)-(\d+)(?:\.(\d+))?\.jsonl")


@dataclass
class _Tail:
    """The end of ``audit.jsonl`` as last seen: valid while (inode, size) match."""

    ino: int
    size: int
    seq: int
    digest: str
    needs_newline: bool = False


class AuditLog:
    """The audit log of one folder; one instance per process (appends lock across processes).

    Parameters
    ----------
    settings
        ``audit_path`` (folder), ``audit_max_bytes`` (rotation), ``audit_fsync``.
    """

    def __init__(self, settings: Settings) -> None:
        self.dir: Path = settings.audit_path
        self.max_bytes = settings.audit_max_bytes
        self.fsync = settings.audit_fsync
        self.failures = 0  # appends that failed where the caller carried on (the API does)
        self._mutex = threading.Lock()
        self._pid: int | None = None
        self._head_fd = -1
        self._log_fd = -1
        self._log_ino = -1
        self._tail: _Tail | None = None

    @property
    def path(self) -> Path:
        """The current file, ``audit.jsonl``."""
        return self.dir / LOG_NAME

    # ------------------------------------------------------------------ append
    def append(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Write one record and return it (with ``seq``, ``ts``, ``prev``, ``hash``).

        ``fields`` are ``user``, ``key_id``, ``role``, ``branch``, ``method``, ``endpoint``,
        ``query``, ``params``, ``rows``, ``status``, ``duration_ms``, ``request_id``,
        ``client``; missing ones are ``null``. ``endpoint``, ``query`` and ``params`` are
        redacted here, whoever calls.
        """
        if kind not in KINDS:
            raise ValueError(f"Unknown audit kind {kind!r}; one of {', '.join(KINDS)}")
        query = fields.get("query")
        if isinstance(query, str) and len(query) > MAX_TEXT:
            query = f"{query[:MAX_TEXT]}…[+{len(query) - MAX_TEXT} chars]"
        base: dict[str, Any] = {
            "kind": kind,
            **{k: fields.get(k) for k in ("user", "key_id", "role", "branch", "method")},
            "endpoint": redact_endpoint(fields["endpoint"]) if fields.get("endpoint") else None,
            "query": redact_text(query) if query is not None else None,
            "params": redact(fields["params"]) if fields.get("params") is not None else None,
            **{k: fields.get(k) for k in ("rows", "status", "request_id", "client")},
            "duration_ms": fields.get("duration_ms"),
        }
        with self._mutex:
            head = self._open()
            fcntl.flock(head, fcntl.LOCK_EX)
            try:
                return self._append_locked(base)
            finally:
                fcntl.flock(head, fcntl.LOCK_UN)

    def _open(self) -> int:
        """The head/lock file descriptor of this process (reopened after a fork)."""
        if self._pid != os.getpid():
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._head_fd = os.open(self.dir / HEAD_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid, self._log_fd, self._log_ino, self._tail = os.getpid(), -1, -1, None
        return self._head_fd

    def _log_state(self) -> _Tail:
        """Under the lock: the current file open for appending and where its chain ends."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            st = None
        if st is None or st.st_ino != self._log_ino:
            if self._log_fd >= 0:
                os.close(self._log_fd)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
            self._log_fd = os.open(self.path, flags, 0o600)
            st = os.fstat(self._log_fd)
            self._log_ino = st.st_ino
        tail = self._tail
        if tail is not None and (tail.ino, tail.size) == (st.st_ino, st.st_size):
            return tail  # nobody wrote since our last append
        # the chain goes on from the furthest of: the file's last record, the head (so
        # records removed from the end leave a gap), the newest rotated file
        found = last_record(self.path) if st.st_size else None
        needs_nl = bool(found and found[2])
        ends = [(found[0], found[1])] if found else []
        head = read_head(self._head_fd)
        ends += [head] if head else []
        if not ends:
            rotated = self.rotated_files()
            last = last_record(rotated[-1]) if rotated else None
            ends += [(last[0], last[1])] if last else []
        seq, last_hash = max(ends, default=(0, GENESIS))
        self._tail = _Tail(st.st_ino, st.st_size, seq, last_hash, needs_nl)
        return self._tail

    def _append_locked(self, base: dict[str, Any]) -> dict[str, Any]:
        tail = self._log_state()
        record = {**base, "seq": tail.seq + 1, "ts": utc_iso(), "prev": tail.digest}
        record["hash"] = digest(record)
        data = canonical(record) + b"\n"
        if tail.size and tail.size + len(data) > self.max_bytes:
            self._rotate(tail)
            tail = self._log_state()
        elif tail.needs_newline:  # a line cut short by a crash stays, as its own line
            data = b"\n" + data
        os.write(self._log_fd, data)
        if self.fsync:
            os.fsync(self._log_fd)
        os.pwrite(self._head_fd, head_bytes(record["seq"], record["hash"]), 0)
        self._tail = _Tail(tail.ino, tail.size + len(data), record["seq"], record["hash"])
        return record

    def _rotate(self, tail: _Tail) -> None:
        with open(self.path, "rb") as f:
            firsts = (r.get("seq") for r in map(parse, f) if r)
            first = next((q for q in firsts if isinstance(q, int)), tail.seq)
        target = self.dir / f"audit-{first}-{tail.seq}.jsonl"
        n = 0
        while target.exists():  # never overwrite an older file
            n += 1
            target = self.dir / f"audit-{first}-{tail.seq}.{n}.jsonl"
        os.rename(self.path, target)
        log.info("audit log rotated to %s", target.name)
        self._tail = _Tail(-1, -1, tail.seq, tail.digest)  # the next file starts empty

    # -------------------------------------------------------------------- read
    def rotated_files(self) -> list[Path]:
        """The rotated files, oldest first."""
        found = []
        for p in self.dir.glob("audit-*.jsonl"):
            m = _ROTATED.fullmatch(p.name)
            if m:
                found.append(((int(m[1]), int(m[2]), int(m[3] or 0)), p))
        return [p for _, p in sorted(found)]

    def files(self) -> list[Path]:
        """Every file of the log in order: the rotated ones, then ``audit.jsonl``."""
        current = [self.path] if self.path.exists() else []
        return self.rotated_files() + current

    def _snapshot(self) -> tuple[tuple[int, str] | None, list[tuple[str, Path | bytes]]]:
        """Under a shared lock: the head and the files in order, the current one read in
        full (rotated files never change, so they are read later, without the lock)."""
        with self._mutex:
            head_fd = self._open()
            fcntl.flock(head_fd, fcntl.LOCK_SH)
            try:
                head = read_head(head_fd)
                files: list[tuple[str, Path | bytes]] = [(p.name, p) for p in self.rotated_files()]
                if self.path.exists():
                    files.append((LOG_NAME, self.path.read_bytes()))
            finally:
                fcntl.flock(head_fd, fcntl.LOCK_UN)
        return head, files

    def read(
        self,
        user: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        *,
        newest_first: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Records in ``seq`` order (or newest first), of ``user`` only, from ``since``
        (naive = UTC), at most ``limit``. Lines that do not parse are skipped (see
        :meth:`verify`)."""
        floor = utc_iso(since) if since is not None else None
        _, files = self._snapshot()
        n = 0
        for _, source in files[::-1] if newest_first else files:
            if floor and not newest_first and isinstance(source, Path):
                last = last_record(source, full=True)
                if last is not None and last[3].get("ts", "") < floor:
                    continue  # the whole file is older
            rows = lines(source)
            for raw in reversed(rows) if newest_first else rows:
                rec = parse(raw)
                if rec is None:
                    continue
                if floor and rec.get("ts", "") < floor:
                    if newest_first:
                        return
                    continue
                if user is not None and rec.get("user") != user:
                    continue
                yield rec
                n += 1
                if limit is not None and n >= limit:
                    return

    def verify(self) -> AuditVerdict:
        """Walk the whole chain (:func:`~guanxi.access.audit_chain.verify_chain`) as it is
        now: the head and the current file are read under a shared lock."""
        head, files = self._snapshot()
        return verify_chain(head, files)
