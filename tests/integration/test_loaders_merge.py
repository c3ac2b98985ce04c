"""One mapping per real-world file (issue 18): rows of one load that share a node key
merge, missing values stay missing, and nothing that has a value is dropped.

The fixtures under tests/fixtures are small files in the shape of a Singapore top-20
shareholder register (holders that are listed issuers of the same file) and an interbank
transfer extract (banks on both sides, some transfers without a value date). Expected
counts are computed from the files with pandas, independently of the loader.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from guanxi.errors import InvalidData
from guanxi.graph.client import GraphClient
from guanxi.loaders import load

FIX = Path(__file__).resolve().parent.parent / "fixtures"


def _sg_key(name: str, prefix: str) -> str:
    return prefix + hashlib.sha1(name.upper().encode()).hexdigest()[:16]


def test_top20_register_loads_as_one_mapping(db: GraphClient) -> None:
    raw = pd.read_csv(FIX / "sg_top20" / "top20_2024.csv", dtype=str, keep_default_na=False)
    spec = yaml.safe_load((FIX / "sg_top20" / "mapping.yaml").read_text("utf-8"))
    is_co = raw["holder_name"].str.contains(spec["definitions"]["company_pattern"])
    companies = set(raw["issuer_name"].str.upper()) | set(raw.loc[is_co, "holder_name"].str.upper())
    persons = set(raw.loc[~is_co, "holder_name"].str.upper())

    report = load(db, [FIX / "sg_top20"], mapping=FIX / "sg_top20" / "mapping.yaml")
    assert not report.errors
    # the two issuers that also hold (Keppel, Sembcorp) differ in case: one warning each,
    # naming both rows
    conflicts = [w for w in report.warnings if "conflicts with" in w.reason]
    assert sorted((w.row, w.value) for w in conflicts) == [
        (9, "KEPPEL CORPORATION LIMITED"), (22, "SEMBCORP INDUSTRIES LTD")
    ]  # fmt: skip
    assert "row 2 ('Keppel Corporation Limited')" in conflicts[0].reason
    got = db.run_text(
        "t", "MATCH (c:Company) RETURN count(c) AS n, count(c.stock_code) AS listed",
        write=False,
    )[0]  # fmt: skip
    assert (got["n"], got["listed"]) == (len(companies), raw["issuer_code"].nunique())
    n_person = db.run_text("t", "MATCH (p:Person) RETURN count(p) AS n", write=False)[0]["n"]
    assert n_person == len(persons)
    rels = db.run_text(
        "t", "MATCH ()-[r:HOLDS_SHARES]->() RETURN count(r) AS n, sum(r.pct) AS pct, "
        "count(r.as_of) AS dated, sum(CASE r.kind WHEN 'nominee' THEN 1 ELSE 0 END) AS nom",
        write=False,
    )[0]  # fmt: skip
    assert rels["n"] == len(raw)
    assert rels["pct"] == pytest.approx(pd.to_numeric(raw["pct"]).sum())
    assert rels["dated"] == len(raw)
    assert rels["nom"] == raw["holder_name"].str.contains("NOMINEES|DBSN SERVICES").sum()
    # the listed holder is the issuer node: Keppel Corporation holds Keppel REIT
    chain = db.run_text(
        "t", "MATCH (k:Company {id: $k})-[r:HOLDS_SHARES]->(reit:Company {stock_code: 'K71U'}) "
        "RETURN k.stock_code AS code, r.pct AS pct",
        {"k": _sg_key("Keppel Corporation Limited", "SG-")}, write=False,
    )  # fmt: skip
    assert [(r["code"], r["pct"]) for r in chain] == [("BN4", 46.21)]


def test_interbank_transfers_load_as_one_mapping(db: GraphClient) -> None:
    raw = pd.read_csv(FIX / "interbank" / "transfers_2024q1.csv", dtype=str, keep_default_na=False)
    raw["amount"] = raw["amount"].astype(float)
    report = load(db, [FIX / "interbank"], mapping=FIX / "interbank" / "mapping.yaml")
    assert not report.errors
    assert not [w for w in report.warnings if "nan" in str(w.value)]
    banks = set(raw["ordering_bic"]) | set(raw["beneficiary_bic"])
    n = db.run_text("t", "MATCH (c:Company) RETURN count(c) AS n", write=False)[0]["n"]
    assert n == len(banks)
    dated = raw[raw["value_date"] != ""].assign(
        d=lambda f: pd.to_datetime(f["value_date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    )
    want = raw.groupby(["ordering_bic", "beneficiary_bic"])["amount"].agg(["sum", "size"])
    first = dated.groupby(["ordering_bic", "beneficiary_bic"])["d"].agg(["min", "max"])
    rows = db.run_text(
        "t", "MATCH (a)-[p:PAYS]->(b) RETURN a.id AS a, b.id AS b, p.amount AS amount, "
        "p.count AS count, toString(p.first) AS first, toString(p.last) AS last",
        write=False,
    )  # fmt: skip
    assert len(rows) == len(want)
    for r in rows:
        assert r["amount"] == pytest.approx(want.loc[(r["a"], r["b"]), "sum"])
        assert r["count"] == want.loc[(r["a"], r["b"]), "size"]
        if (r["a"], r["b"]) in first.index:
            assert (r["first"], r["last"]) == tuple(first.loc[(r["a"], r["b"])])
        else:  # every transfer of the pair lacks a date: the dates stay missing
            assert (r["first"], r["last"]) == (None, None)
    assert sum(r["count"] for r in rows) == len(raw)


def test_conflict_is_an_error_where_the_mapping_says_so(db: GraphClient, tmp_path: Path) -> None:
    text = (FIX / "interbank" / "mapping.yaml").read_text("utf-8")
    strict = re.sub(r"(family: companies\n)", r"\1    conflicts: error\n", text)
    (tmp_path / "strict.yaml").write_text(strict, "utf-8")
    with pytest.raises(InvalidData) as e:
        load(db, [FIX / "interbank"], mapping=tmp_path / "strict.yaml")
    errs = [x for x in e.value.errors if x.severity == "error" and x.column == "name"]
    assert [(x.row, x.column, x.value) for x in errs] == [(4, "name", "DBS BANK LTD.")]
    assert "conflicts with interbank/transfers_2024q1.csv row 2 ('DBS Bank Ltd')" in errs[0].reason
    assert db.run_text("t", "MATCH (n) RETURN count(n) AS n", write=False)[0]["n"] == 0
