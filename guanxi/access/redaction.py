"""Redaction of secrets and personal contact details before anything is logged.

Values under keys that name a secret or a contact detail (password, token, key,
authorization, cookie, phone, mobile, e-mail…) become ``[redacted]``; inside any string,
e-mail addresses and mainland phone numbers (``13512346349``, masked ``135****6349``,
``+86 135 1234 6349``, ``010-12345678``) do too. The audit trail runs everything it
writes through here.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["REDACTED", "redact", "redact_endpoint", "redact_text"]

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"pass(word)?|pwd|secret|token|key|authori[sz]ation|cookie|credential|session|"
    r"phone|mobile|(^|_)tel(ephone)?$|mail|contact_details?|密码|口令|手机|电话|邮箱",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+*%-]+@[\w-]+(?:\.[\w-]+)+")
# mainland mobiles, also masked (135****6349) or spaced/dashed, with or without +86;
# landlines with an area code (010-12345678)
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?[\d*]{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
)


def redact_text(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by ``[redacted]``."""
    if "@" in text:
        text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    # a lone surrogate (from JSON "\\ud800") could not be written as UTF-8
    return text.encode("utf-8", "replace").decode("utf-8")


def redact(value: Any) -> Any:
    """A JSON-friendly copy of ``value``: values under secret or contact keys (password,
    token, key, authorization, cookie, phone, mobile, email…) become ``[redacted]``,
    strings lose e-mail addresses and phone numbers, dict keys become strings.

    Examples
    --------
    >>> redact({"password": "x", "q": "call 13512346349", "n": 3})
    {'password': '[redacted]', 'q': 'call [redacted]', 'n': 3}
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            str(k): REDACTED if _SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(str(value))


def redact_endpoint(endpoint: str) -> str:
    """A path with its query string decoded and redacted:
    ``/x?token=abc&q=a@b.cn`` → ``/x?token=[redacted]&q=[redacted]``."""
    path, _, qs = endpoint.partition("?")
    path = redact_text(path)
    if not qs:
        return path
    pairs = [
        f"{k}={REDACTED if _SECRET_KEY.search(k) else redact_text(v)}"
        for k, v in parse_qsl(qs, keep_blank_values=True)
    ]
    return f"{path}?{'&'.join(pairs)}"
