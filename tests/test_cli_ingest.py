"""The `kg ingest` command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run_kg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_ingest_seeds(tmp_path):
    out = tmp_path / "papers.jsonl"
    result = run_kg("ingest", "data/seeds", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "398 entries read, 48 merged as duplicates, 0 skipped -> 350 papers" in result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 350
    assert {"id", "title", "abstract", "author_count", "published", "upvotes", "code_urls", "sources"} <= set(rows[0])


def test_mixed_good_and_bad_input(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "title": "Fine", "abstract": "Fine abstract."}\n{"id": \n')
    out = tmp_path / "papers.jsonl"
    result = run_kg("ingest", str(bad), str(tmp_path / "nope.csv"), "--out", str(out))
    assert result.returncode == 3
    assert f"{bad}:2: broken JSON" in result.stderr
    assert "nope.csv:0: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(out.read_text().splitlines()) == 1


def test_previous_output_survives_when_nothing_is_readable(tmp_path):
    out = tmp_path / "papers.jsonl"
    out.write_text("previous\n")
    result = run_kg("ingest", str(tmp_path / "missing.txt"), "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert out.read_text() == "previous\n"


def test_every_command_has_help_and_is_documented():
    readme = (ROOT / "README.md").read_text()
    import typer.main

    from kg.cli import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.help, f"kg {name} has no help text"
        assert f"kg {name}" in readme, f"kg {name} is not documented in README.md"
        result = run_kg(name, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout
