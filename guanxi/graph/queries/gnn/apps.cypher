// name: gnn.lookalikes
// The $k companies nearest to company $id on the `company_embedding` vector index, each
// with its cosine and the part of it each block of the vector explains ($blocks: list of
// {kind, start, end}, guanxi.gnn.similarity.block_slices; the vector is unit length, so
// the cosine is the sum of the blocks' dot products), and the facts behind each block:
// the same industry / region / size band / tags, up to three shared suppliers, buyers and
// holders by name, supply-chain degrees.
// Params: $id, $k, $blocks. Returns: company, name, lookalikes (list of {id, name, score,
// cosine, parts: [{kind, part}], industry, region, band, tags, suppliers, buyers, holders,
// supplier_count, buyer_count}).
MATCH (c:Company {id: $id})
WHERE c.embedding IS NOT NULL
CALL db.index.vector.queryNodes('company_embedding', $k + 1, c.embedding)
YIELD node AS o, score
WITH c, o, score WHERE o <> c
ORDER BY score DESC LIMIT $k
// c's neighbours are read once; each lookalike's own (short) lists are checked against
// them, instead of walking two hops out of c (through hubs) for every lookalike
WITH c, collect({o: o, score: score}) AS found,
     COLLECT { MATCH (c)<-[:SUPPLIES]-(m) RETURN DISTINCT m } AS my_sup,
     COLLECT { MATCH (c)-[:SUPPLIES]->(m) RETURN DISTINCT m } AS my_buy,
     COLLECT { MATCH (c)<-[:HOLDS_SHARES]-(m) RETURN DISTINCT m } AS my_hold
UNWIND found AS f
WITH c, f.o AS o, f.score AS score, my_sup, my_buy, my_hold
WITH c, o, score,
     COLLECT { MATCH (o)<-[:SUPPLIES]-(m) WHERE m IN my_sup
               RETURN DISTINCT coalesce(m.name, m.id) LIMIT 3 } AS suppliers,
     COLLECT { MATCH (o)-[:SUPPLIES]->(m) WHERE m IN my_buy
               RETURN DISTINCT coalesce(m.name, m.id) LIMIT 3 } AS buyers,
     COLLECT { MATCH (o)<-[:HOLDS_SHARES]-(m) WHERE m IN my_hold
               RETURN DISTINCT coalesce(m.name, m.id) LIMIT 3 } AS holders,
     COUNT { (o)<-[:SUPPLIES]-() } AS supplier_count,
     COUNT { (o)-[:SUPPLIES]->() } AS buyer_count,
     [b IN $blocks | {kind: b.kind,
        part: reduce(s = 0.0, i IN range(b.start, b.end - 1) |
                     s + c.embedding[i] * o.embedding[i])}] AS parts
WITH c, o, score, suppliers, buyers, holders, supplier_count, buyer_count, parts,
     CASE WHEN c.employees IS NULL THEN null
          WHEN c.employees < 20 THEN 'micro' WHEN c.employees < 300 THEN 'small'
          WHEN c.employees < 1000 THEN 'medium' ELSE 'large' END AS my_band,
     CASE WHEN o.employees IS NULL THEN null
          WHEN o.employees < 20 THEN 'micro' WHEN o.employees < 300 THEN 'small'
          WHEN o.employees < 1000 THEN 'medium' ELSE 'large' END AS band
RETURN c.id AS company, c.name AS name,
       collect({id: o.id, name: o.name, score: score,
                cosine: reduce(s = 0.0, p IN parts | s + p.part), parts: parts,
                industry: CASE WHEN o.industry = c.industry THEN c.industry END,
                region: CASE WHEN o.region = c.region THEN c.region END,
                band: CASE WHEN band = my_band THEN band END,
                tags: [t IN coalesce(o.tags, []) WHERE t IN coalesce(c.tags, [])],
                suppliers: suppliers, buyers: buyers, holders: holders,
                supplier_count: supplier_count, buyer_count: buyer_count}) AS lookalikes

