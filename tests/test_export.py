"""Exports: GEXF 1.3 / GraphML valid against the official grammars and read back; RDF round trips."""

from __future__ import annotations

import csv

import networkx as nx
import pytest
from lxml import etree

import kg
from _graph_helpers import FIXTURE, SCHEMAS
from kg.graph import store as kg_store
from kg.graph.nx_view import COLORS

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "kg-store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    handle = kg.open(path)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("out")


def _grammar(kind: str, relative: str):
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    tree = etree.parse(str(SCHEMAS / relative), parser)
    return etree.RelaxNG(tree) if kind == "rng" else etree.XMLSchema(tree)


def test_gexf_is_valid_against_the_official_grammars(graph, out):
    path = graph.export("gexf", out / "g.gexf")[0]
    document = etree.parse(str(path))
    xsd = _grammar("xsd", "gexf-1.3/xsd-viz-fixed/gexf.xsd")
    assert xsd.validate(document), xsd.error_log
    root = document.getroot()
    for name in [a for a in root.attrib if a.startswith(XSI)]:
        del root.attrib[name]
    etree.cleanup_namespaces(root)
    rng = _grammar("rng", "gexf-1.3/gexf.rng")
    assert rng.validate(document), rng.error_log


def test_gexf_reads_back_with_viz_and_types(graph, out):
    path = graph.export("gexf", out / "g2.gexf")[0]
    back = nx.read_gexf(path, version="1.3")
    view = graph.nx()
    assert back.number_of_nodes() == view.number_of_nodes()
    assert back.number_of_edges() == view.number_of_edges()
    kinds = {d["type"] for _, d in back.nodes(data=True)}
    assert {"Paper", "Method", "Dataset", "Metric", "Task", "Claim", "Listing", "CodeRepository"} <= kinds
    for _, data in back.nodes(data=True):
        colour = COLORS[data["type"]].lstrip("#")
        assert data["viz"]["color"]["r"] == int(colour[:2], 16)
        assert data["viz"]["size"] == pytest.approx(4.0 + 3.0 * data["degree"] ** 0.5, abs=1e-3)
    papers = {d["title"]: d for _, d in back.nodes(data=True) if d["type"] == "Paper"}
    assert papers["Magnitude Invariant Parametrizations Improve Hypernetwork Learning"]["start"] == "2023-04-15"
    relations = {d["relation"] for _, _, d in back.edges(data=True)}
    assert {"proposes", "mentions", "wasDerivedFrom", "claimSubject", "listedIn"} <= relations
    claims = [d for _, d in back.nodes(data=True) if d["type"] == "Claim"]
    assert any(d.get("value_number") == 80.67 for d in claims)


def test_nx_attributes_are_scalars(graph):
    for _, data in graph.nx().nodes(data=True):
        for key, value in data.items():
            assert isinstance(value, (str, int, float, bool)), (key, value)
    for _, _, data in graph.nx().edges(data=True):
        assert "type" not in data  # GEXF reserves edge/@type for directed|undirected|mutual


def test_graphml_is_valid_and_reads_back(graph, out):
    path = graph.export("graphml", out / "g.graphml")[0]
    xsd = _grammar("xsd", "graphml-1.0/graphml.xsd")
    document = etree.parse(str(path))
    assert xsd.validate(document), xsd.error_log
    back = nx.read_graphml(path)
    view = graph.nx()
    assert back.number_of_edges() == view.number_of_edges()
    assert {d["iri"] for _, d in back.nodes(data=True)} == set(view.nodes)
    assert all("color" in d and "size" in d for _, d in back.nodes(data=True))


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_rdf_exports_parse_back_to_the_store_count(graph, out, fmt, rdflib_format):
    from rdflib import Graph

    path = graph.export(fmt, out / f"g.{fmt}")[0]
    parsed = Graph().parse(str(path), format=rdflib_format)
    assert len(parsed) == len(graph)


def test_csv_tables(graph, out):
    edges_path, nodes_path = graph.export("csv", out / "g.csv")
    with nodes_path.open() as handle:
        nodes = list(csv.DictReader(handle))
    with edges_path.open() as handle:
        edges = list(csv.DictReader(handle))
    assert len(nodes) == graph.nx().number_of_nodes()
    assert len(edges) == graph.nx().number_of_edges()
    ids = {n["Id"] for n in nodes}
    assert all(e["Source"] in ids and e["Target"] in ids for e in edges)


def test_unknown_format(graph, out):
    with pytest.raises(kg.KGError, match="unknown export format"):
        graph.export("pdf", out / "g.pdf")


def test_cli_neo4j_csv_export_has_import_headers(graph, tmp_path):
    import subprocess
    import sys

    target = tmp_path / "neo4j"
    result = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--format", "neo4j-csv", "--out", str(target), "--store", str(graph.path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with (target / "nodes_Paper.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[0] == ":ID" and ":LABEL" in header
    rel_files = sorted(target.glob("rels_*.csv"))
    assert rel_files
    with rel_files[0].open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert {":START_ID", ":END_ID", ":TYPE"} <= set(header)
    assert (target / "import.sh").exists()


def test_neo4j_csv_has_one_writer(graph, tmp_path):
    """`kg export --format neo4j-csv`, `kg neo4j export-csv` and graph.export("neo4j-csv") write the same files."""
    from typer.testing import CliRunner

    from kg.cli import app

    folders = {name: tmp_path / name for name in ("export", "neo4j", "api")}
    by_export = CliRunner().invoke(app, ["export", "-f", "neo4j-csv", "--out", str(folders["export"]), "--store", str(graph.path)])
    by_neo4j = CliRunner().invoke(app, ["neo4j", "export-csv", "--out", str(folders["neo4j"]), "--store", str(graph.path)])
    assert by_export.exit_code == 0 and by_neo4j.exit_code == 0, by_export.output + by_neo4j.output
    assert (by_export.stderr.replace(str(folders["export"]), "OUT") == by_neo4j.stderr.replace(str(folders["neo4j"]), "OUT")
            == "5 papers -> 25 CSV files in OUT (run OUT/import.sh with neo4j-admin)\n")
    written = graph.export("neo4j-csv", folders["api"])
    assert sorted(p.name for p in written) == sorted(p.name for p in folders["export"].iterdir())
    contents = [{p.name: p.read_bytes() for p in folder.iterdir()} for folder in folders.values()]
    assert contents[0] == contents[1] == contents[2]
