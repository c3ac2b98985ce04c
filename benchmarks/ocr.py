"""OCR of scanned business licences and statements (issue 17; docs/documents.md).

The benchmark draws its own documents with known fields (:mod:`guanxi.documents.samples`:
Debian's WenQuanYi Micro Hei, registered capital in capital numerals as licences print
it): ``--licences`` licences and ``--statements`` statements, each once clean and once
"scanned" (rotated up to ±2°, blurred, Gaussian noise, JPEG at quality 30–60), at a page
scale drawn from 0.8–1.1. Every image goes through the intake pipeline without the
database — OCR (:func:`guanxi.documents.ocr.read_document`), field extraction and
validation — and is compared with the fields it was drawn from:

* ``uscc_exact`` — share of licences whose USCC was read exactly (targets: ≥ 98 % clean,
  ≥ 90 % noisy);
* ``field_accuracy`` — per field, the share read exactly (text after NFKC, without
  spaces and punctuation; amounts to the fen; capital to 0.0001 万元; dates as ISO);
* ``valid`` — share with no validation problem (USCC check, dates, sums);
* ``seconds_per_image`` — mean, p50, p95 of wall time (OCR and extraction; one process,
  the engine loaded once before timing), and ``cpu_seconds_per_image`` (all threads), which
  stays comparable when other processes share the machine.

Writes ``benchmarks/results/ocr.json``.

    .venv/bin/python benchmarks/ocr.py --licences 50 --statements 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from guanxi.documents.checks import validate_fields
from guanxi.documents.fields import extract_fields
from guanxi.documents.ocr import ENGINE, read_document
from guanxi.documents.samples import (
    STATEMENT_LAYOUT,
    SampleLicence,
    SampleStatement,
    degrade,
    render_licence,
    render_statement,
    to_bytes,
)
from guanxi.loaders.synthetic import generate_uscc
from guanxi.loaders.synthetic.names import person_names, trade_names

RESULTS = Path(__file__).parent / "results" / "ocr.json"
DIVISIONS = np.array(["110105", "310115", "440305", "330106", "510107", "420106", "350102"])
CITIES = ["北京市朝阳区", "上海市浦东新区", "深圳市南山区", "杭州市西湖区", "成都市武侯区",
          "武汉市洪山区", "福州市鼓楼区"]  # fmt: skip
INDUSTRIES = ["科技", "精密机械", "新材料", "医药", "物流", "电子", "食品", "环保工程"]
SCOPES = ["软件开发；信息技术咨询服务；数据处理和存储支持服务",
          "机械设备研发、制造、销售；货物进出口；技术进出口",
          "药品研发；医疗器械销售；健康咨询服务（不含诊疗服务）",
          "道路货物运输；仓储服务（不含危险化学品）；供应链管理服务"]  # fmt: skip
KINDS = ["有限责任公司", "股份有限公司", "有限责任公司（自然人投资或控股）"]
LICENCE_FIELDS = ("uscc", "name", "legal_rep", "registered_capital", "founded", "address",
                  "business_scope")  # fmt: skip
LINE_FIELDS = {
    "资产总计": "total_assets", "负债合计": "total_liabilities", "所有者权益合计": "total_equity",
    "负债和所有者权益总计": "total_liabilities_and_equity", "营业收入": "revenue",
    "营业成本": "cost_of_revenue", "营业利润": "operating_profit", "利润总额": "total_profit",
    "所得税费用": "income_tax", "净利润": "net_profit",
}  # fmt: skip


def licences(rng: np.random.Generator, n: int) -> list[SampleLicence]:
    codes = generate_uscc(rng, rng.choice(DIVISIONS, n))
    people, _ = person_names(rng, n)
    trades = trade_names(rng, n)
    out = []
    for i in range(n):
        city = CITIES[rng.integers(len(CITIES))]
        name = f"{city[:2]}{trades[i]}{INDUSTRIES[rng.integers(len(INDUSTRIES))]}有限公司"
        cap = float(rng.choice([50, 100, 500, 1000, 3000, 5000, 12345.6, 800.5, 20000]))
        founded = dt.date(2000, 1, 1) + dt.timedelta(days=int(rng.integers(0, 9000)))
        num, block, room = rng.integers(1, 999), rng.integers(1, 30), rng.integers(101, 2999)
        addr = f"{city}{trades[i]}路{num}号{block}幢{room}室"
        out.append(SampleLicence(name=name, uscc=str(codes[i]), legal_rep=str(people[i]),
                                 registered_capital=cap, founded=founded.isoformat(),
                                 address=addr, scope=SCOPES[rng.integers(len(SCOPES))],
                                 kind=KINDS[rng.integers(len(KINDS))]))  # fmt: skip
    return out


def statements(
    rng: np.random.Generator, lics: list[SampleLicence], n: int
) -> list[SampleStatement]:
    out = []
    for i in range(n):
        cents = lambda lo, hi: int(rng.integers(lo, hi)) / 100  # noqa: E731
        liab, eq = cents(10**8, 10**11), cents(10**8, 10**11)
        rev = cents(10**8, 10**11)
        cost = round(rev * float(rng.uniform(0.5, 0.9)), 2)
        op = round(rev - cost - cents(10**6, 10**7), 2)
        tp = round(op + cents(-(10**6), 10**6), 2)
        tax = round(tp * 0.25, 2)
        total = round(liab + eq, 2)
        lines = {"资产总计": total, "负债合计": liab, "所有者权益合计": eq,
                 "负债和所有者权益总计": total, "营业收入": rev, "营业成本": cost,
                 "营业利润": op, "利润总额": tp, "所得税费用": tax,
                 "净利润": round(tp - tax, 2)}  # fmt: skip
        year = int(rng.integers(2018, 2026))
        out.append(SampleStatement(lics[i % len(lics)].name, f"{year}-12-31", lines))
    return out


def _norm(text: object) -> str:
    """NFKC, without spaces and punctuation (a scan's ；/: and （/( are not field errors)."""
    s = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in s if unicodedata.category(ch)[0] in "LN")


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, float):
        return isinstance(got, float | int) and abs(got - expected) < 0.005
    return got is not None and _norm(expected) == _norm(got)


