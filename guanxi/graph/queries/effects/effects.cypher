// name: effects.campaign_rows
// One row per target of a campaign that the caller may see (docs/effects.md): its arm,
// task, RM and the RM's branch, its number of touches, the best outcome's rank ($rank maps
// an outcome to its rank), the approach (the touch that converted it, else its latest:
// {id, channel, path_ids}) and its conversions. Treatment targets through their task's RM
// (the caller's task scope); control targets only when the campaign's owner branch is in
// scope. Per-touch work stays in the database: 50,000 touches come back as 10,000 rows.
// Params: $campaign, $rank, $scope_all, $branches, $rm.
// Returns: company, arm, task, rm, rm_name, branch, touches, best, approach,
// conversions ({id, kind, at, value, product}).
MATCH (c:Campaign {id: $campaign})-[tg:TARGETS]->(co:Company)
CALL (c, co) {
  OPTIONAL MATCH (co)<-[:ABOUT]-(t:Task)
  WHERE EXISTS { (t)-[:FOR]->(c) }
  RETURN t LIMIT 1
}
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
WITH c, tg, co, t, r, rb
WHERE $scope_all
   OR (t IS NULL AND c.owner_branch IN $branches)
   OR (t IS NOT NULL AND ($rm IS NULL OR r.id = $rm) AND rb.id IN $branches)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  WITH x ORDER BY coalesce(x.outcome = 'converted', false), x.at
  RETURN count(x) AS touches,
         reduce(b = 0, o IN collect(x.outcome) | CASE WHEN coalesce($rank[o], 0) > b
                THEN $rank[o] ELSE b END) AS best,
         last(collect(x {.id, .channel, .path_ids})) AS approach
}
CALL (c, co) {
  OPTIONAL MATCH (co)<-[:OF]-(v:Conversion)
  WHERE EXISTS { (v)-[:FOR]->(c) }
  RETURN collect(v {.id, .kind, .at, .value, .product}) AS conversions
}
RETURN co.id AS company, tg.arm AS arm, t.id AS task, r.id AS rm, r.name AS rm_name,
       rb.id AS branch, touches, best, approach, conversions

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
