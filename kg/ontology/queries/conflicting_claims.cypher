// Pairs of "outperforms" claims from different papers that contradict: A beats B in paper_a, B beats
// A in paper_b, on the same dataset and metric (a dataset or metric stated by only one side is taken
// as compatible). Each pair is listed once, method_a < method_b.
// params:
MATCH (pa:Paper)-[:MAKES_CLAIM]->(ca:Claim {type: 'outperforms'})-[:ABOUT]->(a),
      (ca)-[:AGAINST]->(b),
      (pb:Paper)-[:MAKES_CLAIM]->(cb:Claim {type: 'outperforms'})-[:ABOUT]->(b),
      (cb)-[:AGAINST]->(a)
WHERE a.name < b.name AND pa.id <> pb.id
OPTIONAL MATCH (ca)-[:ON_DATASET]->(da)
OPTIONAL MATCH (cb)-[:ON_DATASET]->(db)
OPTIONAL MATCH (ca)-[:WITH_METRIC]->(ma)
OPTIONAL MATCH (cb)-[:WITH_METRIC]->(mb)
WITH a, b, pa, pb, da, db, ma, mb
WHERE (da IS NULL OR db IS NULL OR da.name = db.name) AND (ma IS NULL OR mb IS NULL OR ma.name = mb.name)
RETURN DISTINCT a.name AS method_a, b.name AS method_b, coalesce(da.name, db.name) AS dataset,
       coalesce(ma.name, mb.name) AS metric, pa.id AS paper_a, pb.id AS paper_b
ORDER BY method_a, method_b, dataset, metric, paper_a, paper_b
