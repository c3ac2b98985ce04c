// name: ledger.conversions
// Conversions credited to a task (treatment arm) up to a day, with what sharing needs:
// the campaign's owner (originator), the booking branch candidates (the task RM's branch,
// the branch a customer conversion opened at, the target's customer branch), the product's
// own rates and the task's touches in time order. Params: $until (date, exclusive).
// Returns: id, kind, at, value, product, campaign, owner, company, task, rm_branch,
// customer_branch, margin, fee, touches ({id, at, channel, outcome, path_ids}).
MATCH (v:Conversion)-[:VIA]->(t:Task)
WHERE v.at < $until
MATCH (v)-[:FOR]->(c:Campaign)
MATCH (v)-[:OF]->(co:Company)
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(:RelationshipManager)-[:WORKS_AT]->(rb:Branch)
OPTIONAL MATCH (p:Product {code: v.product})
CALL (co) {
  OPTIONAL MATCH (co)-[:CUSTOMER_OF]->(b:Branch)
  RETURN min(b.id) AS customer_branch
}
CALL (t) {
  OPTIONAL MATCH (x:Touch)-[:ON]->(t)
  WITH x ORDER BY x.at
  RETURN collect(x {.id, .at, .channel, .outcome, .path_ids}) AS touches
}
RETURN v.id AS id, v.kind AS kind, v.at AS at, v.value AS value, v.product AS product,
       c.id AS campaign, c.owner_branch AS owner, co.id AS company, t.id AS task,
       rb.id AS rm_branch, customer_branch, p.margin AS margin, p.fee AS fee, touches
ORDER BY id

// name: ledger.months
// Settlement months and their status. Params: none. Returns: month, status, rule.
MATCH (m:SettlementMonth)
RETURN m.month AS month, m.status AS status, m.rule AS rule
ORDER BY month

// name: ledger.posted
// What the ledger holds for conversions, per conversion and branch, leaving out one month
// (the month being recomputed). Params: $ids, $month. Returns: conversion_id, branch, cents.
MATCH (e:LedgerEntry)
WHERE e.conversion_id IN $ids AND e.month <> $month
RETURN e.conversion_id AS conversion_id, e.branch AS branch, sum(e.cents) AS cents

// name: ledger.replace_month
// Replace an open month's entries and transfers (idempotent recompute); a closed month is
// left alone and nothing is returned. Params: $month, $rule, $at, $rows (entry properties),
// $transfers ({month, payer, payee, cents}). Returns: status, entries.
MERGE (m:SettlementMonth {month: $month})
ON CREATE SET m.status = 'open'
WITH m WHERE m.status = 'open'
CALL (m) {
  MATCH (e:LedgerEntry {month: $month})
  DETACH DELETE e
}
CALL (m) {
  MATCH (x:SettlementTransfer {month: $month})
  DETACH DELETE x
}
CALL (m) {
  UNWIND $transfers AS tr
  CREATE (x:SettlementTransfer)
  SET x = tr
}
CALL (m) {
  UNWIND $rows AS row
  CREATE (e:LedgerEntry)
  SET e = row
}
SET m.rule = $rule, m.settled_at = $at
RETURN m.status AS status, size($rows) AS entries

// name: ledger.close_month
// Close a settled, open month: its entries can no longer change. Params: $month, $at.
// Returns: month, status.
MATCH (m:SettlementMonth {month: $month})
SET m.status = 'closed', m.closed_at = coalesce(m.closed_at, $at)
RETURN m.month AS month, m.status AS status

// name: ledger.entries
// A month's ledger entries the caller may see: every entry for the whole bank; else the
// entries of the conversions a branch in scope takes part in. Params: $month, $scope_all,
// $branches. Returns: e (properties).
MATCH (e:LedgerEntry {month: $month})
WHERE $scope_all OR EXISTS {
  MATCH (o:LedgerEntry {conversion_id: e.conversion_id}) WHERE o.branch IN $branches
}
RETURN properties(e) AS e
ORDER BY e.conversion_id, e.branch

// name: ledger.transfers
// A month's net transfers between branches, those with a branch in scope (all for the
// whole bank). Params: $month, $scope_all, $branches. Returns: payer, payee, cents.
MATCH (x:SettlementTransfer {month: $month})
WHERE $scope_all OR x.payer IN $branches OR x.payee IN $branches
RETURN x.payer AS payer, x.payee AS payee, x.cents AS cents
ORDER BY payer, payee
