"""`import kg` and `kg --help` stay light: heavy libraries load only where they are used."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("spacy", "rdflib", "pyoxigraph", "neo4j", "streamlit", "pandas", "networkx", "torch", "dask", "distributed")


def _modules_after(code: str) -> set[str]:
    script = f"import sys; {code}; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    return {name.split(".")[0] for name in result.stdout.split()}


def test_import_kg_loads_no_heavy_library():
    assert not _modules_after("import kg") & set(HEAVY)


def test_cli_help_loads_no_heavy_library():
    loaded = _modules_after("import kg.cli, kg.cli._app")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_lazy_api_attribute():
    import kg

    assert callable(kg.open)


@pytest.mark.parametrize("blocked, argv", [("neo4j", ["cypher", "RETURN 1"]),
                                           ("arcadedb_embedded", ["neo4j", "start", "--data", "bolt"])])
def test_a_missing_extra_is_one_line_naming_it(tmp_path, blocked, argv):
    code = f"import sys; sys.modules[{blocked!r}] = None; sys.argv = ['kg', *{argv!r}]; from kg.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"Error: {blocked} is not installed; pip install 'papers-kg[neo4j]'\n"
