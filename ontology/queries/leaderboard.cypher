// Reported results (achieves / outperforms / improves claims with a value), best value first;
// an empty dataset/metric/task means any.
// params: dataset='' metric='' task=''
MATCH (p:Paper)-[:MAKES_CLAIM]->(c:Claim)-[:ABOUT]->(m)
WHERE c.value IS NOT NULL AND c.type IN ['achieves', 'outperforms', 'improves']
OPTIONAL MATCH (c)-[:ON_DATASET]->(d)
OPTIONAL MATCH (c)-[:WITH_METRIC]->(x)
OPTIONAL MATCH (c)-[:FOR_TASK]->(t)
WITH p, c, m, d, x, t
WHERE ($dataset = '' OR d.name = $dataset) AND ($metric = '' OR x.name = $metric) AND ($task = '' OR t.name = $task)
RETURN DISTINCT m.name AS method, c.value AS value, c.value_number AS value_number, c.value_unit AS unit,
       d.name AS dataset, x.name AS metric, t.name AS task, p.id AS paper_id, p.title AS paper_title,
       c.sentence AS sentence
ORDER BY dataset, metric, task, value_number DESC, method, paper_id
