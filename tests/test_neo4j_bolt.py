"""Against the real local Bolt server (ArcadeDB from PyPI): load, reload, read-only Cypher, named queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.errors import BackendError, QueryError
from kg.neo4j.cypher import _run, run_cypher, run_named
from kg.neo4j.sink import clear_graph, load, rows_for

pytestmark = pytest.mark.bolt

FBNET = "fbnet-hardware-aware-efficient-convnet-design-via-differentiable-neural-c258cf22"
MEAL = "meal-v2-boosting-vanilla-resnet-50-to-80-top-1-accuracy-on-imagenet-wit-5c00847d"
RESNET = "deep-residual-learning-for-image-recognition"
BIPER = "biper-binary-neural-networks-using-a-periodic-function"


def _counts(driver, database="kg"):
    labels = run_cypher(driver, "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n", database=database)
    types = run_cypher(driver, "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database=database)
    return {row[0]: row[1] for row in labels.rows} | {row[0]: row[1] for row in types.rows}


def test_load_creates_exactly_the_rows(bolt_driver, fixture_records, loaded_graph):
    rows = rows_for(fixture_records)
    assert loaded_graph.nodes_created == rows.node_count()
    assert loaded_graph.relationships_created == rows.rel_count()
    assert _counts(bolt_driver) == rows.counts()


def test_reload_changes_nothing(bolt_driver, fixture_records, loaded_graph):
    before = _counts(bolt_driver)
    again = load(bolt_driver, fixture_records, database="kg", batch_size=7)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert _counts(bolt_driver) == before


def test_load_streams_and_reload_creates_nothing(bolt_driver, fixture_records):
    """load reads a factory of one-shot iterators twice and writes batches before it has read the last
    record; a second streamed load creates nothing."""
    from tests.test_neo4j_sink import OneShotRecords

    clear_graph(bolt_driver, "scratch")
    source = OneShotRecords(fixture_records)
    progress = []
    first = load(bolt_driver, source, database="scratch", batch_size=3,
                 on_batch=lambda n: progress.append((source.calls, source.read)))
    assert source.calls == 2 and max(source.alive_at_read) <= 1
    assert any(calls == 2 and read < len(fixture_records) for calls, read in progress), progress
    rows = rows_for(fixture_records)
    assert (first.nodes_created, first.relationships_created) == (rows.node_count(), rows.rel_count())
    assert (first.nodes, first.relationships, first.batches) == (rows.node_count(), rows.rel_count(), len(progress))
    assert _counts(bolt_driver, "scratch") == rows.counts()
    again = load(bolt_driver, OneShotRecords(fixture_records), database="scratch", batch_size=2)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert _counts(bolt_driver, "scratch") == rows.counts()


def test_constraints_exist_after_load(bolt_driver, loaded_graph):
    shown = run_cypher(bolt_driver, "SHOW CONSTRAINTS", database="kg").records()
    assert {(c["labelsOrTypes"][0], c["properties"][0]) for c in shown} >= {("Paper", "id"), ("Method", "key"), ("Claim", "id")}


def test_write_is_refused_and_writes_nothing(bolt_driver, loaded_graph):
    before = _counts(bolt_driver)
    with pytest.raises(QueryError, match="refused"):
        run_cypher(bolt_driver, "CREATE (p:Paper {id: 'intruder'}) RETURN p", database="kg")
    # Past the text check, the transaction guard still rolls a write back (this server ignores READ mode).
    with pytest.raises(QueryError, match="rolled back"):
        _run(bolt_driver, "CREATE (p:Paper {id: 'intruder'}) RETURN p.id AS id", {}, "kg", 10.0, 10)
    assert _counts(bolt_driver) == before
    assert run_cypher(bolt_driver, "MATCH (p:Paper {id: 'intruder'}) RETURN count(p) AS n", database="kg").rows == [[0]]


def test_params_limit_and_truncation(bolt_driver, loaded_graph):
    result = run_cypher(bolt_driver, "MATCH (m:Method) WHERE m.name STARTS WITH $prefix RETURN m.name AS name ORDER BY name",
                        {"prefix": "FBNet"}, database="kg")
    assert result.rows == [["FBNet"], ["FBNet-B"]]
    limited = run_cypher(bolt_driver, "MATCH (m:Method) RETURN m.name AS name ORDER BY name", database="kg", limit=2)
    assert len(limited.rows) == 2 and limited.truncated


def test_timeout_abandons_a_slow_query(bolt_driver):
    with pytest.raises(QueryError, match="did not finish within"):
        run_cypher(bolt_driver, "UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n",
                   database="scratch", timeout_s=0.3)


def test_syntax_error_is_a_query_error(bolt_driver):
    with pytest.raises(QueryError, match="rejected"):
        run_cypher(bolt_driver, "MATCH (n RETURN n", database="kg")


def test_methods_outperforming(bolt_driver, loaded_graph):
    result = run_named(bolt_driver, "methods_outperforming", database="kg", method="ResNet-50")
    assert result.columns == ["winner", "baseline", "dataset", "metric", "value", "paper_id", "paper_title", "sentence"]
    assert [row[:6] for row in result.rows] == [["MEAL V2", "ResNet-50", "ImageNet", "top-1 accuracy", "80.67%", MEAL]]
    assert result.rows[0][7].startswith("Our method obtains 80.67% top-1 accuracy")
    assert run_named(bolt_driver, "methods_outperforming", database="kg", method="MEAL V2").rows == []


def test_method_results(bolt_driver, loaded_graph):
    result = run_named(bolt_driver, "method_results", database="kg", method="FBNet-B")
    assert result.columns == ["method", "type", "baseline", "dataset", "metric", "value", "paper_id", "sentence"]
    assert sorted(tuple(row[:7]) for row in result.rows) == sorted([
        ("FBNet-B", "achieves", None, "ImageNet", "top-1 accuracy", "74.1%", FBNET),
        ("FBNet-B", "outperforms", "MnasNet", None, "latency", None, FBNET),
    ])


def test_leaderboard_filters(bolt_driver, loaded_graph):
    everything = run_named(bolt_driver, "leaderboard", database="kg")
    assert everything.columns == ["method", "value", "value_number", "unit", "direction", "dataset", "metric",
                                  "paper_id", "paper_title", "date", "sentence"]
    # scores only: BiPer's gains, FBNet's range and ratios, ResNet's 8x and 28% relative improvement are no scores
    assert [(row[0], row[1], row[5], row[6]) for row in everything.rows] == [
        ("ResNet", "3.57%", "ImageNet", "error"), ("MEAL V2", "80.67%", "ImageNet", "top-1 accuracy"),
        ("FBNet-B", "74.1%", "ImageNet", "top-1 accuracy")]
    top1 = run_named(bolt_driver, "leaderboard", database="kg", dataset="ImageNet", metric="top-1 accuracy")
    assert [(row[0], row[2], row[4]) for row in top1.rows] == [("MEAL V2", 80.67, "higher"), ("FBNet-B", 74.1, "higher")]
    assert run_named(bolt_driver, "leaderboard", database="kg", task="object detection").rows == []


def test_papers_of_method(bolt_driver, loaded_graph):
    result = run_named(bolt_driver, "papers_of_method", database="kg", method="BiPer")
    assert result.columns == ["paper_id", "paper_title", "relation", "published"]
    assert [(r[0], r[2], r[3]) for r in result.rows] == [(BIPER, "proposes", "2024-04-01")]  # proposing wins
    resnet50 = run_named(bolt_driver, "papers_of_method", database="kg", method="ResNet-50")
    assert [(r[0], r[2]) for r in resnet50.rows] == [(MEAL, "mentions")]


def test_cooccurring_entities(bolt_driver, loaded_graph):
    result = run_named(bolt_driver, "cooccurring_entities", database="kg", name="ImageNet", label="dataset")
    assert result.columns == ["other", "other_label", "papers"]
    rows = {(r[0], r[1]): r[2] for r in result.rows}
    assert rows[("top-1 accuracy", "metric")] == 2  # FBNet and MEAL V2
    assert rows[("CIFAR-10", "dataset")] == 2  # BiPer and ResNet
    assert rows[("BiPer", "method")] == 1
    assert ("ImageNet", "dataset") not in rows
    assert result.rows[0][2] == max(rows.values())


def test_mentions_per_listing_date(bolt_driver, loaded_graph):
    result = run_named(bolt_driver, "mentions_per_listing_date", database="kg", method="BiPer")
    assert result.columns == ["listing_date", "papers"]
    assert result.rows == [["Mar 12", 1], ["Nov 3", 1]]


def test_conflicting_claims(bolt_driver, fixture_records, loaded_graph):
    from dataclasses import replace

    from kg.records import Claim

    assert run_named(bolt_driver, "conflicting_claims", database="kg").rows == []
    # Two papers that disagree: the FBNet record as it is, and a copy claiming the opposite.
    fbnet = next(r for r in fixture_records if r.paper.id == FBNET)
    sentence = fbnet.claims[2].sentence
    win = Claim(sentence, "abstract", fbnet.claims[2].start, fbnet.claims[2].end, "outperforms", "FBNet", "MobileNetV2",
                dataset=("ImageNet",), metric=("top-1 accuracy",))
    lose = replace(win, subject="MobileNetV2", object="FBNet")
    other = replace(fbnet, paper=replace(fbnet.paper, id="contrary-paper"), claims=(lose,))
    load(bolt_driver, [replace(fbnet, claims=(win,)), other], database="scratch")
    result = run_named(bolt_driver, "conflicting_claims", database="scratch")
    assert result.columns == ["method_a", "method_b", "dataset", "metric", "paper_a", "paper_b"]
    assert result.rows == [["FBNet", "MobileNetV2", "ImageNet", "top-1 accuracy", FBNET, "contrary-paper"]]


def test_unreachable_server_is_a_clear_error(fixture_records):
    from neo4j import GraphDatabase

    from kg.neo4j.server import free_port

    with GraphDatabase.driver(f"bolt://127.0.0.1:{free_port()}", auth=("root", "x" * 8), connection_timeout=2.0) as dead:
        with pytest.raises(BackendError, match="lost the connection.*re-run"):
            load(dead, fixture_records[:1], database="kg")
        with pytest.raises(BackendError, match="lost the connection"):
            run_cypher(dead, "RETURN 1 AS x")


# --- CLI ---------------------------------------------------------------------------------------


def _cli(args, env=None):
    from kg.cli import app

    result = CliRunner().invoke(app, args, env=env or {})
    return result


def test_cli_load_count_and_refusal(bolt_server, bolt_driver, fixture_records, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    store = tmp_path / "store"
    store.mkdir()
    src = Path(__file__).parent / "fixtures" / "records_neo4j.jsonl"
    (store / "records.jsonl").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    data = ["--data", str(bolt_server.data_dir)]
    first = _cli(["neo4j", "load", "--store", str(store), "--database", "scratch", *data])
    assert first.exit_code == 0, first.output
    again = _cli(["neo4j", "load", "--store", str(store), "--database", "scratch", *data])
    assert again.exit_code == 0 and "(0 new)" in again.output, again.output
    ids = json.dumps([r.paper.id for r in fixture_records])
    count = _cli(["cypher", "MATCH (p:Paper) WHERE p.id IN $ids RETURN count(p) AS n", "-p", f"ids:={ids}",
                  "--format", "json", "--database", "scratch", *data])
    assert count.exit_code == 0, count.output
    assert json.loads(count.stdout) == [{"n": len(fixture_records)}]
    total = _cli(["cypher", "MATCH (p:Paper) RETURN count(p) AS n", "--format", "json", "--database", "scratch", *data])
    papers = json.loads(total.stdout)[0]["n"]
    refused = _cli(["cypher", "CREATE (p:Paper {id: 'intruder'})", "--database", "scratch", *data])
    assert refused.exit_code == 1 and "refused" in refused.output
    after = _cli(["cypher", "MATCH (p:Paper) RETURN count(p) AS n", "--format", "csv", "--database", "scratch", *data])
    assert after.stdout.splitlines() == ["n", str(papers)]
    nodes_before = run_cypher(bolt_driver, "MATCH (n) RETURN count(n) AS n", database="scratch").rows[0][0]
    replaced = _cli(["neo4j", "load", "--store", str(store), "--database", "scratch", "--replace", *data])
    assert replaced.exit_code == 0, replaced.output
    assert f"--replace: {nodes_before} nodes deleted" in replaced.output
    assert _counts(bolt_driver, "scratch") == rows_for(fixture_records).counts()
    assert f"{rows_for(fixture_records).node_count()} nodes ({rows_for(fixture_records).node_count()} new)" in replaced.output
    named = _cli(["cypher", "--named", "methods_outperforming", "-p", "method=ResNet-50", "--format", "csv",
                  "--database", "scratch", *data])
    assert named.exit_code == 0 and named.stdout.splitlines()[1].startswith("MEAL V2,ResNet-50,ImageNet"), named.output
    assert bolt_server.password() not in first.output + count.output + refused.output


def test_cli_without_server_is_one_line_error(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kg", "cypher", "RETURN 1 AS x", "--data", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and done.stderr.startswith("Error: no local Bolt server")
    assert "kg neo4j start" in done.stderr


def test_server_is_local_and_password_stays_off_command_lines_and_logs(bolt_server):
    from kg.neo4j.server import running

    password = bolt_server.password()
    assert running(bolt_server.data_dir) == bolt_server
    assert bolt_server.uri.startswith("bolt://127.0.0.1:")
    cmdline = Path(f"/proc/{bolt_server.pid}/cmdline").read_bytes().decode()
    assert "kg.neo4j.server" in cmdline and password not in cmdline
    assert password not in (bolt_server.data_dir / "server.log").read_text(errors="replace")
    assert (bolt_server.data_dir / "credentials").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_load_cut_by_a_dying_server_is_finished_by_a_rerun(fixture_records, tmp_path):
    """Kill -9 the server in the middle of a load: a clear error; restart and re-run: the full graph."""
    import os
    import signal

    from neo4j import GraphDatabase

    from kg.neo4j import server as bolt_server

    rows = rows_for(fixture_records)
    data = tmp_path / "dying"
    server = bolt_server.start(data, bolt_server.free_port(), heap="256m", watch_pid=os.getpid())
    try:
        driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password()), max_transaction_retry_time=1.0)
        batches = []

        def kill_after_three(n):
            batches.append(n)
            if len(batches) == 3:
                os.kill(server.pid, signal.SIGKILL)

        with pytest.raises(BackendError, match=r"lost the connection .*re-run") as failure:
            load(driver, fixture_records, database="kg", batch_size=5, on_batch=kill_after_three)
        assert f"after {sum(batches)} rows" in str(failure.value)
        driver.close()
        bolt_server.stop(data)  # clears the pid file of the dead server
        server = bolt_server.start(data, bolt_server.free_port(), heap="256m", watch_pid=os.getpid())
        with GraphDatabase.driver(server.uri, auth=(server.user, server.password())) as driver:
            partial = _counts(driver)
            assert 0 < sum(partial.values()) < rows.node_count() + rows.rel_count()
            load(driver, fixture_records, database="kg", batch_size=5)
            assert _counts(driver) == rows.counts()
    finally:
        bolt_server.stop(data)
