"""Soak run of the API: many clients over a mix of endpoints for minutes (issue 13).

Starts ``guanxi serve --workers W`` (its own processes) on 127.0.0.1 against the configured
Neo4j, with the per-key rate limit off and a throw-away users file and audit folder; creates
one key per client (``--role`` at the root branch; an analyst key beside it for the console
share when the role may not run Cypher), waits until every worker's contact-path index is
warm, then runs N concurrent clients (each a keep-alive ``http.client`` connection) for
``--duration`` seconds, warm-up included. Each client picks its next request at random by
the ``--mix`` weights:

- search ``GET /api/v1/companies?q=<name fragment>``; detail ``GET /api/v1/companies/{id}``;
- contacts ``…/companies/{id}/contacts``; ownership ``…/companies/{id}/ownership``;
- paths ``GET /api/v1/paths?to={non-customer}&k=3&max_hops=4``;
- ego ``GET /api/v1/network/{id}?depth=1&cap=200``;
- lookalikes ``…/companies/{id}/lookalikes`` for companies with an embedding (skipped, with
  the server's answer as the reason, when nothing is trained: run ``guanxi train`` first);
- console ``POST /api/v1/cypher`` with one of a few public read queries.

An error is any answer other than 2xx, a timeout (``--timeout``) or a connection error.
No refusal is designed into the run: the rate limit is off, and a client thread sends one
request at a time with its own keys, so a user never reaches the console's per-user
concurrency (``GUANXI_CONSOLE_CONCURRENCY``, 2 per worker): a 429 is an error too.

The RSS of the serve process tree (psutil) and of the Neo4j JVM is sampled every
``--sample-s`` seconds; growth is the end of the run against the end of warm-up. Reported
per endpoint: requests, errors (with the first answers), p50/p95/p99 after warm-up.
Pass: 0 errors, every endpoint of the mix exercised, no worker died, every worker's RSS
grew less than 10 % after warm-up. Without ``--reuse`` it first generates, loads and scores
``--companies`` companies (the database is wiped).

    .venv/bin/python benchmarks/soak.py --reuse                       # 10 min, 50 clients
    .venv/bin/python benchmarks/soak.py --companies 500 --duration 60 --clients 20 \\
        --warmup 15 --out /tmp/soak-small.json
    .venv/bin/python benchmarks/soak.py --reuse --mix paths=0,console=30 --role rm
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import Conn, MemorySampler, Server, memory_summary, serve  # noqa: E402

from guanxi.access.users import UserStore  # noqa: E402
from guanxi.config import Settings, get_settings  # noqa: E402
from guanxi.graph.client import GraphClient  # noqa: E402
from guanxi.graph.server import LocalServer  # noqa: E402

__all__ = ["DEFAULT_MIX", "SoakOptions", "parse_mix", "run_soak", "write_result", "print_table"]

RESULTS = Path(__file__).parent / "results" / "soak.json"
DEFAULT_MIX = {"search": 15, "detail": 20, "contacts": 15, "paths": 10, "ego": 15,
               "ownership": 10, "lookalikes": 5, "console": 10}  # fmt: skip
ENDPOINTS = tuple(DEFAULT_MIX)
#: public read queries of the console share ($id: a company)
CONSOLE_QUERIES = (
    "MATCH (c:Company {id: $id})<-[h:HOLDS_SHARES]-(x) RETURN x.name AS holder, h.pct AS pct "
    "ORDER BY pct DESC",
    "MATCH (c:Company {id: $id})<-[s:SERVES_AS]-(p:Person) RETURN p.name AS person, s.role AS role",
    "MATCH (c:Company {id: $id})-[:HOLDS_SHARES]->(o:Company) "
    "RETURN o.id AS id, o.name AS name, o.industry AS industry",
    "MATCH (c:Company {id: $id})-[:SUPPLIES]-(o:Company) RETURN o.id AS id, o.name AS name "
    "LIMIT 20",
)
GROWTH_LIMIT_PCT = 10.0


@dataclass
class SoakOptions:
    """How long, how many, and what: the run's settings (written to the JSON)."""

    duration_s: float = 600
    warmup_s: float = 60
    clients: int = 50
    workers: int = 2
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    role: str = "analyst"
    seed: int = 7
    timeout_s: float = 30
    sample_s: float = 5
    targets: int = 2000


