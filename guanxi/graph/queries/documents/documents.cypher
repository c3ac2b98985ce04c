// name: documents.by_sha256
// The stored document of a file, whoever uploaded it (intake: the same file twice is one
// document). Params: $sha256. Returns: doc (properties), company_id.
MATCH (d:Document {sha256: $sha256})
OPTIONAL MATCH (d)-[:DESCRIBES]->(c:Company)
RETURN d {.*} AS doc, c.id AS company_id, c.name AS company_name
LIMIT 1

// name: documents.add_branch
// Another branch uploaded a stored file: it may now see the document too.
// Params: $id, $branch. Returns: branches.
MATCH (d:Document {id: $id})
SET d.branches = CASE WHEN $branch IN coalesce(d.branches, []) THEN d.branches
                      ELSE coalesce(d.branches, []) + $branch END
RETURN d.branches AS branches

// name: documents.match_company
// Candidate companies for a document: the one whose id is the USCC, else those whose
// name, legal name or an alias is the name read. Params: $uscc, $company_name.
// Returns: id, name, matched_by (uscc | name).
OPTIONAL MATCH (byid:Company {id: $uscc})
WITH byid
CALL (byid) {
  WITH byid WHERE byid IS NOT NULL
  RETURN byid.id AS id, byid.name AS name, 'uscc' AS matched_by
  UNION
  WITH byid WHERE byid IS NULL AND $company_name IS NOT NULL
  MATCH (c:Company) WHERE c.name = $company_name OR c.legal_name = $company_name OR $company_name IN coalesce(c.aliases, [])
  RETURN c.id AS id, c.name AS name, 'name' AS matched_by
}
RETURN id, name, matched_by
LIMIT 5

// name: documents.company
// One company by id (a document uploaded for a given company). Params: $id.
// Returns: id, name.
MATCH (c:Company {id: $id})
RETURN c.id AS id, c.name AS name

// name: documents.write
// Store a document and link it to its company when matched. Params: $doc (map of the
// Document's properties, uploaded_at as datetime), $company_id (or null).
// Returns: id.
MERGE (d:Document {id: $doc.id})
SET d += $doc
WITH d
OPTIONAL MATCH (c:Company {id: $company_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (d)-[:DESCRIBES]->(c))
RETURN d.id AS id

// name: documents.list
// Documents in the caller's scope (a branch of theirs uploaded it), newest first.
// reads: internal
// Params: $scope_all, $branches, $company_id (or null: all), $limit.
// Returns: doc (properties), company_id, company_name.
MATCH (d:Document)
WHERE ($scope_all OR any(b IN coalesce(d.branches, []) WHERE b IN $branches))
OPTIONAL MATCH (d)-[:DESCRIBES]->(c:Company)
WITH d, c
WHERE $company_id IS NULL OR c.id = $company_id
RETURN d {.*} AS doc, c.id AS company_id, c.name AS company_name
ORDER BY d.uploaded_at DESC, d.id
LIMIT $limit

// name: documents.get
// One document if it is in the caller's scope. reads: internal
// Params: $id, $scope_all, $branches. Returns: doc, company_id, company_name.
MATCH (d:Document {id: $id})
WHERE ($scope_all OR any(b IN coalesce(d.branches, []) WHERE b IN $branches))
OPTIONAL MATCH (d)-[:DESCRIBES]->(c:Company)
RETURN d {.*} AS doc, c.id AS company_id, c.name AS company_name

// name: documents.document_flags
// A company's licences in the caller's scope with the registry facts they are compared
// with (guanxi.documents.document_flags). reads: internal
// Params: $company_id, $scope_all, $branches.
// Returns: document_id, fields (JSON), registry ({id, name, legal_name, aliases,
// registered_capital, founded, legal_reps}).
MATCH (d:Document {kind: 'licence'})-[:DESCRIBES]->(c:Company {id: $company_id})
WHERE ($scope_all OR any(b IN coalesce(d.branches, []) WHERE b IN $branches))
CALL (c) {
  OPTIONAL MATCH (p:Person)-[s:SERVES_AS {role: 'legal_rep'}]->(c)
  RETURN collect(DISTINCT p.name) AS legal_reps
}
RETURN d.id AS document_id, d.fields AS fields,
       {id: c.id, name: c.name, legal_name: c.legal_name, aliases: c.aliases,
        registered_capital: c.registered_capital, founded: toString(c.founded),
        legal_reps: legal_reps} AS registry
ORDER BY d.uploaded_at DESC, d.id
