"""Shared helpers for the graph tests (store built from the hand-annotated fixture)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "records_small.jsonl"
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
KAN = "Kolmogorov-Arnold Network"
MLP = "Multi-Layer Perceptron"

# Parameters to run every named query with on the fixture.
NAMED_PARAMS = {
    "methods_outperforming": {"method": KAN},
    "method_results": {"method": KAN},
    "leaderboard": {"dataset": "ImageNet", "metric": "top-1 accuracy"},
    "papers_of_method": {"method": KAN},
    "cooccurring_entities": {"name": KAN, "label": "method"},
    "mentions_per_listing_date": {"method": "hypernetwork"},
    "conflicting_claims": {},
}


def run_kg(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI (``python -m kg``) from this worktree."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)
