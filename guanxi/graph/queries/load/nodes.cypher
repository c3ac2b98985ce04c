// name: load.companies
// MERGE Company nodes on their constrained key `id` and set their properties and provenance.
// $rows: [{key, props}] (props without nulls); $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows merged).
UNWIND $rows AS r
MERGE (n:Company {id: r.key})
SET n += r.props, n.stub = null,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.persons
// MERGE Person nodes on their constrained key `id` and set their properties and provenance.
// $rows: [{key, props}] (props without nulls); $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows merged).
UNWIND $rows AS r
MERGE (n:Person {id: r.key})
SET n += r.props, n.stub = null,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.branches
// MERGE Branch nodes on their constrained key `id` and set their properties and provenance.
// $rows: [{key, props}] (props without nulls); $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows merged).
UNWIND $rows AS r
MERGE (n:Branch {id: r.key})
SET n += r.props, n.stub = null,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.products
// MERGE Product nodes on their constrained key `code` and set their properties and provenance.
// $rows: [{key, props}] (props without nulls); $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows merged).
UNWIND $rows AS r
MERGE (n:Product {code: r.key})
SET n += r.props, n.stub = null,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.rms
// MERGE RelationshipManager nodes on their constrained key `id` and set their properties and provenance.
// $rows: [{key, props}] (props without nulls); $source, $load_id, $loaded_at, $ingested_by.
// Returns: written (rows merged).
UNWIND $rows AS r
MERGE (n:RelationshipManager {id: r.key})
SET n += r.props, n.stub = null,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.stubs_company
// Create placeholder Company nodes for ids referenced but not supplied (mapping `stubs`);
// an existing node is left as it is. $ids: list of ids; provenance parameters as above.
// Returns: written.
UNWIND $ids AS id
MERGE (n:Company {id: id})
ON CREATE SET n.stub = true, n.name = id,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written

// name: load.stubs_person
// Placeholder Person nodes (see load.stubs_company). $ids; provenance parameters.
// Returns: written.
UNWIND $ids AS id
MERGE (n:Person {id: id})
ON CREATE SET n.stub = true, n.name = id,
    n.source = $source, n.load_id = $load_id, n.loaded_at = $loaded_at,
    n.ingested_by = $ingested_by
RETURN count(*) AS written
