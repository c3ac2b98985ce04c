// name: campaigns.rm_of_user
// The RM a guanxi user is (RelationshipManager.user = $name, else the RM with id $name).
// Params: $user. Returns: id, name, branch.
MATCH (r:RelationshipManager) WHERE r.user = $user OR r.id = $user
OPTIONAL MATCH (r)-[:WORKS_AT]->(b:Branch)
RETURN r.id AS id, r.name AS name, b.id AS branch
ORDER BY coalesce(r.user = $user, false) DESC
LIMIT 1

// name: campaigns.companies_info
// Candidate targets: whether each id is a company, its industry and region, and whether it
// is already a customer of the bank (any branch). Params: $ids.
// Returns: id, found, name, industry, region, customer.
UNWIND $ids AS id
OPTIONAL MATCH (c:Company {id: id})
RETURN id, c IS NOT NULL AS found, c.name AS name, c.industry AS industry,
       c.region AS region, EXISTS { (c)-[:CUSTOMER_OF]->(:Branch) } AS customer

// name: campaigns.branch_rms
// The RMs of a branch subtree with their branch, its region and their open-task load.
// Params: $branch. Returns: id, name, branch, region, load.
MATCH (b:Branch)-[:PART_OF*0..]->(:Branch {id: $branch})
MATCH (r:RelationshipManager)-[:WORKS_AT]->(b)
RETURN r.id AS id, r.name AS name, b.id AS branch, b.region AS region,
       COUNT { (t:Task)-[:ASSIGNED_TO]->(r) WHERE t.status IN ['open', 'in_progress'] } AS load
ORDER BY id

// name: campaigns.branch_managed
// The customer companies the RMs of a branch subtree manage (paths may start from them).
// Params: $branch. Returns: company, rm.
MATCH (b:Branch)-[:PART_OF*0..]->(:Branch {id: $branch})
MATCH (r:RelationshipManager)-[:WORKS_AT]->(b)
MATCH (r)-[:MANAGES]->(c:Company)
RETURN c.id AS company, min(r.id) AS rm

// name: campaigns.key_contacts
// The top key contact of each company (KEY_CONTACT rank 1), when scored.
// Params: $ids. Returns: id, person_id, name, score, reasons.
UNWIND $ids AS id
MATCH (p:Person)-[k:KEY_CONTACT]->(:Company {id: id})
WITH id, p, k ORDER BY k.rank
WITH id, collect({person_id: p.id, name: p.name, score: k.score, reasons: k.reasons})[0] AS kc
RETURN id, kc.person_id AS person_id, kc.name AS name, kc.score AS score, kc.reasons AS reasons

// name: campaigns.exists
// Whether a campaign id is taken. Params: $id. Returns: found.
OPTIONAL MATCH (c:Campaign {id: $id})
RETURN c IS NOT NULL AS found

// name: campaigns.write_campaign
// Create or update a campaign's properties. Params: $id, $props (map). Returns: id.
MERGE (c:Campaign {id: $id})
SET c += $props
RETURN c.id AS id

// name: campaigns.write_targets
// Campaign targets with their arm and reason. Params: $rows ({id, arm, reason}),
// $campaign, $at (datetime). Returns: written.
UNWIND $rows AS row
MATCH (c:Campaign {id: $campaign})
MATCH (co:Company {id: row.id})
MERGE (c)-[t:TARGETS]->(co)
SET t.arm = row.arm, t.reason = row.reason, t.added_at = $at
RETURN count(t) AS written

// name: campaigns.write_tasks
// New tasks for treatment targets (the campaign is new): FOR the campaign, ABOUT the
// company, ASSIGNED_TO the RM.
// Params: $rows ({id, company, rm, props}), $campaign, $at. Returns: written.
UNWIND $rows AS row
MATCH (c:Campaign {id: $campaign})
MATCH (co:Company {id: row.company})
MATCH (r:RelationshipManager {id: row.rm})
CREATE (t:Task {id: row.id})
SET t += row.props
CREATE (t)-[:FOR]->(c)
CREATE (t)-[:ABOUT]->(co)
CREATE (t)-[:ASSIGNED_TO {since: $at}]->(r)
RETURN count(t) AS written

// name: campaigns.reassign
// Move tasks to another RM. Params: $rows ({task, rm}), $at. Returns: moved.
UNWIND $rows AS row
MATCH (t:Task {id: row.task})
MATCH (r:RelationshipManager {id: row.rm})
OPTIONAL MATCH (t)-[old:ASSIGNED_TO]->(:RelationshipManager)
DELETE old
WITH DISTINCT t, r
MERGE (t)-[a:ASSIGNED_TO]->(r)
SET a.since = $at, t.assigned_by = 'manual'
RETURN count(t) AS moved

