// name: scoring.key_contact_facts
// What key-contact scoring needs about company $company_id: the holdings into it and into
// every company above it (up to 6 levels), and the SERVES_AS roles at those companies.
// Params: $company_id, $nominee_patterns. Returns one row: name, holdings [{holder_id,
// holder_label, holder_name, nominee, company_id, pct}], roles [{person_id, name, company_id,
// company_name, role, until}]. No row when the company does not exist.
MATCH (c:Company {id: $company_id})
CALL (c) {
  MATCH (c)<-[:HOLDS_SHARES*0..6]-(x:Company)
  RETURN DISTINCT x
}
WITH c, collect(x) AS ups
CALL (ups) {
  UNWIND ups AS x
  MATCH (h)-[r:HOLDS_SHARES]->(x)
  WHERE coalesce(r.kind, 'direct') <> 'deemed'  // deemed interests neither own nor vote
  RETURN collect({holder_id: h.id, holder_label: labels(h)[0], holder_name: h.name,
    nominee: coalesce(h.nominee, false)
      OR any(p IN $nominee_patterns WHERE toLower(coalesce(h.name, '')) CONTAINS p),
    company_id: x.id, pct: r.pct}) AS holdings
}
CALL (ups) {
  UNWIND ups AS x
  MATCH (p:Person)-[s:SERVES_AS]->(x)
  RETURN collect({person_id: p.id, name: p.name, company_id: x.id, company_name: x.name,
    role: s.role, until: toString(s.until)}) AS roles
}
RETURN c.name AS name, holdings, roles

// name: scoring.person_reach
// How the bank reaches persons $ids: the strongest KNOWS from an RM, a customer company the
// person serves at or holds, a person at a customer the person knows; and their PageRank.
// Params: $ids. Returns: id, pagerank, rm_strength, rm_name, rm_id, customer_name,
// customer_id, known_customer_person, known_customer_id (the company of that person),
// known_recorded_by (the branch that recorded that acquaintance, ingested_by).
UNWIND $ids AS pid
MATCH (p:Person {id: pid})
OPTIONAL MATCH (rm:RelationshipManager)-[k:KNOWS]->(p)
WITH p, rm, coalesce(toFloat(k.strength), 0.5) AS s
ORDER BY s DESC
WITH p, collect(rm)[0] AS rm, max(CASE WHEN rm IS NULL THEN null ELSE s END) AS rm_strength
WITH p, rm, rm_strength,
  COLLECT { MATCH (p)-[:SERVES_AS|HOLDS_SHARES]->(x:Company)
            WHERE EXISTS { (x)-[:CUSTOMER_OF]->() } OR EXISTS { (:RelationshipManager)-[:MANAGES]->(x) }
            RETURN x LIMIT 1 }[0] AS customer,
  COLLECT { MATCH (p)-[kk:KNOWS]-(q:Person)-[:SERVES_AS]->(x:Company)
            WHERE EXISTS { (x)-[:CUSTOMER_OF]->() }
            RETURN [q.name, x.id, kk.ingested_by] LIMIT 1 }[0] AS known
RETURN p.id AS id, p.pagerank AS pagerank, rm_strength, rm.name AS rm_name, rm.id AS rm_id,
  customer.name AS customer_name, customer.id AS customer_id,
  known[0] AS known_customer_person, known[1] AS known_customer_id,
  known[2] AS known_recorded_by
