// name: load.branch_parents
// MATCH (:Branch) and (:Branch) by their constrained keys, then MERGE one PART_OF between them
// and set its properties and provenance.
// $rows: [{a, b, props (child a → parent b)}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Branch {id: r.a})
MATCH (b:Branch {id: r.b})
MERGE (a)-[x:PART_OF]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.rm_branches
// MATCH (:RelationshipManager) and (:Branch) by their constrained keys, then MERGE one WORKS_AT between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:RelationshipManager {id: r.a})
MATCH (b:Branch {id: r.b})
MERGE (a)-[x:WORKS_AT]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.shareholdings_person
// MATCH (:Person) and (:Company) by their constrained keys, then MERGE one HOLDS_SHARES between them
// and set its properties and provenance.
// $rows: [{a, b, props (one per holder–company)}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Person {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:HOLDS_SHARES]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.shareholdings_company
// MATCH (:Company) and (:Company) by their constrained keys, then MERGE one HOLDS_SHARES between them
// and set its properties and provenance.
// $rows: [{a, b, props (one per holder–company)}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:HOLDS_SHARES]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.positions
// MATCH (:Person) and (:Company) by their constrained keys, then MERGE one SERVES_AS between them per role
// and set its properties and provenance.
// $rows: [{a, b, props, role}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Person {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:SERVES_AS {role: r.role}]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.supply
// MATCH (:Company) and (:Company) by their constrained keys, then MERGE one SUPPLIES between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:SUPPLIES]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.flows
// MATCH (:Company) and (:Company) by their constrained keys, then MERGE one PAYS between them
// and set its properties and provenance.
// $rows: [{a, b, props (aggregated flows: amount, count, first, last are SET, so re-runs are idempotent)}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:PAYS]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.guarantees
// MATCH (:Company) and (:Company) by their constrained keys, then MERGE one GUARANTEES between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:GUARANTEES]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.customers
// MATCH (:Company) and (:Branch) by their constrained keys, then MERGE one CUSTOMER_OF between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Branch {id: r.b})
MERGE (a)-[x:CUSTOMER_OF]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.manages
// MATCH (:RelationshipManager) and (:Company) by their constrained keys, then MERGE one MANAGES between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:RelationshipManager {id: r.a})
MATCH (b:Company {id: r.b})
MERGE (a)-[x:MANAGES]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.product_holdings
// MATCH (:Company) and (:Product) by their constrained keys, then MERGE one HOLDS_PRODUCT between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Company {id: r.a})
MATCH (b:Product {code: r.b})
MERGE (a)-[x:HOLDS_PRODUCT]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.contacts_person
// MATCH (:Person) and (:Person) by their constrained keys, then MERGE one KNOWS between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:Person {id: r.a})
MATCH (b:Person {id: r.b})
MERGE (a)-[x:KNOWS]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.contacts_rm
// MATCH (:RelationshipManager) and (:Person) by their constrained keys, then MERGE one KNOWS between them
// and set its properties and provenance.
// $rows: [{a, b, props}]; $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows whose endpoints both exist).
UNWIND $rows AS r
MATCH (a:RelationshipManager {id: r.a})
MATCH (b:Person {id: r.b})
MERGE (a)-[x:KNOWS]->(b)
SET x += r.props,
    x.source = $source, x.load_id = $load_id, x.loaded_at = $loaded_at,
    x.ingested_by = $ingested_by
RETURN count(*) AS written

