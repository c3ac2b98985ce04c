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

// name: gnn.intimacy_count
// How many INTIMACY relationships the graph holds (from the count store: no scan).
// Returns: n.
MATCH ()-[i:INTIMACY]->()
RETURN count(i) AS n

// name: gnn.intimacy_page
// One keyset page (graph/paging.py) of __LABEL__ nodes (Company or Person) in id order with
// their outgoing INTIMACY to companies and persons, packed into one record.
// Params: $after ('' for the first page), $limit. Returns one row: last (the page's last id;
// null when the page is empty), rels (list of [elementId of the relationship, source id,
// target id, target label, elementId of the source, elementId of the target]).
MATCH (a:__LABEL__) WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
WITH collect(a) AS page
CALL (page) {
  UNWIND page AS a
  MATCH (a)-[i:INTIMACY]->(b)
  WHERE b:Company OR b:Person
  RETURN collect([elementId(i), a.id, b.id,
                  CASE WHEN b:Company THEN 'Company' ELSE 'Person' END,
                  elementId(a), elementId(b)]) AS rels
}
RETURN page[-1].id AS last, rels

// name: gnn.write_intimacy
// Add the learned intimacy to existing INTIMACY relationships; score and evidence stay.
// blended_score = $alpha · score + (1 − $alpha) · gnn_score. Params, one entry per
// relationship in parallel lists (columns: at 1M companies 18.6M rows as maps cost ~139 s of
// Python to build and pack, as four lists ~14 s): $rids (elementId from the page queries),
// $sources, $targets (the ends' elementIds: a guard against a relationship replaced since
// it was read; read from the relationship record, where comparing the ends' `id`
// properties read two nodes' property chains a relationship: ~2.5x slower on a cold page
// cache at 100k companies), $scores; $alpha, $run_id. Returns: written.
UNWIND range(0, size($rids) - 1) AS k
MATCH ()-[i:INTIMACY]->()
WHERE elementId(i) = $rids[k] AND elementId(startNode(i)) = $sources[k]
  AND elementId(endNode(i)) = $targets[k]
SET i.gnn_score = $scores[k],
    i.blended_score = CASE WHEN i.score IS NULL THEN $scores[k]
                           ELSE $alpha * i.score + (1 - $alpha) * $scores[k] END,
    i.gnn_run_id = $run_id
RETURN count(i) AS written
