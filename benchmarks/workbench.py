"""The network workbench in headless Chromium at 1280x800, timed in the browser (issue 23).

Starts the API in this process (uvicorn, a throw-away admin key) against the configured
Neo4j and drives ``/ui/workbench`` with Debian's chromium through selenium:
- first canvas: a shared URL of a 200-node neighbourhood (a hub's ego network) opened in a
  fresh page; ``page_to_canvas_ms`` is navigation start to the first drawn frame with the
  nodes, ``open_ms`` the ``wb-open`` performance measure (canvas request to first frame);
- expand: ``--repeats`` expansions of the largest type (at most 300) of random canvas
  nodes, each once the canvas has settled, as a person works (the ``wb-expand`` measure:
  the neighbours request to the first frame that draws them; ``-fetch`` and ``-draw``
  split it at the response);
- a large canvas of ``--big`` elements (nodes + relationships): time to settle, whether
  physics is off after it settles, and frame times of zooming (``beforeDrawing`` to
  ``afterDrawing`` of 20 zoom steps, each drawn at once by ``network.redraw()``).

Without ``--reuse`` it first generates and loads ``--companies`` companies (the database is
wiped; ``--score`` also runs batch scoring). Targets: first canvas < 1 s, expand < 300 ms,
the large canvas settled with physics off and frames well under 100 ms. Results go to
``benchmarks/results/workbench.json``.

    .venv/bin/python benchmarks/workbench.py --companies 100000
    .venv/bin/python benchmarks/workbench.py --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import uvicorn
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.config import get_settings
from guanxi.graph.client import GraphClient
from guanxi.scoring.ego import ego_network

RESULTS = Path(__file__).parent / "results" / "workbench.json"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _prepare(client: GraphClient, companies: int, seed: int, score: bool) -> dict:
    from guanxi.graph.admin import init_schema, wipe
    from guanxi.loaders import load
    from guanxi.loaders.synthetic.generate import generate
    from guanxi.loaders.synthetic.world import GeneratorConfig
    from guanxi.scoring.projection import clear_cache

    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        if score:
            from guanxi.pipeline import build_network

            return build_network(client, Path(d), companies, seed)
        init_schema(client)
        wipe(client)
        clear_cache()
        t0 = time.perf_counter()
        generate(GeneratorConfig(companies=companies, seed=seed), Path(d), force=True)
        out["generate_s"] = round(time.perf_counter() - t0, 1)
        report = load(client, [Path(d)])
        out["load_s"] = round(report.elapsed_s, 1)
    return out


def _neighbourhood(client: GraphClient, size: int, seed: int) -> tuple[str, list[str]]:
    """A hub company and ``size`` node ids of its neighbourhood (depth 2, capped)."""
    rows = client.console(
        "MATCH (c:Company) WITH c, COUNT { (c)--() } AS d WHERE d >= 15 AND d <= 400 "
        "RETURN c.id ORDER BY d DESC LIMIT 200",
        row_cap=1000,
    )["rows"]
    rng = random.Random(seed)
    for (cid,) in rng.sample(rows, len(rows)):
        net = ego_network(client, cid, depth=3, cap=size)
        if len(net.nodes) >= size:
            return cid, [n["id"] for n in net.nodes][:size]
    raise SystemExit(f"no neighbourhood of {size} nodes found")


def _serve(users_file: Path) -> tuple[str, uvicorn.Server]:
    settings = get_settings().model_copy(
        update={"users_file": users_file, "api_warm_index": False, "api_rate_per_min": 0}
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    app.state.plans_warm.wait(180)  # a started server has planned the workbench's queries
    return f"http://127.0.0.1:{port}", srv


def _browser(profile: Path) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--window-size=1280,800",
                 f"--user-data-dir={profile}"):  # fmt: skip
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)


def _body(drv: webdriver.Chrome, name: str) -> str | None:
    return drv.find_element(By.TAG_NAME, "body").get_attribute(name)


def _measure(drv: webdriver.Chrome, name: str) -> float:
    return drv.execute_script(
        "var m = performance.getEntriesByName(arguments[0]); return m[m.length - 1].duration;",
        name,
    )


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))], 1)


def _first_canvas(drv: webdriver.Chrome, base: str, ids: list[str], runs: int) -> dict:
    page, open_, fetch, draw = [], [], [], []
    for _ in range(runs):
        drv.get(base + "/ui/workbench?n=" + quote(",".join(ids), safe=","))
        WebDriverWait(drv, 60).until(lambda d: _body(d, "data-ready") == "1")
        WebDriverWait(drv, 60).until(
            lambda d: d.execute_script("return performance.getEntriesByName('wb-open').length")
        )
        open_.append(_measure(drv, "wb-open"))
        fetch.append(_measure(drv, "wb-open-fetch"))
        draw.append(_measure(drv, "wb-open-draw"))
        page.append(
            drv.execute_script("return performance.getEntriesByName('wb-open-end')[0].startTime")
        )
    nodes = int(_body(drv, "data-nodes") or 0)
    return {"nodes": nodes, "edges": int(_body(drv, "data-edges") or 0), "runs": runs,
            "page_to_canvas_ms_p50": _pct(page, 0.5), "page_to_canvas_ms_max": _pct(page, 1),
            "open_ms_p50": _pct(open_, 0.5), "open_ms_max": _pct(open_, 1),
            "fetch_ms_p50": _pct(fetch, 0.5), "draw_ms_p50": _pct(draw, 0.5)}  # fmt: skip


def _expands(drv: webdriver.Chrome, repeats: int, seed: int) -> dict:
    rng = random.Random(seed)
    times, fetch, draw, sizes, each, full = [], [], [], [], [], 0
    ids = drv.execute_script("return WB.nodes.getIds()")
    # room for many expansions: at the default cap of 500 an expansion adds nothing
    drv.execute_script("document.getElementById('wb-cap').value = 2000; WB.state.cap = 2000;")
    for node in rng.sample(ids, min(len(ids), repeats * 3)):
        if len(times) >= repeats:
            break
        counts = drv.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "fetch('/api/v1/workbench/nodes/' + encodeURIComponent(arguments[0]) + '/counts',"
            "{credentials: 'same-origin'}).then(r => r.json()).then(done);",
            node,
        )
        counts = [c for c in counts if c["count"] <= 300]
        if not counts:
            continue
        c = counts[0]
        # as a person would: the previous expansion has settled (physics stopped)
        WebDriverWait(drv, 30).until(lambda d: _body(d, "data-settled") == "1")
        drv.execute_script("document.body.removeAttribute('data-expanded');"
                           "WB.act.expand(arguments[0], arguments[1], arguments[2], arguments[3])",
                           node, c["type"], c["direction"], c["count"])  # fmt: skip
        want = f"{node}:{c['type']}:{c['direction']}"
        WebDriverWait(drv, 30).until(lambda d, w=want: _body(d, "data-expanded") == w)
        if _body(drv, "data-expand-drawn") != "1":  # the cap was reached: nothing to time
            full += 1
            continue
        WebDriverWait(drv, 30).until(
            lambda d, n=len(times) + 1: (
                d.execute_script("return performance.getEntriesByName('wb-expand').length") >= n
            )
        )
        times.append(_measure(drv, "wb-expand"))
        fetch.append(_measure(drv, "wb-expand-fetch"))
        draw.append(_measure(drv, "wb-expand-draw"))
        sizes.append(c["count"])
        each.append({"node": node, "type": c["type"], "direction": c["direction"],
                     "count": c["count"], "ms": round(times[-1], 1),
                     "fetch_ms": round(fetch[-1], 1), "draw_ms": round(draw[-1], 1),
                     "canvas_nodes": int(_body(drv, "data-nodes") or 0),
                     "canvas_edges": int(_body(drv, "data-edges") or 0)})  # fmt: skip
    return {"expands": len(times), "not_drawn_at_cap": full,
            "neighbours_mean": round(statistics.mean(sizes), 1),
            "neighbours_max": max(sizes), "expand_ms_p50": _pct(times, 0.5),
            "expand_ms_p95": _pct(times, 0.95), "expand_ms_max": _pct(times, 1),
            "fetch_ms_p50": _pct(fetch, 0.5), "draw_ms_p50": _pct(draw, 0.5),
            "slowest": sorted(each, key=lambda x: -x["ms"])[:3]}  # fmt: skip


def _large(drv: webdriver.Chrome, base: str, ids: list[str], shot: Path | None) -> dict:
    drv.get(base + "/ui/workbench")
    WebDriverWait(drv, 60).until(lambda d: _body(d, "data-ready") == "1")
    t0 = time.perf_counter()
    drv.execute_script("document.getElementById('wb-cap').value = 2000;"
                       "WB.state.cap = 2000; WB.act.openIds(arguments[0]);", ids)  # fmt: skip
    WebDriverWait(drv, 120).until(lambda d: int(_body(d, "data-nodes") or 0) > 0)
    WebDriverWait(drv, 120).until(lambda d: _body(d, "data-settled") == "1")
    settle = (time.perf_counter() - t0) * 1000
    drv.set_script_timeout(120)
    frames = drv.execute_async_script(
        "var done = arguments[arguments.length - 1], t = 0, out = [], i = 0;"
        "network.on('beforeDrawing', function () { t = performance.now(); });"
        "network.on('afterDrawing', function () { out.push(performance.now() - t); });"
        "function step() { if (i++ >= 20) { done(out); return; }"
        "  network.moveTo({scale: 0.3 + 0.03 * i}); network.redraw(); setTimeout(step, 20); }"
        "step();"
    )
    physics = drv.execute_script("return network.physics.options.enabled")
    if shot:
        drv.save_screenshot(str(shot))
    n, e = int(_body(drv, "data-nodes")), int(_body(drv, "data-edges"))
    return {"nodes": n, "edges": e, "elements": n + e, "settle_ms": round(settle),
            "physics_after_settle": physics, "frames": len(frames),
            "frame_ms_p50": _pct(frames, 0.5), "frame_ms_max": _pct(frames, 1)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--reuse", action="store_true", help="use the data already loaded")
    ap.add_argument("--score", action="store_true", help="also run batch scoring")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--first", type=int, default=200, help="nodes of the first canvas")
    ap.add_argument("--big", type=int, default=1000, help="nodes of the large canvas")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--shot", type=Path, default=None, help="screenshot of the large canvas")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    with GraphClient() as client:
        prep = {} if args.reuse else _prepare(client, args.companies, args.seed, args.score)
        companies = client.console("MATCH (c:Company) RETURN count(c)")["rows"][0][0]
        rels = client.console("MATCH ()-[r]->() RETURN count(r)")["rows"][0][0]
        hub, first = _neighbourhood(client, args.first, args.seed)
        _, big = _neighbourhood(client, args.big, args.seed + 1)
    load_before = round(os.getloadavg()[0], 1)  # other work on the machine slows the browser
    with tempfile.TemporaryDirectory() as d:
        users = Path(d) / "users.json"
        key = UserStore(get_settings().model_copy(update={"users_file": users})).add(
            "bench", "admin", "HO"
        )
        base, srv = _serve(users)
        drv = _browser(Path(d) / "chrome")
        try:
            drv.get(base + "/ui/")
            drv.find_element(By.NAME, "key").send_keys(key)
            drv.find_element(By.CSS_SELECTOR, "#login button").click()
            WebDriverWait(drv, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda x: x.find_element(By.ID, "app").is_displayed()
            )
            first_canvas = _first_canvas(drv, base, first, runs=5)
            expand = _expands(drv, args.repeats, args.seed)
            large = _large(drv, base, big, args.shot)
        finally:
            drv.quit()
            srv.should_exit = True
    result = {
        "machine": platform.machine(), "cpus": os.cpu_count(),
        "load_avg_1m_before_after": [load_before, round(os.getloadavg()[0], 1)],
        "companies": companies,
        "relationships": rels, "prepare": prep, "hub": hub, "window": "1280x800",
        "first_canvas": first_canvas, "expand": expand, "large_canvas": large,
        "targets": {"first_canvas_ms": 1000, "expand_ms": 300},
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
