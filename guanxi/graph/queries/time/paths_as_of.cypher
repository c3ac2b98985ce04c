// name: time.party_page_as_of
// scoring.party_page as of $as_of (the contact-path index of that date): the versioned
// types read current and closed versions valid on that date, under the current type's
// name; bank-internal types as they are. Params: $after, $limit, $nominee_patterns, $as_of.
// Returns: last, nodes, edges. (An as-of twin: a change to the query it is named after must
// be made here too.)
MATCH (n:__LABEL__) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
WITH collect(n) AS page
CALL (page) {
  UNWIND page AS n
  RETURN collect([n.id, n.name,
    coalesce(n.nominee, false)
      OR any(p IN $nominee_patterns WHERE toLower(coalesce(n.name, '')) CONTAINS p),
    (n:Company AND (EXISTS { (n)-[:CUSTOMER_OF]->() }
                    OR EXISTS { (:RelationshipManager)-[:MANAGES]->(n) }))]) AS nodes
}
CALL (page) {
  UNWIND page AS s
  MATCH (s)-[r:HOLDS_SHARES|HELD_SHARES|SERVES_AS|SERVED_AS|SUPPLIES|SUPPLIED|PAYS|GUARANTEES|GUARANTEED|KNOWS|MANAGES]->(t)
  WHERE type(r) IN ['PAYS', 'KNOWS', 'MANAGES']
    OR (coalesce(r.valid_from, date('0001-01-01')) <= $as_of AND (r.valid_to IS NULL OR r.valid_to > $as_of))
  WITH s, r, t, CASE type(r)
    WHEN 'HELD_SHARES' THEN 'HOLDS_SHARES' WHEN 'SERVED_AS' THEN 'SERVES_AS'
    WHEN 'SUPPLIED' THEN 'SUPPLIES' WHEN 'GUARANTEED' THEN 'GUARANTEES'
    ELSE type(r) END AS rel_type
  WITH rel_type, [s.id, t.id] + CASE rel_type
    WHEN 'HOLDS_SHARES' THEN [r.pct, r.kind]
    WHEN 'SERVES_AS' THEN [r.role, toString(r.until)]
    WHEN 'SUPPLIES' THEN [r.amount, r.share]
    WHEN 'PAYS' THEN [r.amount, r.count, toString(r.last)]
    WHEN 'GUARANTEES' THEN [r.amount, toString(r.end)]
    WHEN 'KNOWS' THEN [r.strength, toString(r.last_contact), toString(r.since)]
    ELSE [toString(r.since)] END AS row
  WITH rel_type, collect(row) AS rows
  RETURN collect({rel_type: rel_type, rows: rows}) AS edges
}
RETURN page[-1].id AS last, nodes, edges

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
