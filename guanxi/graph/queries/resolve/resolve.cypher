// name: resolve.company_records
// Every Company as an entity-resolution record (docs/resolution.md). Takes no params.
// Returns: unique_id, label, name, legal_name, listed, source, neighbours (ids of the
// persons serving it: an A and a B listing of one issuer share their officers).
MATCH (c:Company)
RETURN c.id AS unique_id, 'Company' AS label, c.name AS name, c.legal_name AS legal_name,
       coalesce(c.listed, false) AS listed, c.source AS source,
       COLLECT { MATCH (p:Person)-[:SERVES_AS]->(c) RETURN DISTINCT p.id } AS neighbours

// name: resolve.person_records
// Every Person as an entity-resolution record. Takes no params.
// Returns: unique_id, label, name, legal_name (null), listed (false), source, neighbours
// (ids of the companies the person serves or holds).
MATCH (p:Person)
RETURN p.id AS unique_id, 'Person' AS label, p.name AS name, null AS legal_name,
       false AS listed, p.source AS source,
       COLLECT { MATCH (p)-[:SERVES_AS|HOLDS_SHARES]->(c:Company) RETURN DISTINCT c.id }
         AS neighbours

// name: resolve.decided
// Pairs a person already decided (accepted, rejected or undone), never proposed again.
// Takes no params. Returns: a, b, status.
MATCH (a)-[s:SAME_AS]->(b)
WHERE s.status IN ['accepted', 'rejected', 'undone']
RETURN a.id AS a, b.id AS b, s.status AS status

// name: resolve.write_candidates
// Candidate SAME_AS pairs with their match weight and per-field evidence; a pair already
// decided keeps its decision. Params: $rows ({a, b, label, weight, probability, evidence}),
// $run_id, $at (datetime). Returns: written.
UNWIND $rows AS r
MATCH (a:$(r.label) {id: r.a})
MATCH (b:$(r.label) {id: r.b})
MERGE (a)-[s:SAME_AS]->(b)
ON CREATE SET s.status = 'candidate'
WITH s, r WHERE s.status = 'candidate'
SET s.weight = r.weight, s.probability = r.probability, s.evidence = r.evidence,
    s.run_id = $run_id, s.proposed_at = $at
RETURN count(*) AS written

// name: resolve.candidates
// The open candidate pairs for review, heaviest first. Params: $run_id (null: all).
// Returns: left_id, left_name, left_source, right_id, right_name, right_source, label,
// weight, probability, evidence.
MATCH (a)-[s:SAME_AS {status: 'candidate'}]->(b)
WHERE $run_id IS NULL OR s.run_id = $run_id
RETURN a.id AS left_id, a.name AS left_name, a.source AS left_source,
       b.id AS right_id, b.name AS right_name, b.source AS right_source,
       labels(a)[0] AS label, s.weight AS weight, s.probability AS probability,
       s.evidence AS evidence
ORDER BY weight DESC, left_id, right_id

// name: resolve.pair
// The two parties of a reviewed pair and what picks the canonical one. Params: $a, $b.
// Returns: id, label, listed, legal, degree, merged_into (one row per party found).
UNWIND [$a, $b] AS x
MATCH (n {id: x}) WHERE n:Company OR n:Person OR n:SourceRecord
RETURN n.id AS id, CASE WHEN n:SourceRecord THEN n.merged_label ELSE labels(n)[0] END AS label,
       coalesce(n.listed, false) AS listed, n.legal_name IS NOT NULL AS legal,
       COUNT { (n)--() } AS degree, n.merged_into AS merged_into

// name: resolve.reject
// Mark a candidate pair rejected (it is not proposed again). Params: $a, $b, $by, $at.
// Returns: n.
MATCH (a {id: $a})-[s:SAME_AS]-(b {id: $b})
SET s.status = 'rejected', s.decided_by = $by, s.decided_at = $at
RETURN count(s) AS n

