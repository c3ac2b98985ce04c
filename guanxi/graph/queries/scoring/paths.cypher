// name: scoring.origin_rms
// The RMs an origin stands for: the RM $origin itself, or the RMs working at Branch $origin
// or any branch below it. Params: $origin. Returns: id, label.
CALL () {
  MATCH (rm:RelationshipManager {id: $origin}) RETURN rm.id AS id, 'RelationshipManager' AS label
  UNION
  MATCH (b:Branch {id: $origin})<-[:PART_OF*0..5]-(:Branch)<-[:WORKS_AT]-(rm:RelationshipManager)
  RETURN DISTINCT rm.id AS id, 'Branch' AS label
  UNION
  MATCH (b:Branch {id: $origin}) RETURN null AS id, 'Branch' AS label
  UNION
  MATCH (c:Company {id: $origin}) RETURN c.id AS id, 'Company' AS label
  UNION
  MATCH (p:Person {id: $origin}) RETURN p.id AS id, 'Person' AS label
}
RETURN id, label

// name: scoring.key_contact_scores
// The stored key contacts (batch scoring) of one keyset page of companies (id above $after,
// up to $limit, in id order; see scoring.party_page): the contact-path index uses their
// scores to prefer decision makers on the last hop into a company. Packed into one row.
// Params: $after, $limit. Returns: last (the page's last company id; null when empty),
// rows (lists [company_id, person_id, score]).
MATCH (c:Company) WHERE c.id > $after
WITH c ORDER BY c.id LIMIT $limit
WITH collect(c) AS page
CALL (page) {
  UNWIND page AS c
  MATCH (p:Person)-[k:KEY_CONTACT]->(c)
  RETURN collect([c.id, p.id, k.score]) AS rows
}
RETURN page[-1].id AS last, rows

// name: scoring.path_hops
// The parties on found contact paths with how each relates to the bank (for an RM its
// branch; for a company the RM that manages it and its branch), and every party
// relationship between consecutive ones, read live so evidence is always current; one
// round trip per request. With $with_branches each party's labels and branch memberships
// ({branch, line}, as scope.nodes_info) come too, for masking to a caller's scope.
// Params: $ids (node ids), $pairs (list of [a, b]), $with_branches.
// Returns: kind ('node' or 'edge'), id, label, labels, name, nominee, rm_id, rm_name,
// rm_branch (the RM's branch id), branch (name), branch_id, branches, source_id, target_id,
// rel_type and the relationship property columns.
CALL () {
  UNWIND $ids AS pid
  CALL (pid) {
    MATCH (n:Company {id: pid}) RETURN n
    UNION
    MATCH (n:Person {id: pid}) RETURN n
    UNION
    MATCH (n:RelationshipManager {id: pid}) RETURN n
  }
  OPTIONAL MATCH (rm:RelationshipManager)-[:MANAGES]->(n)
  WITH n, collect(rm)[0] AS rm
  OPTIONAL MATCH (n)-[:CUSTOMER_OF]->(cb:Branch)
  OPTIONAL MATCH (n)-[:WORKS_AT]->(wb:Branch)
  OPTIONAL MATCH (rm)-[:WORKS_AT]->(rb:Branch)
  WITH n, rm, collect(coalesce(cb, wb, rb))[0] AS b, collect(rb.id)[0] AS rm_branch
  RETURN 'node' AS kind, n.id AS id, labels(n)[0] AS label, labels(n) AS labels,
         n.name AS name, coalesce(n.nominee, false) AS nominee, rm.id AS rm_id,
         rm.name AS rm_name, rm_branch, b.name AS branch, b.id AS branch_id,
         CASE WHEN $with_branches
              THEN COLLECT { MATCH (n)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                             RETURN {branch: x.id, line: w.business_line} } END AS branches,
         null AS r
  UNION ALL
  UNWIND $pairs AS pair
  CALL (pair) {
    MATCH (a:Company {id: pair[0]}) RETURN a
    UNION
    MATCH (a:Person {id: pair[0]}) RETURN a
    UNION
    MATCH (a:RelationshipManager {id: pair[0]}) RETURN a
  }
  MATCH (a)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-(b)
  WHERE b.id = pair[1]
  RETURN 'edge' AS kind, null AS id, null AS label, null AS labels, null AS name,
         null AS nominee, null AS rm_id, null AS rm_name, null AS rm_branch, null AS branch,
         null AS branch_id, null AS branches, r
}
RETURN kind, id, label, labels, name, nominee, rm_id, rm_name, rm_branch, branch, branch_id,
       branches,
       startNode(r).id AS source_id, endNode(r).id AS target_id, type(r) AS rel_type,
       r.pct AS pct, r.role AS role, toString(r.until) AS until, r.amount AS amount,
       r.share AS share, r.count AS count, toString(r.last) AS last, toString(r.end) AS end,
       r.strength AS strength, toString(r.last_contact) AS last_contact,
       toString(r.since) AS since
