"""Request limits of the API: a token bucket per API key, and slowing then blocking a
client IP that keeps failing to authenticate.

Both live in memory, in each worker process (``guanxi serve --workers N`` gives a key up
to N times its rate, and an IP N times its failures); they are checked by the auth
dependency (``guanxi.api.deps.get_current_user``) on every request, so the path of a
request within its limits is a dictionary look-up and a few additions. The locks guard
plain arithmetic and are never held across an ``await``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from guanxi.config import Settings
from guanxi.errors import RateLimited

__all__ = ["TokenBucket", "KeyRateLimiter", "FailedAuthGuard", "ApiLimits", "backoff_delay"]

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class TokenBucket:
    """A token bucket: holds at most ``burst`` tokens, refilled at ``rate`` tokens per
    second; each request takes one.

    Notes
    -----
    After ``dt`` seconds the bucket holds ``min(burst, tokens + rate * dt)``. A request
    that finds ``tokens >= 1`` takes one; otherwise it must wait ``(1 - tokens) / rate``
    seconds for the next token. A full bucket thus lets ``burst`` requests through at
    once, then ``rate`` per second. The limit is per worker process.

    Examples
    --------
    >>> b = TokenBucket(rate=1.0, burst=2, now=0.0)
    >>> b.take(0.0), b.take(0.0), b.take(0.0)
    (0.0, 0.0, 1.0)
    >>> b.take(1.0)
    0.0
    """

    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> float:
        """Take a token at time ``now``: 0.0 when one was taken, else the seconds until
        one will be there (nothing is taken then)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class KeyRateLimiter:
    """One :class:`TokenBucket` per key id: ``per_min`` requests a minute after a burst
    of ``burst``. The limit is **per worker process**; 0 for either disables it."""

    def __init__(self, per_min: int, burst: int, clock: Clock = time.monotonic) -> None:
        self.per_min = per_min
        self.burst = burst
        self.enabled = per_min > 0 and burst > 0
        self._rate = per_min / 60.0
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def check(self, key_id: str) -> None:
        """Count one request of ``key_id``; :class:`RateLimited` when over the limit."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key_id)
            if bucket is None:
                bucket = self._buckets[key_id] = TokenBucket(self._rate, self.burst, now)
            wait = bucket.take(now)
        if wait:
            raise RateLimited(
                f"Key {key_id} is over its limit of {self.per_min} requests per minute "
                f"(burst {self.burst}); retry in {math.ceil(wait)} s",
                retry_after=wait,
            )


def backoff_delay(n: int, base_s: float = 0.1, cap_s: float = 2.0) -> float:
    """The delay before answering the ``n``-th consecutive failure: ``base · 2^(n-1)``,
    at most ``cap``.

    >>> [backoff_delay(n) for n in (1, 2, 3, 5, 6, 9)]
    [0.1, 0.2, 0.4, 1.6, 2.0, 2.0]
    """
    if n < 1:
        return 0.0
    return min(cap_s, base_s * 2.0 ** min(n - 1, 32))


@dataclass
class _Failures:
    consecutive: int = 0
    times: deque[float] = field(default_factory=deque)


class FailedAuthGuard:
    """Failed authentications per client IP.

    Each failure is answered after :func:`backoff_delay` of the IP's consecutive failures
    (a success resets the count); after ``limit`` failures within ``window_s`` seconds,
    the IP gets :class:`RateLimited` on every request until the oldest of them leaves
    the window. ``limit`` 0 never blocks. Per worker process, like the key limit.
    """

    #: above this many tracked IPs, a failure first drops the IPs with nothing recent
    MAX_TRACKED = 10_000

    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        base_delay_s: float = 0.1,
        max_delay_s: float = 2.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self._clock = clock
        self._by_ip: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def check(self, ip: str) -> None:
        """:class:`RateLimited` while ``ip`` is blocked; free when it has no failures."""
        if not self._by_ip or self.limit <= 0:
            return
        now = self._clock()
        with self._lock:
            f = self._by_ip.get(ip)
            if f is None:
                return
            self._expire(f, now)
            if len(f.times) < self.limit:
                return
            wait = f.times[0] + self.window_s - now
        raise RateLimited(
            f"Too many failed authentications from {ip}; retry in {math.ceil(wait)} s",
            retry_after=wait,
        )

    def failed(self, ip: str) -> float:
        """Record a failure of ``ip``; returns the seconds to wait before answering."""
        now = self._clock()
        with self._lock:
            if len(self._by_ip) >= self.MAX_TRACKED:
                self._prune(now)
            f = self._by_ip.setdefault(ip, _Failures())
            self._expire(f, now)
            if not f.times:  # nothing within the window: start counting afresh
                f.consecutive = 0
            f.consecutive += 1
            f.times.append(now)
            n, recent = f.consecutive, len(f.times)
        if self.limit > 0 and recent == self.limit:
            log.warning(
                "%d failed authentications from %s within %g s: blocked until the window passes",
                recent,
                ip,
                self.window_s,
            )
        return backoff_delay(n, self.base_delay_s, self.max_delay_s)

    def succeeded(self, ip: str) -> None:
        """A success of ``ip`` resets its consecutive failures (not its recent ones)."""
        if not self._by_ip:
            return
        with self._lock:
            f = self._by_ip.get(ip)
            if f is not None:
                f.consecutive = 0
                if not f.times:
                    del self._by_ip[ip]

    def _expire(self, f: _Failures, now: float) -> None:
        while f.times and f.times[0] <= now - self.window_s:
            f.times.popleft()

    def _prune(self, now: float) -> None:
        for ip in list(self._by_ip):
            f = self._by_ip[ip]
            self._expire(f, now)
            if not f.times:
                del self._by_ip[ip]


@dataclass
class ApiLimits:
    """The limits one API process applies (``app.state.limits``)."""

    keys: KeyRateLimiter
    failures: FailedAuthGuard

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiLimits:
        return cls(
            keys=KeyRateLimiter(settings.api_rate_per_min, settings.api_rate_burst),
            failures=FailedAuthGuard(settings.auth_fail_limit),
        )
