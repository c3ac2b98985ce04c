// name: psi.candidates
// Every company as a PSI candidate: id (the USCC when known), name, region.
// Takes no params. Returns: id, name, region.
MATCH (c:Company)
RETURN c.id AS id, c.name AS name, c.region AS region
ORDER BY id

// name: psi.write_partner_list
// Merge the provenance node of a partner list match (scope internal); `ingested_by` is the
// bank organisation that ran the match, and decides who may see the list and its links.
// Params: $id, $partner, $tag, $protocol, $fpr, $matched_at (datetime), $size, $ingested_by.
// Returns: id.
MERGE (l:PartnerList {id: $id})
SET l.partner = $partner, l.tag = $tag, l.protocol = $protocol, l.fpr = $fpr,
    l.matched_at = $matched_at, l.size = $size, l.ingested_by = $ingested_by,
    l.name = $partner + ' · ' + $tag
RETURN l.id AS id

// name: psi.branch_known
// Whether $org is a Branch id, and whether the graph holds any Branch at all.
// Params: $org. Returns: known, any_branch.
RETURN EXISTS { MATCH (:Branch {id: $org}) } AS known, EXISTS { MATCH (:Branch) } AS any_branch

// name: psi.tag_matches
// Tag matched companies and link them to the partner list (idempotent).
// The link carries the match's provenance (when, protocol, false-positive rate), so that an
// ego network shows it on the edge. Params: $rows ({id}), $list_id, $tag, $at (datetime),
// $protocol, $fpr. Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.id})
MATCH (l:PartnerList {id: $list_id})
SET c.tags = CASE WHEN $tag IN coalesce(c.tags, []) THEN c.tags
                  ELSE coalesce(c.tags, []) + $tag END
MERGE (c)-[m:MATCHED_IN]->(l)
SET m.at = $at, m.protocol = $protocol, m.fpr = $fpr
RETURN count(c) AS written

// name: psi.untag_stale
// Drop the tag and the link from companies of the list that are no longer matched.
// Params: $list_id, $tag, $ids (the ids matched now). Returns: removed.
MATCH (c:Company)-[m:MATCHED_IN]->(:PartnerList {id: $list_id})
WHERE NOT c.id IN $ids
DELETE m
SET c.tags = [t IN coalesce(c.tags, []) WHERE t <> $tag]
RETURN count(c) AS removed

// name: psi.partner_list
// A partner list's provenance and its matched companies.
// Params: $id. Returns: id, partner, tag, protocol, fpr, matched_at, size, ingested_by,
// company_ids.
MATCH (l:PartnerList {id: $id})
OPTIONAL MATCH (c:Company)-[:MATCHED_IN]->(l)
WITH l, c ORDER BY c.id
RETURN l.id AS id, l.partner AS partner, l.tag AS tag, l.protocol AS protocol,
       l.fpr AS fpr, l.matched_at AS matched_at, l.size AS size, l.ingested_by AS ingested_by,
       collect(c.id) AS company_ids
