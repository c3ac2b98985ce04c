// name: reports.company_facts
// The public facts a report shows about one company, each with its provenance
// (source, loaded_at, ingested_by of the node or relationship; docs/reports.md).
// Params: $id. Returns: profile (map), prov (map), holders, executives (with their other
// posts), investments, suppliers, buyers, guarantees_given, guarantees_received
// (lists of maps, each with prov). No row when the company does not exist.
MATCH (c:Company {id: $id})
RETURN c {.*, embedding: null} AS profile,
  {source: c.source, loaded_at: toString(c.loaded_at), org: c.ingested_by} AS prov,
  COLLECT {
    MATCH (h)-[s:HOLDS_SHARES]->(c)
    RETURN {id: h.id, name: h.name, label: head(labels(h)), pct: s.pct, kind: s.kind,
            as_of: toString(s.as_of), nominee: coalesce(h.nominee, false),
            prov: {source: s.source, loaded_at: toString(s.loaded_at), org: s.ingested_by}}
    ORDER BY s.pct DESC, h.id LIMIT 50
  } AS holders,
  COLLECT {
    MATCH (p:Person)-[r:SERVES_AS]->(c)
    RETURN {id: p.id, name: p.name, role: r.role, since: toString(r.since),
            other_posts: COLLECT { MATCH (p)-[o:SERVES_AS]->(x:Company) WHERE x <> c
                                   RETURN x.name + ' ' + o.role ORDER BY x.id LIMIT 5 },
            prov: {source: r.source, loaded_at: toString(r.loaded_at), org: r.ingested_by}}
    ORDER BY p.id, r.role
  } AS executives,
  COLLECT {
    MATCH (c)-[s:HOLDS_SHARES]->(x:Company)
    RETURN {id: x.id, name: x.name, pct: s.pct,
            prov: {source: s.source, loaded_at: toString(s.loaded_at), org: s.ingested_by}}
    ORDER BY s.pct DESC, x.id LIMIT 20
  } AS investments,
  COLLECT {
    MATCH (x:Company)-[s:SUPPLIES]->(c)
    RETURN {id: x.id, name: x.name, share: s.share, amount: s.amount,
            prov: {source: s.source, loaded_at: toString(s.loaded_at), org: s.ingested_by}}
    ORDER BY s.share DESC, x.id LIMIT 10
  } AS suppliers,
  COLLECT {
    MATCH (c)-[s:SUPPLIES]->(x:Company)
    RETURN {id: x.id, name: x.name, share: s.share, amount: s.amount,
            prov: {source: s.source, loaded_at: toString(s.loaded_at), org: s.ingested_by}}
    ORDER BY s.share DESC, x.id LIMIT 10
  } AS buyers,
  COLLECT {
    MATCH (c)-[g:GUARANTEES]->(x:Company)
    RETURN {id: x.id, name: x.name, amount: g.amount, start: toString(g.start),
            end: toString(g.end),
            prov: {source: g.source, loaded_at: toString(g.loaded_at), org: g.ingested_by}}
    ORDER BY g.amount DESC, x.id LIMIT 20
  } AS guarantees_given,
  COLLECT {
    MATCH (x:Company)-[g:GUARANTEES]->(c)
    RETURN {id: x.id, name: x.name, amount: g.amount, start: toString(g.start),
            end: toString(g.end),
            prov: {source: g.source, loaded_at: toString(g.loaded_at), org: g.ingested_by}}
    ORDER BY g.amount DESC, x.id LIMIT 20
  } AS guarantees_received

