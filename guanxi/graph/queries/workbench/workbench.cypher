// name: workbench.search
// Companies and persons for the workbench's search box: an exact id (USCC) or stock code
// first, then names containing $q (companies from the TEXT index company_name_text), shorter
// names first. Params: $q, $limit. Returns: id, label, name, stock_code, industry, region.
CALL () {
  MATCH (c:Company {id: $q}) RETURN c AS n, 0 AS rank
  UNION
  MATCH (c:Company {stock_code: $q}) RETURN c AS n, 0 AS rank
  UNION
  MATCH (p:Person {id: $q}) RETURN p AS n, 0 AS rank
  UNION
  MATCH (c:Company) WHERE c.name CONTAINS $q RETURN c AS n, 1 AS rank
  UNION
  MATCH (p:Person) WHERE p.name CONTAINS $q RETURN p AS n, 2 AS rank
}
WITH n, min(rank) AS rank
RETURN n.id AS id, CASE WHEN n:Company THEN 'Company' ELSE 'Person' END AS label,
       n.name AS name, n.stock_code AS stock_code, n.industry AS industry, n.region AS region
ORDER BY rank, size(n.name), n.name
LIMIT $limit

// name: workbench.neighbour_counts
// A node's relationships counted per type and direction, grouped by what visibility needs
// (the neighbour's labels and, for bank-internal types or labels, its branches and the
// relationship's business_line / ingested_by), so that the caller applies the access rule
// to each group once; relationships are first grouped per neighbour, so parallel ones (500
// payments between one pair) cost one branch lookup, not one each. INTIMACY, KEY_CONTACT and
// the history types ($past) are left out.
// Params: $key, $past, $internal_types, $internal_labels, $with_branches.
// Returns: a_labels, a_branches, type (null: no relationships), out (a is the start),
// b_labels, b_branches, line, ingested_by, n (relationships in the group).
CALL () {
  MATCH (a:Company {id: $key}) RETURN a
  UNION MATCH (a:Person {id: $key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: $key}) RETURN a
  UNION MATCH (a:Branch {id: $key}) RETURN a
  UNION MATCH (a:Product {code: $key}) RETURN a
  UNION MATCH (a:Group {id: $key}) RETURN a
}
WITH a, labels(a) AS a_labels,
     CASE WHEN NOT $with_branches OR a:Person THEN [] ELSE
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END
     END AS a_branches
OPTIONAL MATCH (a)-[r]-(b)
WHERE NOT type(r) IN ['INTIMACY', 'KEY_CONTACT'] AND NOT type(r) IN $past
WITH a_labels, a_branches, type(r) AS type, startNode(r) = a AS out, b,
     CASE WHEN $with_branches THEN r.business_line END AS r_line,
     CASE WHEN $with_branches THEN r.ingested_by END AS r_by, count(r) AS n
WITH a_labels, a_branches, type, out, b, r_line, r_by, n,
     $with_branches AND (type IN $internal_types
                         OR any(l IN labels(b) WHERE l IN $internal_labels)) AS judged
