"""The one place that reads environment variables and holds defaults (store, SPARQL endpoint, Bolt).

Everything else asks here, so a default or an environment rule changes in one line.
Light on purpose: standard library only, so ``import kg`` and ``kg --help`` stay fast.
(``kg/extract`` reads its own two switches, ``KG_EXTRACT_RULES`` and ``KG_EXTRACT_NER``.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Package data: the OWL ontology, the SHACL shapes and the named queries travel inside the wheel.
ONTOLOGY_DIR = Path(__file__).resolve().parent / "ontology"
QUERIES_DIR = ONTOLOGY_DIR / "queries"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"

DEFAULT_STORE = "kg-store"
DEFAULT_BOLT_DIR = ".kg/bolt"
PASSWORD_ENV = "NEO4J_PASSWORD"
DEFAULT_NEO4J_USER = "neo4j"


def _env(name: str) -> str | None:
    """The variable's value; None when unset or empty."""
    return os.environ.get(name) or None


def store() -> Path:
    """``$KG_STORE`` when set, else ``./kg-store``."""
    return Path(_env("KG_STORE") or DEFAULT_STORE)


def store_root() -> Path:
    """The folder the explorer may open stores under: ``$KG_STORE_ROOT``, else the default store's folder."""
    # abspath, not resolve: the store is a link into .<store>.versions/, its folder is where it sits
    return Path(_env("KG_STORE_ROOT") or Path(os.path.abspath(store())).parent).resolve()


def sparql_endpoint() -> str | None:
    """``$KG_SPARQL_ENDPOINT``: a SPARQL endpoint the query console sends its queries to (else the store)."""
    return (_env("KG_SPARQL_ENDPOINT") or "").strip() or None


def bolt_dir() -> Path:
    """The local Bolt server's data folder: ``$KG_BOLT_DIR`` when set, else ``./.kg/bolt``."""
    return Path(_env("KG_BOLT_DIR") or DEFAULT_BOLT_DIR)


def neo4j_password() -> str | None:
    """``$NEO4J_PASSWORD``; never an option, never printed."""
    return os.environ.get(PASSWORD_ENV) or None


@dataclass(frozen=True)
class Neo4jServer:
    """A Neo4j server named by the user (not the local one of ``kg neo4j start``)."""

    uri: str
    user: str
    password: str | None
    database: str | None


def neo4j_server(uri: str | None = None, user: str | None = None, database: str | None = None) -> Neo4jServer | None:
    """The Bolt rule: ``uri`` (``--uri``), else ``$NEO4J_URI``; None means the local server.

    Its user: ``user``, else ``$NEO4J_USER``, else neo4j; its database: ``database``, else
    ``$NEO4J_DATABASE``, else the server's default; its password: ``$NEO4J_PASSWORD``.
    """
    uri = uri or _env("NEO4J_URI")
    if not uri:
        return None
    return Neo4jServer(uri, user or _env("NEO4J_USER") or DEFAULT_NEO4J_USER, neo4j_password(),
                       database or _env("NEO4J_DATABASE"))
