// Methods reported to outperform the given method (a method, or a generic baseline such as
// "baselines"), with dataset, metric and value when stated, and the evidence sentence.
// params: method
MATCH (p:Paper)-[:MAKES_CLAIM]->(c:Claim {type: 'outperforms'})-[:AGAINST]->(b {name: $method}),
      (c)-[:ABOUT]->(w)
OPTIONAL MATCH (c)-[:ON_DATASET]->(d)
OPTIONAL MATCH (c)-[:WITH_METRIC]->(x)
RETURN DISTINCT w.name AS winner, b.name AS baseline, d.name AS dataset, x.name AS metric,
       c.value AS value, p.id AS paper_id, p.title AS paper_title, c.sentence AS sentence
ORDER BY winner, paper_id, dataset, metric