def parse_mix(text: str | None) -> dict[str, float]:
    """``"paths=20,console=0"`` over the defaults; weight 0 leaves an endpoint out."""
    mix = dict(DEFAULT_MIX)
    for part in filter(None, (text or "").split(",")):
        name, _, weight = part.partition("=")
        if name.strip() not in DEFAULT_MIX:
            raise SystemExit(f"Unknown endpoint {name!r} in --mix; choose from {ENDPOINTS}")
        mix[name.strip()] = float(weight)
    return {k: w for k, w in mix.items() if w > 0}


def sample_targets(client: GraphClient, n: int, seed: int) -> dict[str, list[str]]:
    """Ids the clients ask about: companies, non-customers (paths), companies with an
    embedding (lookalikes), name fragments (search)."""

    def ids(where: str) -> list[str]:
        q = f"MATCH (c:Company) WHERE {where} RETURN c.id ORDER BY c.id"
        return [r[0] for r in client.console(q, row_cap=10**7)["rows"]]

    rng = random.Random(seed)
    pick = lambda xs: rng.sample(xs, min(n, len(xs)))  # noqa: E731
    companies = pick(ids("true"))
    names = client.console(
        "UNWIND $ids AS id MATCH (c:Company {id: id}) RETURN c.name", {"ids": companies[:500]}
    )["rows"]
    # the brand in 北京谷环数字科技有限公司 (region, brand, industry, suffix)
    fragments = [r[0][2:4] if len(r[0]) >= 6 else r[0] for r in names if r[0]]
    return {
        "companies": companies,
        "non_customers": pick(ids("NOT (c)-[:CUSTOMER_OF]->() AND NOT coalesce(c.nominee, false)")),
        "embedded": pick(ids("c.embedding IS NOT NULL")),
        "fragments": fragments,
    }


def make_keys(settings: Settings, root: str, clients: int, role: str) -> list[tuple[str, str]]:
    """Per client: (its key, its console key), users at ``root``. One user per client
    thread: a user then never has two console queries running at once."""
    store, out = UserStore(settings), []
    for i in range(clients):
        key = store.add(f"soak-{i:03d}", role, root)
        console = (
            key if role in ("analyst", "admin") else store.add(f"soak-c{i:03d}", "analyst", root)
        )
        out.append((key, console))
    return out


def request_for(endpoint: str, rng: random.Random, t: dict[str, list[str]]) -> tuple[str, str, Any]:
    """(method, url, json body) of one request to ``endpoint``."""
    c = quote(rng.choice(t["companies"]), safe="")
    match endpoint:
        case "search":
            return "GET", f"/api/v1/companies?q={quote(rng.choice(t['fragments']))}", None
        case "detail":
            return "GET", f"/api/v1/companies/{c}", None
        case "contacts":
            return "GET", f"/api/v1/companies/{c}/contacts", None
        case "ownership":
            return "GET", f"/api/v1/companies/{c}/ownership", None
        case "paths":
            to = quote(rng.choice(t["non_customers"]), safe="")
            return "GET", f"/api/v1/paths?to={to}&k=3&max_hops=4", None
        case "ego":
            return "GET", f"/api/v1/network/{c}?depth=1&cap=200", None
        case "lookalikes":
            e = quote(rng.choice(t["embedded"]), safe="")
            return "GET", f"/api/v1/companies/{e}/lookalikes", None
        case "console":
            body = {
                "query": rng.choice(CONSOLE_QUERIES),
                "params": {"id": rng.choice(t["companies"])},
            }
            return "POST", "/api/v1/cypher", body
    raise ValueError(endpoint)


