// Papers that propose or mention the given method (a proposing paper is listed once, as "proposes").
// params: method
MATCH (p:Paper)-[r:PROPOSES|MENTIONS]->(m:Method {name: $method})
WITH p, collect(DISTINCT type(r)) AS types
RETURN p.id AS paper_id, p.title AS paper_title,
       CASE WHEN 'PROPOSES' IN types THEN 'proposes' ELSE 'mentions' END AS relation,
       p.published AS published
ORDER BY relation DESC, paper_id
