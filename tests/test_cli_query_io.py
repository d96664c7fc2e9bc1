"""What `kg query` and `kg cypher` share (kg/cli/_query.py): one --param syntax, one result printer."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from _graph_helpers import FIXTURE, KAN
from kg.cli import app
from kg.graph import store as kg_store
from kg.neo4j.cypher import CypherResult

PARAM_ERROR = "Error: --param takes NAME=VALUE (a string) or NAME:=JSON (a JSON value), got "


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("params") / "kg-store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    return path


def _kg(*args: str):
    return CliRunner().invoke(app, list(args))


def _query(store, *args: str):
    return _kg("query", *args, "--store", str(store), "--timeout", "0", "--format", "json")


# ---------------------------------------------------------------- kg query --param


def test_query_param_string_and_json_bind_alike_for_a_string(store):
    plain = _query(store, "methods_outperforming", "-p", f"method={KAN}")
    typed = _query(store, "methods_outperforming", "-p", f"method:={json.dumps(KAN)}")
    assert plain.exit_code == 0 and typed.exit_code == 0, plain.output + typed.output
    assert json.loads(plain.stdout) == json.loads(typed.stdout) != []


def test_query_param_json_binds_a_typed_literal(store):
    text = "SELECT ?n WHERE { BIND(?n AS ?n) }"
    assert json.loads(_query(store, text, "-p", "n=5").stdout) == [{"n": "5"}]
    assert json.loads(_query(store, text, "-p", "n:=5").stdout) == [{"n": 5}]
    assert json.loads(_query(store, text, "-p", "n:=true").stdout) == [{"n": True}]


@pytest.mark.parametrize("bad", ["method", "=x", "2x=1", "a-b=1", "method:=not json", ":=1"])
def test_query_bad_param_is_one_line(store, bad):
    result = _query(store, "methods_outperforming", "-p", bad)
    assert result.exit_code == 1
    assert result.stderr == PARAM_ERROR + repr(bad) + "\n" and "Traceback" not in result.output


# ---------------------------------------------------------------- kg cypher --param


@pytest.fixture
def cypher_calls(monkeypatch):
    """`kg cypher` with the server replaced by a recorder answering one row."""
    import kg.neo4j.cypher
    from kg.cli import neo4j_cmd

    calls = []

    class Driver:
        def close(self):
            pass

    monkeypatch.setattr(neo4j_cmd, "_connect", lambda *a, **k: (Driver(), None, "test", None))

    def run_cypher(driver, query, params, **kwargs):
        calls.append(params)
        return CypherResult(["n", "names", "none"], [[7, ["a", "b,c"], None]])

    monkeypatch.setattr(kg.neo4j.cypher, "run_cypher", run_cypher)
    return calls


def test_cypher_param_both_syntaxes(cypher_calls):
    result = _kg("cypher", "RETURN $a AS a", "-p", "a=5", "-p", "b:=5", "-p", 'c:=["x", 1]', "-p", "d=x=y")
    assert result.exit_code == 0, result.output
    assert cypher_calls == [{"a": "5", "b": 5, "c": ["x", 1], "d": "x=y"}]


@pytest.mark.parametrize("bad", ["a", "=1", " a=1", "a:={", "a b:=1"])
def test_cypher_bad_param_is_one_line_before_connecting(cypher_calls, bad):
    result = _kg("cypher", "RETURN 1 AS x", "-p", bad)
    assert result.exit_code == 1
    assert result.stderr == PARAM_ERROR + repr(bad) + "\n" and cypher_calls == []


def test_cypher_prints_json_csv_and_table(cypher_calls):
    as_json = _kg("cypher", "RETURN 1", "--format", "json")
    assert json.loads(as_json.stdout) == [{"n": 7, "names": ["a", "b,c"], "none": None}]
    as_csv = _kg("cypher", "RETURN 1", "--format", "csv")
    assert as_csv.stdout == 'n,names,none\n7,"[""a"", ""b,c""]",\n'
    table = _kg("cypher", "RETURN 1")
    assert '│ 7 │ ["a", "b,c"] │' in table.stdout and table.stderr == "1 row(s)\n"
    assert _kg("cypher", "RETURN 1", "--format", "xml").stderr.startswith("Error: unknown --format 'xml'")


def test_query_prints_the_same_rows(store):
    """kg query's csv and table come from the same printer: None empty, no index column."""
    text = "SELECT ?id ?none WHERE { ?p dcterms:identifier ?id OPTIONAL { ?p kg:nothing ?none } } ORDER BY ?id LIMIT 2"
    args = ("query", text, "--store", str(store), "--timeout", "0")
    rows = json.loads(_kg(*args, "--format", "json").stdout)
    assert [set(r) for r in rows] == [{"id", "none"}] * 2 and rows[0]["none"] is None
    assert _kg(*args, "--format", "csv").stdout.splitlines() == ["id,none"] + [f"{r['id']}," for r in rows]
    table = _kg(*args).stdout.splitlines()
    assert table[0].split() == ["id", "none"] and len(table) == 3
