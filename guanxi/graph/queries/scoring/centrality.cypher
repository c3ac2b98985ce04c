// name: scoring.gds_project
// The projection of guanxi.scoring.projection.centrality_edges, as an undirected GDS
// in-memory graph named $graph_name (Cypher aggregation). Params: $graph_name, $type_weights,
// $nominee_patterns. Returns: graph, nodes, relationships.
MATCH (s)-[r]->(t)
WHERE type(r) IN keys($type_weights)
  AND (s:Company OR s:Person) AND (t:Company OR t:Person)
  AND NOT (coalesce(s.nominee, false)
           OR any(p IN $nominee_patterns WHERE toLower(coalesce(s.name, '')) CONTAINS p))
  AND NOT (coalesce(t.nominee, false)
           OR any(p IN $nominee_patterns WHERE toLower(coalesce(t.name, '')) CONTAINS p))
  AND s <> t
WITH s, t, toFloat($type_weights[type(r)]) *
       CASE type(r) WHEN 'HOLDS_SHARES' THEN 0.1 + 0.9 * coalesce(toFloat(r.pct), 0.0) / 100.0
                    ELSE 1.0 END AS weight
WITH gds.graph.project($graph_name, s, t, {relationshipProperties: {weight: weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: scoring.gds_pagerank
// Weighted PageRank on the projected graph $graph_name. Params: $graph_name, $damping,
// $max_iterations, $tolerance. Returns: node_id, score.
CALL gds.pageRank.stream($graph_name, {relationshipWeightProperty: 'weight',
  dampingFactor: $damping, maxIterations: $max_iterations, tolerance: $tolerance})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS node_id, score

// name: scoring.gds_betweenness
// Betweenness on $graph_name (unweighted; $sampling_size pivots, null = exact).
// Params: $graph_name, $sampling_size. Returns: node_id, score.
CALL gds.betweenness.stream($graph_name,
  CASE WHEN $sampling_size IS NULL THEN {} ELSE {samplingSize: $sampling_size, samplingSeed: 7} END)
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).id AS node_id, score

// name: scoring.gds_drop
// Drop the in-memory graph $graph_name if it exists. Returns: graph.
CALL gds.graph.drop($graph_name, false) YIELD graphName
RETURN graphName AS graph

// name: scoring.write_centrality
// Write pagerank, betweenness, weighted_degree and centrality_run_id on __LABEL__ nodes
// (Company or Person). Params: $rows [{node_id, pagerank, betweenness, weighted_degree}],
// $run_id. Returns: written.
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row.node_id})
SET n.pagerank = row.pagerank, n.betweenness = row.betweenness,
    n.weighted_degree = row.weighted_degree, n.centrality_run_id = $run_id
RETURN count(n) AS written

// name: scoring.write_centrality_nominees
// Nominee-like __LABEL__ nodes (the party read's nominee column: the flag, or a custodian's
// name) get centrality 0: they are left out of the projection so that custodians do not
// dominate rankings. By id, in batches: one pass over every company and person with a name
// test each ran past the query timeout at 1M companies. Params: $rows [{id}], $run_id.
// Returns: written.
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row.id})
SET n.pagerank = 0.0, n.betweenness = 0.0, n.weighted_degree = 0.0,
    n.centrality_run_id = $run_id, n.centrality_excluded = true
RETURN count(n) AS written