// name: reports.internal_facts
// The bank-internal facts of one company within the caller's scope, with provenance:
// products held and payment counterparties (only when the company is a customer of a
// branch in scope), risk flags (when in scope), partner-list matches (PSI tags, run by an
// organisation in scope). Params: $id, $scope_all, $branches, $lines.
// Returns: in_scope, customer_of, products, counterparties, flags, partner_lists.
MATCH (c:Company {id: $id})
WITH c, COLLECT {
  MATCH (c)-[r:CUSTOMER_OF]->(b:Branch)
  WHERE $scope_all OR (b.id IN $branches AND (size($lines) = 0 OR r.business_line IN $lines))
  RETURN {branch_id: b.id, branch: b.name, since: toString(r.since), line: r.business_line,
          prov: {source: r.source, loaded_at: toString(r.loaded_at), org: r.ingested_by}}
} AS customer_of
WITH c, customer_of, size(customer_of) > 0 AS in_scope
RETURN in_scope, customer_of,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (c)-[h:HOLDS_PRODUCT]->(p:Product)
    RETURN {code: p.code, name: p.name, line: p.line, balance: h.balance,
            since: toString(h.since), maturity: toString(h.maturity),
            prov: {source: h.source, loaded_at: toString(h.loaded_at), org: h.ingested_by}}
    ORDER BY p.code
  } ELSE [] END AS products,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (c)-[f:PAYS]-(o:Company)
    RETURN {id: o.id, name: o.name,
            direction: CASE WHEN startNode(f) = c THEN 'out' ELSE 'in' END,
            amount: f.amount, count: f.count, last: toString(f.last),
            prov: {source: f.source, loaded_at: toString(f.loaded_at), org: f.ingested_by}}
    ORDER BY f.amount DESC, o.id LIMIT 10
  } ELSE [] END AS counterparties,
  CASE WHEN in_scope THEN COLLECT {
    MATCH (r:RiskFlag)-[:FLAGS]->(c)
    RETURN {kind: r.kind, severity: r.severity, since: toString(r.since), note: r.note,
            prov: {source: r.source, loaded_at: toString(r.loaded_at), org: r.ingested_by}}
    ORDER BY r.severity DESC, r.kind
  } ELSE [] END AS flags,
  COLLECT {
    MATCH (c)-[m:MATCHED_IN]->(l:PartnerList)
    WHERE $scope_all OR l.ingested_by IN $branches
    RETURN {list_id: l.id, partner: l.partner, tag: l.tag, protocol: m.protocol, fpr: m.fpr,
            matched_at: toString(m.at), org: l.ingested_by,
            prov: {source: 'PSI match ' + l.id, loaded_at: toString(m.at), org: l.ingested_by}}
    ORDER BY l.id
  } AS partner_lists

// name: reports.company_tasks
// Open campaign tasks about one company that the caller sees (campaigns.tasks' rule).
// Params: $id, $scope_all, $branches, $rm. Returns: id, campaign_id, campaign_name,
// rm_id, rm_name, rm_branch, status, due, key_contact, channel, introducer, created_at.
MATCH (t:Task)-[:ABOUT]->(:Company {id: $id})
WHERE coalesce(t.status, 'open') IN ['open', 'in_progress']
MATCH (t)-[:ASSIGNED_TO]->(r:RelationshipManager)
WHERE $scope_all OR (($rm IS NULL OR r.id = $rm)
      AND EXISTS { (r)-[:WORKS_AT]->(b:Branch) WHERE b.id IN $branches })
MATCH (t)-[:FOR]->(c:Campaign)
OPTIONAL MATCH (r)-[:WORKS_AT]->(rb:Branch)
RETURN t.id AS id, c.id AS campaign_id, c.name AS campaign_name, r.id AS rm_id,
       r.name AS rm_name, rb.id AS rm_branch, t.status AS status, toString(t.due) AS due,
       t.key_contact_name AS key_contact, t.channel AS channel, t.introducer AS introducer,
       toString(t.created_at) AS created_at
ORDER BY t.due, t.id
LIMIT 20

// name: reports.campaign_targets
// The treatment-arm targets of a campaign (a report pack), by id.
// Params: $campaign. Returns: id, name.
MATCH (:Campaign {id: $campaign})-[:TARGETS {arm: 'treatment'}]->(co:Company)
RETURN co.id AS id, co.name AS name
ORDER BY co.id
