"""SPARQL (embedded Oxigraph) and Cypher (real Bolt server) give the same answers on the same graph.

The seed graph is built with the real extractor and loaded into both; every named query pair is run
with parameters picked from the data (the most frequent subjects and baselines), and the rows must
be equal as multisets. The graph fixture with hand-made conflicting claims checks the one query
that is empty on the seeds.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

import kg
from kg.neo4j.cypher import run_cypher, run_named
from kg.neo4j.sink import load

pytestmark = [pytest.mark.bolt, pytest.mark.slow]

CONFLICT_RECORDS = Path(__file__).parent / "fixtures" / "records_small.jsonl"


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return round(value, 6) if isinstance(value, float) else value


def sparql_rows(graph, name, params):
    frame = graph.named(name, **params)
    return Counter(tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)), list(frame.columns)


def cypher_rows(driver, database, name, params):
    result = run_named(driver, name, database=database, limit=100_000, **params)
    return Counter(tuple(_plain(v) for v in row) for row in result.rows), result.columns


@pytest.fixture(scope="module")
def seeds(seed_store, bolt_driver):
    load(bolt_driver, kg.open(seed_store).records(), database="seeds")
    graph = kg.open(seed_store)
    yield graph
    graph.close()


def _cases(records):
    subjects = Counter(c.subject for r in records for c in r.claims if c.subject)
    beaten = Counter(c.object for r in records for c in r.claims if c.object and c.type == "outperforms")
    datasets = Counter(d for r in records for c in r.claims for d in c.dataset)
    top = [name for name, _ in subjects.most_common(3)]
    cases = [("methods_outperforming", {"method": m}) for m, _ in beaten.most_common(3)]
    cases += [("method_results", {"method": m}) for m in top]
    cases += [("papers_of_method", {"method": m}) for m in top]
    cases += [("mentions_per_listing_date", {"method": m}) for m in top]
    cases += [("cooccurring_entities", {"name": top[0], "label": "method"})]
    cases += [("leaderboard", {"dataset": "", "metric": "", "task": ""})]
    cases += [("leaderboard", {"dataset": d, "metric": "", "task": ""}) for d, _ in datasets.most_common(2)]
    cases += [("conflicting_claims", {})]
    return cases


def test_counts_agree(seeds, bolt_driver):
    def cypher_count(query):
        return run_cypher(bolt_driver, query, database="seeds").rows[0][0]

    def sparql_count(query):
        return int(seeds.sparql(query).iloc[0, 0])

    assert cypher_count("MATCH (p:Paper) RETURN count(p) AS n") == sparql_count(
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }") == 350
    assert cypher_count("MATCH (c:Claim) RETURN count(c) AS n") == sparql_count(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a kg:ResultClaim }")
    assert cypher_count("MATCH (m:Method) RETURN count(m) AS n") == sparql_count(
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m a kg:Method }")
    for label, rdf_class in (("Dataset", "Dataset"), ("Metric", "Metric"), ("Task", "Task")):
        assert cypher_count(f"MATCH (n:{label}) RETURN count(n) AS n") == sparql_count(
            f"SELECT (COUNT(?n) AS ?n) WHERE {{ ?n a kg:{rdf_class} }}"), label
    # every outperforms claim between two distinct method entities gives OUTPERFORMS edges
    assert cypher_count("MATCH ()-[r:OUTPERFORMS]->() RETURN count(DISTINCT r.claim) AS n") == sparql_count(
        """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
             ?c kg:claimType "outperforms" ; kg:claimSubject ?s ; kg:claimObject ?o . FILTER(?s != ?o) }""") > 0


def test_named_queries_agree_on_the_seed_graph(seeds, bolt_driver):
    cases = _cases(seeds.records())
    assert len(cases) >= 14
    for name, params in cases:
        expected, columns = sparql_rows(seeds, name, params)
        got, cypher_columns = cypher_rows(bolt_driver, "seeds", name, params)
        assert got == expected, f"{name} {params}: SPARQL and Cypher rows differ"
        if expected:
            assert cypher_columns == columns, name


def test_conflicting_claims_agree(bolt_driver, tmp_path):
    from kg.build import build

    store = tmp_path / "store"
    build([], store, records_file=CONFLICT_RECORDS)
    graph = kg.open(store)
    load(bolt_driver, graph.records, database="conflicts")
    expected, columns = sparql_rows(graph, "conflicting_claims", {})
    got, cypher_columns = cypher_rows(bolt_driver, "conflicts", "conflicting_claims", {})
    assert expected and got == expected and cypher_columns == columns
    graph.close()
