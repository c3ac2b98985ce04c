"""HTTP latency of the API under concurrent clients (issue 6).

Starts ``guanxi serve --workers W`` (its own processes) on 127.0.0.1 against the configured
Neo4j, creates a throw-away admin key, waits until the contact-path index is warm, and
measures with N concurrent clients:
- contact paths (``GET /api/v1/paths?to=…&k=3&max_hops=4``) for random non-customers;
- ego networks (``GET /api/v1/network/{id}?depth=1&cap=200``) for random parties;
p50/p95/p99 and throughput go to ``benchmarks/results/api.json``.

Without ``--reuse`` it first generates, loads and scores ``--companies`` companies
(the database is wiped). Targets: paths p95 < 250 ms, ego p95 < 100 ms (20 clients).

    .venv/bin/python benchmarks/api.py --companies 100000
    .venv/bin/python benchmarks/api.py --reuse --requests 400
"""

from __future__ import annotations

import argparse
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

import httpx

from guanxi.api.users import UserStore
from guanxi.config import Settings, get_settings
from guanxi.graph.client import GraphClient

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


def _serve(users_file: Path, workers: int) -> tuple[str, subprocess.Popen]:
    """``guanxi serve`` in its own process (clients and server do not share a GIL), with the
    environment's Neo4j settings and a throw-away users file; waits for health."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GUANXI_USERS_FILE": str(users_file), "GUANXI_LOG_LEVEL": "WARNING"}
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


def _run(
    base: str, key: str, urls: list[str], clients: int, timeout: float = 60
) -> dict[str, float]:
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}"}

    def one(url: str, http: httpx.Client) -> None:
        nonlocal errors
        t0 = time.perf_counter()
        r = http.get(url, headers=headers)
        dt = (time.perf_counter() - t0) * 1000
        with lock:
            lat.append(dt)
            errors += r.status_code >= 400

    local = threading.local()

    def task(url: str) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=base, timeout=timeout)
        one(url, local.http)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(task, urls))
    wall = time.perf_counter() - t0
    q = statistics.quantiles(lat, n=100)
    return {
        "requests": len(lat),
        "errors": errors,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "throughput_rps": round(len(lat) / wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="use the data already loaded")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2, help="guanxi serve --workers")
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
        targets, egos = _sample(client, args.requests, args.seed)
    with tempfile.TemporaryDirectory() as d:
        users = Path(d) / "u.json"
        settings = Settings(**{**base_settings.model_dump(), "users_file": users})
        key = UserStore(settings).add("bench", "admin", "HO")
        base, proc = _serve(users, args.workers)
        try:
            # warm-up: every worker builds its contact-path index at start; wait for them
            t0 = time.perf_counter()
            # (each worker builds its index at start: 40 s at 100k companies, longer when busy)
            warm = [f"/api/v1/paths?to={t}&k=3" for t in targets[:8]]
            _run(base, key, warm, args.workers * 2, timeout=600)
            result["warm_up_s"] = round(time.perf_counter() - t0, 1)
            _run(base, key, [f"/api/v1/network/{e}" for e in egos[:10]], args.workers)
            result["paths"] = _run(
                base, key, [f"/api/v1/paths?to={t}&k=3&max_hops=4" for t in targets], args.clients
            )
            result["ego_network"] = _run(
                base, key, [f"/api/v1/network/{e}?depth=1&cap=200" for e in egos], args.clients
            )
            # for context: the same calls one at a time (latency without queueing)
            n1 = max(10, len(targets) // 4)
            result["single_client"] = {
                "paths": _run(base, key, [f"/api/v1/paths?to={t}&k=3&max_hops=4"
                                          for t in targets[:n1]], 1),
                "ego_network": _run(base, key, [f"/api/v1/network/{e}?depth=1&cap=200"
                                                for e in egos[:n1]], 1),
            }  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(30)
    result["targets"] = {"paths_p95_ms": 250, "ego_p95_ms": 100}
    result["pass"] = {
        "paths": result["paths"]["p95_ms"] < 250,
        "ego_network": result["ego_network"]["p95_ms"] < 100,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
