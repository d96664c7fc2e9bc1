// Entities mentioned in the same papers as the given one, by number of shared papers.
// params: name label
MATCH (p:Paper)-[:MENTIONS]->(e)
WHERE e.name = $name AND e.label = $label
MATCH (p)-[:MENTIONS]->(o)
WHERE o <> e
RETURN o.name AS other, o.label AS other_label, count(DISTINCT p) AS papers
ORDER BY papers DESC, other, other_label
