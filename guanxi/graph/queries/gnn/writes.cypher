// name: gnn.write_company_embeddings
// Set Company.embedding (the `company_embedding` vector index), the similarity to the
// customers' centroid and the run id. Params: $rows ({id, embedding, customer_similarity}),
// $run_id. Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.id})
SET c.embedding = row.embedding, c.customer_similarity = row.customer_similarity,
    c.embedding_run_id = $run_id
RETURN count(c) AS written

// name: gnn.write_person_embeddings
// Set Person.embedding and the run id. Params: $rows ({id, embedding}), $run_id.
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p.embedding = row.embedding, p.embedding_run_id = $run_id
RETURN count(p) AS written

// name: gnn.intimacy_pairs
// Every INTIMACY relationship between companies / persons with its transparent score.
// Params: none. Returns: source_id, source_label, target_id, target_label, score.
MATCH (a)-[i:INTIMACY]->(b)
WHERE (a:Company OR a:Person) AND (b:Company OR b:Person)
RETURN a.id AS source_id, CASE WHEN a:Company THEN 'Company' ELSE 'Person' END AS source_label,
       b.id AS target_id, CASE WHEN b:Company THEN 'Company' ELSE 'Person' END AS target_label,
       i.score AS score

// name: gnn.write_intimacy
// Add the learned intimacy to existing INTIMACY relationships; score and evidence stay.
// blended_score = $alpha · score + (1 − $alpha) · gnn_score. Params: $rows
// ({source_id, target_id, gnn_score}), $alpha, $run_id. Returns: written.
UNWIND $rows AS row
OPTIONAL MATCH (ac:Company {id: row.source_id})
OPTIONAL MATCH (ap:Person {id: row.source_id})
OPTIONAL MATCH (bc:Company {id: row.target_id})
OPTIONAL MATCH (bp:Person {id: row.target_id})
WITH row, coalesce(ac, ap) AS a, coalesce(bc, bp) AS b
MATCH (a)-[i:INTIMACY]->(b)
SET i.gnn_score = row.gnn_score,
    i.blended_score = CASE WHEN i.score IS NULL THEN row.gnn_score
                           ELSE $alpha * i.score + (1 - $alpha) * row.gnn_score END,
    i.gnn_run_id = $run_id
RETURN count(i) AS written
