"""Shared by the app tests: a graph store built from the hand-annotated fixture, and a page runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "records_app.jsonl"
ARTIFACTS = ROOT / "tests" / "artifacts"
XSS_ID = "script-alert-1-script-revisiting-kan-b-versus-b-mlp"
XSS_TITLE = "<script>alert(1)</script> Revisiting KAN <b>versus</b> MLP"


def build_store(directory: Path, records: Path = FIXTURE) -> Path:
    """`kg build --records RECORDS --store DIR`: the real build, from a records checkpoint."""
    store = directory / "store"
    command = [sys.executable, "-m", "kg", "build", "--records", str(records), "--store", str(store)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"kg build failed ({done.returncode}): {done.stderr[-2000:]}")
    return store


ENTRY = str(ROOT / "app" / "streamlit_app.py")


def page_runner(store: Path, monkeypatch, timeout: float = 60):
    """``run(page, **query_params)``: an AppTest of one explorer page on ``store``, checked for errors."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KG_STORE", str(store))

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=timeout)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "search":
            at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    return run
