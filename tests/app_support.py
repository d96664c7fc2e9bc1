"""Shared by the app tests: a graph store built from the hand-annotated fixture."""

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


def build_store(directory: Path) -> Path:
    """`kg build --records FIXTURE --store DIR`: the real build, from the records checkpoint."""
    store = directory / "store"
    command = [sys.executable, "-m", "kg", "build", "--records", str(FIXTURE), "--store", str(store)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"kg build failed ({done.returncode}): {done.stderr[-2000:]}")
    return store
