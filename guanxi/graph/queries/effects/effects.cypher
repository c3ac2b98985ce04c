// name: effects.campaign_rows
// One row per target of a campaign that the caller may see (docs/effects.md): its arm,
// task, RM and the RM's branch, its touches in time order and its conversions. Treatment
// targets through their task's RM (the caller's task scope); control targets only when the
// campaign's owner branch is in scope. Params: $campaign, $scope_all, $branches, $rm.
// Returns: company, arm, task, rm, rm_name, branch, touches ({id, at, channel, outcome,
// path_ids}), conversions ({id, kind, at, value, product}).
MATCH (c:Campaign {id: $campaign})-[tg:TARGETS]->(co:Company)
OPTIONAL MATCH (c)<-[:FOR]-(t:Task)-[:ABOUT]->(co)
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
WITH c, tg, co, t, r, rb
WHERE $scope_all
   OR (t IS NULL AND c.owner_branch IN $branches)
   OR (t IS NOT NULL AND ($rm IS NULL OR r.id = $rm) AND rb.id IN $branches)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  WITH x ORDER BY x.at
  RETURN collect(x {.id, .at, .channel, .outcome, .path_ids}) AS touches
}
CALL (c, co) {
  OPTIONAL MATCH (co)<-[:OF]-(v:Conversion)-[:FOR]->(c)
  RETURN collect(v {.id, .kind, .at, .value, .product}) AS conversions
}
RETURN co.id AS company, tg.arm AS arm, t.id AS task, r.id AS rm, r.name AS rm_name,
       rb.id AS branch, touches, conversions

// name: effects.path_nodes
// What the first nodes of the paths touches used are: an RM (with their branch), a
// customer company (with the branch it banks with, the least id when several), another
// company or a person. Params: $ids. Returns: id, kind, branch.
UNWIND $ids AS id
OPTIONAL MATCH (r:RelationshipManager {id: id})
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
OPTIONAL MATCH (co:Company {id: id})
OPTIONAL MATCH (p:Person {id: id})
CALL (co) {
  OPTIONAL MATCH (co)-[:CUSTOMER_OF]->(b:Branch)
  RETURN min(b.id) AS customer_branch
}
RETURN id,
       CASE WHEN r IS NOT NULL THEN 'rm'
            WHEN customer_branch IS NOT NULL THEN 'customer'
            WHEN co IS NOT NULL THEN 'company'
            WHEN p IS NOT NULL THEN 'person' ELSE 'other' END AS kind,
       coalesce(rb.id, customer_branch) AS branch
