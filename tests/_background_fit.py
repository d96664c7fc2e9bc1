"""The held-out fold's models for tests/test_quality_cv.py, fitted in a background process that starts
when collection ends: the fit (minutes, mostly one core) then overlaps the rest of the suite instead of
adding to it. The same fit as `python -m kg.extract.learn.fit --hold-out 0/5`, so the same models as
fitting inline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FOLD_FIT = pytest.StashKey()  # config.stash: the session's BackgroundFit
ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = "0/5"
MODELS = "fold0-models"  # inside the fit's temporary folder


@dataclass
class BackgroundFit:
    process: subprocess.Popen
    base: Path

    def wait(self, timeout_s: float = 3600) -> Path:
        """The fitted models' folder once the fit has finished; RuntimeError with the log's tail if it failed."""
        code = self.process.wait(timeout=timeout_s)
        if code != 0:
            tail = (self.base / "fit.log").read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the held-out fold's fit exited with {code}:\n{tail}")
        return self.base / MODELS

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)


def start() -> BackgroundFit:
    base = Path(tempfile.mkdtemp(prefix="kg-fold0-"))
    models = base / MODELS
    with (base / "fit.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.extract.learn.fit", "--out", str(models), "--work", str(models),
             "--hold-out", HELD_OUT],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return BackgroundFit(process, base)
