"""The explorer's query consoles: read-only SPARQL on the store and read-only Cypher over Bolt,
each bounded by a timeout and a row limit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool
    seconds: float


def run_sparql(graph, text: str, params: dict[str, str], *, named: str | None = None, limit: int = 1000,
               timeout: float = 10.0) -> QueryResult:
    """A read-only SPARQL query on the store (or a :class:`kg.api.SparqlEndpoint`), bounded by its timeout and row limit.

    ``named``: run that named query with ``params``; else run ``text`` with each parameter
    bound to ``?param_<name>`` (the named queries' convention). Updates raise QueryError.
    """
    import time

    from ..api import to_frame
    from ..graph.queries import PARAM_PREFIX

    started = time.perf_counter()
    if named:
        frame = graph.named(named, timeout=timeout, limit=limit, **params)
    else:
        bindings = {PARAM_PREFIX + k: v for k, v in params.items()}
        frame = to_frame(graph.query(text, bindings, timeout=timeout, limit=limit))
    return QueryResult(frame, bool(frame.attrs.get("truncated")), time.perf_counter() - started)


def example_queries() -> dict[str, object]:
    """The named SPARQL queries (``kg/ontology/queries/*.rq``) with their parsed headers, by name."""
    from ..graph.queries import load_named, named_queries

    return {name: load_named(name) for name in named_queries()}


def query_parameters(text: str) -> tuple[str, ...]:
    """Parameters an edited query takes: its ``?param_<name>`` variables, in order of appearance."""
    from ..graph.queries import PARAM_PREFIX

    seen: dict[str, None] = {}
    for name in re.findall(r"[?$]" + PARAM_PREFIX + r"([A-Za-z_]\w*)", text):
        seen.setdefault(name, None)
    return tuple(seen)


@dataclass
class CypherConsole:
    """A read-only Cypher connection (kg.neo4j.cypher's guards: writes refused, read-only user, READ mode, rollback)."""

    driver: object
    database: str | None
    where: str
    probe: object = None

    def run(self, text: str, params: dict[str, str], *, limit: int = 1000, timeout: float = 10.0) -> QueryResult:
        import time

        from ..neo4j import cypher

        started = time.perf_counter()
        result = cypher.run_cypher(self.driver, text, params, database=self.database, timeout_s=timeout, limit=limit,
                                   probe=self.probe)
        return QueryResult(result.to_dataframe(), result.truncated, time.perf_counter() - started)

    @staticmethod
    def examples() -> dict[str, tuple[str, dict[str, str | None]]]:
        """Named Cypher queries (``kg/ontology/queries/*.cypher``): text and parameters (None = required)."""
        from ..neo4j import cypher

        return {name: cypher.named_query(name) for name in cypher.named_cypher_queries()}


def cypher_console() -> CypherConsole | None:
    """A Cypher console when the Neo4j integration is installed and a Bolt server answers, else None.

    The server: the rule of :func:`kg.neo4j.bolt.connect` (``$NEO4J_URI`` as ``$NEO4J_USER`` with
    ``$NEO4J_PASSWORD``; give that user the ``reader`` role), else the local server of
    ``kg neo4j start``, as its read-only user.
    """
    connection = None
    try:
        from ..neo4j.bolt import connect

        connection = connect(read_only=True, timeout=3.0)
        connection.driver.verify_connectivity()
    except Exception:  # not installed, not configured, not running, no read-only user or refusing us: no Cypher tab
        if connection is not None:
            connection.driver.close()
        return None
    return CypherConsole(connection.driver, connection.database, connection.where, connection.probe)
