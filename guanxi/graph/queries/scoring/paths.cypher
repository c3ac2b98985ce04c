// name: scoring.path_frontier
// One level of the breadth-first neighbourhood of a contact-path target: the party
// relationships of the frontier nodes $eids (element ids) and the nodes at their other end.
// With $last, only relationships to origins are returned: nodes in $origin_ids, or (when
// $origin_ids is null) any RM or customer company. Params: $eids, $last, $origin_ids,
// $nominee_patterns. Returns: n_eid, m_eid, m_id, m_label, m_name, m_nominee, m_degree,
// m_origin, outgoing, rel_type and the relationship property columns.
UNWIND $eids AS eid
MATCH (n) WHERE elementId(n) = eid
MATCH (n)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-(m)
WITH n, r, m,
     m:RelationshipManager OR (m:Company AND (EXISTS { (m)-[:CUSTOMER_OF]->() }
                                 OR EXISTS { (:RelationshipManager)-[:MANAGES]->(m) })) AS bank
WITH n, r, m, bank,
     CASE WHEN $origin_ids IS NULL THEN bank ELSE m.id IN $origin_ids END AS origin
WHERE NOT $last OR origin
RETURN elementId(n) AS n_eid, elementId(m) AS m_eid, m.id AS m_id, labels(m)[0] AS m_label,
       m.name AS m_name,
       coalesce(m.nominee, false)
         OR any(p IN $nominee_patterns WHERE toLower(coalesce(m.name, '')) CONTAINS p) AS m_nominee,
       COUNT { (m)-[:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-() } AS m_degree,
       origin AS m_origin, startNode(r) = n AS outgoing, type(r) AS rel_type,
       r.pct AS pct, r.role AS role, toString(r.until) AS until, r.amount AS amount,
       r.share AS share, r.count AS count, toString(r.last) AS last, toString(r.end) AS end,
       r.strength AS strength, toString(r.last_contact) AS last_contact,
       toString(r.since) AS since

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

// name: scoring.bank_context
// How parties $ids relate to the bank: for an RM its branch; for a company the RM that
// manages it and its branch. Params: $ids. Returns: id, label, name, rm_id, rm_name, branch.
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
WITH n, rm, collect(coalesce(cb, wb, rb))[0] AS b
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, rm.id AS rm_id, rm.name AS rm_name,
       b.name AS branch
