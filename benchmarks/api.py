"""HTTP latency of the API under concurrent clients (issue 6).

Starts ``guanxi serve --workers W`` (its own processes) on 127.0.0.1 against the configured
Neo4j, creates a throw-away key (``--role`` at the head office: ``admin`` by default —
paths from the whole bank, no visibility rules to apply; ``rm`` — paths from the head
office's RMs, every visibility rule and masking applied), waits until the contact-path
index is warm, and measures with N concurrent clients (each a keep-alive ``http.client``
connection):
- contact paths (``GET /api/v1/paths?to=…&k=3&max_hops=4``) for random non-customers;
- ego networks (``GET /api/v1/network/{id}?depth=1&cap=200``) for random parties;
p50/p95/p99 and throughput go to ``benchmarks/results/api.json``.

Without ``--reuse`` it first generates, loads and scores ``--companies`` companies
(the database is wiped). Targets: paths p95 < 250 ms, ego p95 < 100 ms (20 clients).

    .venv/bin/python benchmarks/api.py --companies 100000
    .venv/bin/python benchmarks/api.py --reuse --requests 600
    .venv/bin/python benchmarks/api.py --reuse --requests 600 --role rm \
        --out benchmarks/results/api_rm.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from guanxi.access.users import UserStore
from guanxi.config import Settings, get_settings
from guanxi.graph.client import GraphClient
from guanxi.graph.server import LocalServer

RESULTS = Path(__file__).parent / "results" / "api.json"


def _prepare(client: GraphClient, companies: int, seed: int) -> dict:
    from guanxi.pipeline import build_network

    with tempfile.TemporaryDirectory() as d:
        return build_network(client, Path(d), companies, seed)


def _sample(client: GraphClient, n: int, seed: int) -> tuple[list[str], list[str]]:
    rows = client.console(
        "MATCH (c:Company) WHERE NOT (c)-[:CUSTOMER_OF]->() AND NOT coalesce(c.nominee, false) "
        "RETURN c.id ORDER BY c.id",
        row_cap=10**7,
    )["rows"]
    rng = random.Random(seed)
    targets = rng.sample([r[0] for r in rows], min(n, len(rows)))
    parties = client.console(
        "MATCH (n:Company) WITH n, COUNT { (n)--() } AS d WHERE d <= 200 RETURN n.id ORDER BY n.id",
        row_cap=10**7,
    )["rows"]
    egos = rng.sample([r[0] for r in parties], min(n, len(parties)))
    return targets, egos


def _serve(users_file: Path, workers: int, warm_index: bool = True) -> tuple[str, subprocess.Popen]:
    """``guanxi serve`` in its own process (clients and server do not share a GIL), with the
    environment's Neo4j settings and a throw-away users file; waits for health."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # one key for every client thread: the per-key rate limit would measure itself
    env = {**os.environ, "GUANXI_USERS_FILE": str(users_file), "GUANXI_LOG_LEVEL": "WARNING",
           "GUANXI_API_WARM_INDEX": str(warm_index).lower(),
           "GUANXI_API_RATE_PER_MIN": "0"}  # fmt: skip
    guanxi = str(Path(sys.executable).with_name("guanxi"))
    cmd = [guanxi, "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"guanxi serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("guanxi serve did not answer within 120 s")


class _Conn:
    """One keep-alive HTTP/1.1 connection per client thread (``http.client``: the load
    generator shares the 2 cores with the server, and httpx spent ~3 ms of CPU per request,
    about a third of what a server worker spends on an ego network)."""

    def __init__(self, base: str, timeout: float) -> None:
        u = urlsplit(base)
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, url: str, headers: dict[str, str]) -> int:
        for attempt in (1, 2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", url, headers=headers)
                r = self.conn.getresponse()
                r.read()
                return r.status
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc: the serve process forks its workers)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        try:
            st = (d / "stat").read_text()
        except (OSError, ValueError):
            continue
        if d.name.isdigit():
            kids.setdefault(int(st.rsplit(")", 1)[1].split()[1]), []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` so far (0 for a process that is gone)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for p in pids:
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(f[11]) + int(f[12])) / tick
    return total


def _run(
    base: str,
    key: str,
    urls: list[str],
    clients: int,
    timeout: float = 60,
    servers: dict[str, list[int]] | None = None,
) -> dict[str, float]:
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}"}
    local = threading.local()

    def task(url: str) -> None:
        nonlocal errors
        if not hasattr(local, "conn"):
            local.conn = _Conn(base, timeout)
        t0 = time.perf_counter()
        status = local.conn.get(url, headers)
        dt = (time.perf_counter() - t0) * 1000
        with lock:
            lat.append(dt)
            errors += status >= 400

    servers = servers or {}
    s0 = {name: _cpu_s(pids) for name, pids in servers.items()}
    t0, c0 = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(task, urls))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    q = statistics.quantiles(lat, n=100)
    # CPU per request of the API workers and of Neo4j: steadier than latency on a shared,
    # noisy 2-core machine, and what decides throughput there
    per = {f"{name}_cpu_ms_per_request": round(1000 * (_cpu_s(pids) - s0[name]) / len(lat), 2)
           for name, pids in servers.items()}  # fmt: skip
    return {
        "requests": len(lat),
        "errors": errors,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "throughput_rps": round(len(lat) / wall, 1),
        "client_cpu_ms_per_request": round(1000 * cpu / len(lat), 2),
        **per,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="use the data already loaded")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2, help="guanxi serve --workers")
    ap.add_argument(
        "--role",
        choices=["rm", "manager", "analyst", "admin"],
        default="admin",
        help="caller (at the head office): admin = whole-bank origin, no visibility rules; "
        "rm = origin the head office's RMs, every visibility rule and masking applied",
    )
    ap.add_argument(
        "--only",
        choices=["paths", "ego"],
        help="measure one endpoint (for tuning; the server then skips the path index if ego)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()

    base_settings = get_settings()
    result: dict = {
        "clients": args.clients,
        "workers": args.workers,
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    with GraphClient(base_settings) as client:
        if not args.reuse:
            result["prepare"] = _prepare(client, args.companies, args.seed)
        result["companies"] = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
        targets, egos = _sample(client, args.requests + 10, args.seed)
    with tempfile.TemporaryDirectory() as d:
        users = Path(d) / "u.json"
        settings = Settings(**{**base_settings.model_dump(), "users_file": users})
        key = UserStore(settings).add("bench", args.role, "HO")
        result["caller"] = {"role": args.role, "branch": "HO"}
        base, proc = _serve(users, args.workers, warm_index=args.only != "ego")
        # per endpoint: the first 10 URLs warm the server up and are not measured
        urls = {
            "paths": [f"/api/v1/paths?to={t}&k=3&max_hops=4" for t in targets],
            "ego_network": [f"/api/v1/network/{e}?depth=1&cap=200" for e in egos],
        }
        wanted = {"paths": "paths", "ego": "ego_network"}.get(args.only)
        kinds = [k for k in urls if wanted in (None, k)]
        try:
            t0 = time.perf_counter()
            if "paths" in kinds:
                # every worker builds its contact-path index at start (40 s at 100k
                # companies, longer when busy): wait for them
                _run(base, key, urls["paths"][:10], args.workers * 2, timeout=600)
                result["warm_up_s"] = round(time.perf_counter() - t0, 1)
            _run(base, key, urls["ego_network"][:10], args.workers)
            neo4j = None if base_settings.external else LocalServer(base_settings).pid()
            servers = {"api": _tree(proc.pid), **({"neo4j": [neo4j]} if neo4j else {})}
            for kind in kinds:
                result[kind] = _run(base, key, urls[kind][10:], args.clients, servers=servers)
            # for context: the same calls one at a time (latency without queueing)
            n1 = max(10, (len(targets) - 10) // 4)
            result["single_client"] = {k: _run(base, key, urls[k][10 : 10 + n1], 1) for k in kinds}
        finally:
            proc.terminate()
            proc.wait(30)
    targets_ms = {"paths": 250, "ego_network": 100}
    result["targets"] = {"paths_p95_ms": 250, "ego_p95_ms": 100}
    result["pass"] = {k: result[k]["p95_ms"] < targets_ms[k] for k in kinds}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
