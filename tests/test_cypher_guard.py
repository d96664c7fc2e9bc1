"""The read-only check of kg cypher, without a server."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.neo4j.cypher import check_read_only, named_cypher_queries, named_query

REFUSED = [
    "CREATE (n:Paper {id: 'x'})",
    "match (n) detach delete n",
    "MATCH (n:Paper) SET n.title = 'x'",
    "MATCH (n:Paper) REMOVE n.title",
    "MERGE (m:Method {name: 'x'}) RETURN m",
    "DROP CONSTRAINT paper_id",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
    "MATCH (n) FOREACH (x IN [1] | SET n.x = x)",
    "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "CALL db.createLabel('X')",
    "MATCH (n) CALL { WITH n RETURN n AS m } IN TRANSACTIONS RETURN m",
    "MATCH (n) // harmless comment\nCREATE (m)",
    "MATCH (n) WITH n /* a */ Create (x)",
]
ALLOWED = [
    "MATCH (p:Paper) RETURN count(p) AS n",
    "MATCH (p:Paper) WHERE p.title CONTAINS 'CREATE' RETURN p.id",
    'MATCH (p:Paper) WHERE p.title = "set; delete" RETURN p.id',
    "MATCH (p:Paper) RETURN p.`set` AS s",
    "// CREATE nothing\nMATCH (n) RETURN n LIMIT 1",
    "MATCH (m:Method) WHERE m.name = $create RETURN m",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (p:Paper) CALL { WITH p MATCH (p)-[:PROPOSES]->(m) RETURN count(m) AS k } RETURN p.id, k",
    "MATCH (p:Paper) WHERE p.created_at IS NULL AND p.offset > 0 RETURN p",
]


@pytest.mark.parametrize("query", REFUSED)
def test_write_queries_are_refused(query):
    with pytest.raises(QueryError, match="refused"):
        check_read_only(query)


@pytest.mark.parametrize("query", ALLOWED)
def test_read_queries_pass(query):
    check_read_only(query)


def test_named_queries_are_read_only_and_declare_their_params():
    names = named_cypher_queries()
    assert names == sorted([
        "conflicting_claims", "cooccurring_entities", "leaderboard", "method_results",
        "methods_outperforming", "mentions_per_listing_date", "papers_of_method",
    ])
    for name in names:
        text, params = named_query(name)
        check_read_only(text)
        used = set(__import__("re").findall(r"\$(\w+)", text))
        assert used == set(params), name


def test_unknown_named_query_is_an_error():
    with pytest.raises(QueryError, match="no named Cypher query"):
        named_query("../../etc/passwd")


from hypothesis import given, settings, strategies as st

_TEXT = st.text(alphabet=st.characters(blacklist_characters="'\\", blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_anything_inside_a_string_literal_is_data(text):
    check_read_only(f"MATCH (p:Paper) WHERE p.title = '{text}' RETURN p.id")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["CREATE (x)", "MERGE (x:X {a: 1})", "SET p.a = 1", "DETACH DELETE p", "REMOVE p.a"]),
       st.sampled_from(["", "WITH p ", "MATCH (q) "]), _TEXT)
def test_a_write_clause_outside_literals_is_always_refused(clause, prefix, text):
    with pytest.raises(QueryError):
        check_read_only(f"MATCH (p:Paper) WHERE p.title = '{text}' {prefix}{clause.lower() if len(text) % 2 else clause}")


@pytest.mark.parametrize("query", [
    "MATCH (p) // don't\nCREATE (x) RETURN 'a'",
    "MATCH (p) WHERE p.t = 'it''s' CREATE (x)",
    "MATCH (p) WHERE p.t = 'a\\\\' CREATE (x) //'",
    "MATCH (p) /* ' */ CREATE (x) RETURN '*/'",
    "MATCH (`a``b`) CREATE (x) RETURN `c`",
])
def test_quotes_and_comment_markers_cannot_hide_a_write(query):
    with pytest.raises(QueryError, match="refused"):
        check_read_only(query)

