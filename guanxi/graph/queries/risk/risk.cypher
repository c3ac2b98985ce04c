// name: risk.holdings
// Every shareholding into a company, with the holder's label, name and nominee flag (the
// input of group detection). Params: none.
// Returns: holder_id, holder_label, holder_name, nominee, company_id, pct.
MATCH (h)-[r:HOLDS_SHARES]->(c:Company)
RETURN h.id AS holder_id, labels(h)[0] AS holder_label, h.name AS holder_name,
       coalesce(h.nominee, false) AS nominee, c.id AS company_id, r.pct AS pct

// name: risk.guarantees
// Every guarantee between companies. Params: none.
// Returns: guarantor_id, borrower_id, amount.
MATCH (a:Company)-[r:GUARANTEES]->(b:Company)
RETURN a.id AS guarantor_id, b.id AS borrower_id, coalesce(r.amount, 0.0) AS amount

// name: risk.guarantees_around
// The guarantees among the companies within $depth guarantee steps of one company (either
// direction; APOC's breadth-first expansion, each node once): every circle through it of
// up to 2·$depth companies, and the chains leading in, lie inside. Params: $company_id,
// $depth. Returns: guarantor_id, borrower_id, amount.
MATCH (c:Company {id: $company_id})
CALL apoc.path.subgraphNodes(c, {relationshipFilter: 'GUARANTEES', maxLevel: $depth})
YIELD node
WITH collect(node) AS around
UNWIND around AS a
MATCH (a)-[r:GUARANTEES]->(b:Company)
WHERE b IN around
RETURN a.id AS guarantor_id, b.id AS borrower_id, coalesce(r.amount, 0.0) AS amount

// name: risk.supply
// Every supply link with the supplier's share of the buyer's purchases. Params: none.
// Returns: supplier_id, buyer_id, share.
MATCH (a:Company)-[r:SUPPLIES]->(b:Company)
RETURN a.id AS supplier_id, b.id AS buyer_id, coalesce(r.share, 0.0) AS share

// name: risk.names
// Names of companies and persons by id. Params: $ids. Returns: id, name.
UNWIND $ids AS id
CALL (id) {
  MATCH (a:Company {id: id}) RETURN a.name AS name
  UNION MATCH (a:Person {id: id}) RETURN a.name AS name
}
RETURN id, name

// name: risk.write_groups
// Groups of one run. Params: $rows ({id, name, controller_id, controller_name, size}),
// $run_id. Returns: written.
UNWIND $rows AS row
MERGE (g:Group {id: row.id})
SET g.name = row.name, g.controller_id = row.controller_id,
    g.controller_name = row.controller_name, g.size = row.size, g.run_id = $run_id
RETURN count(*) AS written

// name: risk.write_members
// Memberships of one run. Params: $rows ({group_id, company_id, parent_id, pct, evidence}),
// $run_id. Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.company_id})
MATCH (g:Group {id: row.group_id})
MERGE (c)-[m:MEMBER_OF]->(g)
SET m.parent_id = row.parent_id, m.pct = row.pct, m.evidence = row.evidence, m.run_id = $run_id
RETURN count(*) AS written

// name: risk.delete_stale_groups
// Groups and memberships of other runs. Params: $run_id. Returns: deleted.
CALL () {
  MATCH ()-[m:MEMBER_OF]->() WHERE m.run_id <> $run_id DELETE m RETURN count(*) AS a
}
CALL () {
  MATCH (g:Group) WHERE g.run_id <> $run_id DETACH DELETE g RETURN count(*) AS b
}
RETURN a + b AS deleted

// name: risk.groups
// Groups with their members: the group(s) of $company_id, or every group when it is null.
// Params: $company_id. Returns: id, name, controller_id, controller_name, run_id, members
// ({id, name, parent_id, pct, evidence}).
MATCH (g:Group)
WHERE $company_id IS NULL OR EXISTS { (:Company {id: $company_id})-[:MEMBER_OF]->(g) }
RETURN g.id AS id, g.name AS name, g.controller_id AS controller_id,
       g.controller_name AS controller_name, g.run_id AS run_id,
       COLLECT { MATCH (c:Company)-[m:MEMBER_OF]->(g)
                 RETURN {id: c.id, name: c.name, parent_id: m.parent_id, pct: m.pct,
                         evidence: m.evidence} ORDER BY c.id } AS members
