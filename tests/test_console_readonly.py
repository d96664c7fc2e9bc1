"""Issue 13, findings 1 and 2, against the real local Bolt server: the Cypher console is read-only in
depth (text guard, read-only server user, write-ahead-log probe) and a timed-out query stops on the server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from neo4j.exceptions import Neo4jError
from typer.testing import CliRunner

from kg.errors import QueryError
from kg.neo4j.cypher import _run, run_cypher, wal_probe

pytestmark = pytest.mark.bolt

FBNET = "fbnet-hardware-aware-efficient-convnet-design-via-differentiable-neural-c258cf22"
SQL_UPDATE = ("WITH sql.eval(\"(UPDATE Paper SET title = 'PWNED' WHERE id = '" + FBNET + "') IS NOT NULL\") AS x "
              "RETURN x, sql.eval('(COMMIT) IS NOT NULL') AS y")
SLOW = "UNWIND range(1, 3000000) AS x UNWIND range(1, 3000000) AS y RETURN count(*) AS n"


def _title(driver, database="kg", paper=FBNET):
    return run_cypher(driver, "MATCH (p:Paper {id: $id}) RETURN p.title AS t", {"id": paper}, database=database).rows


def _running(driver, needle):
    """Queries the server still runs whose text contains ``needle`` (root sees every user's)."""
    with driver.session(database="kg") as session:
        return [r[0] for r in session.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                          "WHERE currentQuery CONTAINS $n RETURN transactionId", n=needle)]


def _wait_until_gone(driver, needle, limit_s=60.0):
    deadline = time.monotonic() + limit_s  # a bound for a hung server, not a speed assertion
    while _running(driver, needle) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _running(driver, needle)


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime in clock ticks


@pytest.mark.parametrize("query", [SQL_UPDATE, "RETURN sql.eval($q) AS x", "RETURN SQL.EVAL('(INSERT INTO Paper SET id = 1)')",
                                   "RETURN sql.`eval`('x')", "RETURN apoc.cypher.runWrite('CREATE ()', {})"])
def test_sql_and_namespaced_functions_are_refused_before_sending(query):
    with pytest.raises(QueryError, match="refused"):
        run_cypher(None, query)  # no driver: refused before anything is sent


def test_read_only_user_cannot_write_even_past_the_text_guard(bolt_driver, reader_driver, loaded_graph):
    before = _title(bolt_driver)
    for query in (SQL_UPDATE,
                  "RETURN sql.eval(\"(INSERT INTO Paper SET id = 'intruder') IS NOT NULL\") AS x",
                  "CREATE (p:Paper {id: 'intruder'}) RETURN p.id AS id"):
        with pytest.raises(Neo4jError) as refusal:
            _run(reader_driver, query, {}, "kg", 10.0, 10)
        assert refusal.value.code == "Neo.ClientError.Security.Forbidden", refusal.value.message
    assert _title(bolt_driver) == before and before[0][0] != "PWNED"
    assert run_cypher(bolt_driver, "MATCH (p:Paper {id: 'intruder'}) RETURN count(p) AS n", database="kg").rows == [[0]]
    assert _title(reader_driver) == before  # and reading works, with no stale state replayed


def test_probe_sees_a_commit_the_rollback_hides(bolt_server, bolt_driver):
    """As root (a server without a read-only user), sql.eval commits inside the query: the WAL probe sees it."""
    bolt_driver.execute_query("MERGE (p:Paper {id: 'probe-target'}) SET p.title = 'before'", database_="scratch")
    probe = wal_probe(bolt_server.data_dir / "databases" / "scratch")
    query = SQL_UPDATE.replace(FBNET, "probe-target")
    with pytest.raises(QueryError, match="written while the query ran"):
        _run(bolt_driver, query, {}, "scratch", 10.0, 10, probe)
    assert _run(bolt_driver, "MATCH (p:Paper) RETURN count(p) AS n", {}, "scratch", 10.0, 10, probe).rows  # a read passes


def test_cli_refuses_the_issue_query_in_one_line(bolt_server, bolt_driver, loaded_graph):
    from kg.cli import app

    before = _title(bolt_driver)
    result = CliRunner().invoke(app, ["cypher", SQL_UPDATE, "--data", str(bolt_server.data_dir)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: refused: function sql.eval()") and result.output.count("\n") == 1
    assert _title(bolt_driver) == before


def test_cli_reads_as_the_read_only_user(bolt_server, loaded_graph):
    from kg.cli import app

    result = CliRunner().invoke(app, ["cypher", "SHOW TRANSACTIONS YIELD username RETURN username", "--format", "json",
                                      "--data", str(bolt_server.data_dir)])
    assert result.exit_code == 0, result.output
    assert '"username": "reader"' in result.stdout and '"root"' not in result.stdout


def test_reader_password_stays_private(bolt_server):
    user, password = bolt_server.reader_auth()
    assert user == "reader" and password != bolt_server.password()
    assert (bolt_server.data_dir / "reader-credentials").stat().st_mode & 0o077 == 0
    assert password not in Path(f"/proc/{bolt_server.pid}/cmdline").read_bytes().decode()
    assert password not in (bolt_server.data_dir / "server.log").read_text(errors="replace")


@pytest.mark.slow
def test_timed_out_query_is_stopped_on_the_server(bolt_server, bolt_driver, reader_driver):
    with pytest.raises(QueryError, match="was stopped on the server"):
        run_cypher(reader_driver, SLOW, database="kg", timeout_s=1.0)
    assert _wait_until_gone(bolt_driver, "range(1, 3000000)") == []
    busy = _cpu_seconds(bolt_server.pid)
    time.sleep(1.0)
    print(f"server CPU in the second after the timeout: {_cpu_seconds(bolt_server.pid) - busy:.2f} s")


@pytest.mark.slow
def test_watchdog_ends_a_query_whose_client_gave_up(bolt_server, bolt_driver, reader_driver):
    """A client that never cancels (killed, or an old console): the server ends the query itself."""
    from tests.conftest_bolt import READER_QUERY_TIMEOUT_S

    errors = []

    def abandoned():
        try:
            reader_driver.execute_query("/* abandoned */ " + SLOW, database_="kg")
        except Exception as error:  # the termination, as the client sees it
            errors.append(str(error))

    worker = threading.Thread(target=abandoned, daemon=True)
    worker.start()
    worker.join(READER_QUERY_TIMEOUT_S + 60)
    assert not worker.is_alive() and errors and "kg.neo4j.server" in errors[0]
    assert _wait_until_gone(bolt_driver, "/* abandoned */") == []
