"""Read-only Cypher: write clauses refused, read access mode, never committed, timeout and row limit.

Three guards, because a Bolt server may not enforce the access mode (ArcadeDB's Bolt plugin runs a
``CREATE`` sent in a READ session):

1. the query text is checked: write clauses (CREATE, MERGE, DELETE, SET, REMOVE, DROP, LOAD CSV,
   FOREACH, ``CALL ... IN TRANSACTIONS``, administration commands) and procedure calls outside a
   read-only allow-list are refused before anything is sent;
2. the session is opened with ``default_access_mode=READ`` (Neo4j refuses writes there);
3. the query runs in an explicit transaction that is always rolled back, and a summary reporting
   updates raises :class:`QueryError`.

Named queries live in ``ontology/queries/<name>.cypher``; a ``// params:`` header line lists their
parameters (``name=''`` gives a default).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BackendError, QueryError

QUERIES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "queries"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_LIMIT = 1000

_WRITE_WORDS = {
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD",
    "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "START", "STOP", "TERMINATE", "ENABLE",
    "DEALLOCATE", "REALLOCATE", "IMPORT", "INSERT", "UPDATE", "TRUNCATE",
}
READ_PROCEDURES = {
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties", "db.indexes", "db.constraints",
    "dbms.components", "db.info",
}
_PARAM = re.compile(r"\$\w+")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*|\{")


def _code_only(query: str) -> str:
    """The query with comments, string literals, backticked names and parameters blanked out.

    One left-to-right pass, as the Cypher lexer reads it: a quote inside a comment or a comment
    marker inside a string does not start anything.
    """
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        pair = query[i : i + 2]
        if pair == "//":
            end = query.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif pair == "/*":
            end = query.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif ch in "'\"":
            i += 1
            while i < n and query[i] != ch:
                i += 2 if query[i] == "\\" else 1
            i += 1
            out.append(" '' ")
        elif ch == "`":
            i += 1
            while i < n:
                if query[i] == "`":
                    if query[i + 1 : i + 2] == "`":  # an escaped backtick
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            out.append(" `x` ")
        else:
            out.append(ch)
            i += 1
    return _PARAM.sub(" $p ", "".join(out))


def check_read_only(query: str) -> None:
    """Raise :class:`QueryError` when ``query`` could write (conservative: keywords used as names count)."""
    tokens = _TOKEN.findall(_code_only(query))
    for index, token in enumerate(tokens):
        word = token.upper()
        if word in _WRITE_WORDS:
            raise QueryError(
                f"refused: {word} is a write or administration clause and `kg cypher` is read-only "
                "(a property or label with that name must be written in backticks)"
            )
        if word == "IN" and index + 1 < len(tokens) and tokens[index + 1].upper() == "TRANSACTIONS":
            raise QueryError("refused: CALL { ... } IN TRANSACTIONS writes in batches and `kg cypher` is read-only")
        if word == "CALL":
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if following == "{":
                continue  # a subquery: its clauses are checked like the rest
            procedure = re.sub(r"\s+", "", following).lower()
            if procedure not in READ_PROCEDURES:
                raise QueryError(
                    f"refused: procedure {following or '?'} is not on the read-only list "
                    f"({', '.join(sorted(READ_PROCEDURES))})"
                )


@dataclass
class CypherResult:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def plain(value: Any) -> Any:
    """Driver values as JSON-ready Python: nodes and relationships become dicts, temporals ISO strings."""
    from neo4j.graph import Node, Path as GraphPath, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return {"nodes": [plain(n) for n in value.nodes], "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def run_cypher(
    driver: Any,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    limit: int = DEFAULT_LIMIT,
) -> CypherResult:
    """Run a read-only query; at most ``limit`` rows come back (``truncated`` says when more existed).

    The timeout is sent to the server as the transaction timeout and also enforced here: a query
    still running after ``timeout_s`` raises :class:`QueryError` (a server that ignores transaction
    timeouts may keep computing it in the background).
    """
    check_read_only(query)
    if limit < 1:
        raise QueryError("the row limit must be at least 1")
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _run(driver, query, params or {}, database, timeout_s, limit)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="kg-cypher", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise QueryError(f"the query did not finish within {timeout_s:g} s (use --timeout to allow more)")
    if "error" in outcome:
        raise _translate(outcome["error"])
    return outcome["result"]


def _run(driver: Any, query: str, params: dict[str, Any], database: str | None, timeout_s: float, limit: int) -> CypherResult:
    from neo4j import READ_ACCESS

    with driver.session(database=database, default_access_mode=READ_ACCESS, fetch_size=min(limit + 1, 1000)) as session:
        tx = session.begin_transaction(timeout=timeout_s)
        try:
            result = tx.run(query, params)
            out = CypherResult(columns=list(result.keys()))
            for record in result:
                if len(out.rows) >= limit:
                    out.truncated = True
                    break
                out.rows.append([plain(v) for v in record.values()])
            summary = result.consume()
            if summary.counters.contains_updates or summary.counters.contains_system_updates:
                raise QueryError("refused: the query changed the graph; the change was rolled back")
        finally:
            if tx.closed() is False:
                tx.rollback()  # a read never needs a commit
    return out


def _translate(error: BaseException) -> BaseException:
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

    if isinstance(error, (QueryError, BackendError)):
        return error
    if isinstance(error, AuthError):
        return BackendError("the Bolt server refused the credentials: check NEO4J_PASSWORD and --user")
    if isinstance(error, (ServiceUnavailable, SessionExpired, ConnectionError, OSError)):
        return BackendError(
            f"lost the connection to the Bolt server ({error.__class__.__name__}): is it running? "
            "(`kg neo4j start`, or check --uri)"
        )
    if isinstance(error, Neo4jError):
        message = (error.message or str(error)).strip().splitlines()[0]
        return QueryError(f"the server rejected the query: {message}")
    return error


# --- named queries -------------------------------------------------------------------------------


def named_cypher_queries() -> list[str]:
    return sorted(path.stem for path in QUERIES_DIR.glob("*.cypher"))


def named_query(name: str) -> tuple[str, dict[str, Any | None]]:
    """The text of ``ontology/queries/<name>.cypher`` and its parameters (None = required)."""
    path = QUERIES_DIR / f"{name}.cypher"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise QueryError(f"no named Cypher query {name!r}; known: {', '.join(named_cypher_queries())}")
    text = path.read_text(encoding="utf-8")
    params: dict[str, Any | None] = {}
    for line in text.splitlines():
        if line.startswith("// params:"):
            for item in line.split(":", 1)[1].split():
                key, _, default = item.partition("=")
                params[key] = default.strip("'\"") if _ else None
    return text, params


def run_named(driver: Any, query_name: str, /, *, database: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
              limit: int = DEFAULT_LIMIT, **params: Any) -> CypherResult:
    """Run a named query with ``params`` (missing optional ones take their defaults)."""
    name = query_name
    text, declared = named_query(name)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise QueryError(f"{name} has no parameter {', '.join(unknown)}; it takes {', '.join(declared) or 'none'}")
    values = {key: params.get(key, default) for key, default in declared.items()}
    missing = sorted(key for key, value in values.items() if value is None)
    if missing:
        raise QueryError(f"{name} needs --param {' --param '.join(k + '=...' for k in missing)}")
    return run_cypher(driver, text, values, database=database, timeout_s=timeout_s, limit=limit)
