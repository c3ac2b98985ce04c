"""Private set intersection of partner lists at bank scale (issue 22; docs/privacy.md).

The partner holds ``--partner`` keys, the bank ``--bank`` candidates, ``--overlap`` of
them on the partner's list (synthetic USCC keys, :func:`guanxi.psi.keys.uscc_key` form).
For the member-revealing mode and the cardinality-only mode it times, through the same
wrappers the server and client use (:mod:`guanxi.psi.protocol`):

* ``setup_s`` — the partner's one-off setup (hash and blind every partner key, encode the
  set as a GCS for the bank's input-count bucket); the server keeps it between matches;
* ``online`` — one match: the bank blinds its keys (``request_s``), the partner answers
  (``process_s``), the bank unblinds and looks up (``intersect_s``);
* bytes on the wire: the request body and the framed answer (setup message + response);
  the setup message is sent with every answer, so it is part of every match's bytes.

HTTP itself (headers, loopback) is left out. Writes ``benchmarks/results/psi.json``.

    .venv/bin/python benchmarks/psi.py --bank 100000 --partner 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from guanxi.loaders.synthetic import generate_uscc
from guanxi.psi.protocol import PROTOCOL, PsiClient, PsiServer, frame, unframe
from guanxi.psi.server import input_bucket

RESULTS = Path(__file__).parent / "results" / "psi.json"
DIVISIONS = np.array(["110105", "310115", "440305", "330106", "510107", "420106"])


def keys(bank: int, partner: int, overlap: float, seed: int) -> tuple[list[str], list[str], int]:
    """(bank keys, partner keys, true intersection size)."""
    rng = np.random.default_rng(seed)
    shared = int(bank * overlap)
    total = partner + bank - shared
    codes = [f"U:{c}" for c in generate_uscc(rng, rng.choice(DIVISIONS, total))]
    partner_keys = codes[:partner]
    bank_keys = codes[:shared] + codes[partner:]
    rng.shuffle(bank_keys)
    return bank_keys, partner_keys, shared


def run_mode(bank_keys: list[str], partner_keys: list[str], fpr: float, reveal: bool) -> dict:
    server = PsiServer(partner_keys, fpr, reveal)
    t0 = time.perf_counter()
    setup = server.setup(input_bucket(len(bank_keys)))
    setup_s = time.perf_counter() - t0
    client = PsiClient(reveal)
    t1 = time.perf_counter()
    request = client.request(bank_keys)
    t2 = time.perf_counter()
    answer = frame(setup, server.process(request))
    t3 = time.perf_counter()
    got_setup, response = unframe(answer)
    found = (
        len(client.intersection(got_setup, response))
        if reveal
        else client.size(got_setup, response)
    )
    t4 = time.perf_counter()
    return {
        "reveal": reveal,
        "setup_s": round(setup_s, 2),
        "online": {
            "request_s": round(t2 - t1, 2),
            "process_s": round(t3 - t2, 2),
            "intersect_s": round(t4 - t3, 2),
            "total_s": round(t4 - t1, 2),
        },
        "bytes": {
            "request": len(request),
            "answer": len(answer),
            "setup_message": len(setup),
            "total": len(request) + len(answer),
        },
        "found": found,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bank", type=int, default=100_000)
    ap.add_argument("--partner", type=int, default=1_000_000)
    ap.add_argument("--overlap", type=float, default=0.3, help="share of the bank's keys shared")
    ap.add_argument("--fpr", type=float, default=1e-9)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--out", type=Path, default=RESULTS)
    a = ap.parse_args()
    t0 = time.perf_counter()
    bank_keys, partner_keys, shared = keys(a.bank, a.partner, a.overlap, a.seed)
    print(f"keys: bank {len(bank_keys)}, partner {len(partner_keys)}, shared {shared} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)  # fmt: skip
    modes = []
    for reveal in (True, False):
        m = run_mode(bank_keys, partner_keys, a.fpr, reveal)
        print(json.dumps(m), flush=True)
        modes.append(m)
    result = {
        "benchmark": "psi",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "protocol": PROTOCOL,
        "structure": "gcs",
        "bank": a.bank,
        "partner": a.partner,
        "shared": shared,
        "fpr": a.fpr,
        "setup_bucket": input_bucket(a.bank),
        "modes": modes,
        "exact": all(m["found"] == shared for m in modes),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
