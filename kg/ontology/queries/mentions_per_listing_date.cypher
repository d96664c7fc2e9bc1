// How many papers of each listing date propose or mention the given method.
// params: method
MATCH (p:Paper)-[:PROPOSES|MENTIONS]->(m:Method {name: $method})
MATCH (p)-[l:LISTED_IN]->(:Listing)
WHERE l.listing_date IS NOT NULL
RETURN l.listing_date AS listing_date, count(DISTINCT p) AS papers
ORDER BY listing_date
