// name: scoring.find_parties
// The parties (Company, Person, RelationshipManager) with the given ids.
// Params: $ids (list of ids). Returns: id, label, name, nominee, eid.
CALL () {
  MATCH (n:Company) WHERE n.id IN $ids RETURN n
  UNION
  MATCH (n:Person) WHERE n.id IN $ids RETURN n
  UNION
  MATCH (n:RelationshipManager) WHERE n.id IN $ids RETURN n
}
RETURN n.id AS id, labels(n)[0] AS label, n.name AS name,
       coalesce(n.nominee, false) AS nominee, elementId(n) AS eid

// name: scoring.party_nodes
// Every party of the whole graph (batch scoring, the contact-path index), packed: one row
// per label with its parties as lists [id, name, nominee, customer] (the driver spends
// ~20 µs per record, so 400k single-party records took seconds). nominee is the flag or a
// name pattern. Params: $nominee_patterns. Returns: label, rows.
CALL () {
  MATCH (n:Company) RETURN n
  UNION
  MATCH (n:Person) RETURN n
  UNION
  MATCH (n:RelationshipManager) RETURN n
}
WITH labels(n)[0] AS label,
     [n.id, n.name,
      coalesce(n.nominee, false)
        OR any(p IN $nominee_patterns WHERE toLower(coalesce(n.name, '')) CONTAINS p),
      (n:Company AND (EXISTS { (n)-[:CUSTOMER_OF]->() }
                      OR EXISTS { (:RelationshipManager)-[:MANAGES]->(n) }))] AS row
RETURN label, collect(row) AS rows

// name: scoring.party_edges
// Every relationship between parties with the properties the scorers read (batch scoring,
// the contact-path index), packed: one row per type with its column names and its rows as
// lists [source_id, target_id, <that type's properties>]. Only a type's own properties
// travel: decoding is ~1–2 µs per value in the driver, and eleven mostly-null properties
// per relationship took 37 s at 100k companies (1.2M relationships), ids alone 10 s.
// Returns: rel_type, cols, rows.
CALL () {
  MATCH (s)-[r:HOLDS_SHARES]->(t)
  RETURN 'HOLDS_SHARES' AS rel_type, ['pct', 'kind'] AS cols, [s.id, t.id, r.pct, r.kind] AS row
  UNION ALL
  MATCH (s)-[r:SERVES_AS]->(t)
  RETURN 'SERVES_AS' AS rel_type, ['role', 'until'] AS cols,
         [s.id, t.id, r.role, toString(r.until)] AS row
  UNION ALL
  MATCH (s)-[r:SUPPLIES]->(t)
  RETURN 'SUPPLIES' AS rel_type, ['amount', 'share'] AS cols,
         [s.id, t.id, r.amount, r.share] AS row
  UNION ALL
  MATCH (s)-[r:PAYS]->(t)
  RETURN 'PAYS' AS rel_type, ['amount', 'count', 'last'] AS cols,
         [s.id, t.id, r.amount, r.count, toString(r.last)] AS row
  UNION ALL
  MATCH (s)-[r:GUARANTEES]->(t)
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

// name: scoring.intimacy_ego
// The ego networks of $a and $b: their relationships, and the relationships among their
// neighbours (for 3-hop indirect paths), skipping nominee-like and hub neighbours (more than
// $hub_cap relationships). Params: $a, $b, $hub_cap. Returns one row per relationship:
// source_id, target_id, rel_type, the property columns, and s_/t_ label, name, nominee.
CALL () {
  MATCH (n:Company) WHERE n.id IN [$a, $b] RETURN n
  UNION
  MATCH (n:Person) WHERE n.id IN [$a, $b] RETURN n
  UNION
  MATCH (n:RelationshipManager) WHERE n.id IN [$a, $b] RETURN n
}
WITH collect(n) AS ends
CALL (ends) {
  UNWIND ends AS e
  MATCH (e)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-(x)
  RETURN collect(DISTINCT r) AS rs1, collect(DISTINCT x) AS xs
}
CALL (ends, xs) {
  UNWIND xs AS x
  WITH x WHERE NOT x IN ends AND NOT coalesce(x.nominee, false)
    AND COUNT { (x)-[:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-() } <= $hub_cap
  MATCH (x)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]-(y)
  WHERE y IN xs AND NOT y IN ends
  RETURN collect(DISTINCT r) AS rs2
}
UNWIND rs1 + rs2 AS r
WITH DISTINCT r
WITH r, startNode(r) AS s, endNode(r) AS t
RETURN s.id AS source_id, t.id AS target_id, type(r) AS rel_type, r.pct AS pct,
       r.role AS role, toString(r.until) AS until, r.amount AS amount, r.share AS share,
       r.count AS count, toString(r.last) AS last, toString(r.end) AS end,
       r.strength AS strength, toString(r.last_contact) AS last_contact,
       toString(r.since) AS since,
       labels(s)[0] AS s_label, s.name AS s_name, coalesce(s.nominee, false) AS s_nominee,
       labels(t)[0] AS t_label, t.name AS t_name, coalesce(t.nominee, false) AS t_nominee

// name: scoring.ownership_upstream
// The upstream ownership graph of company $company_id: every HOLDS_SHARES into it or into a
// company above it (up to 12 levels). One row per holding; a company without holders gives
// one row with null holder. Params: $company_id, $nominee_patterns.
// Returns: company_name, holder_id, holder_label, holder_name, nominee, company_id, pct,
// kind (direct when missing: direct, deemed, concert, nominee), as_of (string or null).
MATCH (c:Company {id: $company_id})
CALL (c) {
  MATCH (c)<-[:HOLDS_SHARES*0..12]-(x:Company)
  RETURN DISTINCT x
}
OPTIONAL MATCH (h)-[r:HOLDS_SHARES]->(x)
RETURN c.name AS company_name, h.id AS holder_id, labels(h)[0] AS holder_label,
       h.name AS holder_name,
       coalesce(h.nominee, false)
         OR any(p IN $nominee_patterns WHERE toLower(coalesce(h.name, '')) CONTAINS p) AS nominee,
       x.id AS company_id, r.pct AS pct, coalesce(r.kind, 'direct') AS kind,
       toString(r.as_of) AS as_of
