// name: psi.candidates
// Every company as a PSI candidate: id (the USCC when known), name, region.
// Takes no params. Returns: id, name, region.
MATCH (c:Company)
RETURN c.id AS id, c.name AS name, c.region AS region
ORDER BY id

// name: psi.write_partner_list
// Merge the provenance node of a partner list match (scope internal).
// Params: $id, $partner, $tag, $protocol, $fpr, $matched_at (datetime), $size.
// Returns: id.
MERGE (l:PartnerList {id: $id})
SET l.partner = $partner, l.tag = $tag, l.protocol = $protocol, l.fpr = $fpr,
    l.matched_at = $matched_at, l.size = $size
RETURN l.id AS id

// name: psi.tag_matches
// Tag matched companies and link them to the partner list (idempotent).
// Params: $rows ({id}), $list_id, $tag, $at (datetime). Returns: written.
UNWIND $rows AS row
MATCH (c:Company {id: row.id})
MATCH (l:PartnerList {id: $list_id})
SET c.tags = CASE WHEN $tag IN coalesce(c.tags, []) THEN c.tags
                  ELSE coalesce(c.tags, []) + $tag END
MERGE (c)-[m:MATCHED_IN]->(l)
SET m.at = $at
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
// Params: $id. Returns: id, partner, tag, protocol, fpr, matched_at, size, company_ids.
MATCH (l:PartnerList {id: $id})
OPTIONAL MATCH (c:Company)-[:MATCHED_IN]->(l)
WITH l, c ORDER BY c.id
RETURN l.id AS id, l.partner AS partner, l.tag AS tag, l.protocol AS protocol,
       l.fpr AS fpr, l.matched_at AS matched_at, l.size AS size,
       collect(c.id) AS company_ids