def documented(endpoint: str, status: int, body: bytes) -> bool:
    """An answer the API documents for this request that is not a server error: the
    lookalikes of a company without an embedding (``NotFound`` 404, "run guanxi train")."""
    return endpoint == "lookalikes" and status == 404 and b"no embedding yet" in body


@dataclass
class Record:
    endpoint: str
    start_s: float  # since the clients started
    ms: float
    outcome: str  # ok | documented | error
    detail: str = ""  # status code, "timeout" or "connection: <exception>"
    url: str = ""
    body: str = ""
    reconnected: bool = False


def call(conn: Conn, endpoint: str, req: tuple[str, str, Any], key: str, t0: float) -> Record:
    method, url, body = req
    start = time.perf_counter()
    try:
        a = conn.request(method, url, {"Authorization": f"Bearer {key}"}, body)
    except TimeoutError:
        return Record(endpoint, start - t0, _ms(start), "error", "timeout", url)
    except Exception as e:  # noqa: BLE001 - connection errors of every kind are errors
        return Record(endpoint, start - t0, _ms(start), "error", f"connection: {e!r}", url)
    ok = 200 <= a.status < 300
    outcome = "ok" if ok else "documented" if documented(endpoint, a.status, a.body) else "error"
    text = "" if ok else a.body[:400].decode(errors="replace")
    return Record(
        endpoint, start - t0, _ms(start), outcome, str(a.status), url, text, a.reconnected
    )


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def drive(
    base: str, keys: list[tuple[str, str]], targets: dict[str, list[str]], opts: SoakOptions
) -> tuple[list[Record], float]:
    """Run ``len(keys)`` clients for ``opts.duration_s``; their records and the start
    (``time.perf_counter``)."""
    names, weights = list(opts.mix), list(opts.mix.values())
    per_client: list[list[Record]] = [[] for _ in keys]
    t0 = time.perf_counter()
    end = t0 + opts.duration_s

    def client(i: int) -> None:
        rng, conn = random.Random(opts.seed * 1000 + i), Conn(base, opts.timeout_s)
        key, console_key = keys[i]
        out = per_client[i]
        while time.perf_counter() < end:
            ep = rng.choices(names, weights)[0]
            req = request_for(ep, rng, targets)
            out.append(call(conn, ep, req, console_key if ep == "console" else key, t0))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(keys))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return [r for rs in per_client for r in rs], t0


def endpoint_stats(records: list[Record], warm_end_s: float, measured_s: float) -> dict:
    """Per endpoint: requests, errors by kind, first error answers, latency after warm-up."""
    out: dict[str, Any] = {}
    for ep in ENDPOINTS:
        rs = [r for r in records if r.endpoint == ep]
        if not rs:
            continue
        errs = [r for r in rs if r.outcome == "error"]
        lat = sorted(r.ms for r in rs if r.start_s >= warm_end_s)
        kinds: dict[str, int] = {}
        for r in errs:
            kinds[r.detail] = kinds.get(r.detail, 0) + 1
        q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else lat * 99
        out[ep] = {
            "requests": len(rs),
            "errors": len(errs),
            "documented": sum(r.outcome == "documented" for r in rs),
            "reconnects": sum(r.reconnected for r in rs),
            "error_kinds": kinds,
            "error_samples": [{"status": r.detail, "url": r.url, "body": r.body} for r in errs[:5]],
            "measured_requests": len(lat),
            "rps": round(len(lat) / measured_s, 2) if measured_s > 0 else None,
            "p50_ms": round(q[49], 1) if q else None,
            "p95_ms": round(q[94], 1) if q else None,
            "p99_ms": round(q[98], 1) if q else None,
            "max_ms": round(lat[-1], 1) if lat else None,
        }
    return out


