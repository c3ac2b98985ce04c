"""Readers, mappings and validation without a database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from guanxi.errors import InvalidData
from guanxi.loaders.families import FAMILIES
from guanxi.loaders.load import prepare
from guanxi.loaders.mapping import MAPPINGS_DIR, Table, apply_table, load_mapping
from guanxi.loaders.readers import ROW, detect_encoding, read_csv, read_table
from guanxi.loaders.validation import FILE, validate_family


def _frame(text: str, file: str = "f.csv") -> pd.DataFrame:
    import io

    df = read_table(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    df[FILE] = file
    return df


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_read_csv_encodings(tmp_path: Path, enc: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("id,name\r\n1,香港中央结算有限公司\r\n".encode(enc))
    df = read_csv(path)
    assert df.columns.tolist() == ["id", "name", ROW]
    assert df.iloc[0].tolist() == ["1", "香港中央结算有限公司", 2]


def test_string_columns_clean_like_the_per_cell_rule() -> None:
    """The vectorised pass over string columns (every CSV column) gives what the per-cell
    rule gives to the same values: stripped, null spellings None, inner spaces kept."""
    from guanxi.loaders.readers import _cell, frame_to_strings

    cells = [" a ", "", "NULL", " N/A ", "nan", "x y", "\u3000全角\u3000", "0.50", "None", "#N/A",
             "-"]  # fmt: skip
    mixed = [1.0, float("nan"), None, " b ", 2.5]
    df = pd.DataFrame({"s": cells, "m": mixed + [""] * (len(cells) - len(mixed))})
    out = frame_to_strings(df)
    assert out["s"].tolist() == [_cell(v) for v in cells]
    assert out["s"].tolist()[:4] == ["a", None, None, None]
    assert out["m"].tolist()[:5] == ["1", None, None, "b", "2.5"]
    assert out["s"].dtype == object and out[ROW].tolist() == list(range(2, len(cells) + 2))


def test_undecodable_byte_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"id,name\n1,ok\n2,\xff\xfe\x80\n")
    with pytest.raises(InvalidData) as exc:
        read_csv(path)
    assert exc.value.errors[0].row == 3
    assert detect_encoding("中文".encode("gbk")) == "gb18030"


def test_mapping_split_map_pct_pad_hash_cases() -> None:
    raw = _frame("姓名,代码,职务,持股比例\n张三,1,董事长/董事,35.5%\n甲公司,600000,董事,1%\n")
    table = Table(
        file="*.csv", family="positions", read={}, where={}, dedupe="first",
        columns={
            "person_id": {"hash": ["姓名", "代码"], "prefix": "P-"},
            "company_id": {"from": "代码", "pad": 6},
            "role": {
                "from": "职务", "split": "/", "map": {"董事长": "chairman", "董事": "director"}
            },
        },
    )  # fmt: skip
    df = apply_table(table, raw)
    assert df["role"].tolist() == ["chairman", "director", "director"]
    assert df["company_id"].tolist() == ["000001", "000001", "600000"]
    assert df[ROW].tolist() == [2, 2, 3]
    assert df["person_id"].iloc[0] == df["person_id"].iloc[1] != df["person_id"].iloc[2]
    holders = Table(
        file="*.csv", family="shareholdings", read={}, where={},
        columns={
            "holder_type": {"from": "姓名", "classify": [{"pattern": "公司", "value": "Company"}],
                            "default": "Person"},
            "holder_id": {"cases": [{"when": {"holder_type": "Company"}, "hash": ["姓名"]},
                                    {"hash": ["姓名", "代码"]}]},
            "pct": {"from": "持股比例", "pct": True},
        },
    )  # fmt: skip
    h = apply_table(holders, raw)
    assert h["holder_type"].tolist() == ["Person", "Company"]
    assert h["pct"].tolist() == ["35.5", "1"]


def test_validation_reports_rows_and_columns() -> None:
    df = _frame("holder_id,holder_type,company_id,pct,as_of\nP1,Person,C1,abc,\n"
                ",Person,C1,10,\nP2,Bank,C1,140,2020-02-30\nP1,Person,C1,5,\n")  # fmt: skip
    _, errors = validate_family(FAMILIES["shareholdings"], df)
    got = {(e.row, e.column, e.reason.split(" (")[0]) for e in errors}
    assert (2, "pct", "not a number") in got
    assert (3, "holder_id", "missing required value") in got
    assert (4, "holder_type", "not one of Person, Company") in got
    assert (4, "pct", "out of range") in got
    assert (4, "as_of", "not a date") in got
    assert (5, "holder_id/company_id", "duplicate key holder_id, company_id") in got


def test_prepare_checks_references_and_share_totals() -> None:
    frames = {
        "companies": [_frame("id,name\nC1,甲\n", "companies.csv")],
        "shareholdings": [_frame("holder_id,holder_type,company_id,pct\nC1,Company,C1,60\n"
                                 "P9,Person,C1,50\n", "shareholdings.csv")],
    }  # fmt: skip
    _, problems, stubs = prepare(frames, None)
    assert any(e.row == 3 and "unknown Person 'P9'" in e.reason for e in problems)
    _, problems, stubs = prepare(frames, None, frozenset({"Person"}))
    assert stubs == {"Person": {"P9"}}
    warn = [e for e in problems if e.severity == "warning"]
    assert warn and "'C1'" in warn[0].reason and "110.00%" in warn[0].reason


def test_repository_mappings_parse() -> None:
    for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
        m = load_mapping(path)
        assert m.tables, path


def test_node_rows_sharing_a_key_merge_and_conflicts_name_both_rows() -> None:
    from guanxi.loaders.families import FAMILIES
    from guanxi.loaders.merge import CONFLICTS, merge_node_rows

    df = pd.DataFrame(
        {
            "id": ["A", "B", "A", "A"],
            "name": ["Alpha Ltd", "Beta", None, "ALPHA LTD"],
            "region": [None, "SG", "SG", None],
            "tags": ["x", None, "y;x", None],
            "_file": ["f.csv"] * 4,
            "_row": [2, 3, 4, 5],
            CONFLICTS: ["warn", "warn", "warn", "error"],
        },
        dtype=object,
    )
    out, errs, bad = merge_node_rows(FAMILIES["companies"], df)
    a = out[out["id"] == "A"].iloc[0]
    assert (len(out), a["name"], a["region"], a["tags"], a["_row"]) == (
        2, "Alpha Ltd", "SG", "x;y", 2
    )  # fmt: skip
    assert [(e.row, e.column, e.severity) for e in errs] == [(5, "name", "error")]
    assert "conflicts with f.csv row 2 ('Alpha Ltd')" in errs[0].reason
    assert bad == {"A"}


def test_missing_values_stay_missing_through_cleaning() -> None:
    from guanxi.loaders.mapping import _one, _value

    nan = float("nan")
    assert _one(nan, {"date_format": "%Y%m%d"}) is None
    assert _one("", {"date_format": "%Y%m%d"}) is None
    assert _one("20240102", {"date_format": "%Y%m%d"}) == "2024-01-02"
    assert _value({"a": nan, "b": "x"}, {"from": ["a", "b"], "join": "-"}, {}) == "x"
    assert _value({"a": nan}, {"hash": ["a"]}, {}) is None
    assert _value({"a": "Ab"}, {"hash": ["a"], "upper": True}, {}) == _value(
        {"a": "AB"}, {"hash": ["a"]}, {}
    )