def measure(images: list[tuple[bytes, dict[str, Any]]]) -> dict[str, Any]:
    times, cpu, valid, hits = [], [], 0, {name: 0 for name in images[0][1]}
    misses: list[dict[str, Any]] = []
    for data, truth in images:
        t0, c0 = time.perf_counter(), time.process_time()
        kind, fields = extract_fields(read_document(data))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        got = {f.name: f.value for f in fields}
        valid += not validate_fields(kind, fields)
        for name, expected in truth.items():
            if _same(expected, got.get(name)):
                hits[name] += 1
            elif len(misses) < 10:
                misses.append({"field": name, "expected": expected, "got": got.get(name)})
    n = len(images)
    return {
        "images": n,
        "field_accuracy": {k: round(v / n, 4) for k, v in hits.items()},
        "valid": round(valid / n, 4),
        "seconds_per_image": {
            "mean": round(statistics.fmean(times), 3),
            "p50": round(float(np.percentile(times, 50)), 3),
            "p95": round(float(np.percentile(times, 95)), 3),
        },
        # CPU seconds of all the process's threads: comparable on a busy machine
        "cpu_seconds_per_image": round(statistics.fmean(cpu), 3),
        "misses": misses,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--licences", type=int, default=50)
    ap.add_argument("--statements", type=int, default=20)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    lics = licences(rng, args.licences)
    stmts = statements(rng, lics, args.statements)
    read_document(to_bytes(render_licence(lics[0], 0.5)))  # load the engine before timing
    result: dict[str, Any] = {}
    for variant in ("clean", "noisy"):

        def img(page: Any, variant: str = variant) -> bytes:
            if variant == "clean":
                return to_bytes(page, "PNG")
            return to_bytes(degrade(page, rng, int(rng.integers(30, 61))), "JPEG")

        lic_images = []
        for lic in lics:
            truth = {
                f: getattr(lic, "scope" if f == "business_scope" else f) for f in LICENCE_FIELDS
            }
            truth["registered_capital"] = float(lic.registered_capital)
            lic_images.append((img(render_licence(lic, float(rng.uniform(0.8, 1.1)))), truth))
        st_images = []
        for st in stmts:
            truth = {"company": st.company, "period_end": st.period_end}
            truth.update({LINE_FIELDS[k]: v for k, v in st.lines.items()})
            st_images.append((img(render_statement(st, float(rng.uniform(0.8, 1.1)))), truth))
        lic_res = measure(lic_images)
        lic_res["uscc_exact"] = lic_res["field_accuracy"]["uscc"]
        result[variant] = {"licence": lic_res, "statement": measure(st_images) if stmts else None}
        print(variant, json.dumps(result[variant], ensure_ascii=False)[:600], flush=True)
    targets = {"uscc_exact_clean": 0.98, "uscc_exact_noisy": 0.90}
    result = {
        "benchmark": "ocr", "engine": ENGINE, "licences": args.licences,
        "statements": args.statements, "seed": args.seed, "targets": targets,
        "passed": {
            "uscc_exact_clean": result["clean"]["licence"]["uscc_exact"] >= 0.98,
            "uscc_exact_noisy": result["noisy"]["licence"]["uscc_exact"] >= 0.90,
        },
        **result,
        "statement_layout": [list(s) for s in STATEMENT_LAYOUT],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["passed"]), "→", RESULTS)


if __name__ == "__main__":
    main()