// name: resolve.merge
// Accept a pair, in one transaction: every relationship of the duplicate ($dup) moves onto
// the canonical party ($canonical) with its type, direction and properties, stamped
// merge_id, moved_from and moved_dir (what undo needs); the duplicate becomes a
// SourceRecord (its party label removed: queries, scores, paths and reports see only the
// canonical party; its properties and provenance stay); its name joins the canonical's
// aliases; SAME_AS records the decision and a MergeLog the event.
// Params: $label, $canonical, $dup, $merge_id, $by, $at. Returns: moved (none: not found).
MATCH (c:$($label) {id: $canonical})
MATCH (d:$($label) {id: $dup})
CALL (c, d) {
  MATCH (d)-[r]->(o) WHERE NOT r:SAME_AS
  WITH r, CASE WHEN o = d THEN c ELSE o END AS o
  CREATE (c)-[x:$(type(r))]->(o)
  SET x = properties(r), x.merge_id = $merge_id, x.moved_from = $dup, x.moved_dir = 'out'
  DELETE r
  RETURN count(x) AS n_out
}
CALL (c, d) {
  MATCH (d)<-[r]-(o) WHERE NOT r:SAME_AS
  CREATE (o)-[x:$(type(r))]->(c)
  SET x = properties(r), x.merge_id = $merge_id, x.moved_from = $dup, x.moved_dir = 'in'
  DELETE r
  RETURN count(x) AS n_in
}
REMOVE d:$($label)
SET d:SourceRecord, d.merged_into = $canonical, d.merged_label = $label,
    d.merge_id = $merge_id,
    c.aliases = coalesce(c.aliases, []) +
      [n IN [d.name] WHERE n IS NOT NULL AND n <> c.name AND NOT n IN coalesce(c.aliases, [])]
MERGE (d)-[s:SAME_AS]-(c)
SET s.status = 'accepted', s.decided_by = $by, s.decided_at = $at, s.merge_id = $merge_id
CREATE (:MergeLog {id: $merge_id, canonical: $canonical, duplicate: $dup, label: $label,
                   merged_by: $by, merged_at: $at, status: 'merged', moved: n_out + n_in})
RETURN n_out + n_in AS moved

// name: resolve.undo
// Undo one merge: the relationships stamped $merge_id go back to the source record, which
// becomes the party it was; the alias is dropped; SAME_AS and the MergeLog say 'undone'.
// Needs the canonical party still to be a party (undo later merges of it first).
// Params: $merge_id, $by, $at. Returns: restored (none: no such open merge).
MATCH (m:MergeLog {id: $merge_id, status: 'merged'})
MATCH (d:SourceRecord {merge_id: $merge_id})
MATCH (c {id: m.canonical}) WHERE m.label IN labels(c)
CALL (c, d) {
  MATCH (c)-[x {merge_id: $merge_id, moved_dir: 'out'}]->(o)
  CREATE (d)-[y:$(type(x))]->(o)
  SET y = properties(x)
  REMOVE y.merge_id, y.moved_from, y.moved_dir
  DELETE x
  RETURN count(y) AS n_out
}
CALL (c, d) {
  MATCH (o)-[x {merge_id: $merge_id, moved_dir: 'in'}]->(c)
  CREATE (o)-[y:$(type(x))]->(d)
  SET y = properties(x)
  REMOVE y.merge_id, y.moved_from, y.moved_dir
  DELETE x
  RETURN count(y) AS n_in
}
REMOVE d:SourceRecord
SET d:$(m.label), c.aliases = [n IN coalesce(c.aliases, []) WHERE n <> d.name],
    m.status = 'undone', m.undone_by = $by, m.undone_at = $at
REMOVE d.merged_into, d.merged_label, d.merge_id
WITH c, d, n_out + n_in AS restored
OPTIONAL MATCH (d)-[s:SAME_AS]-(c)
SET s.status = 'undone', s.decided_by = $by, s.decided_at = $at
RETURN restored

// name: resolve.merges
// The merges, newest first. Params: $status (null: all). Returns: id, canonical,
// duplicate, label, merged_by, merged_at, status, moved.
MATCH (m:MergeLog)
WHERE $status IS NULL OR m.status = $status
RETURN m.id AS id, m.canonical AS canonical, m.duplicate AS duplicate, m.label AS label,
       m.merged_by AS merged_by, toString(m.merged_at) AS merged_at, m.status AS status,
       m.moved AS moved
ORDER BY merged_at DESC, id

// name: resolve.aliases
// Source ids merged into a canonical party (the loader writes their rows' relationships
// onto it). Takes no params. Returns: id, canonical, label.
MATCH (d:SourceRecord) WHERE d.merged_into IS NOT NULL
RETURN d.id AS id, d.merged_into AS canonical, d.merged_label AS label

// name: resolve.update_source_records
// A re-load's node rows of merged parties: their values SET on the source record (not on
// the canonical party, whose own values stay). Params: $rows ({key, props}), $source,
// $load_id, $loaded_at, $ingested_by. Returns: written.
UNWIND $rows AS r
MATCH (s:SourceRecord {id: r.key})
SET s += r.props, s.source = $source, s.load_id = $load_id, s.loaded_at = $loaded_at,
    s.ingested_by = $ingested_by
RETURN count(*) AS written
