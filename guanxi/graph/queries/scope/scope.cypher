// name: scope.branch_subtree
// The ids of a branch and every branch below it (PART_OF points child -> parent).
// Params: $branch. Returns: branches (list of ids; empty when the branch is unknown).
OPTIONAL MATCH (b:Branch {id: $branch})
OPTIONAL MATCH (sub:Branch)-[:PART_OF*0..]->(b)
RETURN [x IN collect(DISTINCT sub.id) WHERE x IS NOT NULL] AS branches
