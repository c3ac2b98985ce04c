// name: demo.first_branch
// The branch (not the head office) with the most customers, for the demo users.
// Returns: id.
MATCH (c:Company)-[:CUSTOMER_OF]->(s:Branch)-[:PART_OF*0..]->(b:Branch {level: 'branch'})
RETURN b.id AS id, count(c) AS customers
ORDER BY customers DESC, id
LIMIT 1