// name: gnn.recommend
// Products that company $id does not hold, held by its lookalikes (top $k on the vector
// index, weight = cosine), its group peers (companies sharing a holder, weight 1) and its
// supply-chain neighbours (SUPPLIES either way, weight 1); ranked by the summed weight.
// Params: $id, $k, $limit. Returns: code, name, line, score, holders, reasons ({kind: the
// route, text, summary: the text without the holders' names, refs: their ids — holdings
// are bank-internal, masking decides on refs}).
MATCH (c:Company {id: $id})
CALL (c) {
  WITH c WHERE c.embedding IS NOT NULL
  CALL db.index.vector.queryNodes('company_embedding', $k + 1, c.embedding)
  YIELD node AS peer, score
  WITH c, peer, score WHERE peer <> c
  RETURN peer, 'lookalike' AS via, score AS weight
  UNION
  MATCH (c)<-[:HOLDS_SHARES]-(h)-[:HOLDS_SHARES]->(peer:Company)
  WHERE peer <> c AND NOT coalesce(h.nominee, false)
  RETURN DISTINCT peer, 'group peer' AS via, 1.0 AS weight
  UNION
  MATCH (c)-[:SUPPLIES]-(peer:Company)
  RETURN DISTINCT peer, 'supply-chain neighbour' AS via, 1.0 AS weight
}
MATCH (peer)-[:HOLDS_PRODUCT]->(p:Product)
WHERE NOT (c)-[:HOLDS_PRODUCT]->(p)
WITH p, via, sum(weight) AS w, count(DISTINCT peer) AS n,
     collect(DISTINCT [peer.id, peer.name])[..3] AS ex
WITH p, sum(w) AS score, sum(n) AS holders,
     collect({kind: via, summary: via + ' (' + toString(n) + ')', refs: [x IN ex | x[0]],
              text: via + ' (' + toString(n) + '): ' + reduce(s = '', x IN ex |
                    s + CASE s WHEN '' THEN '' ELSE ', ' END + x[1])}) AS reasons
RETURN p.code AS code, p.name AS name, p.line AS line, score, holders, reasons
ORDER BY score DESC, code LIMIT $limit

// name: gnn.prospects
// Non-customer companies ranked by a prospect score (docs/gnn.md "Prospects"): the
// propensity model's probability (Company.prospect_score, written by `guanxi train`), or
// before any training 0.25·high_tech + 0.15·specialized_sme + 0.15·min(rd_intensity / 0.08,
// 1) + 0.30·min(customers within two hops / 3, 1) + 0.15·min(lookalike score to customers,
// 1), where the two-hop closeness follows public relationships (shares, positions, supply,
// guarantees, payments). A prospect belongs to the branch of the customers near it, else
// to the branches of its region. Scores and branches are computed for every candidate
// keeping only numbers and ids; the reasons (customer names) only for the $k kept per
// branch, so memory stays small at 100k companies. Params: $branch (null = all
// branches), $k. Returns: branch, id, name, score, reasons (strings, and for the nearby
// customers a {kind, text, summary, refs} map: customer relationships are internal).
MATCH (c:Company)
WHERE NOT (c)-[:CUSTOMER_OF]->() AND coalesce(c.status, 'active') = 'active'
  AND NOT coalesce(c.nominee, false)
WITH c, COLLECT {
  MATCH (c)-[:HOLDS_SHARES|SERVES_AS|SUPPLIES|GUARANTEES|PAYS]-(m)
        -[:HOLDS_SHARES|SERVES_AS|SUPPLIES|GUARANTEES|PAYS]-(n:Company)-[:CUSTOMER_OF]->(b:Branch)
  WHERE n <> c
  RETURN DISTINCT [elementId(n), b.id]
  UNION
  MATCH (c)-[:HOLDS_SHARES|SUPPLIES|GUARANTEES|PAYS]-(n:Company)-[:CUSTOMER_OF]->(b:Branch)
  RETURN DISTINCT [elementId(n), b.id]
} AS near
WITH c, size(apoc.coll.toSet([x IN near | x[0]])) AS nc,
     apoc.coll.toSet([x IN near | x[1]]) AS near_branches
