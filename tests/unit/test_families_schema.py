"""The loader families and the schema agree: one schema source (issue #14).

Every property of a loaded label or relationship type is a family column with the schema's
type, required flag, range and choices; keys match; a family holds nothing the schema lacks
besides its endpoint columns; the statements the writer sends SET only schema properties.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from guanxi.graph.library import get_library
from guanxi.graph.schema import PropSpec, Schema, get_schema
from guanxi.loaders.families import FAMILIES, Column, Family, build_families
from guanxi.loaders.mapping import MAPPINGS_DIR, load_mapping
from guanxi.loaders.readers import ROW
from guanxi.loaders.references import LABELS, existing_query
from guanxi.loaders.validation import BAD, FILE
from guanxi.loaders.writer import Provenance, aggregate, statements

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = get_schema()


def _agrees(col: Column, spec: PropSpec) -> bool:
    return (col.type, col.required, col.min, col.max, col.choices) == (
        spec.type, spec.required, spec.min, spec.max, spec.choices,
    )  # fmt: skip


def _endpoint_columns(fam: Family) -> set[str]:
    return {c for r in fam.refs for c in (r.column, r.label_column) if c}


@pytest.mark.parametrize("name", [n for n, f in FAMILIES.items() if f.kind == "node"])
def test_node_family_is_its_label(name: str) -> None:
    fam = FAMILIES[name]
    node = SCHEMA.node(fam.label or "")
    assert fam.key == (node.key,)
    for prop, spec in node.properties.items():
        assert _agrees(fam.col_index[prop], spec), (name, prop)
    links = {link.column for link in fam.links}
    assert set(fam.col_index) - set(node.properties) == links == _endpoint_columns(fam)
    for link in fam.links:
        assert fam.label in SCHEMA.rel(link.rel_type).from_
        assert fam.col_index[link.column].type == "string"


@pytest.mark.parametrize("name", [n for n, f in FAMILIES.items() if f.kind == "rel"])
def test_relationship_family_is_its_type(name: str) -> None:
    fam = FAMILIES[name]
    rel = SCHEMA.rel(fam.rel_type or "")
    a, b = fam.refs
    assert fam.key == (a.column, b.column, *((rel.key,) if rel.key else ()))
    for ref, labels in ((a, rel.from_), (b, rel.to)):
        assert fam.col_index[ref.column].required
        if ref.label_column:
            assert fam.col_index[ref.label_column].choices == labels
        else:
            assert (ref.label,) == labels
    own = set(fam.col_index) - _endpoint_columns(fam)
    assert set(fam.props) | ({rel.key} if rel.key else set()) == set(rel.properties)
    if fam.aggregate is None:
        assert own == set(rel.properties)
        for prop in own:
            assert _agrees(fam.col_index[prop], rel.properties[prop]), (name, prop)
    else:  # raw rows: the aggregation yields exactly the type's properties
        assert {prop for prop, _, _ in fam.aggregate.into} == set(rel.properties)
        assert {col for _, col, _ in fam.aggregate.into} == own
        for prop in own & set(rel.properties):
            assert _agrees(fam.col_index[prop], rel.properties[prop]), (name, prop)


def test_every_loadable_type_has_a_family() -> None:
    """Each relationship type between loaded labels is written by a family or a link."""
    written = {f.rel_type for f in FAMILIES.values()}
    written |= {link.rel_type for f in FAMILIES.values() for link in f.links}
    loadable = {
        t for t, r in SCHEMA.relationships.items() if set(r.from_) | set(r.to) <= set(LABELS)
    }
    assert loadable == written - {None}
    assert set(LABELS) == {"Company", "Person", "Branch", "RelationshipManager", "Product"}


def test_adding_a_property_to_the_schema_adds_the_column() -> None:
    data = SCHEMA.model_dump(by_alias=True)
    data["nodes"]["Company"]["properties"]["website"] = {"type": "string"}
    data["relationships"]["SUPPLIES"]["properties"]["volume"] = {"type": "float", "min": 0}
    families = build_families(Schema.model_validate(data))
    assert families["companies"].col_index["website"] == Column("website")
    assert families["supply"].col_index["volume"] == Column("volume", "float", min=0)
    assert "volume" in families["supply"].props


def test_a_type_the_loaders_cannot_read_is_refused() -> None:
    data = SCHEMA.model_dump(by_alias=True)
    data["nodes"]["Person"]["properties"]["seen_at"] = {"type": "datetime"}
    with pytest.raises(ValueError, match="cannot read type 'datetime'"):
        build_families(Schema.model_validate(data))


def test_lookup_queries_match_on_the_schema_key() -> None:
    lib = get_library()
    for label in LABELS:
        key = SCHEMA.node(label).key
        text = lib[existing_query(label)].text
        assert f"MATCH (n:{label} {{{key}: id}})" in text
        assert f"RETURN n.{key} AS id" in text


def test_statements_set_the_schema_provenance() -> None:
    prov = Provenance("L1", datetime(2024, 1, 2, tzinfo=UTC)).params("f.csv")
    assert set(prov) == set(SCHEMA.provenance)
    for text in (SCHEMA.merge_nodes("Product"), SCHEMA.merge_rels("PAYS", "Company", "Company"),
                 SCHEMA.merge_stubs("Person")):  # fmt: skip
        assert set(re.findall(r"\.`(\w+)` = \$(\w+)", text)) == {(p, p) for p in prov}
    assert "MERGE (a)-[x:`SERVES_AS` {`role`: r.key}]->(b)" in SCHEMA.merge_rels(
        "SERVES_AS", "Person", "Company"
    )
    with pytest.raises(ValueError, match="does not lead from Company to Person"):
        SCHEMA.merge_rels("SERVES_AS", "Company", "Person")


def _typed(fam: Family, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[c.name for c in fam.columns])
    return df.assign(**{FILE: "f.csv", ROW: range(2, len(df) + 2), BAD: False})


def test_written_props_are_schema_properties() -> None:
    branches = _typed(FAMILIES["branches"], [
        {"id": "HO", "name": "总行", "level": "head_office"},
        {"id": "SH", "name": "上海分行", "level": "branch", "parent_id": "HO"},
    ])  # fmt: skip
    nodes, parents = statements(FAMILIES["branches"], branches)
    assert [r["key"] for r in nodes.rows] == ["HO", "SH"]
    assert all(set(r["props"]) <= set(SCHEMA.node("Branch").properties) for r in nodes.rows)
    assert (parents.name, parents.rows, parents.counts) == (
        "load.branches_part_of", [{"a": "SH", "b": "HO", "props": {}}], False,
    )  # fmt: skip
    holdings = _typed(FAMILIES["shareholdings"], [
        {"holder_id": "P1", "holder_type": "Person", "company_id": "C1", "pct": 30.0},
        {"holder_id": "C2", "holder_type": "Company", "company_id": "C1", "pct": 60.0},
    ])  # fmt: skip
    by_name = {s.name: s for s in statements(FAMILIES["shareholdings"], holdings)}
    assert sorted(by_name) == ["load.shareholdings_company", "load.shareholdings_person"]
    assert by_name["load.shareholdings_person"].rows == [
        {"a": "P1", "b": "C1", "props": {"pct": 30.0}}
    ]
    positions = _typed(FAMILIES["positions"], [
        {"person_id": "P1", "company_id": "C1", "role": "ceo", "since": date(2020, 1, 1)},
    ])  # fmt: skip
    (st,) = statements(FAMILIES["positions"], positions)
    assert st.rows == [{"a": "P1", "b": "C1", "props": {"since": date(2020, 1, 1)}, "key": "ceo"}]


def test_payments_aggregate_into_the_pays_properties() -> None:
    fam = FAMILIES["payments"]
    raw = _typed(fam, [
        {"payer_id": "C1", "payee_id": "C2", "amount": 100.0, "date": date(2020, 1, 1)},
        {"payer_id": "C1", "payee_id": "C2", "amount": 50.0, "date": date(2020, 3, 1)},
        {"payer_id": "C2", "payee_id": "C3", "amount": 7.0, "date": date(2020, 2, 1)},
    ])  # fmt: skip
    (st,) = statements(fam, aggregate(fam, raw))
    assert st.name == "load.payments"
    pays = {
        "amount": 150.0,
        "count": 2,
        "first": date(2020, 1, 1),
        "last": date(2020, 3, 1),
        "periods": ["2020Q1"],
        "period_amounts": [150.0],
    }
    assert st.rows[0] == {"a": "C1", "b": "C2", "props": pays}
    assert all(set(r["props"]) == set(SCHEMA.rel("PAYS").properties) for r in st.rows)


def test_peer_queries_set_exactly_the_schema_properties() -> None:
    """The benchmark's LOAD CSV peers list their properties by hand: they must stay the
    schema's (plus provenance), or the comparison would not be like for like."""
    lib = get_library()
    peers = lib.names("load.peer_")
    assert peers
    for name in peers:
        text = lib[name].text
        rel_type = re.search(r"MERGE \(a\)-\[x:(\w+)", text).group(1)
        merged = set(re.findall(r"\{(\w+): r\.\w+\}\]", text))
        props = set(re.findall(r"\bx\.(\w+) =", text)) | merged
        assert props == set(SCHEMA.rel(rel_type).properties) | set(SCHEMA.provenance), name


def test_one_mappings_folder_shipped_with_the_package() -> None:
    assert not (ROOT / "mappings").exists()
    names = {p.stem for p in MAPPINGS_DIR.glob("*.yaml")}
    assert {"cn_ashare_exec", "cn_ashare_holders", "cn_registry_extract"} <= names
    for name in names:
        assert load_mapping(name).path == MAPPINGS_DIR / f"{name}.yaml"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"loaders/mappings/*.yaml"' in pyproject
