"""Canonical frames and files: integer endpoints become ids, columns follow
docs/data-model.md, rows are sorted by their key so that a seed gives identical bytes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from guanxi.loaders.synthetic import catalog as cat
from guanxi.loaders.synthetic.names import person_names
from guanxi.loaders.synthetic.world import CUSTODIAN, OPERATING, World

__all__ = ["canonical_frames", "relationship_counts", "write_csv", "FILES", "day_strings"]

log = logging.getLogger(__name__)

FILES = {
    "companies": "companies.csv", "persons": "persons.csv", "branches": "branches.csv",
    "products": "products.csv", "rms": "rms.csv", "shareholdings": "shareholdings.csv",
    "positions": "positions.csv", "supply": "supply.csv", "payments": "payments.csv",
    "guarantees": "guarantees.csv", "customers": "customers.csv", "manages": "manages.csv",
    "product_holdings": "product_holdings.csv", "contacts": "contacts.csv",
}  # fmt: skip


_FREE_TEXT = frozenset({"name", "region", "industry", "tags"})


def day_strings(values: object) -> np.ndarray:
    """``YYYY-MM-DD`` strings of dates, empty where missing."""
    arr = np.asarray(values).astype("datetime64[D]")
    out = np.datetime_as_string(arr, unit="D").astype(object)
    out[np.isnat(arr)] = ""
    return out


def _bools(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "true", "false").astype(object)


def _blank_unless(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.asarray(values).astype(object)
    out[~mask] = ""
    return out


def _ranks(values: np.ndarray) -> np.ndarray:
    """Position of each value in sorted order (so integer keys sort like the strings)."""
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank


def _sorted(df: pd.DataFrame, *keys: np.ndarray) -> pd.DataFrame:
    """``df`` in the order of ``keys`` (primary first)."""
    return df.iloc[np.lexsort(tuple(reversed(keys)))].reset_index(drop=True)


def canonical_frames(w: World, person_ids: np.ndarray) -> dict[str, pd.DataFrame]:
    """The canonical family frames (string ids, documented columns, rows sorted by key).

    ``person_ids`` maps every person index to its id (empty for persons not written).
    Person ids ascend with the person index and RM ids with the RM index, so sorting by
    integer keys gives the same order as sorting by the ids.
    """
    co, f = w.co, w.frames
    cid = co["id"].astype(object)
    cr = _ranks(co["id"])
    op = co["kind"] == OPERATING
    rm_ids = f["rms"]["id"].to_numpy()
    out: dict[str, pd.DataFrame] = {}
    o = np.argsort(co["id"], kind="stable")
    out["companies"] = pd.DataFrame({
        "id": cid[o], "name": co["name"][o], "status": co["status"][o],
        "industry": np.array(cat.INDUSTRIES, dtype=object)[co["industry"][o]],
        "region": co["region"][o], "founded": day_strings(co["founded"][o]),
        "registered_capital": _blank_unless(op[o], _fmt(co["capital"][o], 2)),
        "tags": co["tags"][o], "listed": _bools(co["listed"][o]),
        "stock_code": co["stock_code"][o],
        "employees": _blank_unless(op[o], co["employees"][o].astype(str)),
        "revenue": _blank_unless(op[o], _fmt(co["revenue"][o], 2)),
        "rd_intensity": _blank_unless(op[o], _fmt(co["rd"][o], 4)),
        "nominee": _bools(co["kind"][o] == CUSTODIAN),
    })  # fmt: skip
    out["persons"] = _persons(w, person_ids[w.truth["person_used"]].astype("<U12"))
    br = f["branches"]
    out["branches"] = br[["id", "name", "level", "parent_id", "region"]].fillna("")
    out["branches"] = out["branches"].sort_values("id").reset_index(drop=True)
    out["products"] = pd.DataFrame(sorted(cat.PRODUCTS), columns=["code", "name", "line"])
    out["rms"] = f["rms"].rename(columns={"branch": "branch_id"})
    h = f["holdings"]
    hc, hh = h["holder_co"].to_numpy(), h["holder"].to_numpy()
    h = _sorted(h, cr[h["company"]], ~hc, np.where(hc, cr[np.minimum(hh, w.n - 1)], hh))
    hc, hh = h["holder_co"].to_numpy(), h["holder"].to_numpy()
    holder = np.where(
        hc, cid[np.minimum(hh, w.n - 1)], person_ids[np.minimum(hh, len(person_ids) - 1)]
    )
    out["shareholdings"] = pd.DataFrame({
        "holder_id": holder, "holder_type": np.where(hc, "Company", "Person"),
        "company_id": cid[h["company"]], "pct": _fmt(h["pct"], 2),
        "amount": _fmt(h["amount"], 2), "as_of": day_strings(h["as_of"]),
    })  # fmt: skip
    p = f["positions"]
    p = _sorted(p, cr[p["company"]], p["person"].to_numpy(), pd.factorize(p["role"], sort=True)[0])
    out["positions"] = pd.DataFrame({
        "person_id": person_ids[p["person"]], "company_id": cid[p["company"]],
        "role": p["role"], "since": day_strings(p["since"]), "until": day_strings(p["until"]),
    })  # fmt: skip
    s = f["supply"]
    s = _sorted(s, cr[s["supplier"]], cr[s["buyer"]])
    out["supply"] = pd.DataFrame({
        "supplier_id": cid[s["supplier"]], "buyer_id": cid[s["buyer"]],
        "amount": _fmt(s["amount"], 2), "period": s["period"], "share": _fmt(s["share"], 4),
    })  # fmt: skip
    pay = f["payments"]
    pay = _sorted(pay, cr[pay["payer"]], cr[pay["payee"]], pay["date"].to_numpy(),
                  pay["amount"].to_numpy())  # fmt: skip
    out["payments"] = pd.DataFrame({
        "payer_id": cid[pay["payer"]], "payee_id": cid[pay["payee"]],
        "amount": _fmt(pay["amount"], 2), "date": day_strings(pay["date"]),
    })  # fmt: skip
    g = f["guarantees"]
    g = _sorted(g, cr[g["guarantor"]], cr[g["borrower"]])
    out["guarantees"] = pd.DataFrame({
        "guarantor_id": cid[g["guarantor"]], "borrower_id": cid[g["borrower"]],
        "amount": _fmt(g["amount"], 2), "start": day_strings(g["start"]),
        "end": day_strings(g["end"]),
    })  # fmt: skip
    c = f["customers"]
    c = _sorted(c, cr[c["company"]])
    out["customers"] = pd.DataFrame({
        "company_id": cid[c["company"]], "branch_id": c["branch"],
        "since": day_strings(c["since"]), "business_line": c["business_line"],
    })  # fmt: skip
    m = f["manages"]
    m = _sorted(m, m["rm"].to_numpy(), cr[m["company"]])
    out["manages"] = pd.DataFrame({"rm_id": rm_ids[m["rm"]], "company_id": cid[m["company"]],
                                   "since": day_strings(m["since"])})  # fmt: skip
    ph = f["product_holdings"]
    ph = _sorted(ph, cr[ph["company"]], pd.factorize(ph["product"], sort=True)[0])
    out["product_holdings"] = pd.DataFrame({
        "company_id": cid[ph["company"]], "product_code": ph["product"],
        "since": day_strings(ph["since"]), "balance": _fmt(ph["balance"], 2),
        "maturity": day_strings(ph["maturity"]) if "maturity" in ph else "",
    })  # fmt: skip
    k = f["contacts"]
    k = _sorted(k, k["source_is_rm"].to_numpy(), k["source"].to_numpy(), k["person"].to_numpy())
    rm = k["source_is_rm"].to_numpy()
    src = np.where(rm, rm_ids[np.minimum(k["source"], len(rm_ids) - 1)], person_ids[k["source"]])
    out["contacts"] = pd.DataFrame({
        "from_id": src, "from_type": np.where(rm, "RelationshipManager", "Person"),
        "person_id": person_ids[k["person"]], "since": day_strings(k["since"]),
        "strength": _fmt(k["strength"], 2), "last_contact": day_strings(k["last_contact"]),
    })  # fmt: skip
    return out


def _fmt(values: object, decimals: int) -> np.ndarray:
    """Fixed-point strings with ``decimals`` digits (the files' number format)."""
    spec = "{:.DECf}".replace("DEC", str(decimals))
    return np.array(list(map(spec.format, np.asarray(values, dtype=float).tolist())), dtype=object)


def _persons(w: World, person_ids: np.ndarray) -> pd.DataFrame:
    rng = w.rng("persons")
    k = len(person_ids)
    names, gender = person_names(rng, k)
    nominee = np.zeros(w.n_persons, dtype=bool)
    for idx in w.person_nominee:
        nominee[idx] = True
    used = w.truth["person_used"]
    phone = np.char.add(
        np.char.add(
            rng.choice(["138", "139", "137", "186", "189", "135", "150", "177"], k), "****"
        ),
        np.char.zfill(rng.integers(0, 10000, k).astype("<U4"), 4),
    ).astype(object)
    phone[rng.random(k) < 0.4] = ""
    email = np.char.add(np.char.lower(person_ids.astype("<U12")), "@mail.example.cn").astype(object)
    email[rng.random(k) < 0.7] = ""
    return pd.DataFrame({
        "id": person_ids, "name": names, "gender": gender,
        "birth_year": 1950 + (rng.random(k) * 48).astype(np.int64),
        "nominee": _bools(nominee[used]), "phone": phone, "email": email,
    })  # fmt: skip


def relationship_counts(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Relationships that loading ``frames`` into an empty database creates (MERGE rules)."""

    def uniq(name: str, cols: list[str]) -> int:
        return int(len(frames[name][cols].drop_duplicates()))

    br = frames["branches"]
    return {
        "HOLDS_SHARES": uniq("shareholdings", ["holder_type", "holder_id", "company_id"]),
        "SERVES_AS": uniq("positions", ["person_id", "company_id", "role"]),
        "SUPPLIES": uniq("supply", ["supplier_id", "buyer_id"]),
        "PAYS": uniq("payments", ["payer_id", "payee_id"]),
        "GUARANTEES": uniq("guarantees", ["guarantor_id", "borrower_id"]),
        "KNOWS": uniq("contacts", ["from_type", "from_id", "person_id"]),
        "CUSTOMER_OF": uniq("customers", ["company_id", "branch_id"]),
        "MANAGES": uniq("manages", ["rm_id", "company_id"]),
        "WORKS_AT": uniq("rms", ["id", "branch_id"]),
        "PART_OF": int((br["parent_id"].fillna("") != "").sum()),
        "HOLDS_PRODUCT": uniq("product_holdings", ["company_id", "product_code"]),
    }


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write one canonical file: UTF-8, LF line ends, header row, a field quoted only when
    it holds a comma, a quote or a line break (only free-text columns can)."""
    cols = []
    for name in df.columns:
        v = df[name].tolist()
        if v and not all(isinstance(x, str) for x in v[:1000]):
            v = ["" if x is None or x != x else str(x) for x in v]
        if name in _FREE_TEXT and any(('"' in x) or ("," in x) or ("\n" in x) for x in v):
            v = ['"' + x.replace('"', '""') + '"' if ('"' in x) or ("," in x) or ("\n" in x)
                 else x for x in v]  # fmt: skip
        cols.append(v)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(",".join(df.columns) + "\n")
        if len(df):
            fh.write("\n".join(map(",".join, zip(*cols, strict=True))))
            fh.write("\n")
