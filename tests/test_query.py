"""Named query files, the read-only gate and `kg query` on the command line."""

from __future__ import annotations

import json
import re
import time

import pytest

from _graph_helpers import FIXTURE, KAN, run_kg
from kg.errors import QueryError
from kg.graph import store as kg_store
from kg.graph.queries import QUERIES_DIR, check_read_only, load_named, named_queries

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "PREFIX ex: <urn:x> INSERT DATA { ex:a ex:b ex:c }",
    "# SELECT * WHERE { ?s ?p ?o }\nCLEAR DEFAULT",
]


def test_the_seven_named_queries():
    assert named_queries() == sorted([
        "methods_outperforming", "method_results", "leaderboard", "papers_of_method",
        "cooccurring_entities", "mentions_per_listing_date", "conflicting_claims",
    ])


@pytest.mark.parametrize("name", named_queries())
def test_named_query_header_matches_projection(name):
    query = load_named(name)
    assert query.description and query.columns
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in query.columns)
    projection = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\s*WHERE", query.text, re.DOTALL).group(1)
    variables = [v for v in re.findall(r"\?(\w+)", re.sub(r"\(.*?\bAS\s+", "", projection)) if not v.startswith("param_")]
    assert variables == list(query.columns)
    assert [p for p in re.findall(r"\?param_(\w+)", projection)] == list(query.params)
    check_read_only(query.text)


def test_readme_documents_every_query():
    readme = (QUERIES_DIR / "README.md").read_text()
    for name in named_queries():
        query = load_named(name)
        assert f"`{name}`" in readme
        for column in query.columns:
            assert column in readme


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_by_parsing(text):
    with pytest.raises(QueryError, match="refused"):
        check_read_only(text)


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o }", "ASK { ?s ?p ?o }",
                                  "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <urn:x>",
                                  'SELECT * WHERE { ?s ?p "INSERT DATA { }" }'])
def test_queries_pass(text):
    check_read_only(text)


def test_service_and_garbage_are_refused():
    with pytest.raises(QueryError, match="SERVICE"):
        check_read_only("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="not a valid"):
        check_read_only("SELEKT * WHERE { ?s ?p ?o }")


def test_missing_and_unknown_parameters():
    with pytest.raises(QueryError, match="needs parameter 'method'"):
        load_named("method_results").bindings({})
    with pytest.raises(QueryError, match="no parameter"):
        load_named("leaderboard").bindings({"methd": "x"})
    with pytest.raises(QueryError, match="no named query"):
        load_named("../shapes")


# ---------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "kg-store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    return path


def test_cli_named_query_json(store):
    result = run_kg("query", "methods_outperforming", "-p", f"method={KAN}", "--store", str(store), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and {r["winner"] for r in rows} == {"XNet", "Multi-Layer Perceptron"}
    assert set(rows[0]) == set(load_named("methods_outperforming").columns)


def test_cli_sparql_file_csv_and_limit(store, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?id WHERE { ?p a schema:ScholarlyArticle ; dcterms:identifier ?id } ORDER BY ?id")
    result = run_kg("query", f"@{query}", "--store", str(store), "--format", "csv", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "id" and len(result.stdout.splitlines()) == 3
    assert "cut at 2 rows" in result.stderr


def test_cli_refuses_updates_in_one_line(store):
    result = run_kg("query", "DELETE WHERE { ?s ?p ?o }", "--store", str(store))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: updates are refused") and "Traceback" not in result.stderr


def test_cli_timeout_is_one_line_and_prompt(store):
    started = time.monotonic()
    result = run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
                    "--store", str(store), "--timeout", "0.5")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: query ran past the 0.5 s timeout")
    assert time.monotonic() - started < 30  # the count would take minutes: the process did not wait for it
