// name: admin.components
// The server's name, versions and edition.
// Returns: name, versions (list), edition.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition

// name: admin.procedure_counts
// How many APOC and GDS procedures are registered.
// Returns: gds, apoc (counts of procedures whose names start with gds. / apoc.).
SHOW PROCEDURES YIELD name
RETURN sum(CASE WHEN name STARTS WITH 'gds.' THEN 1 ELSE 0 END) AS gds,
       sum(CASE WHEN name STARTS WITH 'apoc.' THEN 1 ELSE 0 END) AS apoc

// name: admin.counts
// Node and relationship counts of the whole database.
// Returns: nodes, relationships.
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships

// name: admin.label_counts
// Node count per label (not the bookkeeping labels GuanxiMeta and GuanxiSnapshot).
// Returns: label, count.
CALL db.labels() YIELD label
WITH label WHERE NOT label IN ['GuanxiMeta', 'GuanxiSnapshot']
CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS count }
RETURN label, count ORDER BY label

// name: admin.rel_type_counts
// Relationship count per type.
// Returns: type, count.
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) { MATCH ()-[r]->() WHERE type(r) = type RETURN count(r) AS count }
RETURN type, count ORDER BY type

// name: admin.wipe_rels_batch
// Delete up to $limit relationships (the first pass of a wipe: a batch of nodes with all
// their relationships can outgrow the transaction memory limit on a large graph).
// Returns: deleted.
MATCH ()-[r]->() WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// name: admin.wipe_batch
// Delete up to $limit nodes with their relationships (used by `guanxi db reset --data-only`
// and the test fixtures, after admin.wipe_rels_batch). Returns: deleted.
MATCH (n) WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// name: admin.graph_version
// What identifies the graph's current content for in-process caches: the stamp the loaders,
// wipe and batch scoring leave on the single (:GuanxiMeta {id: 'graph'}) node, plus the node
// and relationship counts (count store, O(1)). Returns: stamp, nodes, relationships.
OPTIONAL MATCH (m:GuanxiMeta {id: 'graph'})
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN m.stamp AS stamp, nodes, relationships

// name: admin.bump_graph_version
// Record that the graph changed ($why: a load id, 'wipe' or a scoring run id).
// Params: $why. Returns: stamp.
MERGE (m:GuanxiMeta {id: 'graph'})
SET m.stamp = $why + '@' + toString(datetime()), m.changed_at = datetime()
RETURN m.stamp AS stamp
