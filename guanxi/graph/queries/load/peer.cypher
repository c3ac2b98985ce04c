// name: load.peer_shareholdings
// Benchmark peer (benchmarks/load.py): the same shareholdings rows through Neo4j's own
// LOAD CSV, in batches of $batch rows, writing the same properties as guanxi's loader
// (the row's, plus the four provenance properties). Must run in an auto-commit transaction.
// $file: file:/// URL in the server's import dir; $batch: rows per transaction.
LOAD CSV WITH HEADERS FROM $file AS r
CALL (r) {
  OPTIONAL MATCH (p:Person {id: r.holder_id})
  OPTIONAL MATCH (c:Company {id: r.holder_id})
  WITH r, coalesce(p, c) AS a WHERE a IS NOT NULL
  MATCH (b:Company {id: r.company_id})
  MERGE (a)-[x:HOLDS_SHARES]->(b)
  SET x.pct = toFloat(r.pct), x.amount = toFloat(r.amount), x.as_of = date(r.as_of),
      x.kind = r.kind,
      x.valid_from = date(r.valid_from),
      x.source = 'peer', x.load_id = 'peer', x.loaded_at = datetime(),
      x.ingested_by = 'HO'
} IN TRANSACTIONS OF $batch ROWS

// name: load.peer_positions
// Benchmark peer: positions through LOAD CSV. $file, $batch as above.
LOAD CSV WITH HEADERS FROM $file AS r
CALL (r) {
  MATCH (a:Person {id: r.person_id})
  MATCH (b:Company {id: r.company_id})
  MERGE (a)-[x:SERVES_AS {role: r.role}]->(b)
  SET x.since = date(r.since), x.until = date(r.until), x.valid_from = date(r.valid_from),
      x.source = 'peer', x.load_id = 'peer', x.loaded_at = datetime(),
      x.ingested_by = 'HO'
} IN TRANSACTIONS OF $batch ROWS

// name: load.peer_supply
// Benchmark peer: supply links through LOAD CSV. $file, $batch as above.
LOAD CSV WITH HEADERS FROM $file AS r
CALL (r) {
  MATCH (a:Company {id: r.supplier_id})
  MATCH (b:Company {id: r.buyer_id})
  MERGE (a)-[x:SUPPLIES]->(b)
  SET x.amount = toFloat(r.amount), x.period = r.period, x.share = toFloat(r.share),
      x.valid_from = date(r.valid_from),
      x.source = 'peer', x.load_id = 'peer', x.loaded_at = datetime(),
      x.ingested_by = 'HO'
} IN TRANSACTIONS OF $batch ROWS

// name: load.peer_guarantees
// Benchmark peer: guarantees through LOAD CSV. $file, $batch as above.
LOAD CSV WITH HEADERS FROM $file AS r
CALL (r) {
  MATCH (a:Company {id: r.guarantor_id})
  MATCH (b:Company {id: r.borrower_id})
  MERGE (a)-[x:GUARANTEES]->(b)
  SET x.amount = toFloat(r.amount), x.start = date(r.start), x.end = date(r.end),
      x.valid_from = date(r.valid_from),
      x.source = 'peer', x.load_id = 'peer', x.loaded_at = datetime(),
      x.ingested_by = 'HO'
} IN TRANSACTIONS OF $batch ROWS

// name: load.delete_rels
// Benchmark helper: delete up to $limit relationships of type $type. Returns: deleted.
MATCH ()-[r]->() WHERE type(r) = $type
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
