"""Extraction on Dask (`--dask`): a scheduler and two worker processes on 127.0.0.1 give the records of a
local run, byte for byte (issue 12, part 3)."""

from __future__ import annotations

import json
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.errors import ExtractionError
from kg.extract import extract_papers, on_dask
from kg.ingest import ingest
from kg.records import Paper

ROOT = Path(__file__).resolve().parents[1]
LISTING = ROOT / "data" / "seeds" / "002_3cc7ef88fcfacc12.txt"  # 35 real papers
KAN = Path(__file__).parent / "fixtures" / "kan_papers.jsonl"


@pytest.fixture(scope="module")
def scheduler():
    """The address of a Dask scheduler with two single-threaded worker processes."""
    from distributed import LocalCluster

    with LocalCluster(host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def local_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("local") / "store"
    build([LISTING], store)
    return store


def test_chunks_are_whole_batches_in_input_order():
    papers = [Paper(id=str(i), title="", abstract="") for i in range(70)]
    pieces = on_dask.chunks(papers, 20, 8)  # rounded up to 24 = three batches of 8
    assert [len(p) for p in pieces] == [24, 24, 22]
    assert [p for piece in pieces for p in piece] == papers


def test_drafts_survive_pickling():
    from kg.extract.pipeline import draft_papers

    drafts = draft_papers(ingest([KAN]).papers)
    assert pickle.loads(pickle.dumps(drafts)) == drafts


def test_kg_extract_on_dask_writes_the_local_output(scheduler, tmp_path):
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(LISTING), "--out", str(local)]).exit_code == 0
    # chunks of 8 are rounded up to one batch of 32: two tasks, one per worker
    result = runner.invoke(app, ["extract", str(LISTING), "--out", str(remote), "--dask", scheduler,
                                 "--chunk-size", "8"])
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()


def test_small_chunks_and_progress(scheduler):
    papers = ingest([LISTING]).papers
    seen: list[int] = []
    records = extract_papers(papers, batch_size=4, chunk_size=4, dask=scheduler, on_progress=seen.append)
    assert len(seen) == 9 and sum(seen) == len(papers)  # nine tasks, finished in any order
    assert records == extract_papers(papers, batch_size=4)


def test_kg_build_on_dask_writes_the_local_records(scheduler, local_store, tmp_path):
    store = tmp_path / "store"
    result = CliRunner().invoke(app, ["build", str(LISTING), "--store", str(store), "--dask", scheduler])
    assert result.exit_code == 0, result.output
    assert (store / "records.jsonl").read_bytes() == (local_store / "records.jsonl").read_bytes()
    meta = json.loads((store / "meta.json").read_text())
    assert meta["triples"] == json.loads((local_store / "meta.json").read_text())["triples"]


def test_workers_of_another_extractor_are_refused(scheduler, monkeypatch):
    monkeypatch.setattr(on_dask, "EXTRACTOR_VERSION", "kg-extract-other")
    with pytest.raises(ExtractionError, match="runs extractor .* this client kg-extract-other"):
        extract_papers(ingest([KAN]).papers, dask=scheduler)


@pytest.mark.slow
def test_dask_local_starts_and_closes_its_own_cluster(monkeypatch, tmp_path):
    monkeypatch.setattr(on_dask.os, "cpu_count", lambda: 1)  # one worker process: one pipeline to load
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", str(KAN), "--out", str(out), "--dask", "local"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["kan1", "kan2", "kan3"]


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kg", "extract", str(KAN), "--out", str(tmp_path / "x.jsonl"),
                             "--dask", f"tcp://127.0.0.1:{port}"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot reach a Dask scheduler at tcp://127.0.0.1:{port}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - start < on_dask.CONNECT_TIMEOUT + 10


def test_without_dask_installed_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "kg.extract.on_dask")
    with pytest.raises(ExtractionError, match=r"pip install 'papers-kg\[dask\]'"):
        extract_papers(ingest([KAN]).papers, dask="local")
