"""`kg serve sparql` (Oxigraph's read-only SPARQL server over a store version), `kg query --endpoint`,
kg.api.SparqlEndpoint and the query console on an endpoint: real server, real HTTP, no mocks."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.error import HTTPError

import pytest
import SPARQLWrapper

import kg
from _graph_helpers import FIXTURE, KAN, NAMED_PARAMS, ROOT, run_kg
from kg import api
from kg.errors import QueryError
from kg.graph import store as kg_store
from kg.graph.remote import with_values

PAPERS = "SELECT ?id WHERE { ?p a schema:ScholarlyArticle ; dcterms:identifier ?id } ORDER BY ?id"
PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(store: Path, port: int, *extra: str) -> tuple[subprocess.Popen, str]:
    """`kg serve sparql` as a child; (process, endpoint URL) once it prints the URL."""
    command = [sys.executable, "-m", "kg", "serve", "sparql", "--store", str(store), "--port", str(port), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("SPARQL endpoint"):
        process.kill()
        raise AssertionError(f"no endpoint line: {line!r} {process.stderr.read()}")
    return process, line.split()[-1]


def _stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


def _locked(folder: Path) -> bool:
    """Whether a reader holds ``folder`` (what a build checks before deleting an old version)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "kg-store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    return path


@pytest.fixture(scope="module")
def endpoint(store):
    process, url = _serve(store, _free_port(), "--timeout", "2")
    yield url
    _stop(process)


def _paper_ids() -> list[str]:
    return sorted(r.paper.id for r in kg_store.read_records_file(FIXTURE))


# ---------------------------------------------------------------- the server


def test_sparqlwrapper_reads_the_store(endpoint):
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setQuery(PREFIXES + PAPERS)
    client.setReturnFormat(SPARQLWrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["id"]["value"] for row in rows] == _paper_ids()


def test_updates_are_refused_by_the_server(endpoint):
    client = SPARQLWrapper.SPARQLWrapper(endpoint, updateEndpoint=endpoint.replace("/query", "/update"))
    client.setMethod(SPARQLWrapper.POST)
    client.setQuery("INSERT DATA { <urn:kg:intruder> <urn:kg:p> <urn:kg:o> }")
    with pytest.raises(HTTPError) as refusal:
        client.query()
    assert refusal.value.code == 403
    assert api.endpoint(endpoint).query("ASK { <urn:kg:intruder> ?p ?o }").rows == [(False,)]


def test_serving_holds_the_version_through_a_rebuild(tmp_path):
    store = tmp_path / "kg-store"
    records = kg_store.read_records_file(FIXTURE)
    kg_store.write_store(records, store)
    served = Path(os.path.realpath(store))
    process, url = _serve(store, _free_port())
    try:
        assert _locked(served)
        kg_store.write_store(records[:1], store)  # switches the store and collects free versions
        assert Path(os.path.realpath(store)) != served and (served / "meta.json").is_file()
        assert len(api.endpoint(url).query(PAPERS).rows) == len(records)  # still the version it opened
    finally:
        code, err = _stop(process)
    assert code == 0 and "SPARQL server stopped" in err and "Traceback" not in err
    assert not _locked(served)
    kg_store.write_store(records[:1], store)
    assert not served.exists()  # released: the next build deleted it


def test_errors_are_one_line(store, endpoint, tmp_path):
    port = endpoint.rsplit(":", 1)[1].split("/")[0]
    in_use = run_kg("serve", "sparql", "--store", str(store), "--port", port)
    missing = run_kg("serve", "sparql", "--store", str(tmp_path / "none"), "--port", str(_free_port()))
    unreachable = run_kg("query", PAPERS, "--endpoint", f"http://127.0.0.1:{_free_port()}/query")
    for result, message in ((in_use, f"Error: port {port} on 127.0.0.1 is in use"), (missing, "Error: no graph store at"),
                            (unreachable, "Error: cannot reach the SPARQL endpoint")):
        assert result.returncode == 1 and result.stderr.startswith(message), result.stderr
        assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------- kg query --endpoint, kg.api.endpoint