ORDER BY id

// name: risk.exposure
// reads: internal
// What each company holds with the bank (product balances, credit-line balances) and
// whether the caller may see it (a customer of a branch in scope).
// Params: $ids, $scope_all, $branches, $lines.
// Guarantees given (a public fact, 万元) are summed for every company.
// Returns: id, customer, in_scope, balance, credit, guarantees.
UNWIND $ids AS id
MATCH (c:Company {id: id})
WITH c, id, EXISTS { (c)-[:CUSTOMER_OF]->(:Branch) } AS customer,
     EXISTS { (c)-[cu:CUSTOMER_OF]->(b:Branch)
              WHERE $scope_all OR (b.id IN $branches
                    AND (size($lines) = 0 OR cu.business_line IN $lines)) } AS in_scope
CALL (c, in_scope) {
  OPTIONAL MATCH (c)-[h:HOLDS_PRODUCT]->(p:Product) WHERE in_scope
  RETURN sum(coalesce(h.balance, 0.0)) AS balance,
         sum(CASE WHEN p.line = 'credit' THEN coalesce(h.balance, 0.0) ELSE 0.0 END) AS credit
}
CALL (c) {
  OPTIONAL MATCH (c)-[g:GUARANTEES]->(:Company)
  RETURN sum(coalesce(g.amount, 0.0)) AS guarantees
}
RETURN id, customer, in_scope, balance, credit, guarantees

// name: risk.flags
// Every risk flag with the company it is on. Params: none.
// Returns: party_id, kind, severity.
MATCH (f:RiskFlag)-[:FLAGS]->(c:Company)
RETURN c.id AS party_id, f.kind AS kind, f.severity AS severity

// name: risk.write_flags
// Risk flags (one per company and kind). Params: $rows ({company_id, kind, severity,
// since, note}), $source. Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.company_id})
MERGE (f:RiskFlag {id: row.company_id + '/' + row.kind})
SET f.kind = row.kind, f.severity = row.severity, f.since = row.since, f.note = row.note,
    f.source = $source
MERGE (f)-[:FLAGS]->(c)
RETURN count(*) AS written

// name: risk.write_inherited
// Inherited risk of one run on companies. Params: $rows ({id, score, text, path}), $run_id.
// Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.id})
SET c.inherited_risk = row.score, c.inherited_risk_text = row.text,
    c.inherited_risk_path = row.path, c.risk_run_id = $run_id
RETURN count(*) AS written

// name: risk.clear_inherited
// Inherited risk left by other runs. Params: $run_id. Returns: cleared.
MATCH (c:Company) WHERE c.risk_run_id IS NOT NULL AND c.risk_run_id <> $run_id
REMOVE c.inherited_risk, c.inherited_risk_text, c.inherited_risk_path, c.risk_run_id
RETURN count(*) AS cleared

// name: risk.inherited
// reads: internal
// Inherited risk of every scored company (written by `guanxi risk run`). Params: none.
// Returns: id, score, text, path.
MATCH (c:Company) WHERE c.inherited_risk IS NOT NULL
RETURN c.id AS id, c.inherited_risk AS score, c.inherited_risk_text AS text,
       c.inherited_risk_path AS path
ORDER BY score DESC, id

// name: risk.inherited_of
// reads: internal
// Inherited risk of the companies $ids that have one. Params: $ids.
// Returns: id, score, text, path.
UNWIND $ids AS id
MATCH (c:Company {id: id}) WHERE c.inherited_risk IS NOT NULL
RETURN c.id AS id, c.inherited_risk AS score, c.inherited_risk_text AS text,
       c.inherited_risk_path AS path
ORDER BY score DESC, id

// name: risk.known_companies
// Which of $ids are companies in the graph. Params: $ids. Returns: id.
UNWIND $ids AS id
MATCH (c:Company {id: id})
RETURN c.id AS id
