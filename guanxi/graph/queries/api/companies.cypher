// name: api.company_search
// Companies whose id equals $q (the key constraint's index) or whose name contains it (the
// TEXT index company_name_text), the exact id first, then shorter names.
// Params: $q, $limit. Returns: id, name, industry, region, listed.
CALL () {
  MATCH (c:Company {id: $q}) RETURN c, 0 AS rank
  UNION
  MATCH (c:Company) WHERE c.name CONTAINS $q RETURN c, 1 AS rank
}
WITH c, min(rank) AS rank
RETURN c.id AS id, c.name AS name, c.industry AS industry, c.region AS region,
       coalesce(c.listed, false) AS listed
ORDER BY rank, size(c.name), c.name
LIMIT $limit

// name: api.company_detail
// A company's profile with its public neighbourhood and, within the caller's scope,
// its bank relationships. Params: $id, $scope_all, $branches, $lines.
// Returns: profile (map), shareholders, executives, investments, customer_of, products,
// counterparties, managed_by, partner_lists (the PSI matches behind its partner tags, run by
// an organisation in scope) (lists of maps), in_scope (bool).
MATCH (c:Company {id: $id})
WITH c, COLLECT {
  MATCH (c)-[r:CUSTOMER_OF]->(b:Branch)
  WHERE $scope_all OR (b.id IN $branches AND (size($lines) = 0 OR r.business_line IN $lines))
  RETURN {branch_id: b.id, branch: b.name, since: toString(r.since),
          business_line: r.business_line}
} AS customer_of
WITH c, customer_of, size(customer_of) > 0 AS in_scope
RETURN
  c {.*, embedding: null} AS profile,
  COLLECT {
    MATCH (h)-[s:HOLDS_SHARES]->(c)
    RETURN {id: h.id, name: h.name, type: head(labels(h)), pct: s.pct,
            nominee: coalesce(h.nominee, false)}
    ORDER BY s.pct DESC LIMIT 30
  } AS shareholders,
  COLLECT {
    MATCH (p:Person)-[r:SERVES_AS]->(c)
    RETURN {id: p.id, name: p.name, role: r.role}
    ORDER BY p.id, r.role
  } AS executives,
  COLLECT {
    MATCH (c)-[s:HOLDS_SHARES]->(x:Company)
    RETURN {id: x.id, name: x.name, pct: s.pct}
    ORDER BY s.pct DESC LIMIT 30
  } AS investments,
  customer_of,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (c)-[h:HOLDS_PRODUCT]->(p:Product)
    RETURN {code: p.code, name: p.name, line: p.line, balance: h.balance}
    ORDER BY p.code
  } ELSE [] END AS products,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (c)-[f:PAYS]-(o:Company)
    RETURN {id: o.id, name: o.name, direction: CASE WHEN startNode(f) = c THEN 'out' ELSE 'in' END,
            amount: f.amount, count: f.count, last: toString(f.last)}
    ORDER BY f.amount DESC LIMIT 10
  } ELSE [] END AS counterparties,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (rm:RelationshipManager)-[:MANAGES]->(c)
    MATCH (rm)-[:WORKS_AT]->(b:Branch)
    WHERE $scope_all OR b.id IN $branches
    RETURN {id: rm.id, name: rm.name, branch_id: b.id}
  } ELSE [] END AS managed_by,
  COLLECT {
    MATCH (c)-[m:MATCHED_IN]->(l:PartnerList)
    WHERE $scope_all OR l.ingested_by IN $branches
    RETURN {list_id: l.id, partner: l.partner, tag: l.tag, protocol: m.protocol, fpr: m.fpr,
            matched_at: toString(m.at), org: l.ingested_by}
    ORDER BY l.id
  } AS partner_lists,
  in_scope

// name: api.ego_expand
// One BFS level of the ego network: each frontier node (with what scope needs to know about
// it, computed once per node) and its relationships and neighbours; a frontier node without
// relationships still gives one row (r, b null), so level 1 also answers "does the centre
// exist". Properties named in $hidden (provenance, embeddings) are not sent. Branches are
// read only where visibility needs them: not for persons (public; a person-to-person KNOWS
// is judged by its ingested_by), not at all without $with_branches (a bank-wide scope).
// Params: $keys (list of node keys: id, or code for products), $types (list; empty = all),
// $limit, $hidden (property names left out), $with_branches, $past (the history types of
// docs/time.md: closed versions, left out of the current state). Returns: a_key, a_labels,
// a_name, a_branches ({branch, line} a works at or is a customer of, a branch itself, the
// organisation that ran a partner-list match; [] when not read),
// type (null without relationships),
// a_is_start, props ([key, value] pairs), b_key, b_labels, b_name, b_branches.
UNWIND $keys AS key
CALL (key) {
  MATCH (a:Company {id: key}) RETURN a
  UNION MATCH (a:Person {id: key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: key}) RETURN a
  UNION MATCH (a:Branch {id: key}) RETURN a
  UNION MATCH (a:Product {code: key}) RETURN a
  UNION MATCH (a:PartnerList {id: key}) RETURN a
}
WITH a, key AS a_key, labels(a) AS a_labels, a.name AS a_name,
     CASE WHEN NOT $with_branches OR a:Person THEN [] ELSE
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}]
            WHEN a:PartnerList THEN [{branch: a.ingested_by, line: null}] ELSE [] END
     END AS a_branches
OPTIONAL MATCH (a)-[r]-(b)
WHERE (size($types) = 0 OR type(r) IN $types)
  AND NOT type(r) IN ['INTIMACY', 'KEY_CONTACT'] AND NOT type(r) IN $past
WITH a, a_key, a_labels, a_name, a_branches, r, b LIMIT $limit
RETURN a_key, a_labels, a_name, a_branches, type(r) AS type, startNode(r) = a AS a_is_start,
       [k IN keys(r) WHERE NOT k IN $hidden | [k, r[k]]] AS props,
       coalesce(b.id, b.code) AS b_key, labels(b) AS b_labels, b.name AS b_name,
       CASE WHEN b IS NULL OR NOT $with_branches OR b:Person THEN [] ELSE
         COLLECT { MATCH (b)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                   RETURN {branch: x.id, line: w.business_line} } +
         CASE WHEN b:Branch THEN [{branch: b.id, line: null}]
              WHEN b:PartnerList THEN [{branch: b.ingested_by, line: null}] ELSE [] END
       END AS b_branches
