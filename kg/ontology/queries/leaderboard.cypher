// Scores (values of kind "score", never gains, ratios, bounds or amounts) per dataset, metric and
// unit: the best of each method in each paper, best first by the metric's direction (higher first
// when unknown). The twin of kg.results.leaderboard and leaderboard.rq.
// params: dataset='' metric='' task=''
MATCH (p:Paper)-[:MAKES_CLAIM]->(c:Claim)-[:ABOUT]->(m),
      (c)-[:HAS_MEASURE]->(v:Measure {kind: 'score'}),
      (v)-[:OF_METRIC]->(x),
      (v)-[:MEASURED_ON]->(d)
WHERE v.number IS NOT NULL
  AND ($dataset = '' OR d.name = $dataset) AND ($metric = '' OR x.name = $metric)
OPTIONAL MATCH (c)-[:FOR_TASK]->(t)
WITH p, c, m, v, x, d, collect(t.name) AS tasks
WHERE $task = '' OR $task IN tasks
WITH p, c, m, v, x, d, coalesce(v.unit, '') AS unit, coalesce(v.direction, '') AS direction,
     CASE WHEN v.direction = 'lower' THEN -v.number ELSE v.number END AS signed
WITH d.name AS dataset, x.name AS metric, unit, m.name AS method, p,
     collect({v: v, c: c, signed: signed, direction: direction}) AS rows, max(signed) AS best
UNWIND rows AS row
WITH dataset, metric, unit, method, p, row, best
WHERE row.signed = best
RETURN DISTINCT method, row.v.text AS value, row.v.number AS value_number, unit, row.direction AS direction,
       dataset, metric, p.id AS paper_id, p.title AS paper_title, p.published AS date, row.c.sentence AS sentence
ORDER BY dataset, metric, unit, CASE WHEN direction = 'lower' THEN -value_number ELSE value_number END DESC, method, paper_id
