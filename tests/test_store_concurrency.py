"""Issue 13, finding 3: reads while builds switch the store see one complete version, and never fail."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

import kg
from _graph_helpers import FIXTURE
from kg.graph import store as kg_store

ROOT = Path(__file__).resolve().parent.parent
WRITER = """
import sys, time
from kg.graph import store
records = store.read_records_file(sys.argv[1])
path, until = sys.argv[2], time.monotonic() + float(sys.argv[3])
builds = 0
while time.monotonic() < until:
    store.write_store(records[: 2 if builds % 2 else 5], path)
    builds += 1
print(builds)
"""


def _read_once(path) -> tuple[int, int, int]:
    """(records, papers in SPARQL, papers in meta.json) of the version one open handle sees."""
    with kg.open(path) as graph:
        papers = graph.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }")["n"].tolist()[0]
        return len(graph.records()), papers, graph.meta()["papers"]


@pytest.mark.slow
def test_reads_during_rebuilds_see_one_whole_version(tmp_path):
    path = tmp_path / "store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    seconds = 8.0
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(FIXTURE), str(path), str(seconds)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: list[tuple[int, int, int]] = []
    errors: list[str] = []

    def reader() -> None:
        while writer.poll() is None:
            try:
                seen.append(_read_once(path))
            except Exception as error:  # any failure is what this test counts
                errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    out, err = writer.communicate(timeout=120)
    for thread in threads:
        thread.join()
    assert writer.returncode == 0, err[-2000:]
    builds = int(out.strip())
    mixed = [s for s in seen if len(set(s)) != 1 or s[0] not in (2, 5)]
    print(f"{len(seen)} reads during {builds} builds: {len(errors)} errors, {len(mixed)} mixed versions")
    assert builds >= 3 and len(seen) >= 10
    assert errors == [] and mixed == [], errors[:3]
    assert {s[0] for s in seen} == {2, 5}  # both versions were read
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    assert len(list((tmp_path / ".store.versions").iterdir())) == 1  # released versions are collected


def test_a_broken_store_is_a_one_line_error(tmp_path):
    path = tmp_path / "store"
    kg_store.write_store(kg_store.read_records_file(FIXTURE), path)
    for sst in (path / "oxigraph").glob("*"):
        if sst.is_file() and sst.stat().st_size > 0:
            sst.write_bytes(b"\0" * 7)  # truncated and overwritten
    done = subprocess.run([sys.executable, "-m", "kg", "query", "SELECT ?s WHERE { ?s ?p ?o }", "--store", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and done.stderr.strip().count("\n") == 0, done.stderr[-1500:]
