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

// name: scoring.write_intimacy
// MERGE one INTIMACY per unordered pair (source_id < target_id) with its score, evidence
// (JSON string), text and run id, for rows whose ends all have the same two labels: the text
// names them (__SOURCE__, __TARGET__ replaced by backtick-quoted party labels, batch.py), so each
// end is one index seek instead of a union of three (a third less time at 110k companies).
// Params: $rows [{source_id, target_id, score, evidence, text}], $run_id. Returns: written.
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row.source_id})
MATCH (b:__TARGET__ {id: row.target_id})
MERGE (a)-[i:INTIMACY]->(b)
SET i.score = row.score, i.evidence = row.evidence, i.text = row.text, i.run_id = $run_id
RETURN count(i) AS written