// name: campaigns.set_status
// Set a campaign's status. Params: $id, $status. Returns: id, status.
MATCH (c:Campaign {id: $id})
SET c.status = $status
RETURN c.id AS id, c.status AS status

// name: campaigns.list
// Campaigns the caller may see (owner branch in scope, or a task of theirs in it), newest
// first, with arm sizes and task counts. Params: $scope_all, $branches, $rm.
// Returns: c (properties), treatment, control, tasks.
MATCH (c:Campaign)
WHERE $scope_all OR c.owner_branch IN $branches
   OR EXISTS { MATCH (t:Task)-[:FOR]->(c) MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
               WHERE ($rm IS NULL OR r.id = $rm)
                 AND EXISTS { (r)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches } }
RETURN properties(c) AS c,
       COUNT { (c)-[:TARGETS {arm: 'treatment'}]->() } AS treatment,
       COUNT { (c)-[:TARGETS {arm: 'control'}]->() } AS control,
       COUNT { (:Task)-[:FOR]->(c) } AS tasks
ORDER BY c.start DESC, c.id

// name: campaigns.get
// One campaign with its arm sizes and conversions per arm, and whether the caller's scope
// holds its owner branch. Params: $id, $scope_all, $branches.
// Returns: c, treatment, control, tasks, control_converted, owner_in_scope.
MATCH (c:Campaign {id: $id})
RETURN properties(c) AS c,
       COUNT { (c)-[:TARGETS {arm: 'treatment'}]->() } AS treatment,
       COUNT { (c)-[:TARGETS {arm: 'control'}]->() } AS control,
       COUNT { (:Task)-[:FOR]->(c) } AS tasks,
       COUNT { (v:Conversion)-[:FOR]->(c) WHERE v.arm = 'control' } AS control_converted,
       ($scope_all OR c.owner_branch IN $branches) AS owner_in_scope

// name: campaigns.tasks
// Tasks in the caller's scope: of one campaign ($campaign) and/or one RM ($assignee),
// overdue first, with touch counts, outcomes and whether converted.
// Params: $campaign, $assignee, $scope_all, $branches, $rm, $today, $limit.
// Returns: id, campaign_id, campaign_name, company_id, company_name, rm_id, rm_name,
// rm_branch, status, due, priority, assigned_by, approach, touches, last_touch, outcomes,
// converted, overdue, campaign_status, owner_branch, created_at, path_score, path_ids.
MATCH (t:Task)-[:ASSIGNED_TO]->(r:RelationshipManager)
WHERE ($assignee IS NULL OR r.id = $assignee)
  AND ($scope_all OR (($rm IS NULL OR r.id = $rm)
       AND EXISTS { (r)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches }))
MATCH (t)-[:FOR]->(c:Campaign)
WHERE $campaign IS NULL OR c.id = $campaign
MATCH (t)-[:ABOUT]->(co:Company)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  RETURN count(x) AS touches, max(x.at) AS last_touch, collect(x.outcome) AS outcomes
}
WITH t, c, co, r, rb, touches, last_touch, outcomes,
     (t.due IS NOT NULL AND t.due < $today AND t.status IN ['open', 'in_progress']) AS overdue
RETURN t.id AS id, c.id AS campaign_id, c.name AS campaign_name, co.id AS company_id,
       co.name AS company_name, r.id AS rm_id, r.name AS rm_name, rb.id AS rm_branch,
       t.status AS status, t.due AS due, t.priority AS priority,
       t.assigned_by AS assigned_by, t.approach AS approach, touches, last_touch, outcomes,
       EXISTS { (:Conversion)-[:VIA]->(t) } AS converted, overdue,
       c.status AS campaign_status, c.owner_branch AS owner_branch,
       t.created_at AS created_at, t.path_score AS path_score, t.path_ids AS path_ids
ORDER BY overdue DESC, t.due, t.id
LIMIT $limit

// name: campaigns.rm_tasks
// As campaigns.tasks, for one RM ($assignee, not null): an index seek on the RM.
// Tasks in the caller's scope: of one campaign ($campaign) and/or one RM ($assignee),
// overdue first, with touch counts, outcomes and whether converted.
// Params: $campaign, $assignee, $scope_all, $branches, $rm, $today, $limit.
// Returns: id, campaign_id, campaign_name, company_id, company_name, rm_id, rm_name,
// rm_branch, status, due, priority, assigned_by, approach, touches, last_touch, outcomes,
// converted, overdue, campaign_status, owner_branch, created_at, path_score, path_ids.
MATCH (r:RelationshipManager {id: $assignee})<-[:ASSIGNED_TO]-(t:Task)
WHERE $scope_all OR (($rm IS NULL OR r.id = $rm)
      AND EXISTS { (r)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches })
