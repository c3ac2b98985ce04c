// name: opportunities.customers
// reads: internal
// Every customer with its branch, business line and primary RM (the one managing it
// longest, ties by id). Rules run bank-wide; results are filtered to the caller's scope
// afterwards by their assigned branch. Params: none.
// Returns: company_id, name, branch_id, line, rm_id, rm_name.
MATCH (c:Company)-[cu:CUSTOMER_OF]->(b:Branch)
WITH c, cu, b ORDER BY b.id
WITH c, collect({b: b.id, line: cu.business_line})[0] AS home
OPTIONAL CALL (c) {
  MATCH (rm:RelationshipManager)-[m:MANAGES]->(c)
  RETURN rm ORDER BY m.since, rm.id LIMIT 1
}
RETURN c.id AS company_id, c.name AS name, home.b AS branch_id, home.line AS line,
       rm.id AS rm_id, rm.name AS rm_name

// name: opportunities.companies
// Operating companies (not nominee-like) with what the rules score on. Params: none.
// Returns: company_id, name, industry, region, revenue, tags, rd_intensity, status,
// prospect_score, customer.
MATCH (c:Company) WHERE NOT coalesce(c.nominee, false)
RETURN c.id AS company_id, c.name AS name, c.industry AS industry, c.region AS region,
       c.revenue AS revenue, c.tags AS tags, c.rd_intensity AS rd_intensity,
       c.status AS status, c.prospect_score AS prospect_score,
       EXISTS { (c)-[:CUSTOMER_OF]->(:Branch) } AS customer

// name: opportunities.supply
// Every supply link: the supplier's share of the buyer's purchases and the yearly amount.
// Params: none. Returns: supplier_id, buyer_id, share, amount.
MATCH (a:Company)-[r:SUPPLIES]->(b:Company)
RETURN a.id AS supplier_id, b.id AS buyer_id, coalesce(r.share, 0.0) AS share,
       coalesce(r.amount, 0.0) AS amount

// name: opportunities.members
// Group memberships (the last `guanxi groups run`). Params: none.
// Returns: group_id, group_name, company_id, parent_id, evidence.
MATCH (c:Company)-[m:MEMBER_OF]->(g:Group)
RETURN g.id AS group_id, g.name AS group_name, c.id AS company_id, m.parent_id AS parent_id,
       m.evidence AS evidence

// name: opportunities.moves
// reads: internal
// Key people of customers (a current decision role, or a key contact) who currently
// serve a non-customer too. Params: $roles.
// Returns: person_id, person_name, customer_id, customer_role, company_id, role, since.
MATCH (p:Person)-[r1:SERVES_AS]->(c:Company)-[:CUSTOMER_OF]->(:Branch)
WHERE r1.until IS NULL AND (r1.role IN $roles OR EXISTS { (p)-[:KEY_CONTACT]-(c) })
MATCH (p)-[r2:SERVES_AS]->(n:Company)
WHERE r2.until IS NULL AND n <> c AND NOT EXISTS { (n)-[:CUSTOMER_OF]->(:Branch) }
  AND NOT coalesce(n.nominee, false)
RETURN p.id AS person_id, p.name AS person_name, c.id AS customer_id, r1.role AS customer_role,
       n.id AS company_id, r2.role AS role, toString(r2.since) AS since

// name: opportunities.holdings
// reads: internal
// Product holdings of customers with their line, balance, start and maturity. Params: none.
// Returns: company_id, product, product_name, line, balance, since, maturity.
MATCH (c:Company)-[h:HOLDS_PRODUCT]->(p:Product)
RETURN c.id AS company_id, p.code AS product, p.name AS product_name, p.line AS line,
       coalesce(h.balance, 0.0) AS balance, toString(h.since) AS since,
       toString(h.maturity) AS maturity

// name: opportunities.flows
// reads: internal
// Payment flows into and out of customers, by quarter. Params: none.
// Returns: payer_id, payee_id, payer_name, payee_name, amount, count, periods,
// period_amounts.
MATCH (a:Company)-[r:PAYS]->(b:Company)
WHERE EXISTS { (a)-[:CUSTOMER_OF]->(:Branch) } OR EXISTS { (b)-[:CUSTOMER_OF]->(:Branch) }
RETURN a.id AS payer_id, b.id AS payee_id, a.name AS payer_name, b.name AS payee_name,
       r.amount AS amount, r.count AS count, r.periods AS periods,
       r.period_amounts AS period_amounts