WITH a_labels, a_branches, type, out, labels(b) AS b_labels, n,
     CASE WHEN b IS NULL OR NOT judged OR b:Person THEN [] ELSE
       COLLECT { MATCH (b)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN b:Branch THEN [{branch: b.id, line: null}] ELSE [] END
     END AS b_branches,
     CASE WHEN judged THEN r_line END AS line,
     CASE WHEN judged THEN r_by END AS ingested_by
RETURN a_labels, a_branches, type, out, b_labels, b_branches, line, ingested_by,
       sum(n) AS n

// name: workbench.neighbours
// One page of a node's neighbours over one relationship type and direction, the
// best-connected first (pagerank, then key): what visibility needs about each, and what the
// workbench styles by. The page counts neighbours, not relationships: of the parallel
// relationships between the node and one neighbour at most $per_pair are sent, the others are
// counted in `folded` (grouped by what visibility needs). `__REL_TYPE__` is replaced by the
// backtick-quoted schema type (guanxi.scoring.neighbours.neighbours_query), so that Neo4j
// expands only that type instead of every relationship of a hub.
// Params: $key, $direction ('out', 'in' or 'both'), $skip, $limit, $per_pair, $hidden
// (relationship properties not sent), $with_branches.
// Returns: a_key, a_labels, a_branches, type, a_is_start, props ([key, value] pairs),
// b_key, b_labels, b_name, b_branches, b_attrs (pagerank, registered_capital, group),
// intimacy (the INTIMACY score of the two, null when not scored), folded (list of {line, ingested_by, out, n}: the neighbour's relationships not sent; the
// same on every row of one neighbour).
CALL () {
  MATCH (a:Company {id: $key}) RETURN a
  UNION MATCH (a:Person {id: $key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: $key}) RETURN a
  UNION MATCH (a:Branch {id: $key}) RETURN a
  UNION MATCH (a:Product {code: $key}) RETURN a
  UNION MATCH (a:Group {id: $key}) RETURN a
}
WITH a, labels(a) AS a_labels,
     CASE WHEN NOT $with_branches OR a:Person THEN [] ELSE
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END
     END AS a_branches
MATCH (a)-[r:__REL_TYPE__]-(b)
WHERE $direction = 'both' OR ($direction = 'out') = (startNode(r) = a)
WITH a, a_labels, a_branches, b, collect(r) AS rs
ORDER BY coalesce(b.pagerank, 0.0) DESC, coalesce(b.id, b.code)
SKIP $skip LIMIT $limit
WITH a, a_labels, a_branches, b, rs[..$per_pair] AS sent,
     COLLECT { UNWIND rs[$per_pair..] AS x
               WITH x.business_line AS line, x.ingested_by AS ingested_by,
                    startNode(x) = a AS out, count(*) AS n
               RETURN {line: line, ingested_by: ingested_by, out: out, n: n} } AS folded
UNWIND sent AS r
RETURN $key AS a_key, a_labels, a_branches, type(r) AS type, startNode(r) = a AS a_is_start,
       [k IN keys(r) WHERE NOT k IN $hidden | [k, r[k]]] AS props,
       coalesce(b.id, b.code) AS b_key, labels(b) AS b_labels, b.name AS b_name,
       CASE WHEN NOT $with_branches OR b:Person THEN [] ELSE
         COLLECT { MATCH (b)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                   RETURN {branch: x.id, line: w.business_line} } +
         CASE WHEN b:Branch THEN [{branch: b.id, line: null}] ELSE [] END
       END AS b_branches,
       {pagerank: b.pagerank, registered_capital: b.registered_capital,
        group: COLLECT { MATCH (b)-[:MEMBER_OF]->(g:Group) RETURN g.id }[0]} AS b_attrs,
       folded, COLLECT { MATCH (a)-[i:INTIMACY]-(b) RETURN i.score }[0] AS intimacy

// name: workbench.nodes
// Nodes by key with what the canvas draws and the side panel shows: labels, name, every
// property but provenance and embeddings (the caller masks them), provenance apart, the
// branches visibility needs, the group and the node's key-contact ranks.
// Params: $keys, $hidden. Returns: key, labels, name, props ([key, value] pairs),
// provenance (map), branches ({branch, line}), group, key_contact_of ({company, rank, score}).
UNWIND $keys AS key
CALL (key) {
  MATCH (a:Company {id: key}) RETURN a
  UNION MATCH (a:Person {id: key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: key}) RETURN a
  UNION MATCH (a:Branch {id: key}) RETURN a
  UNION MATCH (a:Product {code: key}) RETURN a
  UNION MATCH (a:Group {id: key}) RETURN a
}
RETURN key, labels(a) AS labels, a.name AS name,
       [k IN keys(a) WHERE NOT k IN $hidden | [k, a[k]]] AS props,
       {source: a.source, loaded_at: toString(a.loaded_at), ingested_by: a.ingested_by,
        load_id: a.load_id} AS provenance,
       COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                 RETURN {branch: x.id, line: w.business_line} } +
       CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END AS branches,
       COLLECT { MATCH (a)-[:MEMBER_OF]->(g:Group) RETURN g.id }[0] AS group,
       COLLECT { MATCH (a)-[k:KEY_CONTACT]->(c:Company)
                 RETURN {company: c.id, name: c.name, rank: k.rank, score: k.score}
                 ORDER BY k.rank LIMIT 5 } AS key_contact_of

