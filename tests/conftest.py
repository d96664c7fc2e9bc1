pytest_plugins = ["tests.conftest_bolt"]

import pytest


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """The graph of the bundled seed listings, built once per session with the real extractor."""
    from pathlib import Path

    from kg.build import build

    store = tmp_path_factory.mktemp("seeds") / "store"
    build([Path(__file__).parent.parent / "data" / "seeds"], store)
    return store
