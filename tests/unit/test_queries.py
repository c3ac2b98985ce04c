from pathlib import Path

import pytest

from guanxi.errors import NotFound, QueryError
from guanxi.graph.library import QueryLibrary, get_library


def test_library_splits_named_queries_with_docs_and_params(tmp_path: Path) -> None:
    area = tmp_path / "demo"
    area.mkdir()
    (area / "a.cypher").write_text(
        "// name: demo.first\n// Returns: x.\n// Takes $limit.\nMATCH (n) RETURN n LIMIT $limit\n\n"
        "// name: demo.second\n// Two params.\nMATCH (n {id: $id}) SET n.x = $x\n",
        encoding="utf-8",
    )
    (area / "single.cypher").write_text("RETURN $a + $a AS b\n", encoding="utf-8")
    lib = QueryLibrary(tmp_path)
    assert lib.names() == ["demo.first", "demo.second", "demo.single"]
    first = lib["demo.first"]
    assert first.text == "MATCH (n) RETURN n LIMIT $limit"
    assert first.params == ("limit",)
    assert first.title == "Returns: x."
    assert lib["demo.second"].params == ("id", "x")
    assert lib["demo.single"].params == ("a",)


def test_unknown_query_name_is_not_found() -> None:
    with pytest.raises(NotFound, match="No query named 'nope'"):
        get_library()["nope"]


def test_duplicate_names_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.cypher").write_text("// name: q\nRETURN 1\n// name: q\nRETURN 2\n")
    with pytest.raises(QueryError, match="Duplicate query name 'q'"):
        QueryLibrary(tmp_path)


def test_empty_query_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.cypher").write_text("// name: q\n// only a comment\n")
    with pytest.raises(QueryError, match="has no Cypher text"):
        QueryLibrary(tmp_path)


def test_package_library_loads_admin_queries() -> None:
    lib = get_library()
    assert "admin.components" in lib
    assert "admin.wipe_batch" in lib
    assert lib["admin.wipe_batch"].params == ("limit",)


def test_rows_convert_like_record_data() -> None:
    """The fast row conversion gives what ``Record.data()`` gives (temporal values pass
    through both), and defers to it for nodes, relationships and paths."""
    from neo4j.graph import Graph, Node
    from neo4j.time import Date

    import neo4j
    from guanxi.graph import translate as gc

    plain = neo4j.Record(
        zip(["a", "b", "c"], [1, [0.5, "x", None], {"k": [True, {"z": 2}]}], strict=True)
    )
    assert gc.as_dict(plain) == plain.data()
    dated = neo4j.Record(zip(["a", "b"], [1, [{"d": Date(2024, 1, 2)}]], strict=True))
    assert gc._plain(dated.values()[1])
    assert gc.as_dict(dated) == dated.data()
    node = Node(Graph(), "4:x:7", 7, {"Company"}, {"id": "C1"})
    with_node = neo4j.Record(zip(["n", "l"], [node, [{"m": node}]], strict=True))
    assert not gc._plain(with_node.values()[0]) and not gc._plain(with_node.values()[1])
    expected = {"n": {"id": "C1"}, "l": [{"m": {"id": "C1"}}]}
    assert gc.as_dict(with_node) == with_node.data() == expected


def test_text_for_quotes_schema_names_and_refuses_others() -> None:
    lib = get_library()
    text = lib.text_for("scoring.party_page", LABEL="Company")
    assert "MATCH (n:`Company`)" in text and "__LABEL__" not in text
    with pytest.raises(QueryError, match="neither a label nor a relationship type"):
        lib.text_for("scoring.party_page", LABEL="Company) DETACH DELETE (n")
    with pytest.raises(QueryError, match="needs a name for __LABEL__"):
        lib.text_for("scoring.party_page")
