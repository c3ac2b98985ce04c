"""The bank side of a match: blind the candidates' keys, send them to the partner's
server (:mod:`guanxi.psi.server`) and learn the intersection, or only its size.

The bank's raw keys never leave this process: the request carries them blinded with a
fresh secret key (:class:`~guanxi.psi.protocol.PsiClient`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import httpx

from guanxi.errors import InvalidData, PartnerUnavailable, RateLimited
from guanxi.psi.protocol import PsiClient, unframe
from guanxi.records.psi import MatchResult

__all__ = ["match"]

log = logging.getLogger(__name__)


def _check(resp: httpx.Response, url: str) -> None:
    if resp.status_code == 429:
        wait = float(resp.headers.get("Retry-After", "1"))
        raise RateLimited(f"The PSI server at {url} is rate limiting this client", wait)
    if resp.status_code >= 400:
        try:
            message = resp.json().get("message", resp.text)
        except ValueError:
            message = resp.text[:200]
        cls = InvalidData if resp.status_code in (413, 422) else PartnerUnavailable
        raise cls(f"The PSI server at {url} refused the match ({resp.status_code}): {message}")


def match(
    server_url: str,
    candidates: Mapping[str, str],
    reveal: bool = True,
    *,
    timeout: float = 600.0,
    transport: httpx.BaseTransport | None = None,
) -> MatchResult:
    """Match ``candidates`` (matching key → company id) against the partner at
    ``server_url``.

    With ``reveal`` the result names the matched company ids; without it, only the
    size of the intersection is learned (the server shuffles its answer).
    ``transport`` lets tests record or replace the HTTP traffic.

    Raises
    ------
    InvalidData
        No candidates, or the server refused the request (too large, cardinality only).
    RateLimited
        The server's per-client rate limit was hit.
    PartnerUnavailable
        The server could not be reached or failed.
    """
    if not candidates:
        raise InvalidData("No candidates to match")
    base = server_url.rstrip("/")
    keys = list(candidates)
    t0 = time.perf_counter()
    client = PsiClient(reveal)
    request = client.request(keys)
    t1 = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout, transport=transport) as http:
            info = http.get(f"{base}/psi/v1/info")
            _check(info, base)
            resp = http.post(
                f"{base}/psi/v1/match",
                params={"inputs": len(keys), "reveal": str(reveal).lower()},
                content=request,
                headers={"Content-Type": "application/octet-stream"},
            )
    except httpx.HTTPError as e:
        raise PartnerUnavailable(f"Cannot reach the PSI server at {base}: {e}") from e
    _check(resp, base)
    t2 = time.perf_counter()
    parts = unframe(resp.content)
    if len(parts) != 2:
        raise InvalidData(f"The PSI server at {base} sent {len(parts)} messages, not 2")
    setup, response = parts
    if reveal:
        idx = client.intersection(setup, response)
        ids = tuple(sorted({candidates[keys[i]] for i in idx}))
        size = len(idx)
    else:
        ids, size = (), client.size(setup, response)
    t3 = time.perf_counter()
    meta = info.json()
    result = MatchResult(
        server=base,
        protocol=str(meta.get("protocol", "")),
        reveal=reveal,
        candidates=len(keys),
        size=size,
        fpr=float(meta.get("fpr", 0.0)),
        bytes_sent=len(request),
        bytes_received=len(resp.content),
        matched_ids=ids,
        seconds={"request": t1 - t0, "network": t2 - t1, "intersect": t3 - t2, "total": t3 - t0},
    )
    log.info("PSI match at %s: %d of %d candidates", base, size, len(keys))
    return result
