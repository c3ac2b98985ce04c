// name: gnn.company_page
// One page of companies in id order (keyset pagination, index-backed), with their
// outgoing public relationships to companies and the bank's payment flows.
// Params: $after (last id of the previous page, '' for the first), $limit.
// Returns: id, industry, region, tags, registered_capital, revenue, employees,
// rd_intensity, founded_year, listed, nominee, pagerank, betweenness, customer (bool),
// out (list of {t, dst, pct, amount, share}).
MATCH (c:Company)
WHERE c.id > $after
WITH c ORDER BY c.id LIMIT $limit
RETURN c.id AS id, c.industry AS industry, c.region AS region, c.tags AS tags,
       c.registered_capital AS registered_capital, c.revenue AS revenue,
       c.employees AS employees, c.rd_intensity AS rd_intensity,
       CASE WHEN c.founded IS NULL THEN null
            ELSE toInteger(left(toString(c.founded), 4)) END AS founded_year,
       c.listed AS listed, c.nominee AS nominee,
       c.pagerank AS pagerank, c.betweenness AS betweenness,
       EXISTS { (c)-[:CUSTOMER_OF]->() } AS customer,
       [(c)-[r:HOLDS_SHARES|SUPPLIES|GUARANTEES|PAYS]->(b:Company) |
        {t: type(r), dst: b.id, pct: r.pct, amount: r.amount, share: r.share}] AS out

// name: gnn.person_page
// One page of persons in id order with their outgoing public relationships and KNOWS.
// Params: $after, $limit.
// Returns: id, nominee, birth_year, out (list of {t, dst, label, pct, amount}).
MATCH (p:Person)
WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
RETURN p.id AS id, p.nominee AS nominee, p.birth_year AS birth_year,
       [(p)-[r:HOLDS_SHARES|SERVES_AS]->(b:Company) |
        {t: type(r), dst: b.id, pct: r.pct, amount: r.amount}] +
       [(p)-[r:KNOWS]->(q:Person) | {t: 'KNOWS', dst: q.id}] AS out
