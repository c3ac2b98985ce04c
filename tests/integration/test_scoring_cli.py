"""Scoring against the real Neo4j: CLI JSON shapes, write-back counts, GDS vs Python.

The seeded graph (SEED):
    RM r1 (branch BJ) -KNOWS(0.8, 10 days ago)-> P2 (CFO of customer C1)
    P2 -KNOWS(0.6)-> P1 (chairman of C2, holds 10%); P4 CEO of C2
    C3 -55%-> C2 ; P3 -80%-> C3 (P3 = actual controller of C2)
    N1 "香港中央结算有限公司" -20%-> C2 (nominee) ; C1 -SUPPLIES/PAYS-> C2 ; C9 isolated
"""

import json

import pytest
from typer.testing import CliRunner

from guanxi.cli import app
from guanxi.graph.client import GraphClient
from guanxi.scoring import contact_workers
from guanxi.scoring.batch import ScoringBusy, run_scoring
from guanxi.scoring.centrality import compute_centrality, gds_available
from guanxi.scoring.projection import clear_cache

runner = CliRunner()

SEED = """
CREATE (ho:Branch {id: 'HO', name: '总行', level: 'head_office'})
CREATE (bj:Branch {id: 'BJ', name: '北京分行', level: 'branch'})-[:PART_OF]->(ho)
CREATE (r1:RelationshipManager {id: 'r1', name: '王经理', business_line: 'corporate'})
CREATE (r1)-[:WORKS_AT]->(bj)
CREATE (c1:Company {id: 'C1', name: '甲客户公司'})
CREATE (c2:Company {id: 'C2', name: '乙目标公司'})
CREATE (c3:Company {id: 'C3', name: '丙控股集团'})
CREATE (c9:Company {id: 'C9', name: '孤立公司'})
CREATE (n1:Company {id: 'N1', name: '香港中央结算有限公司'})
CREATE (p1:Person {id: 'P1', name: '张董事长'})
CREATE (p2:Person {id: 'P2', name: '李财务'})
CREATE (p3:Person {id: 'P3', name: '赵实控'})
CREATE (p4:Person {id: 'P4', name: '钱总经理'})
CREATE (c1)-[:CUSTOMER_OF {since: date('2020-01-01')}]->(bj)
CREATE (r1)-[:MANAGES {since: date('2020-01-01')}]->(c1)
CREATE (r1)-[:KNOWS {strength: 0.8, last_contact: date() - duration('P10D')}]->(p2)
CREATE (p2)-[:KNOWS {strength: 0.6}]->(p1)
CREATE (p2)-[:SERVES_AS {role: 'cfo'}]->(c1)
CREATE (p1)-[:SERVES_AS {role: 'chairman'}]->(c2)
CREATE (p4)-[:SERVES_AS {role: 'ceo'}]->(c2)
CREATE (p3)-[:SERVES_AS {role: 'chairman'}]->(c3)
CREATE (p1)-[:HOLDS_SHARES {pct: 10.0}]->(c2)
CREATE (c3)-[:HOLDS_SHARES {pct: 55.0}]->(c2)
CREATE (n1)-[:HOLDS_SHARES {pct: 20.0}]->(c2)
CREATE (p3)-[:HOLDS_SHARES {pct: 80.0}]->(c3)
CREATE (c1)-[:SUPPLIES {amount: 30000000.0, share: 0.2}]->(c2)
CREATE (c1)-[:PAYS {amount: 120000000.0, count: 37, first: date() - duration('P300D'),
                    last: date() - duration('P20D')}]->(c2)
"""


@pytest.fixture
def seeded(db: GraphClient) -> GraphClient:
    db.console(SEED, allow_write=True)
    clear_cache()
    return db


