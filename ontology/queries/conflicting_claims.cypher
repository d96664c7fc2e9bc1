// Pairs of methods each reported to outperform the other on the same dataset and metric.
// params:
MATCH (a:Method)-[x:OUTPERFORMS]->(b:Method)-[y:OUTPERFORMS]->(a)
WHERE a.name < b.name AND x.dataset IS NOT NULL AND x.dataset = y.dataset
  AND coalesce(x.metric, '') = coalesce(y.metric, '')
RETURN DISTINCT a.name AS method_a, b.name AS method_b, x.dataset AS dataset, x.metric AS metric,
       x.paper AS paper_a, y.paper AS paper_b
ORDER BY method_a, method_b, dataset, metric, paper_a, paper_b
