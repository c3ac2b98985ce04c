"""Unified social credit codes (统一社会信用代码, GB 32100-2015): generation and checks.

A code has 18 characters from the 31-character alphabet ``0-9`` and capitals without
I, O, S, V, Z:

====== =========================================================================
pos    meaning
====== =========================================================================
1      registration authority (``9`` = market regulator, ``1`` = government organs)
2      organisation category (``1`` = enterprise / government organ)
3–8    administrative division code (GB/T 2260)
9–17   organisation code (GB 11714: 8 characters and its own check character)
18     check character over positions 1–17
====== =========================================================================

Notes
-----
The check character is ``C18 = (31 - (Σ v(Ci)·Wi mod 31)) mod 31`` with weights
``Wi = 3^(i-1) mod 31`` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28).
The embedded organisation code's check is ``11 - (Σ v(Ci)·wi mod 11)`` with weights
3, 7, 9, 10, 5, 8, 4, 2 (10 → ``X``, 11 → ``0``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["ALPHABET", "uscc_valid", "uscc_valid_many", "uscc_check_char", "generate_uscc"]

log = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_CODEPOINTS = np.array([ord(c) for c in ALPHABET], dtype=np.uint32)
# value of a character for the organisation code check (0-9, A=10 … Z=35)
_ORG_VALUE = np.array([int(c, 36) for c in ALPHABET], dtype=np.int64)
_LUT = np.full(128, -1, dtype=np.int64)
_LUT[_CODEPOINTS] = np.arange(len(ALPHABET))


def uscc_check_char(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code.

    Raises
    ------
    ValueError
        When ``first17`` is not 17 characters of the code alphabet.

    Examples
    --------
    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not 17 characters of the USCC alphabet: {first17!r}")
    total = sum(_VALUE[c] * int(w) for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_valid(code: object) -> bool:
    """True when ``code`` is a well-formed unified social credit code with a correct
    check character (GB 32100-2015).

    The check is exact: 18 characters, capitals only (normalise case and whitespace
    before calling when a source needs it).

    Examples
    --------
    >>> uscc_valid("91350100M000100Y43")
    True
    >>> uscc_valid("91350100M000100Y44")
    False
    """
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in _VALUE for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def uscc_valid_many(codes: Iterable[object]) -> np.ndarray:
    """Vectorised :func:`uscc_valid`: a boolean array, one entry per code."""
    items = list(codes)
    out = np.zeros(len(items), dtype=bool)
    shaped = [i for i, c in enumerate(items) if isinstance(c, str) and len(c) == 18]
    if not shaped:
        return out
    arr = np.array([items[i] for i in shaped], dtype="<U18")
    cps = arr.view(np.uint32).reshape(len(arr), 18).astype(np.int64)
    vals = np.where(cps < 128, _LUT[np.minimum(cps, 127)], -1)
    ok = (vals >= 0).all(axis=1)
    check = (31 - (vals[:, :17] @ _WEIGHTS) % 31) % 31
    out[np.asarray(shaped)] = ok & (check == vals[:, 17])
    return out


def generate_uscc(
    rng: np.random.Generator,
    divisions: np.ndarray,
    prefix: np.ndarray | str = "91",
    taken: set[str] | None = None,
) -> np.ndarray:
    """Unique, valid codes, one per entry of ``divisions`` (6-digit division codes).

    Organisation codes are new-style (``MA`` + 6 characters, as assigned since 2015) for
    about 70 % and old-style 8 digits for the rest; both carry the GB 11714 check.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    divisions : numpy.ndarray
        Administrative division codes (strings of 6 digits).
    prefix : str or numpy.ndarray
        Registration authority + category, ``"91"`` for enterprises, ``"11"`` for organs.
    taken : set of str, optional
        Codes that must not be produced (already used elsewhere).

    Returns
    -------
    numpy.ndarray
        ``<U18`` strings.
    """
    n = len(divisions)
    pre = np.broadcast_to(np.asarray(prefix, dtype="<U2"), (n,))
    head = np.char.add(pre, np.asarray(divisions, dtype="<U6"))
    codes = np.empty(n, dtype="<U18")
    taken_arr = np.array(sorted(taken or ()), dtype="<U18")
    todo = np.arange(n)
    while len(todo):
        codes[todo] = _draw(rng, head[todo])
        clash = pd.Series(codes).duplicated(keep="first").to_numpy()
        if len(taken_arr):
            clash |= np.isin(codes, taken_arr)
        todo = np.flatnonzero(clash)
    return codes


def _draw(rng: np.random.Generator, head: np.ndarray) -> np.ndarray:
    """One random valid code per 8-character ``head`` (prefix + division)."""
    n = len(head)
    vals = np.empty((n, 17), dtype=np.int64)
    vals[:, :8] = _LUT[head.view(np.uint32).reshape(n, 8).astype(np.int64)]
    new_style = rng.random(n) < 0.7
    body = rng.integers(0, 10, (n, 8))
    free = rng.integers(0, len(ALPHABET), (n, 6))
    body[new_style, 0] = _VALUE["M"]
    body[new_style, 1] = _VALUE["A"]
    body[new_style, 2:] = free[new_style]
    org = (11 - (_ORG_VALUE[body] @ _ORG_WEIGHTS) % 11) % 11
    vals[:, 8:16] = body
    vals[:, 16] = np.where(org == 10, _VALUE["X"], org)
    check = (31 - (vals @ _WEIGHTS) % 31) % 31
    full = np.concatenate([vals, check[:, None]], axis=1)
    return np.ascontiguousarray(_CODEPOINTS[full]).view("<U18").reshape(n)
