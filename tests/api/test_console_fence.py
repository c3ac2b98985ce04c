"""The analyst console's fence against a corpus of hostile queries (issue #13).

Each entry says why the query must fail for a branch-scoped analyst of BA (``fenced``),
and what a head-office analyst (whole bank) gets: refused, or answered. Across the whole
corpus: 0 writes, 0 outbound requests, 0 rows naming another branch's internal facts.
The bank of tests/api/conftest.py: CA is BA1's customer, CB is BB's; see its docstring.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from guanxi.access.console import run_console, run_saved
from guanxi.access.scope import Scope
from guanxi.access.users import User
from guanxi.errors import GuanxiError
from guanxi.graph.client import GraphClient

#: what a BA analyst must never see: BB's branch, RM, customer relationship and products,
#: and every payment (internal, outside a fenced console)
FOREIGN = ["北京分行", "RM-B", "李经理", "2021-01-01", "CASH", "20000000", "7000000", "BB"]


@dataclass(frozen=True)
class Case:
    query: str
    why: str
    #: the head-office analyst's outcome: "refused" or "answered"
    head_office: str = "refused"
    params: dict[str, Any] = field(default_factory=dict)
    #: text the fenced refusal must contain (the clause, procedure, label… it names)
    names: str = ""


URL = "http://127.0.0.1:{port}/x.csv"
CORPUS: list[Case] = [
    # --- writes and transactions ---------------------------------------------------
    Case("CREATE (:Company {id: 'X1', name: 'x'})", "creates a node", names="writes"),
    Case("MERGE (c:Company {id: 'CA'}) SET c.name = 'x'", "merges and sets", names="writes"),
    Case("MATCH (c:Company {id: 'CA'}) SET c.status = 'gone'", "sets a property", names="writes"),
    Case("MATCH (c:Company {id: 'CP'}) DETACH DELETE c", "deletes", names="writes"),
    Case("MATCH (c:Company {id: 'CA'}) REMOVE c.name", "removes a property", names="writes"),
    Case("MATCH (c:Company) FOREACH (x IN [1] | SET c.x = x)", "FOREACH write", names="writes"),
    Case("CREATE INDEX x IF NOT EXISTS FOR (n:Company) ON (n.x)", "schema", names="writes"),
    Case(
        "UNWIND range(1, 3) AS i CALL (i) { RETURN i AS j } IN TRANSACTIONS RETURN j",
        "CALL {} IN TRANSACTIONS (its own transactions, outside the read transaction)",
        names="IN TRANSACTIONS",
    ),
    Case(
        "MATCH (c:Company) CALL (c) { SET c.touched = true } IN TRANSACTIONS",
        "writes in batches",
    ),
    # --- URLs and files --------------------------------------------------------------
    Case(f"LOAD CSV FROM '{URL}' AS l RETURN l", "fetches a URL (SSRF)", names="LOAD CSV"),
    Case(
        f"LOAD CSV WITH HEADERS FROM '{URL}' AS l RETURN l",
        "fetches a URL with headers",
        names="LOAD CSV",
    ),
    Case("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "reads a server file", names="LOAD"),
    Case("LOAD CSV FROM $u AS l RETURN l", "URL as a parameter", params={"u": URL}, names="LOAD"),
    Case(f"CALL apoc.load.json('{URL}') YIELD value RETURN value", "apoc.load.json fetches"),
    Case(f"CALL apoc.load.csv('{URL}') YIELD list RETURN list", "apoc.load.csv fetches"),
    Case("CALL apoc.load.xml('file:///etc/hosts') YIELD value RETURN value", "reads a file"),
    Case(f"CALL apoc.import.csv([{{fileName: '{URL}', labels: ['X']}}], [], {{}})", "imports"),
    Case("CALL apoc.export.csv.all('out.csv', {})", "writes a file"),
    # --- administration and introspection procedures ----------------------------------
    Case("CALL dbms.components()", "server administration", names="dbms.components"),
    Case("CALL dbms.listConfig()", "server configuration"),
    Case("SHOW PROCEDURES", "administration command", names="SHOW"),
    Case("SHOW SETTINGS", "server settings"),
    Case("SHOW DATABASES", "administration command"),
    Case("SHOW INDEXES", "lists every index, internal labels included", names="SHOW"),
    Case("CALL db.clearQueryCaches()", "administration"),
    Case("CALL db.stats.retrieve('GRAPH COUNTS')", "counts of internal labels"),
    Case("CALL apoc.meta.stats()", "counts of internal labels and types"),
    Case("CALL db.labels()", "lists internal labels", head_office="answered", names="db.labels"),
    Case("CALL db.schema.visualization()", "the internal schema", head_office="answered"),
    Case(
        "CALL db.index.fulltext.queryNodes('branch_fulltext', '*') YIELD node RETURN node",
        "full-text search over any index, internal ones too",
        head_office="answered",
    ),
    # --- the graph catalog and algorithms ------------------------------------------------
    Case("CALL gds.graph.project('x', 'Company', 'SUPPLIES')", "fills the heap", names="gds"),
    Case("CALL gds.graph.drop('x', false)", "drops a projection"),
    Case("CALL gds.graph.list()", "lists projections"),
    Case("CALL gds.pageRank.write('x', {writeProperty: 'pr'})", "writes scores"),
    Case("RETURN gds.graph.exists('x') AS e", "catalog function", names="gds.graph.exists"),
    Case("MATCH (c:Company) RETURN gds.util.asNode(0) AS n", "a node by internal id"),
    # --- functions that run Cypher or read the graph -------------------------------------
    Case(
        "RETURN apoc.cypher.runFirstColumnSingle('MATCH (b:Branch) RETURN b.id', {}) AS x",
        "runs a query the plan does not show",
        names="apoc.cypher",
    ),
    Case(
        "RETURN apoc.cypher.runFirstColumnMany('MATCH (b:Branch) RETURN b.id', {}) AS x",
        "runs a hidden query",
    ),
    Case("MATCH (c:Company) RETURN apoc.node.degree(c, 'CUSTOMER_OF')", "degree of a type"),
    Case("MATCH (p:Person) RETURN apoc.any.properties(p)", "every property"),
    Case("MATCH (p:Person) RETURN apoc.convert.toJson(p)", "the node serialised"),
    Case("RETURN apoc.util.sleep(60000)", "holds a worker"),
    # --- internal labels and relationship types ------------------------------------------
    Case(
        "MATCH (c:Company)-[:CUSTOMER_OF]->(b:Branch) RETURN b.id, count(*)",
        "the leak of the report: customer counts of every branch",
        head_office="answered",
        names="Branch",
    ),
    Case("MATCH (b:Branch) RETURN b.id, b.name", "the branch list", head_office="answered"),
    Case(
        "MATCH (m:MergeLog) RETURN m.id, m.status",
        "who merged which parties (guanxi resolve: the bank's own activity)",
        head_office="answered",
        names="MergeLog",
    ),
    Case("MATCH (r:RelationshipManager) RETURN r.name", "every RM", head_office="answered"),
    Case("MATCH ()-[p:PAYS]->() RETURN p.amount", "payments", head_office="answered"),
    Case(
        "MATCH (c:Company)-[h:HOLDS_PRODUCT]->(p) RETURN c.id, p",
        "product holdings",
        head_office="answered",
    ),
    Case("MATCH (a)-[k:KNOWS]->(p:Person) RETURN a, p", "RM contacts", head_office="answered"),
    Case(
        "MATCH (r)-[:MANAGES]->(c:Company) RETURN r.id, c.id",
        "RM portfolios",
        head_office="answered",
    ),
    Case(
        "MATCH (a)-[i:INTIMACY]->(b) RETURN i.evidence",
        "intimacy evidence cites payments",
        head_office="answered",
    ),
    Case(
        "MATCH (p)-[k:KEY_CONTACT]->(c) RETURN k.reasons",
        "reasons name RMs",
        head_office="answered",
    ),
    Case(
        "MATCH (b:Branch) RETURN count(b)",
        "branch count from the count store",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) RETURN c.prospect_score",
        "a score learnt from customers",
        head_office="answered",
        names="prospect_score",
    ),
    Case(
        "MATCH (c:Company) RETURN c.ingested_by", "which branch loaded it", head_office="answered"
    ),
    # --- untyped patterns that reach internal data ----------------------------------------
    Case(
        "MATCH (n) RETURN n",
        "every node, branches included",
        head_office="answered",
        names="AllNodesScan",
    ),
    Case("MATCH (n) WHERE n.id = 'BB' RETURN n", "a branch by id", head_office="answered"),
    Case(
        "MATCH (c:Company)-[r]->(x) RETURN type(r), x",
        "any type from a company",
        head_office="answered",
    ),
    Case("MATCH (c:Company)--(x) RETURN x", "untyped neighbours", head_office="answered"),
    Case(
        "MATCH (c:Company) RETURN c.id, COUNT { (c)--() } AS d",
        "untyped degree",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company)-[*1..2]-(x) RETURN x",
        "untyped variable length",
        head_office="answered",
        names="untyped",
    ),
    Case(
        "MATCH (a:Company)((x)-[]->(y)){1,2}(b) RETURN b",
        "untyped quantified path",
        head_office="answered",
    ),
    Case(
        "MATCH p = shortestPath((a:Company {id: 'CA'})-[*]-(b:Company {id: 'CB'})) RETURN p",
        "an untyped shortest path through a branch",
        head_office="answered",
    ),
    Case("MATCH ()-[r]->() RETURN count(r)", "every relationship counted", head_office="answered"),
    Case("MATCH (n) RETURN count(n)", "every node counted", head_office="answered"),
    Case(
        "MATCH (n) WHERE elementId(n) = $e RETURN n",
        "a node by element id",
        head_office="answered",
        params={"e": "4:x:1"},
    ),
    Case("MATCH (n) WHERE id(n) = 0 RETURN n", "a node by id", head_office="answered"),
    Case(
        "MATCH (x:!Company&!Person) RETURN x",
        "everything that is not public",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company)-[r:!HOLDS_SHARES]->(x) RETURN x",
        "a negated type",
        head_office="answered",
    ),
    Case("MATCH (c:Company)-[r:%]->(x) RETURN x", "the wildcard type", head_office="answered"),
    # --- property introspection and contact details ---------------------------------------
    Case("MATCH (p:Person) RETURN p.phone", "a contact detail", names="phone"),
    Case("MATCH (p:Person) RETURN p.email", "a contact detail", names="email"),
    Case("MATCH (p:Person) RETURN p['phone']", "a contact detail by key"),
    Case("MATCH (p:Person) RETURN p[$k]", "a property named by a parameter", params={"k": "phone"}),
    Case("MATCH (p:Person) WITH p, 'ph' + 'one' AS k RETURN p[k]", "a computed key"),
    Case("MATCH (p:Person) RETURN properties(p)", "every property", names="properties"),
    Case("MATCH (p:Person) RETURN p{.*}", "every property as a map"),
    Case("MATCH (c:Company) RETURN keys(c)", "property names", head_office="answered"),
    # --- subqueries and unions -----------------------------------------------------------
    Case(
        "MATCH (c:Company) WHERE EXISTS { (c)-[:CUSTOMER_OF]->() } RETURN c.id",
        "existence of a customer relationship",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) RETURN c.id, COLLECT { MATCH (c)-[:PAYS]->(x) RETURN x.id } AS p",
        "payments in a COLLECT subquery",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) CALL (c) { MATCH (c)-[:CUSTOMER_OF]->(b) RETURN b } RETURN b.id",
        "a CALL subquery",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) RETURN c.id AS x UNION MATCH (b:Branch) RETURN b.id AS x",
        "a UNION that adds branches",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) OPTIONAL MATCH (c)-[:CUSTOMER_OF]->(b) RETURN c.id, b.id",
        "an OPTIONAL MATCH",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) RETURN [(c)<-[:MANAGES]-(r) | r.name] AS rms",
        "a pattern comprehension",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) WHERE COUNT { (c)-[:HOLDS_PRODUCT]->() } > 0 RETURN c.id",
        "a COUNT subquery",
        head_office="answered",
    ),
    # --- parameters and quoting that smuggle labels ---------------------------------------
    Case(
        "MATCH (n:$($l)) RETURN n",
        "a label from a parameter",
        head_office="answered",
        params={"l": "Branch"},
    ),
    Case(
        "MATCH (c:Company)-[r:$($t)]->(x) RETURN x",
        "a type from a parameter",
        head_office="answered",
        params={"t": "PAYS"},
    ),
    Case(
        "MATCH (n:$any($ls)) RETURN n",
        "labels from a list parameter",
        head_office="answered",
        params={"ls": ["Branch", "Company"]},
    ),
    Case("MATCH (b:`Branch`) RETURN b.name", "a back-quoted label", head_office="answered"),
    Case(
        "MATCH (c:Company)-[:`CUSTOMER_OF`]->(b) RETURN b.name",
        "a back-quoted type",
        head_office="answered",
    ),
    Case(
        "MATCH (c:Company) /* -[:HOLDS_SHARES]-> */ -[:CUSTOMER_OF]->(b) RETURN b.name",
        "a comment that hides nothing from the plan",
        head_office="answered",
    ),
    Case(
        "CYPHER runtime=slotted MATCH (b:Branch) RETURN b.name",
        "a runtime option",
        head_office="answered",
    ),
    Case("USE system SHOW USERS", "another database"),
    Case("EXPLAIN MATCH (b:Branch) RETURN b", "EXPLAIN inside EXPLAIN", head_office="answered"),
    Case("MATCH (c:Company) RETURN c.id; MATCH (b:Branch) RETURN b", "two statements"),
]


@pytest.fixture
def hits() -> Iterator[list[str]]:
    """A local HTTP server that counts requests (none may arrive)."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")

        def log_message(self, *a: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    seen.append(f"port:{srv.server_address[1]}")
    yield seen
    srv.shutdown()


def _scope(name: str, role: str, branch: str, branches: set[str], root: bool) -> Scope:
    user = User(name=name, role=role, branch=branch)  # type: ignore[arg-type]
    return Scope(user=user, branches=frozenset(branches), lines=frozenset(), root=root)


FENCED = _scope("analyst_ba", "analyst", "BA", {"BA", "BA1"}, root=False)
HEAD_OFFICE = _scope("analyst_ho", "analyst", "HO", {"HO", "BA", "BA1", "BB"}, root=True)


def _counts(client: GraphClient) -> tuple[int, int, list]:
    row = client.console(
        "MATCH (n) WITH count(n) AS n, collect(properties(n)) AS props "
        "RETURN n, COUNT { ()-[]->() } AS r, props"
    )["rows"][0]
    return row[0], row[1], row[2]


def _run(client: GraphClient, scope: Scope, case: Case, port: int) -> tuple[str, Any]:
    text = case.query.replace("{port}", str(port))
    params = {
        k: (v.replace("{port}", str(port)) if isinstance(v, str) else v)
        for k, v in case.params.items()
    }
    try:
        return "answered", run_console(client, scope, text, params)
    except GuanxiError as e:
        return f"refused:{e.http_status}", str(e)


def test_corpus_is_large_and_explained() -> None:
    assert len(CORPUS) >= 60
    assert all(c.why for c in CORPUS)
    assert len({c.query for c in CORPUS}) == len(CORPUS)


def test_fenced_analyst_is_refused_everything(bank: GraphClient, hits: list[str]) -> None:
    port = int(hits[0].split(":")[1])
    before = _counts(bank)
    answered = []
    for case in CORPUS:
        outcome, detail = _run(bank, FENCED, case, port)
        if outcome == "answered":
            answered.append((case.query, detail))
            continue
        status = int(outcome.split(":")[1])
        assert status in (400, 403), (case.query, detail)
        if case.names:
            assert case.names in detail, (case.query, detail)
    # nothing in the corpus is answered for a branch-scoped analyst …
    assert answered == []
    # … nothing was written, and the database fetched nothing
    assert _counts(bank) == before
    assert hits[1:] == []


def test_head_office_analyst(bank: GraphClient, hits: list[str]) -> None:
    port = int(hits[0].split(":")[1])
    before = _counts(bank)
    for case in CORPUS:
        outcome, detail = _run(bank, HEAD_OFFICE, case, port)
        if case.head_office == "refused":
            assert outcome.startswith("refused:4"), (case.query, detail)
        else:
            # allowed for the whole bank: it runs (or fails as Cypher, not as a refusal)
            assert outcome == "answered" or "Refused" not in str(detail), (case.query, detail)
    assert _counts(bank) == before
    assert hits[1:] == []


PUBLIC_QUERIES = [
    "MATCH (c:Company) RETURN c.id, c.name ORDER BY c.id",
    "MATCH (c:Company)<-[h:HOLDS_SHARES]-(x) RETURN x.name, h.pct",
    "MATCH (p:Person)-[s:SERVES_AS]->(c:Company) RETURN p.name, s.role, c.name",
    "MATCH (c:Company {id: 'CP'}) RETURN COUNT { (c)<-[:HOLDS_SHARES]-() } AS holders",
    "MATCH (c:Company) WHERE c.name STARTS WITH '甲' RETURN c.id, c.founded.year",
    "MATCH p = (:Company)-[:HOLDS_SHARES*1..2]->(:Company) RETURN p",
    "MATCH (c:Company) RETURN apoc.text.join([c.id, c.name], '-') AS label",
    "MATCH (p:Person) RETURN p",
]


@pytest.mark.parametrize("query", PUBLIC_QUERIES)
def test_fenced_analyst_reads_public_facts(bank: GraphClient, query: str) -> None:
    res = run_console(bank, FENCED, query)
    assert res["rows"], query
    text = json.dumps(res, ensure_ascii=False)
    assert not any(f in text for f in FOREIGN), text
    assert "13800000002" not in text  # contact details never leave the fence


def test_whole_nodes_are_masked(bank: GraphClient) -> None:
    rows = run_console(bank, HEAD_OFFICE, "MATCH (p:Person {id: 'P-B'}) RETURN p")["rows"]
    props = rows[0][0]["properties"]
    assert props["phone"] == "138****0002"
    rows = run_console(bank, FENCED, "MATCH (p:Person {id: 'P-B'}) RETURN p")["rows"]
    assert "phone" not in rows[0][0]["properties"]


def test_internal_saved_query_takes_the_scope(bank: GraphClient) -> None:
    rows = run_saved(bank, FENCED, "customers_per_branch")["rows"]
    assert [r[0] for r in rows] == ["BA1"]
    rows = run_saved(bank, HEAD_OFFICE, "customers_per_branch")["rows"]
    assert sorted(r[0] for r in rows) == ["BA1", "BB"]
    with pytest.raises(GuanxiError, match="come from your scope"):
        run_saved(bank, FENCED, "branch_customers", {"branches": ["BB"], "scope_all": True})