// name: workbench.links
// The relationships among a set of nodes (what a shared view or a newly opened node draws
// between what is on the canvas), with what visibility needs. Params: $keys, $hidden, $past,
// $limit. Returns: s_key, s_labels, s_branches, type, props ([key, value] pairs), t_key,
// t_labels, t_branches, intimacy (the INTIMACY score of the two ends, null: not scored).
UNWIND $keys AS key
CALL (key) {
  MATCH (a:Company {id: key}) RETURN a
  UNION MATCH (a:Person {id: key}) RETURN a
  UNION MATCH (a:RelationshipManager {id: key}) RETURN a
  UNION MATCH (a:Branch {id: key}) RETURN a
  UNION MATCH (a:Product {code: key}) RETURN a
  UNION MATCH (a:Group {id: key}) RETURN a
}
MATCH (a)-[r]->(b)
WHERE coalesce(b.id, b.code) IN $keys
  AND NOT type(r) IN ['INTIMACY', 'KEY_CONTACT'] AND NOT type(r) IN $past
WITH key, a, r, b LIMIT $limit
RETURN key AS s_key, labels(a) AS s_labels,
       CASE WHEN a:Person THEN [] ELSE
         COLLECT { MATCH (a)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                   RETURN {branch: x.id, line: w.business_line} } +
         CASE WHEN a:Branch THEN [{branch: a.id, line: null}] ELSE [] END
       END AS s_branches,
       type(r) AS type, [k IN keys(r) WHERE NOT k IN $hidden | [k, r[k]]] AS props,
       coalesce(b.id, b.code) AS t_key, labels(b) AS t_labels,
       CASE WHEN b:Person THEN [] ELSE
         COLLECT { MATCH (b)-[w:WORKS_AT|CUSTOMER_OF]->(x:Branch)
                   RETURN {branch: x.id, line: w.business_line} } +
         CASE WHEN b:Branch THEN [{branch: b.id, line: null}] ELSE [] END
       END AS t_branches,
       COLLECT { MATCH (a)-[i:INTIMACY]-(b) RETURN i.score }[0] AS intimacy

// name: workbench.public_path
// The shortest path between two parties over public registry relationships only
// (shareholdings, positions, supply, guarantees), at most 6 hops.
// Params: $a, $b, $types (the public relationship types). Returns: keys (node keys in
// order), types (relationship types in order).
CALL () { MATCH (a:Company {id: $a}) RETURN a UNION MATCH (a:Person {id: $a}) RETURN a }
CALL () { MATCH (b:Company {id: $b}) RETURN b UNION MATCH (b:Person {id: $b}) RETURN b }
MATCH p = shortestPath((a)-[*..6]-(b))
WHERE all(r IN relationships(p) WHERE type(r) IN $types)
RETURN [n IN nodes(p) | n.id] AS keys, [r IN relationships(p) | type(r)] AS types

// name: workbench.sample_start
// The keys of the two ends of one relationship of one type (`__REL_TYPE__`, replaced like in
// workbench.neighbours), to run that type's page of neighbours once on real rows.
// Params: none. Returns: start, end.
MATCH (a)-[:__REL_TYPE__]->(b)
RETURN coalesce(a.id, a.code) AS start, coalesce(b.id, b.code) AS end
LIMIT 1
