// name: analyst.interlocking_directorates
// Interlocking directorates: persons serving on the boards of several companies.
// Params: $min_companies (at least 2). Returns: person, name, companies (count), names.
MATCH (p:Person)-[r:SERVES_AS]->(c:Company)
WHERE r.role IN ['chairman', 'vice_chairman', 'director', 'independent_director', 'legal_rep']
WITH p, collect(DISTINCT c.name) AS names
WHERE size(names) >= coalesce($min_companies, 2)
RETURN p.id AS person, p.name AS name, size(names) AS companies, names[..10] AS names
ORDER BY companies DESC, person
LIMIT 200

// name: analyst.top_holders
// The largest shareholders of a company. Params: $company. Returns: holder, name, pct, nominee.
MATCH (h)-[s:HOLDS_SHARES]->(:Company {id: $company})
RETURN h.id AS holder, h.name AS name, s.pct AS pct, coalesce(h.nominee, false) AS nominee
ORDER BY pct DESC

// name: analyst.subsidiaries
// Companies a company holds directly or indirectly (up to 4 levels) with the path's product
// of percentages. Params: $company. Returns: id, name, depth, stake (0-100).
MATCH path = (:Company {id: $company})-[:HOLDS_SHARES*1..4]->(c:Company)
WITH c, length(path) AS depth,
     reduce(s = 100.0, r IN relationships(path) | s * r.pct / 100.0) AS stake
RETURN c.id AS id, c.name AS name, min(depth) AS depth, round(sum(stake), 2) AS stake
ORDER BY stake DESC
LIMIT 500

// name: analyst.guarantee_chains
// Guarantee chains starting at a company (up to 5 hops). Params: $company.
// Returns: chain (company names in order), length, total (sum of amounts, 万元).
MATCH path = (:Company {id: $company})-[:GUARANTEES*1..5]->(:Company)
RETURN [n IN nodes(path) | n.name] AS chain, length(path) AS length,
       reduce(t = 0.0, r IN relationships(path) | t + coalesce(r.amount, 0)) AS total
ORDER BY length DESC
LIMIT 100

// name: analyst.supplier_tiers
// Suppliers of a company by tier (up to 3 tiers upstream). Params: $company.
// Returns: tier, id, name, amount.
MATCH path = (s:Company)-[:SUPPLIES*1..3]->(:Company {id: $company})
RETURN length(path) AS tier, s.id AS id, s.name AS name,
       relationships(path)[0].amount AS amount
ORDER BY tier, amount DESC
LIMIT 300

// name: analyst.top_centrality
// Parties ranked by PageRank from the latest batch scoring. Params: $limit.
// Returns: id, name, label, pagerank, betweenness, weighted_degree.
MATCH (n)
WHERE (n:Company OR n:Person) AND n.pagerank IS NOT NULL
RETURN n.id AS id, n.name AS name, head(labels(n)) AS label, n.pagerank AS pagerank,
       n.betweenness AS betweenness, n.weighted_degree AS weighted_degree
ORDER BY pagerank DESC
LIMIT $limit

// name: analyst.companies_with_holders
// Companies with the most recorded shareholders (good starting points to explore).
// Params: $limit. Returns: id, name, holders.
MATCH (c:Company)<-[:HOLDS_SHARES]-(h)
WITH c, count(h) AS holders
RETURN c.id AS id, c.name AS name, holders
ORDER BY holders DESC, id
LIMIT $limit

// name: analyst.customers_per_branch
// Customers per branch, within the caller's scope (the bank-internal version of
// "MATCH (c)-[:CUSTOMER_OF]->(b) RETURN b.id, count(*)", which the console refuses to
// branch-scoped analysts).
// reads: internal
// Params: $scope_all, $branches, $lines (the caller's scope; guanxi sets them).
// Returns: branch, name, customers.
MATCH (c:Company)-[r:CUSTOMER_OF]->(b:Branch)
WHERE $scope_all OR (b.id IN $branches AND (size($lines) = 0 OR r.business_line IN $lines))
RETURN b.id AS branch, b.name AS name, count(DISTINCT c) AS customers
ORDER BY branch

// name: analyst.branch_customers
// Customers of the branches in the caller's scope: since when, which business line, how
// many of the bank's products they hold.
// reads: internal
// Params: $branch (optional: one branch of the scope), $scope_all, $branches, $lines (the
// caller's scope; guanxi sets them). Returns: branch, company, name, business_line, since,
// products.
MATCH (c:Company)-[r:CUSTOMER_OF]->(b:Branch)
WHERE ($scope_all OR (b.id IN $branches AND (size($lines) = 0 OR r.business_line IN $lines)))
  AND ($branch IS NULL OR b.id = $branch)
RETURN b.id AS branch, c.id AS company, c.name AS name, r.business_line AS business_line,
       toString(r.since) AS since, COUNT { (c)-[:HOLDS_PRODUCT]->(:Product) } AS products
ORDER BY branch, name
LIMIT 1000

// name: analyst.partner_matches
// Companies matched against partner lists by private set intersection (guanxi psi match
// --tag), as a target list for a campaign or a prospect review: only the matches run by an
// organisation in the caller's scope, with each match's provenance.
// reads: internal
// Params: $tag (optional: one tag), $scope_all, $branches, $lines (the caller's scope;
// guanxi sets them). Returns: company, name, tag, partner, matched_at, fpr, org, customer.
MATCH (c:Company)-[m:MATCHED_IN]->(l:PartnerList)
WHERE ($scope_all OR l.ingested_by IN $branches) AND ($tag IS NULL OR l.tag = $tag)
RETURN c.id AS company, c.name AS name, l.tag AS tag, l.partner AS partner,
       toString(m.at) AS matched_at, m.fpr AS fpr, l.ingested_by AS org,
       EXISTS { MATCH (c)-[r:CUSTOMER_OF]->(b:Branch)
                WHERE $scope_all OR (b.id IN $branches AND (size($lines) = 0 OR r.business_line IN $lines)) } AS customer
ORDER BY tag, name
LIMIT 5000
