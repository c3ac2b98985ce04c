// name: gnn.write_company_embeddings
// Set Company.embedding (the `company_embedding` vector index), the similarity to the
// customers' centroid, the prospect propensity (guanxi/gnn/propensity.py) and the run id.
// Params: $rows ({id, embedding, customer_similarity, prospect_score}), $run_id.
// Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.id})
SET c.embedding = row.embedding, c.customer_similarity = row.customer_similarity,
    c.prospect_score = row.prospect_score, c.embedding_run_id = $run_id
RETURN count(c) AS written

// name: gnn.write_person_embeddings
// Set Person.embedding and the run id. Params: $rows ({id, embedding}), $run_id.
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p.embedding = row.embedding, p.embedding_run_id = $run_id
RETURN count(p) AS written

// name: gnn.intimacy_company_page
// One page of companies in id order (keyset pagination) with their outgoing INTIMACY to
// companies and persons. Params: $after (last id of the previous page, '' first), $limit.
// Returns: page_id (the company; rid null when it has none), rid (elementId of the
// relationship), source_id, target_id, target_label.
MATCH (a:Company)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[i:INTIMACY]->(b)
WHERE b:Company OR b:Person
RETURN a.id AS page_id, elementId(i) AS rid, a.id AS source_id, b.id AS target_id,
       CASE WHEN b:Company THEN 'Company' ELSE 'Person' END AS target_label

// name: gnn.intimacy_person_page
// As gnn.intimacy_company_page, for persons.
MATCH (a:Person)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[i:INTIMACY]->(b)
WHERE b:Company OR b:Person
RETURN a.id AS page_id, elementId(i) AS rid, a.id AS source_id, b.id AS target_id,
       CASE WHEN b:Company THEN 'Company' ELSE 'Person' END AS target_label

// name: gnn.write_intimacy
// Add the learned intimacy to existing INTIMACY relationships; score and evidence stay.
// blended_score = $alpha · score + (1 − $alpha) · gnn_score. Params: $rows
// ({rid, source_id, target_id, gnn_score}; rid from the page queries, the ids guard
// against a relationship replaced since it was read), $alpha, $run_id. Returns: written.
UNWIND $rows AS row
MATCH (a)-[i:INTIMACY]->(b)
WHERE elementId(i) = row.rid AND a.id = row.source_id AND b.id = row.target_id
SET i.gnn_score = row.gnn_score,
    i.blended_score = CASE WHEN i.score IS NULL THEN row.gnn_score
                           ELSE $alpha * i.score + (1 - $alpha) * row.gnn_score END,
    i.gnn_run_id = $run_id
RETURN count(i) AS written
