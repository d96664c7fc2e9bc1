pytest_plugins = ["tests.conftest_bolt"]

import importlib.util

import pytest

from tests._background_fit import FOLD_FIT, start


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """The graph of the bundled seed listings, built once per session with the real extractor."""
    from pathlib import Path

    from kg.build import build

    store = tmp_path_factory.mktemp("seeds") / "store"
    build([Path(__file__).parent.parent / "data" / "seeds"], store)
    return store


def pytest_collection_finish(session):
    """Start the held-out fold's fit (tests/_background_fit.py) when the quality floors will run."""
    if session.config.option.collectonly or importlib.util.find_spec("sklearn") is None:
        return
    if any(item.path.name == "test_quality_cv.py" for item in session.items):
        session.config.stash[FOLD_FIT] = start()


def pytest_sessionfinish(session):
    fit = session.config.stash.get(FOLD_FIT, None)
    if fit is not None:
        fit.stop()
