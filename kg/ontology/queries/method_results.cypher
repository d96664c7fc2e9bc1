// Every claim whose subject is the given method ("X improves Y on dataset Z").
// params: method
MATCH (p:Paper)-[:MAKES_CLAIM]->(c:Claim)-[:ABOUT]->(m {name: $method})
OPTIONAL MATCH (c)-[:AGAINST]->(b)
OPTIONAL MATCH (c)-[:ON_DATASET]->(d)
OPTIONAL MATCH (c)-[:WITH_METRIC]->(x)
RETURN DISTINCT m.name AS method, c.type AS type, b.name AS baseline, d.name AS dataset, x.name AS metric,
       c.value AS value, p.id AS paper_id, c.sentence AS sentence
ORDER BY paper_id, sentence, dataset, metric
