// name: scoring.write_intimacy
// MERGE one INTIMACY per unordered pair (source_id < target_id) with its score, evidence
// (JSON string), text and run id. Params: $rows [{source_id, source_label, target_id,
// target_label, score, evidence, text}], $run_id. Returns: written.
UNWIND $rows AS row
CALL (row) {
  MATCH (a:Company {id: row.source_id}) WHERE row.source_label = 'Company' RETURN a
  UNION
  MATCH (a:Person {id: row.source_id}) WHERE row.source_label = 'Person' RETURN a
  UNION
  MATCH (a:RelationshipManager {id: row.source_id})
  WHERE row.source_label = 'RelationshipManager' RETURN a
}
CALL (row) {
  MATCH (b:Company {id: row.target_id}) WHERE row.target_label = 'Company' RETURN b
  UNION
  MATCH (b:Person {id: row.target_id}) WHERE row.target_label = 'Person' RETURN b
  UNION
  MATCH (b:RelationshipManager {id: row.target_id})
  WHERE row.target_label = 'RelationshipManager' RETURN b
}
MERGE (a)-[i:INTIMACY]->(b)
SET i.score = row.score, i.evidence = row.evidence, i.text = row.text, i.run_id = $run_id
RETURN count(i) AS written

// name: scoring.delete_stale_intimacy
// Delete up to $limit INTIMACY relationships of other runs. Params: $run_id, $limit.
// Returns: deleted.
MATCH ()-[i:INTIMACY]->() WHERE i.run_id <> $run_id
WITH i LIMIT $limit
DELETE i
RETURN count(*) AS deleted

// name: scoring.write_key_contacts
// MERGE (Person)-[:KEY_CONTACT]->(Company) with rank, score, reasons and run id.
// Params: $rows [{person_id, company_id, rank, score, reasons}], $run_id. Returns: written.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (c:Company {id: row.company_id})
MERGE (p)-[k:KEY_CONTACT]->(c)
SET k.rank = row.rank, k.score = row.score, k.reasons = row.reasons, k.run_id = $run_id
RETURN count(k) AS written

// name: scoring.delete_stale_key_contacts
// Delete up to $limit KEY_CONTACT relationships of other runs. Params: $run_id, $limit.
// Returns: deleted.
MATCH ()-[k:KEY_CONTACT]->() WHERE k.run_id <> $run_id
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS deleted

// name: scoring.count_derived
// How many derived results carry $run_id. Returns: intimacy, key_contacts, centrality.
CALL () { MATCH ()-[i:INTIMACY]->() WHERE i.run_id = $run_id RETURN count(i) AS intimacy }
CALL () { MATCH ()-[k:KEY_CONTACT]->() WHERE k.run_id = $run_id RETURN count(k) AS key_contacts }
CALL () {
  MATCH (n) WHERE n.centrality_run_id = $run_id RETURN count(n) AS centrality
}
RETURN intimacy, key_contacts, centrality
