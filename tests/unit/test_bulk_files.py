"""The conversion of ``guanxi load --bulk``: typed frames → importer CSV, by hand."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from guanxi.config import Settings
from guanxi.graph.importer import ImportInput, import_command
from guanxi.graph.server import LocalServer
from guanxi.loaders.bulk_files import BulkFiles, column_kind
from guanxi.loaders.families import FAMILIES
from guanxi.loaders.readers import ROW
from guanxi.loaders.validation import BAD, FILE, validate_family
from guanxi.loaders.writer import Provenance

PROV = Provenance("L1", datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC), "HO")
STAMP = "L1,2026-01-02T03:04:05.600000+00:00,HO"


def typed(family: str, rows: list[dict[str, str | None]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df[FILE] = f"{family}.csv"
    df[ROW] = range(2, len(df) + 2)
    out, errors = validate_family(FAMILIES[family], df)
    assert not [e for e in errors if e.severity == "error"]
    return out


def cells(path: Path) -> list[dict[str, str]]:
    """The data rows of an importer file as header → cell (csv quoting undone)."""
    with path.open(encoding="utf-8", newline="") as f:
        head, *rows = list(csv.reader(f))
    return [dict(zip(head, r, strict=True)) for r in rows]


def test_column_kind_follows_the_values_bolt_would_send() -> None:
    assert column_kind(pd.Series([1.5, None])) == "double"
    assert column_kind(pd.Series([3, None], dtype=object)) == "long"
    assert column_kind(pd.Series([True, False])) == "boolean"
    assert column_kind(pd.Series([date(2024, 1, 2), None])) == "date"
    assert column_kind(pd.Series([["a"], None])) == "string[]"
    assert column_kind(pd.Series([[1.0, 2.5]])) == "double[]"
    assert column_kind(pd.Series([None, None])) == "string"
    with pytest.raises(ValueError, match="several types"):
        column_kind(pd.Series([1, "a"], dtype=object))


def test_companies_become_one_node_file_with_typed_header(tmp_path: Path) -> None:
    df = typed("companies", [
        {"id": "C1", "name": 'A, "B"', "founded": "2020-01-31", "registered_capital": "100",
         "tags": "x;y", "listed": "是", "employees": "7"},
        {"id": "C2", "name": "乙", "founded": None, "registered_capital": "2.5",
         "tags": None, "listed": "false", "employees": None},
    ])  # fmt: skip
    files = BulkFiles(tmp_path, PROV)
    assert files.family(FAMILIES["companies"], df) == 2
    [inp] = files.inputs
    assert (inp.kind, inp.name) == ("nodes", "Company")
    lines = inp.path.read_text("utf-8").splitlines()
    head = lines[0].split(",")
    assert head[0] == "id:ID(Company)"
    # registered_capital: "100" and "2.5" in one column are floats (pd.to_numeric)
    expected = {
        "name:string", "founded:date", "registered_capital:double", "tags:string[]",
        "listed:boolean", "employees:long", "source:string", "loaded_at:datetime",
    }  # fmt: skip
    assert expected <= set(head)
    row1, row2 = cells(inp.path)
    assert row1["founded:date"] == "2020-01-31"
    assert row1["registered_capital:double"] == "100"  # arrow's shortest form of 100.0
    assert row2["registered_capital:double"] == "2.5"
    assert row1["employees:long"] == "7" and row1["listed:boolean"] == "true"
    assert row1["tags:string[]"] == "x;y" and row1["name:string"] == 'A, "B"'
    assert '"A, ""B"""' in lines[1]
    assert lines[1].endswith('"companies.csv","L1","2026-01-02T03:04:05.600000+00:00","HO"')
    assert row2["founded:date"] == "" and row2["tags:string[]"] == ""  # missing: no property


def test_relationships_split_by_label_and_payments_aggregate(tmp_path: Path) -> None:
    holds = typed("shareholdings", [
        {"holder_id": "P1", "holder_type": "Person", "company_id": "C1", "pct": "30"},
        {"holder_id": "C2", "holder_type": "Company", "company_id": "C1", "pct": "60.5"},
    ])  # fmt: skip
    pays = typed("payments", [
        {"payer_id": "C1", "payee_id": "C2", "amount": "100", "date": "2024-01-05"},
        {"payer_id": "C1", "payee_id": "C2", "amount": "50", "date": "2024-04-01"},
    ])  # fmt: skip
    files = BulkFiles(tmp_path, PROV)
    assert files.family(FAMILIES["shareholdings"], holds) == 2
    assert files.family(FAMILIES["payments"], pays) == 1
    heads = [i.path.read_text("utf-8").splitlines()[0] for i in files.inputs]
    assert heads[0].startswith(":START_ID(Person),:END_ID(Company),pct:double")
    assert heads[1].startswith(":START_ID(Company),:END_ID(Company),pct:double")
    [pay] = cells(files.inputs[2].path)
    assert {"amount:double", "count:long", "first:date", "last:date", "periods:string[]",
            "period_amounts:double[]"} <= set(pay)  # fmt: skip
    assert pay["amount:double"] == "150" and pay["count:long"] == "2"
    assert (pay["first:date"], pay["last:date"]) == ("2024-01-05", "2024-04-01")
    assert pay["periods:string[]"] == "2024Q1;2024Q2"
    assert pay["period_amounts:double[]"] == "100.0;50.0"


def test_bad_rows_are_not_written(tmp_path: Path) -> None:
    df = typed("persons", [{"id": "P1", "name": "甲"}, {"id": "P2", "name": "乙"}])
    df.loc[1, BAD] = True
    files = BulkFiles(tmp_path, PROV, chunk_rows=1)
    assert files.family(FAMILIES["persons"], df) == 1
    assert len(files.inputs) == 1


def test_chunks_are_files_with_their_own_header(tmp_path: Path) -> None:
    df = typed("persons", [{"id": f"P{i}", "name": "x"} for i in range(5)])
    files = BulkFiles(tmp_path, PROV, chunk_rows=2)
    files.family(FAMILIES["persons"], df)
    assert [len(i.path.read_text("utf-8").splitlines()) for i in files.inputs] == [3, 3, 2]


def test_import_command_names_database_before_files(tmp_path: Path) -> None:
    s = Settings(home=tmp_path, import_threads=2, import_off_heap="6g", import_heap="2g")
    server = LocalServer(s)
    server.java = lambda: "java"  # type: ignore[method-assign]
    cmd = import_command(server, [ImportInput("nodes", "Company", tmp_path / "c.csv")])
    assert cmd[cmd.index("full") + 1] == s.neo4j_database
    assert "--max-off-heap-memory=6g" in cmd and "--threads=2" in cmd and "-Xmx2g" in cmd
    assert cmd[-1] == f"--nodes=Company={tmp_path / 'c.csv'}"


def test_stubs_are_nodes_named_by_their_id(tmp_path: Path) -> None:
    files = BulkFiles(tmp_path, PROV)
    assert files.stubs({"Company": {"X2", "X1"}, "Branch": {"B9"}}, "cn_ashare") == 2
    [inp] = files.inputs  # Branch is not a stub label
    assert (inp.kind, inp.name) == ("nodes", "Company")
    rows = cells(inp.path)
    assert [r["id:ID(Company)"] for r in rows] == ["X1", "X2"]
    assert rows[0]["name:string"] == "X1" and rows[0]["stub:boolean"] == "true"
    assert rows[0]["source:string"] == "cn_ashare"
