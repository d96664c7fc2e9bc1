"""The graph as a whole: mapping, SHACL, the networkx view, the API and `kg build`/`validate`/`export`."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import networkx as nx
import pytest

import kg
from _graph_helpers import FIXTURE, KAN, MLP, ROOT, run_kg
from kg.graph import store as kg_store
from kg.graph.validate import validate_backend
from kg.ids import entity_iri, paper_iri


@pytest.fixture(scope="module")
def records():
    return kg_store.read_records_file(FIXTURE)


@pytest.fixture(scope="module")
def graph(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("graph") / "kg-store"
    kg_store.write_store(records, path)
    handle = kg.open(path)
    yield handle
    handle.close()


def test_fixture_offsets_are_exact(records):
    for record in records:
        for mention in record.mentions:
            assert getattr(record.paper, mention.field)[mention.start:mention.end] == mention.text
        for claim in record.claims:
            assert getattr(record.paper, claim.field)[claim.start:claim.end] == claim.sentence


def test_graph_conforms_to_the_shapes(graph):
    report = graph.validate()
    assert report.conforms, report.text
    assert report.triples == len(graph)


def test_shapes_catch_bad_claims(records):
    record = records[0]
    bad_claim = dataclasses.replace(record.claims[0], confidence=1.5, type="beats")
    broken = dataclasses.replace(record, claims=(bad_claim,))
    report = validate_backend(kg_store.backend_from_records([broken], "rdflib"))
    assert not report.conforms
    assert report.violations == 2
    assert "confidence" in report.text and "claimType" in report.text


def test_canonical_names_sharing_an_iri_make_one_entity(records):
    """"KAN" and "KANs" normalise to the same entity key: one node, both names findable."""
    from kg.graph.queries import load_named

    record = records[0]  # KAN: Kolmogorov-Arnold Networks
    start = record.paper.abstract.index("KANs")
    mentions = (
        kg.Mention("KAN", "method", "KAN", "title", 0, 3),
        kg.Mention("KANs", "method", "KANs", "abstract", start, start + 4),
    )
    assert record.paper.title[0:3] == "KAN"
    variant = [dataclasses.replace(record, mentions=mentions, proposed=("KAN",), claims=())]
    report = validate_backend(kg_store.backend_from_records(variant, "rdflib"))
    assert report.conforms, report.text
    backend = kg_store.backend_from_records(variant, "oxigraph")
    result = backend.query("PREFIX kg: <https://w3id.org/papers-kg/ontology#> "
                           "SELECT ?e ?label WHERE { ?e kg:canonicalName ?label }")
    assert sorted(result.rows) == [(entity_iri("method", "KAN"), "KAN"), (entity_iri("method", "KAN"), "KANs")]
    query = load_named("papers_of_method")
    rows = backend.query(query.text, query.bindings({"method": "KANs"})).rows
    assert [row[1] for row in rows] == ["kan-kolmogorov-arnold-networks"]


def test_iris_come_from_ids(graph):
    frame = graph.sparql("SELECT ?name ?e WHERE { ?e skos:prefLabel ?name ; a kg:Method }", name=KAN)
    assert frame["e"].tolist() == [entity_iri("method", KAN)]
    frame = graph.sparql("SELECT ?id ?p WHERE { ?p dcterms:identifier ?id }", id="kan-kolmogorov-arnold-networks")
    assert frame["p"].tolist() == [paper_iri("kan-kolmogorov-arnold-networks")]


def test_aliases_are_alt_labels(graph):
    frame = graph.sparql("SELECT ?name ?alt WHERE { ?e skos:prefLabel ?name ; skos:altLabel ?alt }", name=MLP)
    assert set(frame["alt"]) == {"Multi-Layer Perceptrons", "MLPs", "Multilayer Perceptron"}


def test_claims_link_known_entities_only(graph):
    frame = graph.sparql("""SELECT ?object ?linked WHERE {
        ?c kg:subjectName "MEAL V2" ; kg:objectName ?object .
        BIND(EXISTS { ?c kg:claimObject ?m } AS ?linked) }""")
    linked = dict(zip(frame["object"], frame["linked"]))
    assert linked == {"state-of-the-art": False, "ResNet-18": True}


def test_nx_view_analytics(graph):
    view = graph.nx()
    assert isinstance(view, nx.MultiDiGraph)
    kinds = nx.get_node_attributes(view, "type")
    assert sum(1 for k in kinds.values() if k == "Paper") == 5
    assert sum(1 for k in kinds.values() if k == "Claim") == 8
    kan = entity_iri("method", KAN)
    assert view.nodes[kan]["label"] == KAN
    assert view.nodes[kan]["degree"] == view.degree(kan)
    path = nx.shortest_path(view.to_undirected(as_view=True), entity_iri("method", "XNet"), entity_iri("method", "MEAL V2"))
    assert path[0].endswith("xnet") and len(path) >= 3


def test_records_and_entities(graph, records):
    assert [r.paper.id for r in graph.records()] == [r.paper.id for r in records]
    entities = {(e.label, e.canonical) for e in graph.entities()}
    assert ("method", KAN) in entities and ("dataset", "ImageNet") in entities


def test_entities_are_collected_once_per_handle(graph, records, monkeypatch):
    import kg.api
    from kg.records import collect_entities

    with kg.open(graph.path) as fresh:
        calls = []
        monkeypatch.setattr(kg.api, "collect_entities", lambda rs: calls.append(1) or collect_entities(rs))
        first, second = fresh.entities(), fresh.entities()
        first.clear()  # a caller's list is its own
        third = fresh.entities()
    assert second == third == collect_entities(records) and len(calls) == 1


def test_import_kg_stays_light():
    code = "import sys, kg; print(sorted(m for m in ('pyoxigraph', 'rdflib', 'pandas', 'networkx') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_cli_build_validate_export(tmp_path):
    store = tmp_path / "kg-store"
    first = run_kg("build", "--records", str(FIXTURE), "--store", str(store))
    assert first.returncode == 0, first.stderr
    triples = json.loads((store / "meta.json").read_text())["triples"]
    assert f"{triples} triples" in first.stderr
    again = run_kg("build", "--records", str(FIXTURE), "--store", str(store), "--if-missing")
    assert again.returncode == 0 and "nothing to do" in again.stderr
    rebuilt = run_kg("build", "--records", str(store / "records.jsonl"), "--store", str(store))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads((store / "meta.json").read_text())["triples"] == triples
    checked = run_kg("validate", "--store", str(store))
    assert checked.returncode == 0 and "conforms" in checked.stderr
    exported = run_kg("export", "--store", str(store), "--format", "ttl", "--out", str(tmp_path / "g.ttl"))
    assert exported.returncode == 0 and f"{triples} triples" in exported.stderr
    # KG_STORE is the default store
    counted = run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", env={"KG_STORE": str(store)})
    assert json.loads(counted.stdout) == [{"n": triples}]


def test_cli_missing_store_is_one_line(tmp_path):
    result = run_kg("validate", "--store", str(tmp_path / "none"))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no graph store") and "Traceback" not in result.stderr


@pytest.mark.slow
def test_build_from_listings_is_stable_and_incremental(tmp_path):
    pytest.importorskip("kg.extract", reason="needs the extraction pipeline (issue 3)")
    seeds = sorted((ROOT / "data" / "seeds").glob("*.txt"))
    first_file, second_file = seeds[2], seeds[3]  # the two smallest listings (35 and 46 papers)
    store = tmp_path / "kg-store"
    first = run_kg("build", str(first_file), "--store", str(store))
    assert first.returncode in (0, 3), first.stderr
    meta1 = json.loads((store / "meta.json").read_text())
    again = run_kg("build", str(first_file), "--store", str(store))
    assert json.loads((store / "meta.json").read_text())["triples"] == meta1["triples"], again.stderr
    assert f"(0 extracted, {meta1['papers']} unchanged)" in again.stderr
    more = run_kg("build", str(first_file), str(second_file), "--store", str(store))
    meta2 = json.loads((store / "meta.json").read_text())
    new = meta2["papers"] - meta1["papers"]
    assert new > 0 and meta2["triples"] > meta1["triples"], more.stderr
    assert f"({new} extracted, {meta1['papers']} unchanged)" in more.stderr
    checked = run_kg("validate", "--store", str(store))
    assert checked.returncode == 0, checked.stdout
