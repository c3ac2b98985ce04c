// name: campaigns.existing_touches
// Which of the touch ids exist already (idempotent re-runs). Params: $ids. Returns: id.
UNWIND $ids AS id
MATCH (x:Touch {id: id})
RETURN x.id AS id

// name: campaigns.persons_found
// Which person ids exist, with their element ids. Params: $ids. Returns: id, eid.
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id, elementId(p) AS eid

// name: campaigns.write_touches
// New touches: ON the task, BY the RM, WITH the person reached (when given); the path
// used as node ids. The endpoints come by the element ids the checks just read (a seek
// by id instead of three index lookups a row). Params: $rows ({id, t, r, p (element ids),
// at, channel, outcome, note, path}), $source, $load_id, $at. Returns: written.
UNWIND $rows AS row
MATCH (t:Task) WHERE elementId(t) = row.t
MATCH (r:RelationshipManager) WHERE elementId(r) = row.r
CREATE (x:Touch {id: row.id, at: row.at, channel: row.channel, outcome: row.outcome,
                 note: row.note, path_ids: row.path, source: $source, load_id: $load_id,
                 loaded_at: $at})
CREATE (x)-[:ON]->(t)
CREATE (x)-[:BY]->(r)
WITH x, row
CALL (x, row) {
  MATCH (p:Person) WHERE elementId(p) = row.p
  CREATE (x)-[:WITH]->(p)
}
RETURN count(x) AS written

// name: campaigns.touch_task_status
// After new touches: an open task moves to in_progress, a task with a 'converted' touch
// to done. Params: $rows ({task, converted}). Returns: updated.
UNWIND $rows AS row
MATCH (t:Task {id: row.task})
SET t.status = CASE WHEN row.converted THEN 'done'
                    WHEN t.status = 'open' THEN 'in_progress' ELSE t.status END
RETURN count(t) AS updated

// name: campaigns.update_knows
// KNOWS from an RM to a person reached by touches: strength moves towards each touch's
// outcome target in time order (s <- s + alpha (target - s), from 0 for a new contact),
// last_contact is the latest touch day (docs/campaigns.md, "What a touch changes").
// Params: $rows ({rm, person, targets (list<float>), first, last (dates), branch}),
// $alpha. Returns: updated.
UNWIND $rows AS row
MATCH (r:RelationshipManager {id: row.rm})
MATCH (p:Person {id: row.person})
MERGE (r)-[k:KNOWS]->(p)
ON CREATE SET k.since = row.first, k.source = 'campaign touch', k.ingested_by = row.branch
SET k.strength = reduce(s = coalesce(k.strength, 0.0), x IN row.targets | s + $alpha * (x - s)),
    k.last_contact = CASE WHEN k.last_contact IS NULL OR k.last_contact < row.last
                          THEN row.last ELSE k.last_contact END
RETURN count(k) AS updated

// name: campaigns.detect_conversions
// Conversions of a campaign's targets: a CUSTOMER_OF or HOLDS_PRODUCT (of the campaign's
// products or product lines, any when none) whose `since` (else the day it was loaded)
// falls inside the campaign window; linked to the campaign, the company and, in the
// treatment arm, the task (which is then done). Idempotent. Params: $campaign.
// Returns: conversions.
MATCH (c:Campaign {id: $campaign})-[tg:TARGETS]->(co:Company)
CALL (c, co) {
  MATCH (co)-[k:CUSTOMER_OF]->(b:Branch)
  WITH c, k, b, coalesce(k.since, date(k.loaded_at)) AS at
  WHERE at >= c.start AND (c.end IS NULL OR at <= c.end)
  RETURN 'customer' AS kind, b.id AS what, at, null AS value
  UNION
  MATCH (co)-[h:HOLDS_PRODUCT]->(p:Product)
  WITH c, h, p, coalesce(h.since, date(h.loaded_at)) AS at
  WHERE at >= c.start AND (c.end IS NULL OR at <= c.end)
    AND (size(coalesce(c.products, [])) = 0 OR p.code IN c.products OR p.line IN c.products)
  RETURN 'product' AS kind, p.code AS what, at, h.balance AS value
}
OPTIONAL MATCH (t:Task)-[:ABOUT]->(co) WHERE EXISTS { (t)-[:FOR]->(c) }
MERGE (v:Conversion {id: c.id + '/' + co.id + '/' + kind + '/' + what})
SET v.kind = kind, v.at = at, v.arm = tg.arm, v.value = value,
    v.product = CASE kind WHEN 'product' THEN what END
MERGE (v)-[:FOR]->(c)
MERGE (v)-[:OF]->(co)
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END |
  MERGE (v)-[:VIA]->(t)
  SET t.status = 'done')
RETURN count(v) AS conversions

// name: campaigns.changed_facts
// Public facts of each task's company newer than its last touch (or than the task when
// untouched): a new executive (SERVES_AS since on or after that day, or loaded later) and
// a new major holder (HOLDS_SHARES of at least $pct, as_of on or after it, or loaded later). One function reads them
// (guanxi.campaigns.reminders.changed_facts), so the change feed can replace it.
// Params: $ids (task ids), $pct. Returns: id, since, changes ({kind, who, name, role, pct, at}).
UNWIND $ids AS id
MATCH (t:Task {id: id})-[:ABOUT]->(co:Company)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  RETURN max(x.at) AS last
}
WITH t, co, coalesce(last, t.created_at) AS since
WHERE since IS NOT NULL
CALL (co, since) {
  MATCH (p:Person)-[s:SERVES_AS]->(co)
  WHERE s.since >= date(since) OR s.loaded_at > since
  RETURN {kind: 'new_executive', who: p.id, name: p.name, role: s.role, pct: null,
          at: toString(coalesce(s.since, date(s.loaded_at)))} AS change
  UNION
  MATCH (h)-[s:HOLDS_SHARES]->(co)
  WHERE s.pct >= $pct AND (s.as_of >= date(since) OR s.loaded_at > since)
  RETURN {kind: 'new_major_holder', who: h.id, name: h.name, role: null, pct: s.pct,
          at: toString(coalesce(s.as_of, date(s.loaded_at)))} AS change
}
RETURN t.id AS id, toString(since) AS since, collect(change) AS changes

// name: campaigns.sim_targets
// A campaign's targets for the outcome simulator: arm, the campaign's first day, and the
// branch a conversion would book at (the task RM's, else a branch of the owner's subtree
// serving the target's region, else the owner). Params: $campaign.
// Returns: company, arm, start, branch.
MATCH (c:Campaign {id: $campaign})-[tg:TARGETS]->(co:Company)
OPTIONAL MATCH (t:Task)-[:ABOUT]->(co) WHERE EXISTS { (t)-[:FOR]->(c) }
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(:RelationshipManager)-[:WORKS_AT]->(rb:Branch)
OPTIONAL MATCH (b:Branch)-[:PART_OF*0..]->(:Branch {id: c.owner_branch})
  WHERE b.region = co.region
WITH c, tg, co, rb, collect(b.id)[0] AS region_branch
RETURN co.id AS company, tg.arm AS arm, c.start AS start,
       coalesce(rb.id, region_branch, c.owner_branch) AS branch
ORDER BY company
