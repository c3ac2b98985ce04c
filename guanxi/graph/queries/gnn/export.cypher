// name: gnn.company_page
// One keyset page of companies in id order (index-backed; guanxi.graph.paging) with their
// outgoing public relationships to companies and the bank's payment flows, packed (one
// record per page: per-node records with a map per relationship took most of the export at
// 1M companies). Params: $after (last id of the previous page, '' for the first), $limit.
// Returns: last (the page's last id; null when empty), nodes (lists [id, industry, region,
// tags, registered_capital, revenue, employees, rd_intensity, founded_year, listed, nominee,
// pagerank, betweenness, customer]), edges (lists [source_id, type, target_id, pct, amount,
// share]).
MATCH (c:Company)
WHERE c.id > $after
WITH c ORDER BY c.id LIMIT $limit
WITH collect(c) AS page
RETURN page[-1].id AS last,
       [c IN page | [c.id, c.industry, c.region, c.tags, c.registered_capital, c.revenue,
        c.employees, c.rd_intensity,
        CASE WHEN c.founded IS NULL THEN null ELSE toInteger(left(toString(c.founded), 4)) END,
        c.listed, c.nominee, c.pagerank, c.betweenness,
        EXISTS { (c)-[:CUSTOMER_OF]->() }]] AS nodes,
       COLLECT {
         UNWIND page AS c
         MATCH (c)-[r:HOLDS_SHARES|SUPPLIES|GUARANTEES|PAYS]->(b:Company)
         RETURN [c.id, type(r), b.id, r.pct, r.amount, r.share]
       } AS edges

// name: gnn.person_page
// One keyset page of persons in id order with their outgoing public relationships to
// companies and KNOWS to persons, packed like gnn.company_page. Params: $after, $limit.
// Returns: last, nodes (lists [id, nominee, birth_year]), edges (lists [source_id, type,
// target_id, pct, amount, share]; share always null).
MATCH (p:Person)
WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
WITH collect(p) AS page
RETURN page[-1].id AS last,
       [p IN page | [p.id, p.nominee, p.birth_year]] AS nodes,
       COLLECT {
         UNWIND page AS p
         CALL (p) {
           MATCH (p)-[r:HOLDS_SHARES|SERVES_AS]->(b:Company)
           RETURN [p.id, type(r), b.id, r.pct, r.amount, null] AS e
           UNION ALL
           MATCH (p)-[:KNOWS]->(q:Person)
           RETURN [p.id, 'KNOWS', q.id, null, null, null] AS e
         }
         RETURN e
       } AS edges
