"""The partner side of a match: a small FastAPI app holding the partner's set.

``POST /psi/v1/match?inputs=N&reveal=true`` takes the client's serialised PSI ``Request``
(``application/octet-stream``) and answers the framed ``ServerSetup`` + ``Response``
(:func:`guanxi.psi.protocol.frame`); ``GET /psi/v1/info`` says what the server offers.
Bodies are protocol messages only, never raw identifiers, and nothing here logs them:
the log says who asked, how many inputs, the bytes and the time.

Each client host gets a token bucket (``burst`` requests, refilled at ``rate`` per
second); over it the answer is 429 with ``Retry-After``. The setup message, the costly
part, is built once per input-count bucket (the next power of two, at least 1024) and kept.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from guanxi.errors import InvalidData
from guanxi.psi.protocol import PROTOCOL, PsiServer, frame, request_size

__all__ = ["TokenBucket", "create_psi_app", "input_bucket"]

log = logging.getLogger(__name__)

#: bytes per blinded element in a request, with protobuf overhead (a compressed point: 33)
_BYTES_PER_INPUT = 40


def input_bucket(n: int) -> int:
    """The setup size for a client of ``n`` inputs: the next power of two, at least 1024
    (the filter is then sized for at least ``n`` inputs, so the false-positive rate holds)."""
    return max(1024, 1 << max(0, math.ceil(math.log2(max(1, n)))))


class TokenBucket:
    """Per-key token buckets: ``burst`` tokens, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 when granted, else the seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


def create_psi_app(
    items: Sequence[str],
    fpr: float = 1e-9,
    reveal: bool = True,
    *,
    structure: str = "gcs",
    rate: float = 0.2,
    burst: int = 5,
    max_inputs: int = 1_000_000,
) -> FastAPI:
    """The partner's PSI app over ``items`` (keys from :mod:`guanxi.psi.keys`).

    ``reveal=False`` serves cardinality only: a client asking for the members gets 422.
    ``rate``/``burst`` are the per-client token bucket; ``max_inputs`` caps how many
    items one request may carry (a bigger request is refused with 413).
    """
    servers = {False: PsiServer(items, fpr, False, structure)}
    if reveal:
        servers[True] = PsiServer(items, fpr, True, structure)
    setups: dict[tuple[bool, int], bytes] = {}
    setup_lock = threading.Lock()
    bucket = TokenBucket(rate, burst)
    app = FastAPI(title="guanxi PSI partner", docs_url=None, redoc_url=None)
    log.info("PSI server: %d items, fpr %g, reveal %s, %s", len(items), fpr, reveal, structure)

    def setup_for(want_reveal: bool, n: int) -> bytes:
        key = (want_reveal, input_bucket(n))
        with setup_lock:
            if key not in setups:
                t0 = time.perf_counter()
                setups[key] = servers[want_reveal].setup(key[1])
                log.info("PSI setup for %d inputs: %.2f s", key[1], time.perf_counter() - t0)
            return setups[key]

    def answer(want_reveal: bool, n: int, body: bytes) -> bytes:
        if request_size(body) != n:
            raise InvalidData(f"The request carries {request_size(body)} items, not {n}")
        response = servers[want_reveal].process(body)
        return frame(setup_for(want_reveal, n), response)

    @app.get("/psi/v1/info")
    def info() -> dict:
        """What this server offers (never its set or the set's size)."""
        return {
            "protocol": PROTOCOL,
            "reveal": reveal,
            "fpr": fpr,
            "structure": structure,
            "max_inputs": max_inputs,
        }

    @app.post("/psi/v1/match")
    async def match(
        request: Request,
        inputs: Annotated[int, Query(ge=1)],
        reveal_members: Annotated[bool, Query(alias="reveal")] = True,
    ) -> Response:
        """Answer one PSI request (framed ``ServerSetup`` + ``Response``)."""
        who = request.client.host if request.client else "unknown"
        wait = bucket.take(who)
        if wait:
            log.warning("PSI match from %s refused: rate limit", who)
            return JSONResponse(
                {"error": "RateLimited", "message": "Too many PSI requests"},
                status_code=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if inputs > max_inputs:
            return JSONResponse(
                {"error": "TooLarge", "message": f"At most {max_inputs} inputs per request"},
                status_code=413,
            )
        if reveal_members and not reveal:
            return JSONResponse(
                {"error": "InvalidData", "message": "This server answers cardinality only"},
                status_code=422,
            )
        body = await request.body()
        if len(body) > inputs * _BYTES_PER_INPUT + 1024:
            return JSONResponse(
                {"error": "TooLarge", "message": "Request body too large"}, status_code=413
            )
        t0 = time.perf_counter()
        try:
            out = await run_in_threadpool(answer, reveal_members, inputs, body)
        except InvalidData as e:
            log.warning("PSI match from %s refused: %s", who, e)
            return JSONResponse({"error": "InvalidData", "message": str(e)}, status_code=422)
        log.info(
            "PSI match from %s: %d inputs, reveal %s, %d B in, %d B out, %.3f s",
            who, inputs, reveal_members, len(body), len(out), time.perf_counter() - t0,
        )  # fmt: skip
        return Response(out, media_type="application/octet-stream")

    return app
