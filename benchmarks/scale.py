"""The growth curve (issue #21): every step of guanxi timed with its peak memory, per size.

    .venv/bin/python benchmarks/scale.py --companies 10000 [--steps load,score,index,api]
    .venv/bin/python benchmarks/scale.py --fit            # refit orders and redraw the chart only

Each step runs as its own ``guanxi`` process (or ``benchmarks/api.py`` for the API) against
the configured database (``GUANXI_HOME``/``NEO4J_URI``; give each size its own home), while a
sampler reads every 0.5 s the resident memory of that process tree and of the Neo4j JVM of
this home; the peak of their sum is "everything together". A forked worker shares pages with
its parent, which the tree's RSS counts twice: the proportional set size (PSS, each shared
page split between its sharers) of the tree is recorded too (``peak_pss_*``), and so are the
heap and page cache the home's Neo4j runs with (``neo4j_memory``). Steps:

- ``generate``: ``guanxi generate -n N --seed 7`` into ``data/bench-N`` (skipped when the
  folder holds a generated network, unless ``--regenerate``);
- ``load``: ``guanxi db reset -y`` then ``guanxi load --bulk`` (``--loader bolt``: the Bolt
  loader) — relationships per second from the manifest;
- ``score``: ``guanxi score --json`` with its own split (centrality, intimacy, contacts);
- ``index``: the contact-path index: a ``guanxi paths`` process after the saved index is
  deleted (build and save), then another (load);
- ``train``: ``guanxi train`` with its default step budget;
- ``api``: ``benchmarks/api.py --reuse`` (single-client p95 of contact paths and ego
  networks through HTTP).

Results merge into ``benchmarks/results/scale.json`` (one entry per size and step, replaced
when rerun); ``--fit`` adds each step's growth order (the slope of log time over log
companies between the sizes measured) and draws ``docs/img/scaling.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "scale.json"
CHART = ROOT / "docs" / "img" / "scaling.png"
BIN = Path(sys.executable).parent / "guanxi"
STEPS = ("generate", "load", "score", "index", "train", "api")
GIB = 1024**3


def _neo4j() -> psutil.Process | None:
    from guanxi.config import get_settings

    home = str(get_settings().home_dir / "neo4j")
    for p in psutil.process_iter(["name", "cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if "java" in (p.info["name"] or "") and home in cmd and "CommunityEntryPoint" in cmd:
            return p
    return None


def _memory(p: psutil.Process | None, tree: bool = False) -> tuple[int, int]:
    """Resident (RSS) and proportional (PSS) set size of ``p``, and of its children when
    ``tree``: a page a forked worker shares with its parent counts once to each in RSS,
    half to each in PSS."""
    if p is None:
        return 0, 0
    try:
        procs = [p, *p.children(recursive=True)] if tree else [p]
        full = [x.memory_full_info() for x in procs]
    except psutil.Error:
        return 0, 0
    return sum(m.rss for m in full), sum(m.pss for m in full)


def neo4j_memory() -> dict:
    """The heap and page cache the configured home's Neo4j was started with (its
    ``neo4j.conf``), recorded beside every step's memory figures."""
    from guanxi.config import get_settings

    conf = get_settings().home_dir / "neo4j" / "conf" / "neo4j.conf"
    keys = {"server.memory.heap.max_size": "heap", "server.memory.pagecache.size": "page_cache"}
    out = {}
    if conf.exists():
        for line in conf.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip() in keys:
                out[keys[key.strip()]] = value.strip()
    return out


def run(args: list[str], env: dict | None = None) -> dict:
    """Run ``args`` (a guanxi sub-command, or a full command when it starts with a path),
    timing it and sampling memory; returns seconds, peaks and the process's stdout."""
    cmd = args if args[0].startswith("/") else [str(BIN), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    me = psutil.Process(proc.pid)
    keys = ("rss_python", "rss_neo4j", "rss_together", "pss_python", "pss_together")
    peak = dict.fromkeys(keys, 0)

    def sample() -> None:
        while proc.poll() is None:
            (py, pss), (neo, _) = _memory(me, tree=True), _memory(_neo4j())
            for k, v in zip(keys, (py, neo, py + neo, pss, pss + neo), strict=True):
                peak[k] = max(peak[k], v)
            time.sleep(0.5)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-3000:]}")
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        **{f"peak_{k}_gib": round(v / GIB, 2) for k, v in peak.items()},
        "_stdout": out,
    }


def _manifest(data: Path) -> dict:
    return json.loads((data / "manifest.json").read_text(encoding="utf-8"))


