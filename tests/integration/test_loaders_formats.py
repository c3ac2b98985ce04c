"""GBK, UTF-8-BOM, CRLF, Parquet, xlsx and DataFrame inputs load like UTF-8 CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from guanxi.graph.client import GraphClient
from guanxi.loaders import load, load_frames

COMPANIES = "id,name,region,registered_capital\nC1,深圳甲科技有限公司,广东,1000\nC2,乙银行,北京,\n"
PERSONS = "id,name,gender\nP1,张三,male\nP2,欧阳娜娜,female\n"
HOLDINGS = "holder_id,holder_type,company_id,pct\nP1,Person,C1,35.5\nC2,Company,C1,20\n"


def snapshot(client: GraphClient) -> list[dict]:
    return client.run_text(
        "t",
        "MATCH (n) WHERE NOT n:GuanxiMeta OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN labels(n)[0] AS l, n.id AS id, n.name AS name, n.region AS region, "
        "n.registered_capital AS cap, n.gender AS g, "
        "type(r) AS t, r.pct AS pct, m.id AS to ORDER BY id, to",
    )


def write_all(folder: Path, encoding: str, newline: str) -> None:
    folder.mkdir()
    for name, text in (("companies", COMPANIES), ("persons", PERSONS),
                       ("shareholdings", HOLDINGS)):  # fmt: skip
        (folder / f"{name}.csv").write_bytes(text.replace("\n", newline).encode(encoding))


@pytest.fixture
def reference(db: GraphClient, tmp_path: Path) -> list[dict]:
    write_all(tmp_path / "utf8", "utf-8", "\n")
    load(db, [tmp_path / "utf8"])
    snap = snapshot(db)
    assert len(snap) == 4
    return snap


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("gbk", "\n"), ("gb18030", "\r\n"), ("utf-8-sig", "\n"), ("utf-8", "\r\n")],
)
def test_encodings_and_line_endings(
    reference: list[dict], db: GraphClient, tmp_path: Path, encoding: str, newline: str
) -> None:
    from guanxi.graph.admin import wipe

    wipe(db)
    write_all(tmp_path / "other", encoding, newline)
    load(db, [tmp_path / "other"])
    assert snapshot(db) == reference


def _frames() -> dict[str, pd.DataFrame]:
    import io

    return {
        name: pd.read_csv(io.StringIO(text), dtype=str)
        for name, text in (("companies", COMPANIES), ("persons", PERSONS),
                           ("shareholdings", HOLDINGS))
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["parquet", "xlsx", "dataframe"])
def test_parquet_xlsx_dataframe(
    reference: list[dict], db: GraphClient, tmp_path: Path, kind: str
) -> None:
    from guanxi.graph.admin import wipe

    wipe(db)
    frames = _frames()
    if kind == "dataframe":
        load_frames(db, frames)
    else:
        paths = []
        for name, df in frames.items():
            path = tmp_path / f"{name}.{kind}"
            if kind == "parquet":
                df.to_parquet(path)
            else:
                df.to_excel(path, index=False)
            paths.append(path)
        load(db, paths)
    assert snapshot(db) == reference


def test_dataframe_with_stub_companies(db: GraphClient) -> None:
    frames = {"shareholdings": _frames()["shareholdings"], "persons": _frames()["persons"]}
    frames["shareholdings"] = frames["shareholdings"][
        frames["shareholdings"].holder_type == "Person"
    ]
    report = load_frames(db, frames, stubs=frozenset({"Company"}))
    assert report.stubs == {"Company": 1}
    rows = db.run_text("t", "MATCH (c:Company) RETURN c.id AS id, c.stub AS stub")
    assert rows == [{"id": "C1", "stub": True}]
