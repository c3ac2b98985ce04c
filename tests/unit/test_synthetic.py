"""The synthetic network generator: files, counts, ids, ground truth (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from guanxi.errors import ConfigError, GuanxiError
from guanxi.loaders.synthetic import GeneratorConfig, generate, uscc_valid, uscc_valid_many
from guanxi.loaders.synthetic.uscc import uscc_check_char

N = 1000
COLUMNS = {
    "companies": "id name status industry region founded registered_capital tags listed "
    "stock_code employees revenue rd_intensity nominee",
    "persons": "id name gender birth_year nominee phone email",
    "branches": "id name level parent_id region",
    "products": "code name line",
    "rms": "id name business_line branch_id",
    "shareholdings": "holder_id holder_type company_id pct amount as_of",
    "positions": "person_id company_id role since until",
    "supply": "supplier_id buyer_id amount period share",
    "payments": "payer_id payee_id amount date",
    "guarantees": "guarantor_id borrower_id amount start end",
    "customers": "company_id branch_id since business_line",
    "manages": "rm_id company_id since",
    "product_holdings": "company_id product_code since balance maturity",
    "contacts": "from_id from_type person_id since strength last_contact",
}
KEYS = {
    "shareholdings": ["holder_id", "company_id"],
    "positions": ["person_id", "company_id", "role"],
    "supply": ["supplier_id", "buyer_id"],
    "guarantees": ["guarantor_id", "borrower_id"],
    "customers": ["company_id", "branch_id"],
    "manages": ["rm_id", "company_id"],
    "product_holdings": ["company_id", "product_code"],
    "contacts": ["from_id", "person_id"],
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("syn") / "a"
    generate(GeneratorConfig(companies=N, seed=11), out)
    return out


@pytest.fixture(scope="module")
def csv(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in COLUMNS
    }


@pytest.fixture(scope="module")
def truth(folder: Path) -> dict:
    return json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))


def test_same_seed_gives_identical_bytes_and_another_seed_differs(
    folder: Path, tmp_path: Path
) -> None:
    generate(GeneratorConfig(companies=N, seed=11), tmp_path / "b")
    generate(GeneratorConfig(companies=N, seed=12), tmp_path / "c")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (folder / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (folder / "companies.csv").read_bytes() != (
        tmp_path / "c" / "companies.csv"
    ).read_bytes()


def test_files_have_the_documented_columns_and_unique_keys(csv: dict[str, pd.DataFrame]) -> None:
    for name, cols in COLUMNS.items():
        assert list(csv[name].columns) == cols.split(), name
    for name, key in KEYS.items():
        assert not csv[name].duplicated(key).any(), name
    for name in ("companies", "persons", "branches", "rms"):
        assert csv[name]["id"].is_unique, name
    assert len(csv["companies"]) == N


def test_manifest_counts_equal_the_merge_counts_of_the_files(
    folder: Path, csv: dict[str, pd.DataFrame]
) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and manifest["seed"] == 11
    assert manifest["files"]["payments"] == "payments.csv"
    assert manifest["nodes"] == {
        "Company": len(csv["companies"]),
        "Person": len(csv["persons"]),
        "Branch": len(csv["branches"]),
        "RelationshipManager": len(csv["rms"]),
        "Product": len(csv["products"]),
    }

    def pairs(name: str, cols: list[str]) -> int:
        return len(csv[name].drop_duplicates(cols))

    expected = {
        "HOLDS_SHARES": pairs("shareholdings", ["holder_id", "company_id"]),
        "SERVES_AS": pairs("positions", ["person_id", "company_id", "role"]),
        "SUPPLIES": pairs("supply", ["supplier_id", "buyer_id"]),
        "PAYS": pairs("payments", ["payer_id", "payee_id"]),
        "GUARANTEES": pairs("guarantees", ["guarantor_id", "borrower_id"]),
        "KNOWS": pairs("contacts", ["from_id", "person_id"]),
        "CUSTOMER_OF": pairs("customers", ["company_id", "branch_id"]),
        "MANAGES": pairs("manages", ["rm_id", "company_id"]),
        "WORKS_AT": len(csv["rms"]),
        "PART_OF": int((csv["branches"]["parent_id"] != "").sum()),
        "HOLDS_PRODUCT": pairs("product_holdings", ["company_id", "product_code"]),
    }
    assert manifest["relationships"] == expected
    assert len(csv["payments"]) > 3 * expected["PAYS"]  # raw transactions, aggregated


def test_company_ids_are_valid_uscc_and_the_validator_rejects_corruption(
    csv: dict[str, pd.DataFrame],
) -> None:
    ids = csv["companies"]["id"].tolist()
    assert all(len(i) == 18 for i in ids)
    assert all(uscc_valid(i) for i in ids)
    assert uscc_valid_many(ids).all()
    good = "91350100M000100Y43"
    assert uscc_valid(good) and uscc_check_char(good[:17]) == "3"
    wrong_check = good[:17] + "4"
    swapped = good[:8] + "N" + good[9:]
    for bad in (wrong_check, swapped, good.lower(), good[:17], good + "0", "I" + good[1:], None):
        assert not uscc_valid(bad), bad
    assert uscc_valid_many([good, wrong_check, swapped, 5]).tolist() == [True, False, False, False]


def test_every_reference_exists_and_there_are_no_self_loops(csv: dict[str, pd.DataFrame]) -> None:
    companies = set(csv["companies"]["id"])
    persons = set(csv["persons"]["id"])
    branches = set(csv["branches"]["id"])
    rms = set(csv["rms"]["id"])
    products = set(csv["products"]["code"])
    sh = csv["shareholdings"]
    assert set(sh.loc[sh["holder_type"] == "Person", "holder_id"]) <= persons
    assert set(sh.loc[sh["holder_type"] == "Company", "holder_id"]) <= companies
    refs = [
        ("shareholdings", "company_id", companies), ("positions", "person_id", persons),
        ("positions", "company_id", companies), ("supply", "supplier_id", companies),
        ("supply", "buyer_id", companies), ("payments", "payer_id", companies),
        ("payments", "payee_id", companies), ("guarantees", "guarantor_id", companies),
        ("guarantees", "borrower_id", companies), ("customers", "company_id", companies),
        ("customers", "branch_id", branches), ("manages", "rm_id", rms),
        ("manages", "company_id", companies), ("product_holdings", "company_id", companies),
        ("product_holdings", "product_code", products), ("contacts", "person_id", persons),
        ("rms", "branch_id", branches),
    ]  # fmt: skip
    for name, col, ids in refs:
        assert set(csv[name][col]) <= ids, (name, col)
    k = csv["contacts"]
    assert set(k.loc[k["from_type"] == "Person", "from_id"]) <= persons
    assert set(k.loc[k["from_type"] == "RelationshipManager", "from_id"]) <= rms
    br = csv["branches"]
    assert set(br["parent_id"]) - {""} <= branches
    assert br.loc[br["parent_id"] == "", "id"].tolist() == ["HO"]
    for name, a, b in (("shareholdings", "holder_id", "company_id"), ("supply", "supplier_id",
                       "buyer_id"), ("payments", "payer_id", "payee_id"),
                       ("guarantees", "guarantor_id", "borrower_id"),
                       ("contacts", "from_id", "person_id")):  # fmt: skip
        assert not (csv[name][a] == csv[name][b]).any(), name


def test_shareholdings_stay_within_100_percent(csv: dict[str, pd.DataFrame]) -> None:
    pct = csv["shareholdings"]["pct"].astype(float)
    assert ((pct > 0) & (pct <= 100)).all()
    total = pct.groupby(csv["shareholdings"]["company_id"]).sum()
    assert total.max() <= 100.0 + 1e-6


def test_controllers_are_never_nominees_and_sit_atop_the_control_chain(
    csv: dict[str, pd.DataFrame], truth: dict
) -> None:
    co = csv["companies"].set_index("id")
    persons = csv["persons"].set_index("id")
    nominee_ids = set(co.index[co["nominee"] == "true"]) | set(
        persons.index[persons["nominee"] == "true"]
    )
    assert nominee_ids, "the generator makes custodians and nominee persons"
    controllers = {c for c in truth["controller"].values() if c is not None}
    assert not controllers & nominee_ids
    assert controllers <= set(co.index) | set(persons.index)
    sh = csv["shareholdings"]
    real = sh[~sh["holder_id"].isin(nominee_ids)].assign(pct=lambda d: d["pct"].astype(float))
    top = real.sort_values("pct", ascending=False).drop_duplicates("company_id")
    top_of = dict(zip(top["company_id"], top["holder_id"], strict=True))
    held_by_nominee = sh[sh["holder_id"].isin(nominee_ids)]["company_id"]
    assert held_by_nominee.nunique() > 10  # nominees hold a lot …
    for company, ctrl in truth["controller"].items():
        if ctrl is None:
            continue
        node, hops = company, 0
        while node != ctrl and node in top_of and hops < 12:
            node, hops = top_of[node], hops + 1
        assert node == ctrl, company  # … but the chain of largest real holders ends here


def test_guarantee_circles_are_the_only_cycles(csv: dict[str, pd.DataFrame], truth: dict) -> None:
    g = csv["guarantees"]
    edges = set(zip(g["guarantor_id"], g["borrower_id"], strict=True))
    circles = truth["guarantee_circles"]
    assert len(circles) >= 3
    for ring in circles:
        assert len(ring) >= 2 and len(set(ring)) == len(ring)
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            assert (a, b) in edges
    nodes = sorted(set(g["guarantor_id"]) | set(g["borrower_id"]))
    ix = {n: i for i, n in enumerate(nodes)}
    m = sp.coo_matrix(
        (np.ones(len(g)), ([ix[a] for a in g["guarantor_id"]], [ix[b] for b in g["borrower_id"]])),
        shape=(len(nodes), len(nodes)),
    )
    _, label = connected_components(m, directed=True, connection="strong")
    sccs: dict[int, set[str]] = {}
    for node, lab in zip(nodes, label, strict=True):
        sccs.setdefault(int(lab), set()).add(node)
    cyclic = sorted(sorted(s) for s in sccs.values() if len(s) > 1)
    assert cyclic == sorted(sorted(r) for r in circles)


def test_held_out_edges_are_true_but_absent_from_the_files(
    csv: dict[str, pd.DataFrame], truth: dict
) -> None:
    held = truth["held_out_edges"]
    total = sum(len(csv[k]) for k in ("shareholdings", "supply", "contacts"))
    total += len(csv["positions"].drop_duplicates(["person_id", "company_id"]))
    assert 0.03 * total < len(held) < 0.07 * total
    assert {t for _, _, t in held} == {"HOLDS_SHARES", "SERVES_AS", "SUPPLIES", "KNOWS"}

    def pairs(name: str, a: str, b: str) -> set[tuple[str, str]]:
        return set(zip(csv[name][a], csv[name][b], strict=True))

    present = {
        "HOLDS_SHARES": pairs("shareholdings", "holder_id", "company_id"),
        "SERVES_AS": pairs("positions", "person_id", "company_id"),
        "SUPPLIES": pairs("supply", "supplier_id", "buyer_id"),
        "KNOWS": pairs("contacts", "from_id", "person_id"),
    }
    nodes = set(csv["companies"]["id"]) | set(csv["persons"]["id"]) | set(csv["rms"]["id"])
    for src, dst, rel in held:
        assert (src, dst) not in present[rel]
        assert src in nodes and dst in nodes


def test_decision_makers_are_persons_connected_to_their_company(
    csv: dict[str, pd.DataFrame], truth: dict
) -> None:
    dms = truth["decision_makers"]
    assert len(dms) > 0.9 * N
    persons = set(csv["persons"]["id"])
    pos = csv["positions"]
    current = pos[pos["until"] == ""]
    direct = set(zip(current["person_id"], current["company_id"], strict=True))
    sh = csv["shareholdings"]
    direct |= set(zip(sh["holder_id"], sh["company_id"], strict=True))
    holders: dict[str, set[str]] = {}
    for h, c in zip(sh["holder_id"], sh["company_id"], strict=True):
        holders.setdefault(c, set()).add(h)
    for company, ranked in dms.items():
        assert 1 <= len(ranked) <= 5 and len(set(ranked)) == len(ranked)
        for person in ranked:
            assert person in persons
            parents = holders.get(company, set())
            assert (person, company) in direct or any((person, p) in direct for p in parents)


def test_decision_makers_are_findable_but_not_trivial(
    csv: dict[str, pd.DataFrame], truth: dict
) -> None:
    """A plain role-and-stake heuristic reaches precision@3 >= 0.8, but not 1."""
    weight = {"chairman": 5, "ceo": 4, "manager": 4, "legal_rep": 3, "cfo": 2,
              "vice_chairman": 1.5, "director": 1, "supervisor": 0.2, "vp": 0.5}  # fmt: skip
    pos = csv["positions"]
    cur = pos[pos["until"] == ""]
    s = (
        cur.assign(w=cur["role"].map(weight).fillna(0.3))
        .groupby(["company_id", "person_id"])["w"]
        .sum()
    )
    sh = csv["shareholdings"]
    ps = (
        sh[sh["holder_type"] == "Person"]
        .set_index(["company_id", "holder_id"])["pct"]
        .astype(float)
    )
    ps.index.names = ["company_id", "person_id"]
    score = s.add(ps / 15, fill_value=0).reset_index(name="score")
    score = score.sort_values(["company_id", "score", "person_id"], ascending=[True, False, True])
    top3 = score.groupby("company_id").head(3).groupby("company_id")["person_id"].apply(list)
    hits = [len(set(top3.get(c, [])) & set(dm[:3])) / min(3, len(dm))
            for c, dm in truth["decision_makers"].items()]  # fmt: skip
    precision = float(np.mean(hits))
    assert 0.8 <= precision < 0.99, precision


def test_archetypes_groups_converters_and_bank_shape(
    csv: dict[str, pd.DataFrame], truth: dict
) -> None:
    ids = set(csv["companies"]["id"])
    assert set(truth["archetype"]) == ids == set(truth["controller"]) == set(truth["group"])
    labels = set(truth["archetype"].values())
    assert {"tech_growth", "manufacturing_core", "state_owned", "custodian"} <= labels
    groups = pd.Series(truth["group"]).dropna()
    assert groups.value_counts().max() >= 5
    customers = set(csv["customers"]["company_id"])
    assert 0.15 * N <= len(customers) <= 0.25 * N
    conv = truth["converters"]
    assert conv and not set(conv) & customers and set(conv) <= ids
    levels = csv["branches"]["level"].value_counts()
    assert levels["head_office"] == 1 and levels["branch"] >= 6 and levels["sub_branch"] >= 18
    assert set(csv["rms"]["business_line"]) <= {"corporate", "sme", "tech", "trade_finance"}
    assert len(csv["products"]) >= 15
    tech = [c for c, a in truth["archetype"].items() if a == "tech_growth"]
    tags = csv["companies"].set_index("id").loc[tech, "tags"]
    assert tags.str.contains("high_tech").mean() > 0.3


def test_existing_output_needs_force_and_tiny_sizes_are_refused(folder: Path) -> None:
    with pytest.raises(GuanxiError, match="--force"):
        generate(GeneratorConfig(companies=N, seed=11), folder)
    with pytest.raises(ConfigError, match="at least 200"):
        generate(GeneratorConfig(companies=50, seed=1), folder.parent / "tiny")
