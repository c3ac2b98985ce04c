"""The audit chain's format and its verification.

A record is one line of canonical JSON (sorted keys, no spaces, UTF-8) whose ``hash`` is
the SHA-256 of the record without ``hash`` and whose ``prev`` is the previous record's
hash (:data:`GENESIS` for the first); ``audit.head`` keeps the last ``seq`` and ``hash`` in
a fixed-width line. :func:`verify_chain` walks the files and names the first break;
``guanxi.access.audit.AuditLog`` writes and reads them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "AuditProblem",
    "AuditVerdict",
    "GENESIS",
    "HEAD_NAME",
    "LOG_NAME",
    "utc_iso",
    "verify_chain",
    "canonical",
    "digest",
    "head_bytes",
    "last_record",
    "lines",
    "parse",
    "read_head",
]

log = logging.getLogger(__name__)

GENESIS = "0" * 64
LOG_NAME = "audit.jsonl"
HEAD_NAME = "audit.head"


def utc_iso(when: datetime | None = None) -> str:
    """A UTC timestamp of fixed width (so records' ``ts`` compare as strings); a naive
    ``when`` is taken as UTC."""
    when = when or datetime.now(UTC)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.isoformat(timespec="microseconds")


def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def head_bytes(seq: int, hash_: str) -> bytes:
    return f"{seq:020d} {hash_}\n".encode()  # fixed width: overwritten in place


@dataclass(frozen=True)
class AuditProblem:
    """The first place the chain breaks."""

    reason: Literal["edited", "deleted", "garbled", "out_of_order", "truncated"]
    file: str
    line: int | None
    seq: int | None
    detail: str

    @property
    def message(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        seq = f" (seq {self.seq})" if self.seq is not None else ""
        return f"{where}{seq}: {self.reason}: {self.detail}"


@dataclass(frozen=True)
class AuditVerdict:
    """What :meth:`AuditLog.verify` found: ``ok``, records checked, files walked."""

    ok: bool
    records: int
    files: list[str] = field(default_factory=list)
    last_seq: int = 0
    problem: AuditProblem | None = None


def verify_chain(
    head: tuple[int, str] | None, files: list[tuple[str, Path | bytes]]
) -> AuditVerdict:
    """Walk a whole chain: ``head`` is ``audit.head``'s (seq, hash), ``files`` the log's
    files in order (name, path or bytes).


        Returns
        -------
        AuditVerdict
            ``ok`` and the records checked, or the first problem with file, line and
            seq: ``edited`` (the hash does not match the record), ``deleted`` (a gap in
            ``seq`` or a ``prev`` that is not the previous hash), ``garbled`` (a line that
            is not a record), ``out_of_order`` (``seq`` goes back) or ``truncated``
            (``audit.head`` says the log went further than it does now).
    """
    expected, prev, checked, head_at = 1, GENESIS, 0, None
    names = [name for name, _ in files]

    def verdict(*args: Any) -> AuditVerdict:
        return AuditVerdict(False, checked, names, expected - 1, AuditProblem(*args))

    for name, source in files:
        for line_no, raw in enumerate(lines(source), start=1):
            rec = parse(raw)
            if rec is None or not isinstance(rec.get("seq"), int) or "hash" not in rec:
                return verdict("garbled", name, line_no, None, "the line is not a record")
            seq, stated = rec["seq"], rec.pop("hash")
            if digest(rec) != stated:
                return verdict("edited", name, line_no, seq, "the record does not match its hash")
            if seq < expected:
                detail = f"seq {seq} comes after seq {expected - 1}"
                return verdict("out_of_order", name, line_no, seq, detail)
            if seq > expected:
                detail = f"records {expected}..{seq - 1} are missing before it"
                return verdict("deleted", name, line_no, seq, detail)
            if rec.get("prev") != prev:
                detail = f"prev is not the hash of record {seq - 1} (changed or removed)"
                return verdict("deleted", name, line_no, seq, detail)
            if head is not None and seq == head[0]:
                head_at = (name, line_no, stated)
            prev, expected, checked = stated, seq + 1, checked + 1
    last = expected - 1
    if head is None and last > 0:
        detail = f"{HEAD_NAME} is missing or empty: the end cannot be checked"
        return verdict("truncated", HEAD_NAME, None, None, detail)
    if head is not None and head[0] > last:
        detail = f"the log ends at seq {last} but {HEAD_NAME} says {head[0]}: records were removed"
        return verdict("truncated", names[-1] if names else LOG_NAME, None, head[0], detail)
    if head is not None and head_at is not None and head_at[2] != head[1]:
        detail = f"the record's hash is not the one {HEAD_NAME} keeps (rewritten)"
        return verdict("edited", head_at[0], head_at[1], head[0], detail)
    return AuditVerdict(True, checked, names, last)


def lines(source: Path | bytes) -> list[bytes]:
    data = source.read_bytes() if isinstance(source, Path) else source
    out = data.split(b"\n")
    if out and out[-1] == b"":
        out.pop()  # the final newline
    return out


def read_head(fd: int) -> tuple[int, str] | None:
    raw = os.pread(fd, 128, 0).split()
    try:
        return (int(raw[0]), raw[1].decode()) if len(raw) == 2 else None
    except (ValueError, UnicodeDecodeError):
        return None


def parse(raw: bytes) -> dict[str, Any] | None:
    try:
        rec = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return rec if isinstance(rec, dict) else None


def last_record(path: Path, *, full: bool = False) -> tuple[int, str, bool, dict] | None:
    """``(seq, hash, needs_newline, record)`` of the last parsable line, read backwards
    from the end of ``path``; ``needs_newline`` when the file does not end with one."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        pos = os.fstat(fd).st_size
        needs_nl = pos > 0 and os.pread(fd, 1, pos - 1) != b"\n"
        buf = b""
        while pos > 0:
            step = min(8192, pos)
            pos -= step
            buf = os.pread(fd, step, pos) + buf
            pieces = buf.split(b"\n")
            complete = pieces if pos == 0 else pieces[1:]  # the first piece may be cut
            for raw in reversed(complete):
                rec = parse(raw) if raw.strip() else None
                if rec and isinstance(rec.get("seq"), int) and isinstance(rec.get("hash"), str):
                    return rec["seq"], rec["hash"], needs_nl, rec if full else {}
            buf = pieces[0] if pos > 0 else b""
        return None
    finally:
        os.close(fd)
