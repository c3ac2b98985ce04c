"""Campaigns at scale (issue #15): creating a 10,000-target campaign with path snapshots,
importing 100,000 touches, and "my tasks" / the campaign page under 20 concurrent clients.

Against the configured Neo4j (without ``--reuse`` it first generates, loads and scores
``--companies`` companies; the database is wiped). Steps, each timed:

1. ``targets``: ``--targets`` random active non-customer companies, as a CSV of ids;
2. the contact-path index is built once (reported apart: a running API builds it at start);
3. ``create``: :func:`guanxi.campaigns.create.create_campaign` from that CSV, owner the head
   office, 20 % control, every treatment target's top-2 paths snapshotted into its task;
4. ``touches``: ``--touches`` rows over the tasks (person = the task's key contact or the
   last person on its path), written as a CSV and imported with
   :func:`guanxi.campaigns.touches.import_touches` (validation included);
5. ``http``: ``guanxi serve --workers 2``; ``--clients`` concurrent keep-alive clients ask
   ``GET /api/v1/tasks`` as RMs (50 drawn at random among those with tasks in it) and
   ``GET /ui/campaigns/{id}`` as
   a head-office manager, after one warm-up request per worker and page.

Targets: create ≤ 60 s, touches ≥ 10,000 rows/s, p95 < 100 ms. Results:
``benchmarks/results/campaigns.json``.

    .venv/bin/python benchmarks/campaigns.py --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import psutil  # noqa: E402
from _http import Conn, serve  # noqa: E402

from guanxi.access.campaigns import TaskScope  # noqa: E402
from guanxi.access.scope import Scope  # noqa: E402
from guanxi.access.users import User, UserStore  # noqa: E402
from guanxi.campaigns.create import CampaignSpec, create_campaign  # noqa: E402
from guanxi.campaigns.touches import import_touches  # noqa: E402
from guanxi.config import Settings, get_settings  # noqa: E402
from guanxi.graph.client import GraphClient  # noqa: E402
from guanxi.scoring.path_index_cache import get_index  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "campaigns.json"
OUTCOMES = ["no_answer", "contacted", "meeting", "interested", "declined"]
CHANNELS = ["visit", "phone", "WeChat", "email"]


def _operator() -> TaskScope:
    op = User(name="bench", role="admin", branch="HO")
    return TaskScope(Scope(user=op, branches=frozenset(), lines=frozenset(), root=True))


def _neo4j_cpu(settings: Settings) -> float:
    """CPU seconds the local Neo4j has used (0 when its pid is unknown)."""
    pid_file = Path(settings.home) / "neo4j" / "run" / "neo4j.pid"
    try:
        p = psutil.Process(int(pid_file.read_text().split()[0]))
        t = p.cpu_times()
        return t.user + t.system
    except (OSError, ValueError, psutil.Error):
        return 0.0


class Clock:
    """Wall time, this process's CPU time and Neo4j's CPU time over a step: on a shared
    machine (load average above the cores) the CPU seconds say what the step costs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.t, self.cpu, self.db = time.perf_counter(), time.process_time(), _neo4j_cpu(settings)
        self.load = os.getloadavg()[0]

    def done(self) -> dict:
        return {
            "wall_s": round(time.perf_counter() - self.t, 1),
            "python_cpu_s": round(time.process_time() - self.cpu, 1),
            "neo4j_cpu_s": round(_neo4j_cpu(self.settings) - self.db, 1),
            "load_avg_1m": [round(self.load, 1), round(os.getloadavg()[0], 1)],
        }


def _clean(client: GraphClient) -> int:
    """Delete the campaigns of earlier runs (``CMP-BENCH-*``) with their tasks, touches and
    conversions, in batches (not timed); the KNOWS their touches updated stay."""
    gone = 0
    for label, rel in (("Touch", "ON"), ("Conversion", "VIA")):
        while True:
            n = client.console(
                f"MATCH (x:{label})-[:{rel}]->(:Task)-[:FOR]->(c:Campaign) "
                "WHERE c.id STARTS WITH 'CMP-BENCH-' WITH x LIMIT 20000 "
                "DETACH DELETE x RETURN count(*)",
                allow_write=True,
            )["rows"][0][0]
            gone += n
            if n == 0:
                break
    while True:
        n = client.console(
            "MATCH (x)-[:FOR]->(c:Campaign) WHERE c.id STARTS WITH 'CMP-BENCH-' "
            "WITH x LIMIT 20000 DETACH DELETE x RETURN count(*)",
            allow_write=True,
        )["rows"][0][0]
        gone += n
        if n == 0:
            break
    client.console(
        "MATCH (c:Campaign) WHERE c.id STARTS WITH 'CMP-BENCH-' DETACH DELETE c", allow_write=True
    )
    return gone


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)


