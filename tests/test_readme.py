"""The README's Python API example runs as written (doctest) on the seed graph."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"

pytestmark = pytest.mark.slow


def _python_api_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Python API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "README's Python API section has no python example"
    return match.group(1)


def test_python_api_example_runs_as_documented(seed_store, monkeypatch):
    monkeypatch.chdir(seed_store.parent)
    example = _python_api_example().replace('"kg-store"', repr(seed_store.name).replace("'", '"'))
    test = doctest.DocTestParser().get_doctest(example, {}, "README Python API", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
