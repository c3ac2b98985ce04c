// name: time.party_edges_as_of
// scoring.party_edges as of $as_of (the contact-path index of that date): the versioned
// types read current and closed versions valid on that date, under the current type's
// name; bank-internal types as they are. Params: $as_of. Returns: rel_type, cols, rows.
// (An as-of twin: a change to the query it is named after must be made here too.)
CALL () {
  MATCH (s)-[r:HOLDS_SHARES|HELD_SHARES]->(t)
    WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of AND (r.valid_to IS NULL OR r.valid_to > $as_of)
  RETURN 'HOLDS_SHARES' AS rel_type, ['pct', 'kind'] AS cols, [s.id, t.id, r.pct, r.kind] AS row
  UNION ALL
  MATCH (s)-[r:SERVES_AS|SERVED_AS]->(t)
    WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of AND (r.valid_to IS NULL OR r.valid_to > $as_of)
  RETURN 'SERVES_AS' AS rel_type, ['role', 'until'] AS cols,
         [s.id, t.id, r.role, toString(r.until)] AS row
  UNION ALL
  MATCH (s)-[r:SUPPLIES|SUPPLIED]->(t)
    WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of AND (r.valid_to IS NULL OR r.valid_to > $as_of)
  RETURN 'SUPPLIES' AS rel_type, ['amount', 'share'] AS cols,
         [s.id, t.id, r.amount, r.share] AS row
  UNION ALL
  MATCH (s)-[r:PAYS]->(t)
  RETURN 'PAYS' AS rel_type, ['amount', 'count', 'last'] AS cols,
         [s.id, t.id, r.amount, r.count, toString(r.last)] AS row
  UNION ALL
  MATCH (s)-[r:GUARANTEES|GUARANTEED]->(t)
    WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of AND (r.valid_to IS NULL OR r.valid_to > $as_of)
  RETURN 'GUARANTEES' AS rel_type, ['amount', 'end'] AS cols,
         [s.id, t.id, r.amount, toString(r.end)] AS row
  UNION ALL
  MATCH (s)-[r:KNOWS]->(t)
  RETURN 'KNOWS' AS rel_type, ['strength', 'last_contact', 'since'] AS cols,
         [s.id, t.id, r.strength, toString(r.last_contact), toString(r.since)] AS row
  UNION ALL
  MATCH (s)-[r:MANAGES]->(t)
  RETURN 'MANAGES' AS rel_type, ['since'] AS cols, [s.id, t.id, toString(r.since)] AS row
}
RETURN rel_type, cols, collect(row) AS rows

// name: time.path_hops_as_of
// scoring.path_hops as of $as_of: the hops' public relationships valid on that date
// (current or closed versions, under the current type's name); bank context as today.
// Params: $ids, $pairs, $with_branches, $as_of, $history, $versioned. Returns the columns
// of scoring.path_hops.
// (An as-of twin: a change to the query it is named after must be made here too.)
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
  MATCH (a)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES|HELD_SHARES|SERVED_AS|SUPPLIED|GUARANTEED]-(b)
  WHERE b.id = pair[1]
    AND (NOT type(r) IN $versioned OR (coalesce(r.valid_from, date('0001-01-01')) <= $as_of
         AND (r.valid_to IS NULL OR r.valid_to > $as_of)))
  RETURN 'edge' AS kind, null AS id, null AS label, null AS labels, null AS name,
         null AS nominee, null AS rm_id, null AS rm_name, null AS rm_branch, null AS branch,
         null AS branch_id, null AS branches, r
}
RETURN kind, id, label, labels, name, nominee, rm_id, rm_name, rm_branch, branch, branch_id,
       branches,
       startNode(r).id AS source_id, endNode(r).id AS target_id, coalesce($history[type(r)], type(r)) AS rel_type,
       r.pct AS pct, r.role AS role, toString(r.until) AS until, r.amount AS amount,
       r.share AS share, r.count AS count, toString(r.last) AS last, toString(r.end) AS end,
       r.strength AS strength, toString(r.last_contact) AS last_contact,
       toString(r.since) AS since
