// Papers that propose or mention the given method (one row per paper and relation).
// params: method
MATCH (p:Paper)-[r:PROPOSES|MENTIONS]->(m:Method {name: $method})
RETURN DISTINCT p.id AS paper_id, p.title AS paper_title, toLower(type(r)) AS relation, p.published AS published
ORDER BY paper_id, relation
