// name: gnn.fastrp_project
// Projects an in-memory GDS graph $graph from rows alone (nothing is read from or written
// to the store): $rows is a list of {s, t, sl, tl} with integer node ids s, t (t null for
// a node without relationships) and labels sl, tl; relationships undirected.
// Params: $graph, $rows. Returns: nodes, relationships.
UNWIND $rows AS r
WITH gds.graph.project($graph, r.s, r.t,
       {sourceNodeLabels: r.sl, targetNodeLabels: r.tl},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships

// name: gnn.fastrp_embed
// GDS FastRP on projection $graph, stored in the projection as property `fastrp`
// ($dim dimensions, weights of the 1-, 2- and 3-hop terms as GDS's guide suggests).
// Params: $graph, $dim, $seed. Returns: nodes.
CALL gds.fastRP.mutate($graph, {embeddingDimension: $dim, randomSeed: $seed,
                                iterationWeights: [0.0, 1.0, 1.0, 1.0],
                                mutateProperty: 'fastrp'})
YIELD nodePropertiesWritten
RETURN nodePropertiesWritten AS nodes

// name: gnn.fastrp_knn
// GDS kNN (cosine on `fastrp`) among the nodes labelled $label of projection $graph: the
// $k nearest of each, exhaustive (sampleRate 1, no early stop), single-threaded so that a
// seed repeats.
// Params: $graph, $label, $k, $seed. Returns: node, other, similarity (integer ids).
CALL gds.knn.stream($graph, {nodeLabels: [$label], nodeProperties: ['fastrp'], topK: $k,
                             sampleRate: 1.0, deltaThreshold: 0.0, randomSeed: $seed,
                             concurrency: 1, similarityCutoff: 0.0})
YIELD node1, node2, similarity
RETURN node1 AS node, node2 AS other, similarity

// name: gnn.fastrp_drop
// Drops projection $graph when it exists. Params: $graph. Returns: dropped (graph name).
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName AS dropped
