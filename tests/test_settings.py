"""kg.settings: the one reader of the environment, and the one Bolt rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import settings

NEO4J = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@pytest.fixture
def env(monkeypatch):
    for name in (*NEO4J, "KG_STORE", "KG_STORE_ROOT", "KG_SPARQL_ENDPOINT", "KG_BOLT_DIR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(env):
    assert settings.store() == Path("kg-store")
    assert settings.bolt_dir() == Path(".kg/bolt")
    assert settings.sparql_endpoint() is None
    assert settings.store_root() == Path.cwd().resolve()
    assert settings.neo4j_server() is None  # the local server


def test_environment(env, tmp_path):
    env.setenv("KG_STORE", str(tmp_path / "s"))
    env.setenv("KG_SPARQL_ENDPOINT", "  http://x/sparql ")
    assert settings.store() == tmp_path / "s"
    assert settings.store_root() == tmp_path.resolve()
    assert settings.sparql_endpoint() == "http://x/sparql"


def test_bolt_rule_option_then_environment_then_local(env):
    env.setenv("NEO4J_URI", "bolt://env:7687")
    env.setenv("NEO4J_USER", "reader")
    env.setenv("NEO4J_PASSWORD", "secret")
    env.setenv("NEO4J_DATABASE", "papers")
    assert settings.neo4j_server() == settings.Neo4jServer("bolt://env:7687", "reader", "secret", "papers")
    given = settings.neo4j_server("bolt://opt:7687", "me", "other")
    assert given == settings.Neo4jServer("bolt://opt:7687", "me", "secret", "other")
    env.delenv("NEO4J_USER")
    assert settings.neo4j_server().user == "neo4j"


def test_ontology_is_package_data():
    assert settings.SHAPES.is_file() and settings.SHAPES.parent.parent == Path(settings.__file__).parent
    assert (settings.QUERIES_DIR / "leaderboard.rq").is_file()