def test_kg_query_endpoint_gives_the_store_rows(store, endpoint):
    args = ["query", "methods_outperforming", "-p", f"method={KAN}", "--format", "json"]
    remote, local = run_kg(*args, "--endpoint", endpoint), run_kg(*args, "--store", str(store))
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout) != []


def test_every_named_query_agrees_with_the_store(store, endpoint):
    with kg.open(store) as graph:
        remote = api.endpoint(endpoint)
        for name, params in NAMED_PARAMS.items():
            local_frame, remote_frame = graph.named(name, **params), remote.named(name, **params)
            assert local_frame.equals(remote_frame), name


def test_bindings_stay_bindings(store, endpoint):
    query = "SELECT ?x ?t WHERE { ?p dcterms:title ?t FILTER(?t = ?x) }"
    hostile = '" || true) } UNION { ?p ?q ?t } #'
    assert api.endpoint(endpoint).query(query, {"x": hostile}).rows == []
    with kg.open(store) as graph:
        title = graph.query(query, {"x": "KAN: Kolmogorov-Arnold Networks"}).rows
    assert title and api.endpoint(endpoint).query(query, {"x": title[0][0]}).rows == title


def test_updates_limit_and_timeout_on_the_client(endpoint):
    remote = api.endpoint(endpoint)
    with pytest.raises(QueryError, match="updates are refused"):
        remote.query("DELETE WHERE { ?s ?p ?o }")
    cut = remote.query("SELECT * WHERE { ?s ?p ?o }", limit=3)
    assert len(cut.rows) == 3 and cut.truncated
    started = time.monotonic()
    with pytest.raises(QueryError, match="timeout"):
        remote.query(SLOW, timeout=0.5)
    assert time.monotonic() - started < 10  # the client stopped waiting; the server's --timeout 2 ends the work


def test_refused_urls():
    for url in ("file:///etc/passwd", "ftp://example.org/sparql", "localhost:7878/query"):
        with pytest.raises(QueryError, match="not a SPARQL endpoint URL"):
            api.endpoint(url)


# ---------------------------------------------------------------- VALUES blocks


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?x WHERE { ?s ?p ?x }", 'SELECT ?x WHERE { VALUES (?v) { ("a\\"}") } '),
    ("# { comment\nASK { ?s <urn:a#b> '}' }", "# { comment\nASK { VALUES (?v) { (\"a\\\"}\") } "),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", 'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?v) { ("a\\"}") } '),
    ("SELECT * { SELECT ?s { ?s ?p ?o } }", 'SELECT * { VALUES (?v) { ("a\\"}") } {  SELECT ?s { ?s ?p ?o }  }}'),
])
def test_values_open_the_where_group(query, expected):
    assert with_values(query, {"v": 'a"}'}).startswith(expected)


def test_values_refusals():
    with pytest.raises(QueryError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"v": 1})
    with pytest.raises(QueryError, match="variable names"):
        with_values("SELECT * { ?s ?p ?o }", {"v) {} DROP": 1})
    with pytest.raises(QueryError, match="cannot bind"):
        with_values("SELECT * { ?s ?p ?o }", {"v": kg_store.IRI("urn:a> <urn:b")})


# ---------------------------------------------------------------- the app's console


def test_console_sends_queries_to_the_endpoint(store, endpoint, monkeypatch):
    from app_support import page_runner

    monkeypatch.setenv("KG_SPARQL_ENDPOINT", endpoint)
    at = page_runner(store, monkeypatch)("query", example="methods_outperforming")
    assert any(endpoint in unescape(c.value) for c in at.caption)
    at.text_input(key="sparql_methods_outperforming_method").set_value(KAN)
    at.button(key="sparql_run").click().run()
    assert not at.error and at.success[0].value.startswith("2 rows in")
    monkeypatch.setenv("KG_SPARQL_ENDPOINT", f"http://127.0.0.1:{_free_port()}/query")  # nobody there
    at.button(key="sparql_run").click().run()
    assert "cannot reach the SPARQL endpoint" in at.error[0].value
