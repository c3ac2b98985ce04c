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

// name: scoring.create_key_contacts
// CREATE (Person)-[:KEY_CONTACT]->(Company), as scoring.write_key_contacts but without looking
// for an existing one: only for a scoring run that holds the scoring lock and found no
// KEY_CONTACT at its start (batch.py; every company is ranked once).
// Params: $rows [{person_id, company_id, rank, score, reasons}], $run_id. Returns: written.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (c:Company {id: row.company_id})
CREATE (p)-[k:KEY_CONTACT]->(c)
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

// name: scoring.create_intimacy
// CREATE one INTIMACY per unordered pair (source_id < target_id), as scoring.write_intimacy
// but without looking for an existing one: only for a scoring run that holds the scoring
// lock and found no INTIMACY at its start (batch.py), where every pair is new and a MERGE
// would walk an end's relationship chain to find nothing (docs/scaling.md).
// Params: $rows [{source_id, target_id, score, evidence, text}], $run_id. Returns: written.
UNWIND $rows AS row
MATCH (a:__SOURCE__ {id: row.source_id})
MATCH (b:__TARGET__ {id: row.target_id})
CREATE (a)-[i:INTIMACY]->(b)
SET i.score = row.score, i.evidence = row.evidence, i.text = row.text, i.run_id = $run_id
RETURN count(i) AS written

// name: scoring.acquire_lock
// Take the scoring lock for $run_id on the graph's GuanxiMeta node: acquired when no run holds
// it, or when $force (a run that died holding it). The first SET takes the node's write lock,
// so a second run reads what the first committed. Params: $run_id, $force.
// Returns: acquired, held (the run holding it before), since.
MERGE (m:GuanxiMeta {id: 'graph'})
SET m.scoring_checked_at = datetime()
WITH m, m.scoring_run_id AS held, m.scoring_since AS since
WITH m, held, since, held IS NULL OR $force AS take
SET m.scoring_run_id = CASE WHEN take THEN $run_id ELSE held END,
    m.scoring_since = CASE WHEN take THEN datetime() ELSE since END
RETURN take AS acquired, held, toString(since) AS since

// name: scoring.release_lock
// Release the scoring lock if $run_id holds it. Params: $run_id. Returns: released.
MATCH (m:GuanxiMeta {id: 'graph'}) WHERE m.scoring_run_id = $run_id
REMOVE m.scoring_run_id, m.scoring_since
RETURN count(m) AS released

// name: scoring.count_results
// How many INTIMACY and KEY_CONTACT relationships there are, of any run (count store).
// Returns: intimacy, key_contacts.
CALL () { MATCH ()-[i:INTIMACY]->() RETURN count(i) AS intimacy }
CALL () { MATCH ()-[k:KEY_CONTACT]->() RETURN count(k) AS key_contacts }
RETURN intimacy, key_contacts