def _load(base: str, paths: list[tuple[str, str]], clients: int, requests: int) -> dict:
    """``requests`` GETs spread over ``clients`` threads, each (url, key) at random."""
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(n: int, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = Conn(base, timeout=30)
        for _ in range(n):
            url, key = rng.choice(paths)
            t0 = time.perf_counter()
            ans = conn.request("GET", url, {"Authorization": f"Bearer {key}"})
            dt = (time.perf_counter() - t0) * 1e3
            with lock:
                lat.append(dt)
                errors += ans.status != 200
        conn.close()

    per = requests // clients
    threads = [threading.Thread(target=worker, args=(per, i)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "requests": len(lat),
        "errors": errors,
        "p50_ms": _pct(lat, 0.5),
        "p95_ms": _pct(lat, 0.95),
        "p99_ms": _pct(lat, 0.99),
        "mean_ms": round(statistics.mean(lat), 1),
        "throughput_rps": round(len(lat) / wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="use the loaded database as it is")
    ap.add_argument("--clean", action="store_true", help="delete earlier runs' campaigns first")
    ap.add_argument("--targets", type=int, default=10_000)
    ap.add_argument("--touches", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    settings = get_settings()
    client = GraphClient(settings)
    res: dict = {"benchmark": "campaigns", "machine": {"cpus": os.cpu_count(),
                 "python": platform.python_version(), "load_avg": os.getloadavg()}}  # fmt: skip
    if not args.reuse:
        from guanxi.pipeline import build_network

        with tempfile.TemporaryDirectory() as d:
            res["build"] = build_network(client, Path(d), args.companies, args.seed)
    if args.clean:
        res["cleaned_nodes"] = _clean(client)
    res["companies"] = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
    rows = client.console(
        "MATCH (c:Company) WHERE NOT (c)-[:CUSTOMER_OF]->() AND coalesce(c.status, 'active') "
        "= 'active' AND NOT coalesce(c.nominee, false) RETURN c.id",
        row_cap=10_000_000, max_bytes=10**9,
    )["rows"]  # fmt: skip
    rng = random.Random(args.seed)
    ids = rng.sample([r[0] for r in rows], min(args.targets, len(rows)))
    work = Path(tempfile.mkdtemp(prefix="gx-bench-campaigns-"))
    (work / "targets.csv").write_text("id\n" + "\n".join(ids) + "\n")
    t0 = time.perf_counter()
    get_index(client)
    res["path_index_build_s"] = round(time.perf_counter() - t0, 1)
    ts = _operator()
    spec = CampaignSpec(name="bench", owner_branch="HO", source="ids",
                        source_spec={"file": str(work / "targets.csv")}, capacity=1000,
                        id=f"CMP-BENCH-{int(time.time())}")  # fmt: skip
    t0, clock = time.perf_counter(), Clock(settings)
    made = create_campaign(client, ts, spec)
    res["create"] = {**made, "total_s": round(time.perf_counter() - t0, 1), "target_s": 60,
                     "cost": clock.done()}  # fmt: skip
    print("create", res["create"], flush=True)

    tasks = client.console(
        "MATCH (t:Task)-[:FOR]->(:Campaign {id: $c}) MATCH (t)-[:ASSIGNED_TO]->(r) "
        "RETURN t.id, t.key_contact_id, "
        "[x IN coalesce(t.path_ids, []) WHERE x STARTS WITH 'P'], r.id",
        {"c": made["id"]}, row_cap=10_000_000, max_bytes=10**9,
    )["rows"]  # fmt: skip
    lines = ["task_id,person_id,at,channel,outcome,note"]
    for i in range(args.touches):
        tid, kc, persons, _rm = tasks[i % len(tasks)]
        person = kc or (persons[-1] if persons else "")
        day = f"2026-{1 + i % 11:02d}-{1 + (i // 11) % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}:00"
        lines.append(f"{tid},{person},{day},{CHANNELS[i % 4]},{OUTCOMES[i % 5]},bench {i}")
    csv = work / "touches.csv"
    csv.write_text("\n".join(lines) + "\n")
    t0, clock = time.perf_counter(), Clock(settings)
    imported = import_touches(client, ts, csv)
    dt = time.perf_counter() - t0
    res["touches"] = {**imported.to_dict(), "touch_ids": None, "rows": args.touches,
                      "seconds": round(dt, 1), "rows_per_s": round(args.touches / dt),
                      "target_rows_per_s": 10_000, "cost": clock.done()}  # fmt: skip
    print("touches", res["touches"], flush=True)

    users = work / "users.json"
    s = Settings(**{**settings.model_dump(), "users_file": users})
    store = UserStore(s)
    rms = client.console(
        "MATCH (t:Task)-[:FOR]->(:Campaign {id: $c}) "
        "MATCH (t)-[:ASSIGNED_TO]->(r)-[:WORKS_AT]->(b) "
        "RETURN DISTINCT r.id, b.id ORDER BY rand() LIMIT 50", {"c": made["id"]},
    )["rows"]  # fmt: skip
    rm_keys = [(r[0], store.add(r[0], "rm", r[1])) for r in rms]
    mgr = store.add("head", "manager", "HO")
    env = {"GUANXI_USERS_FILE": str(users), "GUANXI_API_WARM_INDEX": "false",
           "GUANXI_API_RATE_PER_MIN": "0", "GUANXI_AUDIT_DIR": str(work / "audit")}  # fmt: skip
    server = serve(env, 2, work / "serve.log")
    try:
        page = (f"/ui/campaigns/{made['id']}", mgr)
        mine = [("/api/v1/tasks", k) for _, k in rm_keys]
        warm = Conn(server.base, timeout=120)
        for _ in range(4):  # each worker computes the campaign view once per graph version
            warm.request("GET", page[0], {"Authorization": f"Bearer {mgr}"})
        warm.close()
        res["http"] = {
            "clients": args.clients,
            "workers": 2,
            "my_tasks": _load(server.base, mine, args.clients, args.requests),
            "campaign_page": _load(server.base, [page], args.clients, args.requests // 2),
            "target_p95_ms": 100,
        }
    finally:
        server.stop()
    print("http", res["http"], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2, default=str) + "\n")
    client.close()


if __name__ == "__main__":
    main()
