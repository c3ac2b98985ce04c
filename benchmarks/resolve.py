"""Entity-resolution quality and speed: precision/recall against a gold set, 100,000 names.

Records: the listed companies of the two A-share extracts (``cn_ashare_holders``
company.csv with registered full names, ``cn_ashare_exec`` stock.csv with the B-share
listings) and the holder companies of holder_company.csv as the ``cn_ashare_holders``
mapping makes them (own-money accounts cut to their owner, ``account_owner``).

Gold set, by rules the matcher does not use:
* a holder company whose name is *exactly* a listed company's registered full name (the
  account suffix already cut by the mapping) is that listed company;
* the Shenzhen exchange's A/B numbering: B share 200xxx and A share 000xxx, both listed,
  are one issuer;
* hand-checked pairs in tests/fixtures/resolve/hand_checked.csv (Shanghai A/B pairs and
  holders whose registered name differs in script or brackets), positives and negatives.

Precision and recall count pairs with at least one listed side (a pair of two unlisted
holders has no gold); the other predicted pairs are counted and reported. Speed: the
records padded to 100,000 names with the synthetic generator's company names, timed end to
end (features, blocking, u estimation, scoring).

    .venv/bin/python benchmarks/resolve.py [--threshold W] [--names 100000]
→ benchmarks/results/resolve.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guanxi.loaders.mapping import apply_table, load_mapping  # noqa: E402
from guanxi.loaders.matcher import MATCH_THRESHOLD, match_parties  # noqa: E402
from guanxi.loaders.readers import read_table  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
HOLDERS = DATA / "cn_ashare_holders" / "import_2020-05"
EXEC = DATA / "cn_ashare_exec"
HAND = ROOT / "tests" / "fixtures" / "resolve" / "hand_checked.csv"
OUT = ROOT / "benchmarks" / "results" / "resolve.json"


def records() -> pd.DataFrame:
    """Listed companies (A and B listings) and holder companies, as the mappings load them."""
    co = pd.read_csv(HOLDERS / "company.csv", dtype=str)
    listed = pd.DataFrame(
        {
            "unique_id": co["companyId:ID(Company)"].str[:6],
            "name": co["name:string"],
            "legal_name": co["fullname:string"],
        }
    )
    st = pd.read_csv(EXEC / "stock.csv", dtype=str)
    st = pd.DataFrame({"unique_id": st["code"].str.zfill(6), "name": st["name"]})
    st = st[~st["unique_id"].isin(listed["unique_id"])]
    listed = pd.concat([listed, st], ignore_index=True).assign(listed=True)
    m = load_mapping("cn_ashare_holders")
    table = next(t for t in m.tables if t.file == "holder_company.csv" and t.family == "companies")
    raw = read_table(HOLDERS / "holder_company.csv")
    hc = apply_table(table, raw).drop_duplicates("id")
    holders = pd.DataFrame({"unique_id": hc["id"], "name": hc["name"], "listed": False})
    e = pd.read_csv(EXEC / "executive_prep.csv", dtype=str, keep_default_na=False)
    officers = (e["name"] + "|" + e["gender"] + "|" + e["age"]).groupby(e["code"]).agg(set)
    listed["neighbours"] = listed["unique_id"].map(officers)
    out = pd.concat([listed, holders], ignore_index=True).assign(label="Company")
    return out.drop_duplicates("unique_id", ignore_index=True)


def gold(recs: pd.DataFrame) -> tuple[set[frozenset], set[frozenset]]:
    """(positive pairs, hand-checked negative pairs) — by rules the matcher does not use."""
    listed = recs[recs["listed"]]
    by_full = {
        f: i
        for i, f in zip(listed["unique_id"], listed["legal_name"], strict=True)
        if isinstance(f, str)
    }  # noqa: E501
    pos: set[frozenset] = set()
    for i, n in zip(recs["unique_id"], recs["name"], strict=True):
        if not recs.loc[recs["unique_id"] == i, "listed"].iloc[0] and n in by_full:
            pos.add(frozenset((i, by_full[n])))
    codes = set(listed["unique_id"])
    for c in codes:
        if c.startswith("200") and "000" + c[3:] in codes:
            pos.add(frozenset((c, "000" + c[3:])))
    neg: set[frozenset] = set()
    if HAND.exists():
        hand = pd.read_csv(HAND, dtype=str, comment="#")
        for a, b, same in zip(hand["left_id"], hand["right_id"], hand["same"], strict=True):
            (pos if same == "yes" else neg).add(frozenset((a, b)))
    return pos, neg


def evaluate(recs: pd.DataFrame, pairs: pd.DataFrame, pos: set, neg: set) -> dict:
    listed = set(recs.loc[recs["listed"], "unique_id"])
    pred = {frozenset((a, b)) for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)}
    judged = {p for p in pred if p & listed}
    tp = judged & pos
    fp = judged - pos
    fn = pos - pred
    return {
        "gold_pairs": len(pos),
        "hand_checked_negatives": len(neg),
        "predicted_pairs": len(pred),
        "predicted_with_a_listed_side": len(judged),
        "predicted_unlisted_pairs_not_judged": len(pred - judged),
        "true_positives": len(tp),
        "false_positives": len(fp),
        "false_negatives": len(fn),
        "precision": round(len(tp) / max(len(judged), 1), 4),
        "recall": round(len(tp) / max(len(pos), 1), 4),
        "false_positive_examples": [sorted(p) for p in sorted(fp, key=sorted)[:15]],
        "false_negative_examples": [sorted(p) for p in sorted(fn, key=sorted)[:15]],
    }


def padded(recs: pd.DataFrame, n: int) -> pd.DataFrame:
    from guanxi.loaders.synthetic.names import trade_names

    extra = n - len(recs)
    if extra <= 0:
        return recs.head(n)
    rng = np.random.default_rng(7)
    region = np.array(
        ["北京", "上海", "深圳", "广州", "杭州", "苏州", "成都", "武汉", "南京", "天津"]
    )
    trade = ["科技", "贸易", "实业", "投资", "物流", "医药", "电子", "建设", "能源", "食品"]
    form = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
    t = trade_names(rng, extra, 3)
    names = [f"{region[i % 10]}{t[i]}{trade[(i // 10) % 10]}{form[(i // 100) % 4]}"
             for i in range(extra)]  # fmt: skip
    pad = pd.DataFrame({"unique_id": [f"SYN-{i}" for i in range(extra)], "name": names,
                        "listed": False, "label": "Company"})  # fmt: skip
    return pd.concat([recs, pad], ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=MATCH_THRESHOLD)
    ap.add_argument("--names", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    recs = records()
    pos, neg = gold(recs)
    t0 = time.perf_counter()
    pairs = match_parties(recs, args.threshold)
    quality_s = time.perf_counter() - t0
    result = {"threshold": args.threshold, "records": len(recs), "match_s": round(quality_s, 2),
              **evaluate(recs, pairs, pos, neg)}  # fmt: skip
    big = padded(recs, args.names)
    t0 = time.perf_counter()
    big_pairs = match_parties(big, args.threshold)
    result["speed"] = {"names": len(big), "seconds": round(time.perf_counter() - t0, 2),
                       "pairs": len(big_pairs), "target_s": 120}  # fmt: skip
    result["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in result.items() if "examples" not in k}, ensure_ascii=False))


if __name__ == "__main__":
    main()
