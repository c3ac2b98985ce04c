"""Helpers of the HTTP benchmarks: ``guanxi serve`` in its own process, keep-alive
``http.client`` connections (GET and POST), and the memory (RSS) of the serve process tree.

Not a benchmark itself (``make bench`` runs it and it does nothing). ``benchmarks/soak.py``
and ``tests/api/test_soak_short.py`` use it; ``benchmarks/api.py`` has its own copies of
the same approach (``_serve``, ``_Conn``).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

__all__ = ["Answer", "Conn", "MemorySampler", "Server", "free_port", "memory_summary", "serve"]

MIB = 1024 * 1024


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running ``guanxi serve``: its base URL, process and log file (its stderr)."""

    base: str
    proc: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 30) -> int | None:
        """Terminate the server (SIGTERM: uvicorn stops its workers), kill it if it hangs."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def serve(env: dict[str, str], workers: int, log_path: Path, start_timeout: float = 120) -> Server:
    """Start ``guanxi serve --workers W`` on a free port with the environment ``env``
    (on top of this process's), its stderr to ``log_path`` (a pipe nobody reads would
    fill up and block the server during a long run; stdout — the access log — is
    dropped), and wait until ``/api/v1/health`` answers 200."""
    port = free_port()
    guanxi = str(Path(sys.executable).with_name("guanxi"))
    cmd = [guanxi, "serve", "--port", str(port), "--workers", str(workers)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log_file
        )
    server = Server(f"http://127.0.0.1:{port}", proc, log_path)
    conn = Conn(server.base, timeout=2)
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"guanxi serve exited ({proc.returncode}): {server.log_tail()}")
        try:
            if conn.request("GET", "/api/v1/health").status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"guanxi serve did not answer within {start_timeout:g} s")


@dataclass
class Answer:
    """One response: status, body bytes and whether the connection had to be reopened."""

    status: int
    body: bytes
    reconnected: bool = False

    def json(self) -> Any:
        return json.loads(self.body)


class Conn:
    """One keep-alive HTTP/1.1 connection (``http.client``: the load generator shares
    the cores with the server, and httpx spends ~3 ms of CPU per request).

    A request on a reused connection that the server had closed (the send fails, or the
    connection drops before any status line) is sent once more on a new connection and
    the answer says so; a failure on a fresh connection is raised
    (``OSError``/``http.client.HTTPException``; ``TimeoutError`` after ``timeout``).
    """

    def __init__(self, base: str, timeout: float) -> None:
        u = urlsplit(base)
        self.host, self.port, self.timeout = u.hostname or "127.0.0.1", u.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> Answer:
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        reused = self.conn is not None
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, url, body=data, headers=hdrs)
                r = self.conn.getresponse()
                return Answer(r.status, r.read(), reconnected=attempt == 2)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or not reused:
                    raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class MemorySampler(threading.Thread):
    """RSS of the ``guanxi serve`` process tree (and of the Neo4j JVM) every ``every_s``
    seconds: ``samples`` are ``(time.perf_counter(), {pid: rss bytes})``, ``roles`` says which
    pid is a worker, the supervisor, a helper or neo4j."""

    def __init__(self, serve_pid: int, workers: int, neo4j_pid: int | None, every_s: float):
        super().__init__(daemon=True)
        self.serve_pid, self.workers, self.neo4j_pid = serve_pid, workers, neo4j_pid
        self.every_s = every_s
        self.samples: list[tuple[float, dict[int, int]]] = []  # (perf_counter, rss)
        self.roles: dict[int, str] = {}
        self._done = threading.Event()

    def sample(self) -> None:
        rss: dict[int, int] = {}
        try:
            parent = psutil.Process(self.serve_pid)
            procs = [parent, *parent.children(recursive=True)]
        except psutil.Error:
            procs = []
        if self.neo4j_pid:
            procs.append(psutil.Process(self.neo4j_pid))
        for p in procs:
            try:
                rss[p.pid] = p.memory_info().rss
                if p.pid not in self.roles:
                    self.roles[p.pid] = self._role(p)
            except psutil.Error:
                continue
        self.samples.append((time.perf_counter(), rss))

    def _role(self, p: psutil.Process) -> str:
        if p.pid == self.neo4j_pid:
            return "neo4j"
        if p.pid == self.serve_pid:
            return "worker" if self.workers == 1 else "supervisor"
        return "worker" if "spawn_main" in " ".join(p.cmdline()) else "helper"

    def run(self) -> None:
        while not self._done.wait(self.every_s):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()
        self.sample()


def memory_summary(s: MemorySampler, t0: float, warm_end_s: float) -> dict[str, Any]:
    """Per process: RSS at the start, at the end of warm-up (``t0 + warm_end_s``) and at
    the end (MiB), growth % of the end over the end of warm-up, peak, the least-squares
    slope after warm-up (MiB/min), and whether it was still there at the end."""
    out: dict[str, Any] = {"samples": len(s.samples), "every_s": s.every_s, "processes": []}
    last = s.samples[-1][1] if s.samples else {}
    for pid, role in sorted(s.roles.items(), key=lambda x: (x[1], x[0])):
        series = [(t - t0, r[pid]) for t, r in s.samples if pid in r]
        after = [(t, v) for t, v in series if t >= warm_end_s] or series[-1:]
        base, end = after[0][1], series[-1][1]
        slope = 0.0
        if len(after) >= 3:
            slope = statistics.linear_regression([t for t, _ in after], [v for _, v in after]).slope
        out["processes"].append({
            "pid": pid, "role": role, "alive_at_end": pid in last,
            "start_mib": round(series[0][1] / MIB, 1), "warm_mib": round(base / MIB, 1),
            "end_mib": round(end / MIB, 1), "peak_mib": round(max(v for _, v in series) / MIB, 1),
            "growth_pct": round(100 * (end - base) / base, 2),
            "slope_mib_per_min": round(slope * 60 / MIB, 3),
        })  # fmt: skip
    return out
