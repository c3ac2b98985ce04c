// name: scope.branch_subtree
// The ids of a branch and every branch below it (PART_OF points child -> parent).
// Params: $branch. Returns: branches (list of ids; empty when the branch is unknown),
// root (true when the branch exists and has no parent: the head office).
OPTIONAL MATCH (b:Branch {id: $branch})
OPTIONAL MATCH (sub:Branch)-[:PART_OF*0..]->(b)
RETURN [x IN collect(DISTINCT sub.id) WHERE x IS NOT NULL] AS branches,
       b IS NOT NULL AND NOT EXISTS { (b)-[:PART_OF]->(:Branch) } AS root

// name: scope.nodes_info
// Labels, name and branch membership of nodes by key, to apply scope to results.
// Params: $keys. Returns: key, labels, name, branches ({branch, line}).
UNWIND $keys AS key
CALL (key) {
  MATCH (a:Company {id: key}) RETURN a
  UNION MATCH (a:Person {id: key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: key}) RETURN a
  UNION MATCH (a:Branch {id: key}) RETURN a
  UNION MATCH (a:Product {code: key}) RETURN a
}
RETURN key, labels(a) AS labels, a.name AS name,
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END AS branches

// name: scope.hidden_names
// Names of RMs and customer companies OUTSIDE the given branches (to mask them in
// free-text reasons). Params: $branches. Returns: rms, customers (lists of names).
CALL () {
  MATCH (rm:RelationshipManager)
  WHERE NOT EXISTS { (rm)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches }
  RETURN collect(DISTINCT rm.name) AS rms
}
CALL () {
  MATCH (c:Company)-[:CUSTOMER_OF]->(:Branch)
  WHERE NOT EXISTS { (c)-[:CUSTOMER_OF]->(b:Branch) WHERE b.id IN $branches }
  RETURN collect(DISTINCT c.name) AS customers
}
RETURN rms, customers
