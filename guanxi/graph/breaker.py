"""``CircuitBreaker``: stop calling Neo4j for a moment after it was found unreachable.

Once a call raises :class:`~guanxi.errors.GraphUnavailable` the breaker *opens*: for
``cooldown_s`` seconds every further call fails at once with ``GraphUnavailable`` instead
of waiting for the driver's connection attempts and retries. After the cool-down one
caller — the *probe* — is let through while the others keep failing fast; if the probe
reaches the server the breaker *closes*, otherwise it opens for another cool-down.

With a ``probe`` function the probing is done in the background instead: while open,
*every* caller fails at once, and a daemon thread calls ``probe()`` once per cool-down
until it returns, then closes the breaker. No request then waits on a server that is
still starting (a request sent to a Neo4j that accepts connections but whose database is
not ready yet is held until it is; under load that took over 20 s).

The API calls the gateway from a pool of worker threads, so the breaker is thread-safe.
On the happy path (closed) a call reads one float and takes no lock.

Examples
--------
>>> breaker = CircuitBreaker(cooldown_s=1.0)
>>> with breaker.guard():
...     pass  # a call to Neo4j
>>> breaker.is_open
False
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from guanxi.errors import GraphUnavailable, GuanxiError

__all__ = ["CircuitBreaker"]

log = logging.getLogger(__name__)


class CircuitBreaker:
    """Fail fast while Neo4j is known to be down; let one probe through per cool-down.

    Parameters
    ----------
    cooldown_s
        Seconds the breaker stays open after a failure before a probe is let through;
        0 disables the breaker (every call goes to the driver).
    name
        What the breaker guards, for messages and logs.
    probe
        When given, called from a background thread to find out whether the service is
        back (it raises while it is not); callers then never probe themselves.
    """

    def __init__(
        self,
        cooldown_s: float = 1.0,
        name: str = "Neo4j",
        probe: Callable[[], object] | None = None,
    ) -> None:
        self.cooldown_s = cooldown_s
        self.name = name
        self._probe = probe
        self._lock = threading.Lock()
        # 0.0 while closed; else the monotonic time from which a probe may go through
        self._open_until = 0.0
        self._probing = False
        self._reason = ""
        self._opened_at = 0.0

    @property
    def is_open(self) -> bool:
        """Whether calls are being refused (or a probe is out) after a failure."""
        return self._open_until != 0.0

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run the block as one call to the guarded service.

        Raises :class:`GraphUnavailable` at once while the breaker is open. A
        ``GraphUnavailable`` raised by the block opens it; any other outcome, including
        another guanxi error (the server answered), closes it.
        """
        self.before()
        try:
            yield
        except GraphUnavailable as e:
            self.failure(e)
            raise
        except GuanxiError:
            self.success()  # the server answered, with an error of the query
            raise
        except BaseException:
            self.release()  # no verdict on the server: let the next caller probe
            raise
        self.success()

    def before(self) -> None:
        """Raise :class:`GraphUnavailable` unless a call may go through now."""
        if not self._open_until:  # closed: the happy path takes no lock
            return
        now = time.monotonic()
        with self._lock:
            if not self._open_until:
                return
            if self._probe is None and now >= self._open_until and not self._probing:
                self._probing = True  # this caller is the probe
                return
            reason = self._reason
        raise GraphUnavailable(
            f"{self.name} is unavailable (failing fast for {self.cooldown_s:g}s after: {reason})"
        )

    def success(self) -> None:
        """Record a call that reached the server: close the breaker."""
        if not self._open_until:
            return
        with self._lock:
            if not self._open_until:
                return
            down_s = time.monotonic() - self._opened_at
            self._open_until = 0.0
            self._probing = False
            self._reason = ""
        log.warning("%s answers again after %.1fs: circuit closed", self.name, down_s)

    def failure(self, error: BaseException) -> None:
        """Record a call that could not reach the server: open for one cool-down."""
        if self.cooldown_s <= 0:
            return
        now = time.monotonic()
        with self._lock:
            opened = not self._open_until
            self._open_until = now + self.cooldown_s
            self._probing = False
            self._reason = str(error)
            if opened:
                self._opened_at = now
        if opened:
            log.warning(
                "%s unreachable, failing fast for %gs between probes: %s",
                self.name,
                self.cooldown_s,
                error,
            )
            if self._probe is not None:
                threading.Thread(
                    target=self._probe_loop, name=f"{self.name}-probe", daemon=True
                ).start()

    def _probe_loop(self) -> None:
        """Call ``probe()`` once per cool-down until it returns; then close."""
        while self._open_until:
            time.sleep(max(0.0, self._open_until - time.monotonic()))
            try:
                assert self._probe is not None
                self._probe()
            except Exception as e:  # noqa: BLE001 - still down: another cool-down
                with self._lock:
                    if not self._open_until:
                        return
                    self._open_until = time.monotonic() + self.cooldown_s
                    self._reason = str(e)
                log.debug("%s probe failed: %s", self.name, e)
                continue
            self.success()
            return

    def release(self) -> None:
        """End a probe that gave no verdict (the next caller after the cool-down probes)."""
        if self._probing:
            with self._lock:
                self._probing = False