MATCH (t)-[:FOR]->(c:Campaign)
WHERE $campaign IS NULL OR c.id = $campaign
MATCH (t)-[:ABOUT]->(co:Company)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  RETURN count(x) AS touches, max(x.at) AS last_touch, collect(x.outcome) AS outcomes
}
WITH t, c, co, r, rb, touches, last_touch, outcomes,
     (t.due IS NOT NULL AND t.due < $today AND t.status IN ['open', 'in_progress']) AS overdue
RETURN t.id AS id, c.id AS campaign_id, c.name AS campaign_name, co.id AS company_id,
       co.name AS company_name, r.id AS rm_id, r.name AS rm_name, rb.id AS rm_branch,
       t.status AS status, t.due AS due, t.priority AS priority,
       t.assigned_by AS assigned_by, t.approach AS approach, touches, last_touch, outcomes,
       EXISTS { (:Conversion)-[:VIA]->(t) } AS converted, overdue,
       c.status AS campaign_status, c.owner_branch AS owner_branch,
       t.created_at AS created_at, t.path_score AS path_score, t.path_ids AS path_ids
ORDER BY overdue DESC, t.due, t.id
LIMIT $limit

// name: campaigns.campaign_tasks
// As campaigns.tasks, for one campaign ($campaign, not null): an index seek on it.
// Tasks in the caller's scope: of one campaign ($campaign) and/or one RM ($assignee),
// overdue first, with touch counts, outcomes and whether converted.
// Params: $campaign, $assignee, $scope_all, $branches, $rm, $today, $limit.
// Returns: id, campaign_id, campaign_name, company_id, company_name, rm_id, rm_name,
// rm_branch, status, due, priority, assigned_by, approach, touches, last_touch, outcomes,
// converted, overdue, campaign_status, owner_branch, created_at, path_score, path_ids.
MATCH (c:Campaign {id: $campaign})<-[:FOR]-(t:Task)
MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
WHERE ($assignee IS NULL OR r.id = $assignee)
  AND ($scope_all OR (($rm IS NULL OR r.id = $rm)
       AND EXISTS { (r)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches }))
MATCH (t)-[:ABOUT]->(co:Company)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  RETURN count(x) AS touches, max(x.at) AS last_touch, collect(x.outcome) AS outcomes
}
WITH t, c, co, r, rb, touches, last_touch, outcomes,
     (t.due IS NOT NULL AND t.due < $today AND t.status IN ['open', 'in_progress']) AS overdue
RETURN t.id AS id, c.id AS campaign_id, c.name AS campaign_name, co.id AS company_id,
       co.name AS company_name, r.id AS rm_id, r.name AS rm_name, rb.id AS rm_branch,
       t.status AS status, t.due AS due, t.priority AS priority,
       t.assigned_by AS assigned_by, t.approach AS approach, touches, last_touch, outcomes,
       EXISTS { (:Conversion)-[:VIA]->(t) } AS converted, overdue,
       c.status AS campaign_status, c.owner_branch AS owner_branch,
       t.created_at AS created_at, t.path_score AS path_score, t.path_ids AS path_ids
ORDER BY overdue DESC, t.due, t.id
LIMIT $limit

// name: campaigns.task_access
// Who a task belongs to, to decide whether a caller may see or edit it.
// Params: $ids. Returns: id, found, rm, branch, campaign, campaign_status, company,
// eid, rm_eid (element ids of the task and its RM).
UNWIND $ids AS id
OPTIONAL MATCH (t:Task {id: id})
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
OPTIONAL MATCH (r)-[:WORKS_AT]->(b:Branch)
OPTIONAL MATCH (t)-[:FOR]->(c:Campaign)
OPTIONAL MATCH (t)-[:ABOUT]->(co:Company)
RETURN id, t IS NOT NULL AS found, r.id AS rm, b.id AS branch, c.id AS campaign,
       c.status AS campaign_status, co.id AS company, elementId(t) AS eid,
       elementId(r) AS rm_eid

// name: campaigns.rms_info
// RMs by id with their branch and element id. Params: $ids. Returns: id, branch, eid.
UNWIND $ids AS id
MATCH (r:RelationshipManager {id: id})
OPTIONAL MATCH (r)-[:WORKS_AT]->(b:Branch)
RETURN r.id AS id, b.id AS branch, elementId(r) AS eid
