"""A wheel install works away from the checkout: the ontology, the shapes and the named queries travel
inside the package (``kg/ontology/``), so ``kg build``, ``kg validate`` and a named query run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = ("kg/ontology/kg.ttl", "kg/ontology/shapes.ttl", "kg/ontology/property-graph.md",
                "kg/ontology/queries/README.md", "kg/ontology/queries/leaderboard.rq",
                "kg/ontology/queries/leaderboard.cypher")

pytestmark = pytest.mark.slow


def _run(*args, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    build = tmp_path_factory.mktemp("build-src")
    shutil.copytree(ROOT, build / "src", ignore=shutil.ignore_patterns(
        ".venv", ".git", "*.egg-info", "build", "dist", "__pycache__", "tests", "bench", "training", "data"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, build / "src", cwd=build, timeout=600)
    return next(dist.glob("papers_kg-*.whl"))


def test_the_wheel_carries_the_ontology_shapes_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(PACKAGE_DATA) <= names, set(PACKAGE_DATA) - names


def _see_this_environment(python: Path, cwd: Path) -> None:
    """The dependencies come from the environment running the tests (which may itself be a venv, so
    --system-site-packages alone does not reach it): its site folders go on the new venv's path. A path
    in a .pth file is not scanned for .pth files, so an editable install of kg there stays out of sight."""
    ask = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(python, "-c", ask, cwd=cwd).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_test_environment.pth").write_text("\n".join(sorted(ours)) + "\n")


def test_a_wheel_install_builds_validates_and_answers_a_named_query(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    python, kg = venv / "bin" / "python", venv / "bin" / "kg"
    _see_this_environment(python, tmp_path)
    _run(python, "-m", "pip", "install", "--no-deps", "--quiet", wheel, cwd=tmp_path)
    work = tmp_path / "work"  # far from the checkout: nothing there can be found
    work.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "records_small.jsonl", work / "records.jsonl")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_STORE", "PYTHONHOME")}
    where = _run(python, "-c", "import kg; print(kg.__file__)", cwd=work, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel, not the editable checkout
    _run(kg, "build", "--records", "records.jsonl", "--store", "store", cwd=work, env=env)
    assert "conforms" in _run(kg, "validate", "--store", "store", cwd=work, env=env).stderr
    leaderboard = _run(kg, "query", "leaderboard", "--store", "store", "-f", "csv", cwd=work, env=env).stdout
    header, *rows = leaderboard.splitlines()
    assert header.startswith("method,value,"), leaderboard
    assert rows, leaderboard
