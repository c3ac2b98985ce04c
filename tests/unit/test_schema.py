import pytest

from guanxi.graph.schema import get_schema, quote


def test_schema_has_the_design_model() -> None:
    s = get_schema()
    for label in ("Company", "Person", "Branch", "RelationshipManager", "Product"):
        assert label in s.nodes
    for rel in (
        "HOLDS_SHARES",
        "SERVES_AS",
        "SUPPLIES",
        "PAYS",
        "GUARANTEES",
        "KNOWS",
        "CUSTOMER_OF",
        "MANAGES",
        "WORKS_AT",
        "HOLDS_PRODUCT",
    ):
        assert rel in s.relationships
    assert s.rel("HOLDS_SHARES").from_ == ("Person", "Company")
    assert s.node("Product").key == "code"
    assert "CUSTOMER_OF" in s.internal_rel_types()
    assert "Company" not in s.internal_labels()


def test_ddl_is_idempotent_and_quoted() -> None:
    ddl = dict(get_schema().ddl())
    assert ddl["company_id_key"] == (
        "CREATE CONSTRAINT `company_id_key` IF NOT EXISTS "
        "FOR (n:`Company`) REQUIRE n.`id` IS UNIQUE"
    )
    assert all("IF NOT EXISTS" in stmt for stmt in ddl.values())


def test_quote_refuses_injection() -> None:
    assert quote("Company") == "`Company`"
    with pytest.raises(ValueError):
        quote("Company`) DETACH DELETE n //")


def test_unknown_label_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="Unknown label 'Firm'"):
        get_schema().node("Firm")
