"""The whole-graph read in keyset pages (``scoring.party_read``) gives every party and every
party relationship once, whatever the page size, and the same as a plain whole-graph query.

The seed is tests/integration/test_scoring_cli.py's; pages of 2 parties cut it in many places
(a party's relationships never straddle pages, each label's last page is short).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from guanxi.graph.client import GraphClient
from guanxi.scoring.party_read import key_contact_frame, party_frames
from tests.integration.test_scoring_cli import SEED

TYPES = "HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES"


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys).reset_index(drop=True)


def test_pages_hold_every_party_and_relationship_once(db: GraphClient) -> None:
    db.console(SEED, allow_write=True)
    nodes, edges = party_frames(db, page=2)
    whole_n, whole_e = party_frames(db, page=1000)
    keys = ["source_id", "target_id", "rel_type"]
    pd.testing.assert_frame_equal(_sorted(nodes, ["id"]), _sorted(whole_n, ["id"]))
    pd.testing.assert_frame_equal(_sorted(edges, keys), _sorted(whole_e, keys))
    # an oracle that does not page: every party relationship, by type
    oracle = db.run_text(
        "test.oracle", f"MATCH (s)-[r:{TYPES}]->(t) RETURN s.id AS s, t.id AS t, type(r) AS type"
    )
    assert sorted(map(tuple, edges[keys].to_numpy().tolist())) == sorted(
        (r["s"], r["t"], r["type"]) for r in oracle
    )
    assert len(edges) == 13
    parties = db.run_text(
        "test.parties",
        "MATCH (n) WHERE n:Company OR n:Person OR n:RelationshipManager RETURN n.id AS id",
    )
    assert sorted(nodes["id"]) == sorted(r["id"] for r in parties)
    by_id = nodes.set_index("id")
    assert by_id.loc["N1", "nominee"] is True  # by its name
    assert by_id.loc["C1", "customer"] is True and by_id.loc["C2", "customer"] is False
    assert by_id.loc["r1", "label"] == "RelationshipManager"
    pays = edges[edges["rel_type"] == "PAYS"].iloc[0]
    assert (pays["amount"], pays["count"], pays["pct"]) == (120000000.0, 37, None)
    # a party's id is one string object however many relationships name it (interned:
    # the frames' memory at 1M companies, docs/scaling.md), and every column is object
    own = {id(x) for x in nodes["id"]}
    ends = [x for x in edges[["source_id", "target_id"]].to_numpy().ravel() if x in set(nodes.id)]
    assert ends and all(id(x) in own for x in ends)
    assert set(edges.dtypes) == {np.dtype(object)}


def test_as_of_pages_read_the_versions_valid_that_day(db: GraphClient) -> None:
    db.console(SEED, allow_write=True)
    db.console(
        "MATCH (p:Person {id: 'P4'}), (c:Company {id: 'C9'}) "
        "CREATE (p)-[:SERVED_AS {role: 'ceo', valid_from: date('2020-01-01'), "
        "valid_to: date('2022-01-01')}]->(c)",
        allow_write=True,
    )
    _, then = party_frames(db, as_of=date(2021, 6, 1), page=2)
    _, now = party_frames(db, as_of=date(2024, 6, 1), page=2)
    old = then[(then["source_id"] == "P4") & (then["target_id"] == "C9")]
    assert old["rel_type"].tolist() == ["SERVES_AS"] and old["role"].tolist() == ["ceo"]
    assert now[(now["source_id"] == "P4") & (now["target_id"] == "C9")].empty


def test_key_contacts_in_pages(db: GraphClient) -> None:
    db.console(SEED, allow_write=True)
    db.console(
        "UNWIND [['P1', 'C2', 0.9], ['P4', 'C2', 0.7], ['P3', 'C3', 0.8], ['P2', 'C1', 0.5]]"
        " AS r MATCH (p:Person {id: r[0]}), (c:Company {id: r[1]})"
        " CREATE (p)-[:KEY_CONTACT {score: r[2]}]->(c)",
        allow_write=True,
    )
    kc = key_contact_frame(db, page=1)
    assert sorted(map(tuple, kc.to_numpy().tolist())) == [
        ("C1", "P2", 0.5),
        ("C2", "P1", 0.9),
        ("C2", "P4", 0.7),
        ("C3", "P3", 0.8),
    ]
