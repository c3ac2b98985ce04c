// name: time.ownership_upstream_as_of
// scoring.ownership_upstream as of $as_of: the HOLDS_SHARES valid on that date, current
// (valid_from on or before it; null = since before every snapshot) or closed (HELD_SHARES
// with valid_to after it). One row per holding; a company without holders then gives one
// row with null holder. Params: $company_id, $nominee_patterns, $as_of. Returns:
// company_name, holder_id, holder_label, holder_name, nominee, company_id, pct, kind, as_of.
// (An as-of twin: a change to the query it is named after must be made here too.)
MATCH (c:Company {id: $company_id})
CALL (c) {
  MATCH (c) (()<-[r:HOLDS_SHARES|HELD_SHARES]-(:Company)
             WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of
               AND (r.valid_to IS NULL OR r.valid_to > $as_of)){0,12} (x:Company)
  RETURN DISTINCT x
}
OPTIONAL MATCH (h)-[r:HOLDS_SHARES|HELD_SHARES]->(x)
WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of
  AND (r.valid_to IS NULL OR r.valid_to > $as_of)
RETURN c.name AS company_name, h.id AS holder_id, labels(h)[0] AS holder_label,
       h.name AS holder_name,
       coalesce(h.nominee, false)
         OR any(p IN $nominee_patterns WHERE toLower(coalesce(h.name, '')) CONTAINS p) AS nominee,
       x.id AS company_id, r.pct AS pct, coalesce(r.kind, 'direct') AS kind,
       toString(r.as_of) AS as_of

// name: time.ego_expand_as_of
// api.ego_expand as of $as_of: relationships of the $versioned types (current and history)
// only when valid on that date, reported under their current type; other types as they are
// (bank-internal facts keep their own dates). Params: $keys, $types, $limit, $hidden,
// $with_branches, $as_of, $history (history type → current type), $versioned. Returns the
// columns of api.ego_expand.
// (An as-of twin: a change to the query it is named after must be made here too.)
UNWIND $keys AS key
CALL (key) {
  MATCH (a:Company {id: key}) RETURN a
  UNION MATCH (a:Person {id: key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: key}) RETURN a
  UNION MATCH (a:Branch {id: key}) RETURN a
  UNION MATCH (a:Product {code: key}) RETURN a
}
WITH a, key AS a_key, labels(a) AS a_labels, a.name AS a_name,
     CASE WHEN NOT $with_branches OR a:Person THEN [] ELSE
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END
     END AS a_branches
OPTIONAL MATCH (a)-[r]-(b)
WHERE (size($types) = 0 OR coalesce($history[type(r)], type(r)) IN $types)
  AND NOT type(r) IN ['INTIMACY', 'KEY_CONTACT']
  AND (NOT type(r) IN $versioned
       OR (coalesce(r.valid_from, date('0001-01-01')) <= $as_of
           AND (r.valid_to IS NULL OR r.valid_to > $as_of)))
WITH a, a_key, a_labels, a_name, a_branches, r, b LIMIT $limit
RETURN a_key, a_labels, a_name, a_branches, coalesce($history[type(r)], type(r)) AS type,
       startNode(r) = a AS a_is_start,
       [k IN keys(r) WHERE NOT k IN $hidden | [k, r[k]]] AS props,
       coalesce(b.id, b.code) AS b_key, labels(b) AS b_labels, b.name AS b_name,
       CASE WHEN b IS NULL OR NOT $with_branches OR b:Person THEN [] ELSE
         COLLECT { MATCH (b)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                   RETURN {branch: x.id, line: w.business_line} } +
         CASE WHEN b:Branch THEN [{branch: b.id, line: null}] ELSE [] END
       END AS b_branches

// name: time.key_contact_facts_as_of
// scoring.key_contact_facts as of $as_of: the holdings and SERVES_AS roles valid on that
// date (current or closed versions, docs/time.md). Params: $company_id, $nominee_patterns,
// $as_of. Returns one row: name, holdings, roles (as scoring.key_contact_facts).
// (An as-of twin: a change to the query it is named after must be made here too.)
MATCH (c:Company {id: $company_id})
CALL (c) {
  MATCH (c) (()<-[r:HOLDS_SHARES|HELD_SHARES]-(:Company)
             WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of
               AND (r.valid_to IS NULL OR r.valid_to > $as_of)){0,6} (x:Company)
  RETURN DISTINCT x
}
WITH c, collect(x) AS ups
CALL (ups) {
  UNWIND ups AS x
  MATCH (h)-[r:HOLDS_SHARES|HELD_SHARES]->(x)
  WHERE coalesce(r.valid_from, date('0001-01-01')) <= $as_of
    AND (r.valid_to IS NULL OR r.valid_to > $as_of)
    AND coalesce(r.kind, 'direct') <> 'deemed'  // deemed interests neither own nor vote
  RETURN collect({holder_id: h.id, holder_label: labels(h)[0], holder_name: h.name,
    nominee: coalesce(h.nominee, false)
      OR any(p IN $nominee_patterns WHERE toLower(coalesce(h.name, '')) CONTAINS p),
    company_id: x.id, pct: r.pct}) AS holdings
}
CALL (ups) {
  UNWIND ups AS x
  MATCH (p:Person)-[s:SERVES_AS|SERVED_AS]->(x)
  WHERE coalesce(s.valid_from, date('0001-01-01')) <= $as_of
    AND (s.valid_to IS NULL OR s.valid_to > $as_of)
  RETURN collect({person_id: p.id, name: p.name, company_id: x.id, company_name: x.name,
    role: s.role, until: toString(s.until)}) AS roles
}
RETURN c.name AS name, holdings, roles