WITH c, nc, near_branches,
     CASE WHEN c.prospect_score IS NOT NULL THEN c.prospect_score
          ELSE 0.25 * CASE WHEN 'high_tech' IN coalesce(c.tags, []) THEN 1.0 ELSE 0.0 END
               + 0.15 * CASE WHEN 'specialized_sme' IN coalesce(c.tags, []) THEN 1.0 ELSE 0.0 END
               + 0.15 * CASE WHEN coalesce(c.rd_intensity, 0.0) / 0.08 > 1 THEN 1.0
                             ELSE coalesce(c.rd_intensity, 0.0) / 0.08 END
               + 0.30 * CASE WHEN nc >= 3 THEN 1.0 ELSE nc / 3.0 END
               + 0.15 * coalesce(c.customer_similarity, 0.0) END AS score
WITH c, nc, score,
     CASE WHEN size(near_branches) > 0 THEN near_branches
          ELSE COLLECT { MATCH (b:Branch) WHERE b.region IS NOT NULL AND b.region = c.region
                         RETURN b.id } END AS branches
UNWIND (CASE WHEN size(branches) = 0 THEN [null] ELSE branches END) AS branch
WITH branch, c, nc, score
WHERE $branch IS NULL OR branch = $branch
ORDER BY branch, score DESC, c.id
WITH branch, collect({c: c, nc: nc, score: score})[..$k] AS top
UNWIND top AS t
WITH branch, t.c AS c, t.nc AS nc, t.score AS score
WITH branch, c, score, nc,
     CASE WHEN nc > 0 THEN COLLECT {
       CALL (c) {
         MATCH (c)-[:HOLDS_SHARES|SERVES_AS|SUPPLIES|GUARANTEES|PAYS]-(m)
               -[:HOLDS_SHARES|SERVES_AS|SUPPLIES|GUARANTEES|PAYS]-(n:Company)-[:CUSTOMER_OF]->(:Branch)
         WHERE n <> c
         RETURN n
         UNION
         MATCH (c)-[:HOLDS_SHARES|SUPPLIES|GUARANTEES|PAYS]-(n:Company)-[:CUSTOMER_OF]->(:Branch)
         RETURN n
       }
       WITH DISTINCT n
       RETURN [n.name, n.id] AS customer ORDER BY n.name, n.id LIMIT 3
     } ELSE [] END AS customers
RETURN branch, c.id AS id, c.name AS name, score,
       [r IN [CASE WHEN 'high_tech' IN coalesce(c.tags, []) THEN 'high-tech certified' END,
              CASE WHEN 'specialized_sme' IN coalesce(c.tags, []) THEN 'specialised SME (专精特新)' END,
              CASE WHEN coalesce(c.rd_intensity, 0.0) / 0.08 > 0.5
                   THEN 'R&D intensity ' + toString(round(c.rd_intensity * 100, 1)) + '%' END,
              CASE WHEN nc > 0 THEN {kind: 'customers_nearby',
                   summary: toString(nc) + ' customer(s) within two hops',
                   refs: [x IN customers | x[1]],
                   text: toString(nc) + ' customer(s) within two hops: '
                   + reduce(s = '', x IN customers |
                            s + CASE s WHEN '' THEN '' ELSE ', ' END + x[0])} END,
              CASE WHEN coalesce(c.customer_similarity, 0.0) > 0.5
                   THEN 'looks like existing customers (embedding)' END,
              CASE WHEN c.prospect_score IS NOT NULL
                   THEN 'propensity ' + toString(round(c.prospect_score, 2))
                        + ' (model fitted on who became a customer)' END]
        WHERE r IS NOT NULL] AS reasons
ORDER BY branch, score DESC, id

// name: gnn.company_state
// Whether company $id exists and has an embedding. Params: $id. Returns: has_embedding.
MATCH (c:Company {id: $id})
RETURN c.embedding IS NOT NULL AS has_embedding
