"""The time model in the schema: history types mirror their current types, the fence knows
them, and the as-of parameters map each history type to its current type."""

from __future__ import annotations

from datetime import date

from guanxi.access.fence import public_properties
from guanxi.graph.history import as_of_params, history_types, rewrite_versions, versioned_types
from guanxi.graph.schema import get_schema


def test_history_types_mirror_the_public_types() -> None:
    schema = get_schema()
    hist = history_types()
    assert sorted(hist) == ["GUARANTEED", "HELD_SHARES", "SERVED_AS", "SUPPLIED"]
    for rel in versioned_types().values():
        h = hist[rel.history.type]
        assert rel.scope == h.scope == "public"
        assert (h.from_, h.to, h.key) == (rel.from_, rel.to, rel.key)
        assert set(h.properties) == set(rel.properties) | {"valid_to"}
        assert "valid_from" in rel.properties
    assert not {r.name for r in schema.relationships.values() if r.scope == "internal"} & set(
        versioned_types()
    )
    assert {"valid_from", "valid_to"} <= public_properties()


def test_as_of_params_and_rewrite_statement() -> None:
    p = as_of_params(date(2020, 9, 30))
    assert p["history"]["HELD_SHARES"] == "HOLDS_SHARES"
    assert set(p["versioned"]) == {*p["history"], *p["history"].values()}
    text = rewrite_versions("SERVES_AS", "Person", "Company")
    assert "`SERVES_AS`|`SERVED_AS`" in text and "x.`role` = r.key" in text
    assert "$load_id" in text and "$rows" in text
