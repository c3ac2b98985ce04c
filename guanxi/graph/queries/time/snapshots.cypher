// name: time.snapshots
// The snapshot dates recorded for relationship type $rel_type, each with the companies
// (end nodes) it reported on. Params: $rel_type. Returns: date, companies.
MATCH (s:GuanxiSnapshot {rel_type: $rel_type})
RETURN s.date AS date, s.companies AS companies
ORDER BY date

// name: time.register_snapshot
// Record that a snapshot of $rel_type on $date reported on $companies (the full list, the
// union with what an earlier load of the same snapshot recorded). Params: $rel_type, $date,
// $companies, $load_id. Returns: date.
MERGE (s:GuanxiSnapshot {id: $rel_type + '@' + toString($date)})
SET s.rel_type = $rel_type, s.date = $date, s.companies = $companies,
    s.load_ids = coalesce(s.load_ids, []) + $load_id, s.loaded_at = datetime()
RETURN s.date AS date

// name: time.versions
// Every version (current and closed) of the $types relationships into the companies $ids.
// Params: $ids, $types (the current type and its history type). Returns: a_labels, a, b,
// type, props.
UNWIND $ids AS id
MATCH (b:Company {id: id})<-[x]-(a)
WHERE type(x) IN $types
RETURN labels(a) AS a_labels, a.id AS a, id AS b, type(x) AS type, properties(x) AS props

// name: time.replace_changes
// Replace the change events of $rel_type for each company of $rows ({company_id, events}),
// naming each party from its Company or Person node. Params: $rows, $rel_type,
// $load_id. Returns: written (events created).
UNWIND $rows AS r
CALL (r) {
  MATCH (old:Change {company_id: r.company_id}) WHERE old.rel_type = $rel_type
  DELETE old
}
CALL (r) {
  UNWIND r.events AS e
  OPTIONAL MATCH (pc:Company {id: e.party_id})
  OPTIONAL MATCH (pp:Person {id: e.party_id})
  OPTIONAL MATCH (bc:Company {id: e.before_id})
  OPTIONAL MATCH (bp:Person {id: e.before_id})
  CREATE (c:Change)
  SET c = e, c.party_name = coalesce(pc.name, pp.name, e.party_name),
      c.before_name = coalesce(bc.name, bp.name), c.load_id = $load_id,
      c.loaded_at = datetime()
  RETURN count(c) AS n
}
RETURN sum(n) AS written

// name: time.company_changes
// The change events of company $company_id on or after $since (a date; null: all), newest
// first, at most $limit. Params: $company_id, $since, $limit. Returns: one row per event
// with the Change properties and the company's name.
MATCH (c:Change {company_id: $company_id})
WHERE $since IS NULL OR c.date >= $since
OPTIONAL MATCH (co:Company {id: c.company_id})
RETURN c {.*, company_name: co.name} AS change
ORDER BY c.date DESC, c.kind, c.party_id
LIMIT $limit

// name: time.recent_changes
// The bank-wide change feed: every change event on or after $since, newest first, at most
// $limit, optionally only of $kinds (empty: all). Params: $since, $kinds, $limit. Returns:
// change (the Change properties and company_name).
MATCH (c:Change)
WHERE c.date >= $since AND (size($kinds) = 0 OR c.kind IN $kinds)
WITH c ORDER BY c.date DESC, c.company_id, c.kind, c.party_id LIMIT $limit
OPTIONAL MATCH (co:Company {id: c.company_id})
RETURN c {.*, company_name: co.name} AS change
ORDER BY change.date DESC, change.company_id, change.kind, change.party_id

// name: time.company_exists
// Whether company $company_id exists. Params: $company_id. Returns: one row (id) or none.
MATCH (c:Company {id: $company_id})
RETURN c.id AS id
