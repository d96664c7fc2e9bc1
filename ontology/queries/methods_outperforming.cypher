// Methods reported to outperform the given method, with the evidence sentence.
// params: method
MATCH (w:Method)-[o:OUTPERFORMS]->(b:Method {name: $method})
MATCH (p:Paper {id: o.paper})-[:MAKES_CLAIM]->(c:Claim {id: o.claim})
RETURN w.name AS winner, b.name AS baseline, o.dataset AS dataset, o.metric AS metric,
       o.value AS value, p.id AS paper_id, p.title AS paper_title, c.sentence AS sentence
ORDER BY winner, paper_id, sentence, dataset, metric
