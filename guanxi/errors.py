"""The guanxi error tree.

Every error guanxi raises derives from :class:`GuanxiError`. Each class carries the
HTTP status the API maps it to and the exit code the CLI uses. Messages name the values
involved, e.g. ``No contact path from 'RM-0042' to '9131...' within 4 hops``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "GuanxiError",
    "ConfigError",
    "GraphUnavailable",
    "ServerError",
    "PartnerUnavailable",
    "QueryError",
    "QueryTimeout",
    "ReadOnlyViolation",
    "NotFound",
    "Conflict",
    "InvalidData",
    "RowError",
    "TooLarge",
    "UnsupportedMediaType",
    "AccessDenied",
    "AuthenticationFailed",
    "RateLimited",
]


class GuanxiError(Exception):
    """Root of all guanxi errors."""

    http_status: int = 500
    exit_code: int = 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description (the API's error body uses it)."""
        return {"error": type(self).__name__, "message": str(self)}


class ConfigError(GuanxiError):
    """The configuration or the machine is not fit to run (Java or Maven missing, bad setting)."""

    exit_code = 3


class GraphUnavailable(GuanxiError):
    """Neo4j cannot be reached or refused the credentials."""

    http_status = 503
    exit_code = 3


class ServerError(GuanxiError):
    """The local Neo4j server could not be started or stopped."""

    exit_code = 3


class PartnerUnavailable(GuanxiError):
    """A partner's PSI server could not be reached, or failed."""

    http_status = 502
    exit_code = 3


class QueryError(GuanxiError):
    """A Cypher query failed (syntax, constraint, unknown query name)."""

    http_status = 400


class QueryTimeout(QueryError):
    """A query ran past its timeout and was cancelled."""

    http_status = 504


class ReadOnlyViolation(QueryError):
    """A query that writes was sent where only reads are allowed."""

    http_status = 403
    exit_code = 2


class NotFound(GuanxiError):
    """A company, person, node or named query does not exist."""

    http_status = 404


@dataclass(frozen=True)
class RowError:
    """One problem with one input row: where it is and why it is wrong."""

    file: str
    row: int | None
    column: str | None
    value: Any
    reason: str
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = None if self.value is None else str(self.value)
        return d


class InvalidData(GuanxiError):
    """Input data failed validation; carries the row-level errors."""

    http_status = 422
    exit_code = 4

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["errors"] = [e.to_dict() for e in self.errors]
        return d


class TooLarge(InvalidData):
    """An upload is larger than the limit (documents: ``GUANXI_DOCUMENT_MAX_BYTES``)."""

    http_status = 413


class UnsupportedMediaType(InvalidData):
    """An upload is not of an accepted type (documents: PNG, JPEG, TIFF, PDF)."""

    http_status = 415


class Conflict(GuanxiError):
    """The request conflicts with what is recorded (a closed settlement month never changes)."""

    http_status = 409
    exit_code = 4


class AuthenticationFailed(GuanxiError):
    """No API key, or an unknown one."""

    http_status = 401


class RateLimited(GuanxiError):
    """Too many requests (a key over its rate, or a client after many failed logins)."""

    http_status = 429
    exit_code = 2

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        #: whole seconds to wait (at least 1); the API sends it as ``Retry-After``
        self.retry_after: int = max(1, math.ceil(retry_after))

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["retry_after"] = self.retry_after
        return d


class AccessDenied(GuanxiError):
    """The caller's role or branch scope does not allow this."""

    http_status = 403
    exit_code = 2