def _machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def run_soak(
    settings: Settings, opts: SoakOptions, workdir: Path, say: Callable[[str], None] = print
) -> dict[str, Any]:
    """The soak run against the data already in ``settings``' Neo4j; the result (as
    written to the JSON). ``workdir`` holds the users file, the audit log and the server log."""
    result: dict[str, Any] = {"machine": _machine(), "settings": asdict(opts), "skipped": {}}
    with GraphClient(settings) as client:
        result["companies"] = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
        roots = client.console(
            "MATCH (b:Branch) WHERE NOT (b)-[:PART_OF]->(:Branch) RETURN b.id ORDER BY b.id LIMIT 1"
        )["rows"]
        targets = sample_targets(client, opts.targets, opts.seed)
    if not roots or not targets["companies"]:
        raise RuntimeError("No companies or branches loaded: run the soak without --reuse")
    root = roots[0][0]
    mix = dict(opts.mix)
    if "paths" in mix and not targets["non_customers"]:
        del mix["paths"]
        result["skipped"]["paths"] = {"status": None, "answer": "no non-customer to find paths to"}
    if "lookalikes" in mix and not targets["embedded"]:
        targets["embedded"] = targets["companies"][:1]  # ask once, for the reason
    users = Settings(**{**settings.model_dump(), "users_file": workdir / "users.json"})
    keys = make_keys(users, root, opts.clients, opts.role)
    result["callers"] = {
        "role": opts.role,
        "branch": root,
        "users": len({k for ks in keys for k in ks}),
    }
    env = {
        "GUANXI_USERS_FILE": str(workdir / "users.json"),
        "GUANXI_AUDIT_DIR": str(workdir / "audit"),
        "GUANXI_LOG_LEVEL": "WARNING",
        "GUANXI_API_WARM_INDEX": "true",
        # no designed refusals: every client has its own keys, and the rate limit is off
        "GUANXI_API_RATE_PER_MIN": "0",
        "GUANXI_API_RATE_BURST": "0",
    }
    say(f"Starting guanxi serve --workers {opts.workers} …")
    server = serve(env, opts.workers, workdir / "serve.log")
    neo4j_pid = None if settings.external else LocalServer(settings).pid()
    sampler = MemorySampler(server.proc.pid, opts.workers, neo4j_pid, opts.sample_s)
    try:
        pre = _prewarm(server, keys, targets, opts, mix, result)
        say(f"Soak: {opts.clients} clients, {opts.duration_s:g} s, warm-up {opts.warmup_s:g} s …")
        sampler.sample()
        sampler.start()
        records, t0 = drive(server.base, keys, targets, SoakOptions(**{**asdict(opts), "mix": mix}))
        sampler.stop()
        result["elapsed_s"] = round(time.perf_counter() - t0, 1)
    finally:
        server.stop()
    warm_end = min(opts.warmup_s, opts.duration_s)
    result["mix"] = mix
    result["endpoints"] = endpoint_stats(pre + records, warm_end, opts.duration_s - warm_end)
    result["memory"] = memory_summary(sampler, t0, warm_end)
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    errors = sum(e["errors"] for e in result["endpoints"].values())
    result["errors"] = errors
    result["server_exit"] = server.proc.returncode  # -15: stopped by our SIGTERM (1 worker)
    if errors or server.proc.returncode not in (0, -15) or "Traceback" in server.log_tail():
        result["server_log_tail"] = server.log_tail()
    workers = [p for p in result["memory"]["processes"] if p["role"] == "worker"]
    result["pass"] = {
        "errors": errors == 0,
        "all_endpoints": all(
            result["endpoints"].get(ep, {}).get("measured_requests") for ep in mix
        ),
        "workers_alive": bool(workers) and all(p["alive_at_end"] for p in workers),
        "memory_growth": all(p["growth_pct"] < GROWTH_LIMIT_PCT for p in workers),
    }
    result["pass"]["all"] = all(result["pass"].values())
    return result