def cli_json(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_ownership_controller_and_nominee(seeded: GraphClient) -> None:
    out = cli_json("ownership", "C2")
    ctl = out["controller"]
    assert (ctl["controller"], ctl["kind"], ctl["chain"]) == ("P3", "absolute", ["P3", "C3", "C2"])
    assert ctl["stake"] == pytest.approx(44.0)
    assert [o["id"] for o in out["beneficial_owners"]] == ["P3"]
    assert {o["id"]: o["nominee"] for o in out["holders"]}["N1"] is True
    # the upstream direct holdings, largest first: what the ownership page draws
    assert [(e["from"], e["to"], e["pct"]) for e in out["edges"]] == [
        ("P3", "C3", 80.0),
        ("C3", "C2", 55.0),
        ("N1", "C2", 20.0),
        ("P1", "C2", 10.0),
    ]


def test_ownership_unknown_company_fails(seeded: GraphClient) -> None:
    res = runner.invoke(app, ["ownership", "NOPE", "--json"])
    assert res.exit_code == 1
    assert "NOPE" in json.loads(res.stdout)["message"]


def test_contacts_shape_and_ranking(seeded: GraphClient) -> None:
    out = cli_json("contacts", "C2", "-k", "3")
    assert out["company"] == "C2"
    assert [c["id"] for c in out["contacts"]] == ["P1", "P3", "P4"]
    for c in out["contacts"]:
        assert set(c) >= {"id", "name", "score", "reasons"} and c["reasons"]


def test_intimacy_cli(seeded: GraphClient) -> None:
    out = cli_json("intimacy", "C1", "C2")
    assert 0.5 < out["score"] <= 1
    assert "付款¥1.2亿/37笔" in out["text"]
    assert {e["kind"] for e in out["evidence"]} >= {"payment", "supply"}


def test_paths_from_rm_and_bank(seeded: GraphClient) -> None:
    out = cli_json("paths", "--to", "C2", "--from", "r1", "-k", "2")
    assert len(out["paths"]) == 2
    top = out["paths"][0]
    assert [h["from"] for h in top["hops"]] + [top["hops"][-1]["to"]] == ["r1", "P2", "P1", "C2"]
    assert top["channel"] == "WeChat"
    assert set(top["hops"][0]) >= {"from", "to", "type", "intimacy", "evidence"}
    assert top["hops"][0]["type"] == "KNOWS"
    bank = cli_json("paths", "--to", "C2")
    assert bank["paths"] and bank["paths"][0]["score"] >= bank["paths"][-1]["score"]
    branch = cli_json("paths", "--to", "C2", "--from", "BJ")
    assert branch["paths"][0]["hops"][0]["from"] == "r1"


def test_no_path_is_exit_0_with_reason(seeded: GraphClient) -> None:
    out = cli_json("paths", "--to", "C9")
    assert out["paths"] == []
    assert "No contact path" in out["reason"] and "C9" in out["reason"]


def test_score_writes_back_with_one_run_id(seeded: GraphClient) -> None:
    out = cli_json("score", "--engine", "python")
    run = out["run_id"]
    counts = seeded.read("scoring.count_derived", run_id=run)[0]
    assert counts["intimacy"] == out["intimacy"] > 10
    assert counts["key_contacts"] == out["key_contacts"] >= 3
    assert counts["centrality"] == out["centrality_nodes"] + 1  # + the nominee, written 0
    row = seeded.console(
        "MATCH (:Person {id:'P1'})-[k:KEY_CONTACT]->(:Company {id:'C2'}) RETURN k.rank, k.reasons"
    )["rows"][0]
    assert row[0] <= 3 and "董事长" in row[1]
    nominee = seeded.console("MATCH (n {id:'N1'}) RETURN n.pagerank")["rows"][0][0]
    assert nominee == 0.0
    again = cli_json("score", "--engine", "python", "--processes", "1")
    counts2 = seeded.read("scoring.count_derived", run_id=again["run_id"])[0]
    total = seeded.console("MATCH ()-[i:INTIMACY]->() RETURN count(i)")["rows"][0][0]
    assert total == counts2["intimacy"]  # the earlier run's relationships are gone
    bad = runner.invoke(app, ["score", "--processes", "0"])
    assert bad.exit_code == 2 and "--processes" in bad.output


INTIMACY_ROWS = (
    "MATCH (a)-[i:INTIMACY]->(b) RETURN a.id, b.id, i.score, i.evidence, i.text ORDER BY a.id, b.id"
)


CONTACT_ROWS = (
    "MATCH (p)-[k:KEY_CONTACT]->(c) RETURN c.id, p.id, k.rank, k.score, k.reasons "
    "ORDER BY c.id, k.rank"
)


def test_first_scoring_creates_and_a_rescoring_merges_the_same_rows(seeded: GraphClient) -> None:
    """A run that finds no INTIMACY creates its pairs (docs/scaling.md, *First scoring*); the
    next run merges onto them: the same rows, one relationship per pair, no stale run left."""
    first = run_scoring(seeded, engine="python")
    assert first["created"] == {"intimacy": True, "key_contacts": True}
    rows, contacts = seeded.console(INTIMACY_ROWS)["rows"], seeded.console(CONTACT_ROWS)["rows"]
    assert len(rows) == first["intimacy"] > 10 and len(contacts) == first["key_contacts"] >= 3
    assert len({(a, b) for a, b, *_ in rows}) == len(rows)
    again = run_scoring(seeded, engine="python")
    assert again["created"] == {"intimacy": False, "key_contacts": False}
    assert (again["intimacy"], again["key_contacts"]) == (first["intimacy"], first["key_contacts"])
    assert seeded.console(INTIMACY_ROWS)["rows"] == rows
    assert seeded.console(CONTACT_ROWS)["rows"] == contacts
    runs = seeded.console("MATCH ()-[i:INTIMACY|KEY_CONTACT]->() RETURN collect(DISTINCT i.run_id)")
    assert runs["rows"][0][0] == [again["run_id"]]


def test_one_scoring_run_at_a_time(seeded: GraphClient) -> None:
    """A second run is refused while one holds the scoring lock, and writes nothing; the
    lock is released when a run ends, and --break-lock takes it from a run that died."""
    seeded.write("scoring.acquire_lock", run_id="score-died", force=False)
    before = seeded.console("MATCH ()-[i:INTIMACY]->() RETURN count(i)")["rows"][0][0]
    with pytest.raises(ScoringBusy, match="score-died.*--break-lock"):
        run_scoring(seeded, engine="python")
    assert seeded.console("MATCH ()-[i:INTIMACY]->() RETURN count(i)")["rows"][0][0] == before
    busy = runner.invoke(app, ["score", "--engine", "python"])
    assert busy.exit_code == ScoringBusy.exit_code and "score-died" in busy.output
    out = cli_json("score", "--engine", "python", "--break-lock")
    assert out["intimacy"] > 10
    held = seeded.console("MATCH (m:GuanxiMeta {id: 'graph'}) RETURN m.scoring_run_id")
    assert held["rows"][0][0] is None  # released at the end
    assert run_scoring(seeded, engine="python")["intimacy"] == out["intimacy"]


def test_key_contacts_written_page_by_page_are_the_same(seeded: GraphClient, monkeypatch) -> None:
    """run_scoring writes key contacts a page of companies at a time (issue #21): pages of
    one company store the same rows as one page, and so do two forked workers."""
    q = (
        "MATCH (p:Person)-[k:KEY_CONTACT]->(c:Company) "
        "RETURN c.id, p.id, k.rank, k.score, k.reasons ORDER BY c.id, k.rank"
    )
    one = run_scoring(seeded, engine="python", contact_page=1)
    paged = seeded.console(q)["rows"]
    whole = run_scoring(seeded, engine="python")
    assert one["companies_with_contacts"] == whole["companies_with_contacts"] >= 2
    assert one["key_contacts"] == whole["key_contacts"] == len(paged) >= 3
    assert seeded.console(q)["rows"] == paged
    assert one["timings"]["read_s"] > 0
    # ranked and written by two forked workers, each through its own connection
    monkeypatch.setattr(contact_workers, "PARALLEL_COMPANIES", 0)
    forked = run_scoring(seeded, engine="python", processes=2, contact_page=1)
    assert forked["key_contacts"] == whole["key_contacts"]
    assert forked["companies_with_contacts"] == whole["companies_with_contacts"]
    assert seeded.console(q)["rows"] == paged
    assert seeded.read("scoring.count_derived", run_id=forked["run_id"])[0]["key_contacts"] == len(
        paged
    )


def test_gds_and_python_pagerank_agree(seeded: GraphClient) -> None:
    if not gds_available(seeded):
        pytest.skip("this server has no GDS")
    py, _ = compute_centrality(seeded, engine="python")
    gds, used = compute_centrality(seeded, engine="gds")
    assert used == "gds"
    a = py.set_index("node_id").sort_index()
    b = gds.set_index("node_id").sort_index()
    assert list(a.index) == list(b.index)
    assert b.pagerank.to_numpy() == pytest.approx(a.pagerank.to_numpy(), rel=1e-4)
    assert b.weighted_degree.to_numpy() == pytest.approx(a.weighted_degree.to_numpy())


def test_engine_gds_without_gds_is_a_clear_error(
    seeded: GraphClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server without Graph Data Science: ``--engine gds`` says so and how to go on,
    instead of a ProcedureNotFound from the first gds.* call."""
    import guanxi.scoring.centrality as centrality

    monkeypatch.setattr(centrality, "gds_available", lambda client: False)
    res = runner.invoke(app, ["score", "--engine", "gds", "--json"])
    assert res.exit_code != 0
    assert "--engine gds needs Graph Data Science" in res.output
    assert seeded.console("MATCH ()-[i:INTIMACY]->() RETURN count(i)")["rows"][0][0] == 0
