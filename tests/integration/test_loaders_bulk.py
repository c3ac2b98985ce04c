"""``guanxi load --bulk``: the offline importer writes what the Bolt loader writes.

One folder (a generated network plus rows that stress the CSV conversion: commas, quotes,
a line break, whole-number floats) is bulk-loaded into the emptied test database, dumped,
wiped, loaded again through Bolt and dumped again: every node and relationship with every
property, value *and* type, must be the same (``load_id`` and ``loaded_at`` only differ in
value, as every load has its own). The bulk import stops and restarts the test server.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from guanxi.config import Settings
from guanxi.errors import ConfigError, Conflict, InvalidData
from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load, load_frames
from guanxi.loaders.bulk import bulk_load
from guanxi.loaders.synthetic.generate import generate
from guanxi.loaders.synthetic.world import GeneratorConfig

DUMP_NODES = "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
DUMP_RELS = (
    "MATCH (a)-[r]->(b) RETURN labels(a) AS a_labels, coalesce(a.id, a.code) AS a, type(r) "
    "AS type, labels(b) AS b_labels, coalesce(b.id, b.code) AS b, properties(r) AS props"
)
#: extra rows: quoting, a line break inside a value, whole-number floats (Bolt writes ints)
EXTRA = 'C-EXTRA-1,"甲, ""引号"" 公司\n第二行",active,,,,1000,a;b,true,,12,,,\n'


def _cell(v: Any) -> Any:
    """A value with its exact type: ``(type name, value)``; lists item by item."""
    if isinstance(v, list):
        return ("list", tuple(_cell(x) for x in v))
    tz = repr(getattr(v, "tzinfo", None)) if hasattr(v, "tzinfo") else None
    return (type(v).__name__, str(v), tz)


def _props(props: dict[str, Any], load_id: str) -> tuple:
    out = []
    for k, v in sorted(props.items()):
        if k == "load_id":
            assert v == load_id
            v = "<load>"
        if k in ("loaded_at", "changed_at"):
            out.append((k, type(v).__name__, repr(getattr(v, "tzinfo", None))))
            continue
        if k == "stamp":
            assert v.startswith(f"load {load_id}@")
            v = "<stamp>"
        out.append((k, _cell(v)))
    return tuple(out)


def dump(client: GraphClient, load_id: str) -> tuple[list, list]:
    """Every node and relationship, canonical and sorted."""
    nodes = sorted(
        (tuple(sorted(r["labels"])), _props(r["props"], load_id))
        for r in client.run_text("test.dump_nodes", DUMP_NODES)
    )
    rels = sorted(
        (tuple(r["a_labels"]), r["a"], r["type"], tuple(r["b_labels"]), r["b"],
         _props(r["props"], load_id))
        for r in client.run_text("test.dump_rels", DUMP_RELS)
    )  # fmt: skip
    return nodes, rels


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulk") / "net"
    generate(GeneratorConfig(companies=300, seed=11), folder)
    with (folder / "companies.csv").open("a", encoding="utf-8") as f:
        f.write(EXTRA)
    return folder


@pytest.fixture
def local(settings: Settings) -> Settings:
    if settings.external:
        pytest.skip("--bulk replaces the local server's store; NEO4J_URI points elsewhere")
    return settings


def test_bulk_writes_what_bolt_writes(db: GraphClient, local: Settings, network: Path) -> None:
    report = bulk_load([network], settings=local)
    # the new store's transaction ids start afresh: a driver that was connected before
    # waits for bookmarks the new store never reaches, so the client reconnects
    db.close()
    assert set(report.phases) >= {"validate", "convert", "import", "start", "indexes"}
    bulk = dump(db, report.load_id)
    labels = {r["label"]: r["count"] for r in db.read("admin.label_counts") if r["count"]}
    assert report.nodes == sum(labels.values()) + 1  # + the GuanxiMeta stamp node
    constraints = db.run_text("test.constraints", "SHOW CONSTRAINTS YIELD name RETURN name")
    assert len(constraints) >= 5
    wipe(db)
    bolt_report = load(db, [network])
    bolt = dump(db, bolt_report.load_id)
    assert report.written == bolt_report.written
    assert len(bulk[0]) == len(bolt[0]) and len(bulk[1]) == len(bolt[1])
    for a, b in zip(bulk[0], bolt[0], strict=True):
        assert a == b
    for a, b in zip(bulk[1], bolt[1], strict=True):
        assert a == b
    # the stress rows made it, typed as Bolt types them
    extra = [n for n in bulk[0] if ("id", ("str", "C-EXTRA-1", None)) in n[1]]
    assert len(extra) == 1
    assert ("registered_capital", ("float", "1000.0", None)) in extra[0][1]
    assert ("employees", ("int", "12", None)) in extra[0][1]
    assert ("name", ("str", '甲, "引号" 公司\n第二行', None)) in extra[0][1]


def test_bulk_refuses_bad_input_like_bolt(
    db: GraphClient, local: Settings, network: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(network, bad)
    with (bad / "shareholdings.csv").open("a", encoding="utf-8") as f:
        f.write("P0000001,Person,C-NOWHERE,140,,\n")
    with pytest.raises(InvalidData) as bolt_err:
        load(db, [bad])
    with pytest.raises(InvalidData) as bulk_err:
        bulk_load([bad], settings=local)
    assert str(bulk_err.value) == str(bolt_err.value)
    assert [e.to_dict() for e in bulk_err.value.errors] == [
        e.to_dict() for e in bolt_err.value.errors
    ]
    reasons = {(e.column, e.reason.split(" (")[0]) for e in bulk_err.value.errors}
    assert ("pct", "out of range") in reasons
    assert db.read("admin.counts")[0]["nodes"] == 0


def test_bulk_refuses_a_database_with_nodes(db: GraphClient, local: Settings, network: Path):
    import pandas as pd

    load_frames(db, {"companies": pd.DataFrame({"id": ["C1"], "name": ["甲"]})})
    before = db.read("admin.counts")[0]
    with pytest.raises(Conflict, match="only into an empty database"):
        bulk_load([network], settings=local)
    assert db.read("admin.counts")[0] == before


def test_bulk_refuses_an_external_server(settings: Settings, network: Path) -> None:
    ext = settings.model_copy(update={"neo4j_uri": "bolt://db.example:7687"})
    with pytest.raises(ConfigError, match="NEO4J_URI is set"):
        bulk_load([network], settings=ext)


def test_bulk_refuses_a_pair_in_payments_and_flows(
    db: GraphClient, local: Settings, tmp_path: Path
) -> None:
    (tmp_path / "companies.csv").write_text("id,name\nC1,甲\nC2,乙\n", encoding="utf-8")
    (tmp_path / "payments.csv").write_text(
        "payer_id,payee_id,amount,date\nC1,C2,5,2024-01-01\n", encoding="utf-8"
    )
    (tmp_path / "flows.csv").write_text(
        "payer_id,payee_id,amount,count\nC1,C2,9,3\n", encoding="utf-8"
    )
    with pytest.raises(Conflict, match="C1 → C2"):
        bulk_load([tmp_path], settings=local)
    assert db.read("admin.counts")[0]["nodes"] == 0


def test_cli_bulk_refuses_with_exit_codes(db: GraphClient, local: Settings, network: Path):
    import pandas as pd
    from typer.testing import CliRunner

    from guanxi.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["load", "--bulk", "--snapshot", "2024-01-01", str(network)])
    assert res.exit_code == 2 and "first load" in res.output
    load_frames(db, {"companies": pd.DataFrame({"id": ["C1"], "name": ["甲"]})})
    before = db.read("admin.counts")[0]
    res = runner.invoke(app, ["load", "--bulk", str(network)])
    assert res.exit_code == 4 and "only into an empty database" in res.output
    assert db.read("admin.counts")[0] == before