def step(name: str, n: int, data: Path, a: argparse.Namespace) -> dict:
    """One step at ``n`` companies; the figures it records."""
    if name == "generate":
        if (data / "manifest.json").exists() and not a.regenerate:
            return {"skipped": "data already generated; --regenerate to time it"}
        return run(["generate", "-n", str(n), "--seed", "7", "-o", str(data), "--force"])
    if name == "load":
        run(["db", "reset", "-y"])
        if a.loader == "bulk":
            r = run(["load", "--bulk", str(data), "--json"])
        else:
            run(["db", "start"])
            r = run(["load", str(data), "--json"])
        try:
            rep = json.loads(r["_stdout"])
        except json.JSONDecodeError:
            rep = {}
        r["phases_s"] = {k: round(v, 1) for k, v in (rep.get("phases") or {}).items()}
        m = _manifest(data)
        rels = sum(m["relationships"].values())
        return {
            **r,
            "loader": a.loader,
            "nodes": sum(m["nodes"].values()),
            "relationships": rels,
            "relationships_per_s": round(rels / r["seconds"]),
        }
    if name == "score":
        extra = ["--two-hop-min", str(a.two_hop_min)] if a.two_hop_min is not None else []
        r = run(["score", "--json", *extra])
        return {**r, **json.loads(r["_stdout"])}
    if name == "index":
        from guanxi.config import get_settings
        from guanxi.scoring.path_index_store import index_dir

        s = get_settings()
        shutil.rmtree(index_dir(s), ignore_errors=True)
        target = _target()
        build = run(["paths", "--to", target, "--json"])
        load = run(["paths", "--to", target, "--json"])
        return {**build, "new_process_with_saved_index_s": load["seconds"]}
    if name == "train":
        r = run(["train", "--json"])
        rep = json.loads(r["_stdout"])
        return {**r, "stages_s": rep.get("seconds"), "steps": rep.get("steps"),
                "nodes": rep.get("nodes"), "metrics": rep.get("metrics")}  # fmt: skip
    if name == "api":
        tmp = ROOT / "tmp" / f"scale-api-{n}.json"
        tmp.parent.mkdir(exist_ok=True)
        r = run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "api.py"),
                "--reuse",
                "--clients",
                str(a.api_clients),
                "--requests",
                str(a.api_requests),
                "--out",
                str(tmp),
            ]
        )
        api = json.loads(tmp.read_text(encoding="utf-8"))
        return {
            **r,
            "single_client": api.get("single_client"),
            "warm_up_s": api.get("warm_up_s"),
            "concurrent": {k: api[k] for k in ("paths", "ego_network") if k in api},
        }
    raise SystemExit(f"unknown step {name!r}; steps: {', '.join(STEPS)}")


def _target() -> str:
    from guanxi.graph.client import GraphClient

    with GraphClient() as c:
        return c.console(
            "MATCH (:RelationshipManager)-[:KNOWS]->(:Person)-[:SERVES_AS]->(c:Company) "
            "WHERE NOT (c)-[:CUSTOMER_OF]->() RETURN c.id LIMIT 1"
        )["rows"][0][0]


def fit(res: dict) -> dict:
    """Growth order per step: least-squares slope of log(seconds) on log(companies)."""
    orders = {}
    for name in STEPS:
        pts = [
            (math.log(int(n)), math.log(s[name]["seconds"]))
            for n, s in res["sizes"].items()
            if s.get(name, {}).get("seconds")
        ]
        if len(pts) >= 2:
            mx = sum(x for x, _ in pts) / len(pts)
            my = sum(y for _, y in pts) / len(pts)
            sxx = sum((x - mx) ** 2 for x, _ in pts)
            orders[name] = round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 2)
    return orders


def chart(res: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for name in STEPS:
        pts = sorted(
            (int(n), s[name]["seconds"])
            for n, s in res["sizes"].items()
            if s.get(name, {}).get("seconds")
        )
        if pts:
            order = res.get("growth_order", {}).get(name)
            label = f"{name} (order {order})" if order is not None else name
            ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="companies",
        ylabel="seconds",
        title="guanxi: time per step against network size (2 cores)",
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    CHART.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(CHART)


def _results() -> dict:
    return json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {"sizes": {}}


def record(companies: int, name: str, entry: dict) -> None:
    """Store ``entry`` as the step's figure for ``companies``, the one it replaces moved to
    the front of its ``earlier_runs``. The file is read again here, not at the start: a
    1M step runs for most of an hour, and what was edited meanwhile stays."""
    res = _results()
    steps = res["sizes"].setdefault(str(companies), {})
    if name in steps:
        old = dict(steps[name])
        entry["earlier_runs"] = [old, *old.pop("earlier_runs", [])]
    steps[name] = entry
    res["machine"] = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
        "python": platform.python_version(),
    }
    OUT.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--companies", type=int)
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--loader", choices=("bulk", "bolt"), default="bulk")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--api-clients", type=int, default=4)
    ap.add_argument("--api-requests", type=int, default=200)
    ap.add_argument("--two-hop-min", type=float, help="the score step's --two-hop-min")
    ap.add_argument("--fit", action="store_true", help="only refit and redraw")
    a = ap.parse_args()
    if not a.fit:
        if not a.companies:
            ap.error("--companies is required unless --fit")
        data = ROOT / "data" / f"bench-{a.companies}"
        for name in a.steps.split(","):
            print(f"[{a.companies}] {name}…", file=sys.stderr, flush=True)
            r = step(name.strip(), a.companies, data, a)
            r.pop("_stdout", None)
            entry = {
                **r,
                "neo4j_memory": neo4j_memory(),
                "load_avg_1m": round(os.getloadavg()[0], 1),
                "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            print(json.dumps({name: entry}, ensure_ascii=False), file=sys.stderr)
            record(a.companies, name, entry)
    res = _results()
    res["growth_order"] = fit(res)
    OUT.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    chart(res)
    print(json.dumps(res["growth_order"]))


if __name__ == "__main__":
    main()
