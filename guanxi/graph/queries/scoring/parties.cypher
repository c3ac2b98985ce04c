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

// name: scoring.party_page
// One keyset page of the whole party graph (batch scoring, the contact-path index): up to
// $limit parties of label __LABEL__ with id above $after, in id order (read from the id
// constraint's index, so a page costs its own size), with the party relationships they
// start. Sources of these types are always parties (schema.yaml), so the pages of the three
// labels hold every relationship once. Paged so that no transaction holds more than a page:
// one collect per type exceeded Neo4j's transaction memory at 1M companies with a 4g heap.
// Packed, because the driver spends ~20 µs per record: parties as lists [id, name, nominee,
// customer] (nominee: the flag or a name pattern); relationships per type as {rel_type,
// rows} with rows [source_id, target_id, <that type's properties>] (only a type's own
// properties travel: eleven mostly-null ones per relationship took 37 s at 100k companies;
// their names per type are party_read.TYPE_COLUMNS, in the order of the CASE below).
// One expansion per party with CASE per type: seven subqueries per party took 30% longer.
// Params: $after ('' for the first page), $limit, $nominee_patterns.
// Returns one row: last (the page's last id; null when the page is empty), nodes, edges.
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
  MATCH (s)-[r:HOLDS_SHARES|SERVES_AS|SUPPLIES|PAYS|GUARANTEES|KNOWS|MANAGES]->(t)
  WITH type(r) AS rel_type, [s.id, t.id] + CASE type(r)
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
