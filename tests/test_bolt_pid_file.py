"""The local Bolt server's pid file: kept for a live server, removed only for a process that is not one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.neo4j import server


@pytest.fixture
def sleeper():
    """A live process whose command line names ``kg.neo4j.server`` as one argument, like a server's."""
    def start(*marker: str) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *marker])
        started.append(child)
        return child

    started: list[subprocess.Popen] = []
    yield start
    for child in started:
        child.kill()
        child.wait()


def _recorded(data_dir, pid: int) -> None:
    (data_dir / "server.pid").write_text(f"{pid}\n")
    info = {"pid": pid, "port": 7, "http_port": 8, "user": "root", "database": "kg", "reader": "reader"}
    (data_dir / "server.json").write_text(json.dumps(info))


def test_an_empty_command_line_read_does_not_cost_a_live_server_its_pid_file(sleeper, tmp_path, monkeypatch):
    """The kernel answers an empty /proc/<pid>/cmdline now and then while a JVM maps memory: read again."""
    child = sleeper("kg.neo4j.server")
    _recorded(tmp_path, child.pid)
    real = server._command_line
    reads = []

    def empty_three_times(pid: int) -> bytes | None:
        reads.append(pid)
        return b"" if len(reads) <= 3 else real(pid)

    monkeypatch.setattr(server, "_command_line", empty_three_times)
    info = server.running(tmp_path)
    assert len(reads) == 4
    assert info is not None and info.pid == child.pid and info.port == 7
    assert (tmp_path / "server.pid").exists()


def test_a_command_line_that_stays_empty_leaves_a_live_process_its_pid_file(sleeper, tmp_path, monkeypatch):
    child = sleeper("kg.neo4j.server")
    _recorded(tmp_path, child.pid)
    monkeypatch.setattr(server, "_command_line", lambda pid: b"")
    assert server.running(tmp_path).pid == child.pid
    assert (tmp_path / "server.pid").exists()


def test_the_pid_file_of_another_program_is_removed(sleeper, tmp_path):
    child = sleeper()
    _recorded(tmp_path, child.pid)
    assert server.running(tmp_path) is None
    assert not (tmp_path / "server.pid").exists()


def test_the_pid_file_of_a_gone_process_is_removed(sleeper, tmp_path):
    child = sleeper("kg.neo4j.server")
    child.kill()
    child.wait()
    _recorded(tmp_path, child.pid)
    assert server.running(tmp_path) is None
    assert not (tmp_path / "server.pid").exists()


def test_the_pid_file_of_a_kernel_thread_is_removed(tmp_path):
    """A stale pid now held by a kernel thread (whose command line is always empty) is no server."""
    kernel_threads = [int(p.name) for p in Path("/proc").iterdir()
                      if p.name.isdigit() and server._is_kernel_thread(int(p.name))]
    if not kernel_threads:
        pytest.skip("no kernel thread is visible in this pid namespace")
    _recorded(tmp_path, kernel_threads[0])
    assert server.running(tmp_path) is None
    assert not (tmp_path / "server.pid").exists()