def _prewarm(
    server: Server, keys: list[tuple[str, str]], targets: dict[str, list[str]],
    opts: SoakOptions, mix: dict[str, float], result: dict[str, Any],
) -> list[Record]:  # fmt: skip
    """Before the clock: lookalikes answer or are skipped (``mix`` and ``result`` say
    why); every worker's contact-path index gets built (``workers × 2`` path requests at
    once, no timeout to speak of: 40 s and more at 100k companies). Their records."""
    out: list[Record] = []
    rng, conn = random.Random(opts.seed), Conn(server.base, 600)
    if "lookalikes" in mix:
        r = call(conn, "lookalikes", request_for("lookalikes", rng, targets), keys[0][0], 0.0)
        if r.outcome != "ok":
            del mix["lookalikes"]
            result["skipped"]["lookalikes"] = {
                "status": r.detail,
                "answer": r.body or None,
                "counted_as_error": r.outcome == "error",
            }
            out.append(r)
    if "paths" in mix:
        t = time.perf_counter()

        def one(i: int) -> Record:
            req = request_for("paths", random.Random(i), targets)
            return call(Conn(server.base, 600), "paths", req, keys[i % len(keys)][0], 0.0)

        with ThreadPoolExecutor(max_workers=opts.workers * 2) as pool:
            out += pool.map(one, range(opts.workers * 2))
        result["index_warm_s"] = round(time.perf_counter() - t, 1)
    for r in out:  # before the clock: never counted as measured latency
        r.start_s = -1.0
    conn.close()
    return out


def write_result(result: dict[str, Any], out: Path) -> None:
    """The result as JSON at ``out`` (the benchmark and its short test alike)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{'endpoint':<11} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for ep, s in result["endpoints"].items():
        p = [s[k] if s[k] is not None else "-" for k in ("p50_ms", "p95_ms", "p99_ms")]
        print(f"{ep:<11} {s['requests']:>9} {s['errors']:>7} {p[0]:>8} {p[1]:>8} {p[2]:>8}")
    for ep, why in result["skipped"].items():
        print(f"{ep:<11} skipped: {why['status']} {why['answer']}")
    print(f"\n{'process':<18} {'warm MiB':>9} {'end MiB':>9} {'growth %':>9} {'MiB/min':>8}")
    for p in result["memory"]["processes"]:
        name = f"{p['role']} {p['pid']}"
        print(f"{name:<18} {p['warm_mib']:>9} {p['end_mib']:>9} {p['growth_pct']:>9} "
              f"{p['slope_mib_per_min']:>8}")  # fmt: skip
    print(f"\npass: {result['pass']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=600, help="seconds, warm-up included")
    ap.add_argument(
        "--warmup", type=float, default=60, help="seconds before memory and latency count"
    )
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="guanxi serve --workers")
    ap.add_argument("--mix", help=f"endpoint=weight,… over the defaults {DEFAULT_MIX}; 0 drops one")
    ap.add_argument(
        "--role",
        choices=["rm", "manager", "analyst", "admin"],
        default="analyst",
        help="the clients' role, at the root branch (console: analysts always)",
    )
    ap.add_argument("--timeout", type=float, default=30, help="seconds per request (then an error)")
    ap.add_argument("--sample-s", type=float, default=5, help="seconds between RSS samples")
    ap.add_argument("--reuse", action="store_true", help="use the data already loaded")
    ap.add_argument("--companies", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()  # fmt: skip

    opts = SoakOptions(duration_s=args.duration, warmup_s=args.warmup, clients=args.clients,
                       workers=args.workers, mix=parse_mix(args.mix), role=args.role,
                       seed=args.seed, timeout_s=args.timeout, sample_s=args.sample_s)  # fmt: skip
    settings = get_settings()
    prepare = None
    if not args.reuse:
        from guanxi.pipeline import build_network

        with GraphClient(settings) as client, tempfile.TemporaryDirectory() as d:
            prepare = build_network(client, Path(d), args.companies, args.seed, say=print)
    with tempfile.TemporaryDirectory() as d:
        result = run_soak(settings, opts, Path(d))
    if prepare:
        result["prepare"] = prepare
    write_result(result, args.out)
    print_table(result)
    print(f"\n{args.out}")
    if not result["pass"]["all"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
