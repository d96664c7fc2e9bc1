"""Read-only Cypher: write clauses refused, read access mode, never committed, timeout and row limit.

Layered guards, because a Bolt server may not enforce the access mode (ArcadeDB's Bolt plugin runs a
``CREATE`` sent in a READ session, and its ``sql.eval()`` runs SQL, ``COMMIT`` included):

1. the query text is checked: write clauses (CREATE, MERGE, DELETE, SET, REMOVE, DROP, LOAD CSV,
   FOREACH, ``CALL ... IN TRANSACTIONS``, administration commands), procedure calls outside a
   read-only allow-list and function calls outside an allow-list of plain read-only functions
   (``sql.*``, ``apoc.*`` and every other namespace not listed) are refused before anything is sent;
2. the consoles connect as a read-only user (the local server's ``reader``; for Neo4j, a user with
   the ``reader`` role), so the server itself refuses writes;
3. the session is opened with ``default_access_mode=READ`` (Neo4j refuses writes there);
4. the query runs in an explicit transaction that is always rolled back; a summary reporting updates,
   or a ``probe`` (a fingerprint of the server's write-ahead log) that changed while the query ran,
   raises :class:`QueryError` - the probe sees writes that a commit inside the query hid from the
   rollback.

On timeout the query is terminated on the server (``TERMINATE TRANSACTIONS``, found by a tag comment),
so the server stops computing it; the local server's watchdog also ends abandoned queries.

Named queries live in ``kg/ontology/queries/<name>.cypher``; a ``// params:`` header line lists their
parameters (``name=''`` gives a default).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BackendError, QueryError
from ..settings import QUERIES_DIR

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
# Functions a read-only query may call: openCypher's built-ins and plainly read-only namespaced ones.
READ_FUNCTIONS = frozenset("""
abs acos all any asin atan atan2 avg ceil char_length character_length coalesce collect cos cot count
degrees e elementid endnode exists exp floor haversin head id isempty isnan keys labels last left length
log log10 lower ltrim max min nodes none normalize percentilecont percentiledisc pi point properties
radians rand range reduce relationships replace reverse right round rtrim btrim sign sin single size split
sqrt startnode stdev stdevp substring sum tail tan toboolean tobooleanlist tobooleanornull tofloat
tofloatlist tofloatornull tointeger tointegerlist tointegerornull tolower toupper tostring tostringlist
tostringornull trim type upper valuetype shortestpath allshortestpaths
date datetime localdatetime localtime time duration timestamp
date.truncate datetime.truncate localdatetime.truncate localtime.truncate time.truncate
datetime.fromepoch datetime.fromepochmillis duration.between duration.inmonths duration.indays
duration.inseconds point.distance point.withinbbox
""".split())
# Words that may stand before "(" without being a function call (a pattern or a parenthesised expression).
_PAREN_KEYWORDS = frozenset("""
match optional where and or xor not return with in unwind case when then else distinct by skip limit
contains starts ends is yield on union as call exists count collect
""".split())
_PARAM = re.compile(r"\$\w+")
_NAME_PART = r"(?:[A-Za-z_][A-Za-z0-9_]*|`x`)"
_CALLED = re.compile(rf"(?<![\w$`])({_NAME_PART}(?:\s*\.\s*{_NAME_PART})*)\s*\(")
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
    _check_functions(_code_only(query))


def _check_functions(code: str) -> None:
    """Refuse calls of functions outside :data:`READ_FUNCTIONS` (``sql.eval`` runs SQL, writes included)."""
    for match in _CALLED.finditer(code):
        name = re.sub(r"\s+", "", match.group(1))
        lowered = name.lower()
        if "`" in name:
            raise QueryError("refused: a function name in backticks cannot be checked and `kg cypher` is read-only")
        if lowered in _PAREN_KEYWORDS or lowered in READ_PROCEDURES or lowered in READ_FUNCTIONS:
            continue
        raise QueryError(
            f"refused: function {name}() is not on the read-only list of `kg cypher` "
            "(namespaced functions such as sql.* or apoc.* can write)"
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


Probe = Callable[[], Any]


def run_cypher(
    driver: Any,
    query: str,
    params: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    limit: int = DEFAULT_LIMIT,
    probe: Probe | None = None,
) -> CypherResult:
    """Run a read-only query; at most ``limit`` rows come back (``truncated`` says when more existed).

    The timeout is sent to the server as the transaction timeout and also enforced here: a query
    still running after ``timeout_s`` is terminated on the server and raises :class:`QueryError`.
    ``probe``: a fingerprint of the database's writes (see :func:`wal_probe`), compared around the query.
    """
    check_read_only(query)
    if limit < 1:
        raise QueryError("the row limit must be at least 1")
    tag = f"/* kg-cypher {uuid.uuid4().hex} */ "
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _run(driver, tag + query, params or {}, database, timeout_s, limit, probe)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="kg-cypher", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        stopped = terminate_tagged(driver, database, tag.strip())
        worker.join(5.0)
        how = "was stopped on the server" if stopped else "could not be stopped on the server"
        raise QueryError(f"the query did not finish within {timeout_s:g} s and {how} (use --timeout to allow more)")
    if "error" in outcome:
        raise _translate(outcome["error"])
    return outcome["result"]


def terminate_tagged(driver: Any, database: str | None, tag: str) -> bool:
    """Terminate the server transactions whose text contains ``tag``; True when one was found.

    ``SHOW`` / ``TERMINATE TRANSACTIONS`` work on Neo4j 5 and on ArcadeDB (a user may end its own).
    The tag is passed as a parameter, so this query's own text does not match it.
    """
    from neo4j.exceptions import DriverError, Neo4jError

    try:
        with driver.session(database=database) as session:
            ids = [record[0] for record in session.run(
                "SHOW TRANSACTIONS YIELD transactionId, currentQuery WHERE currentQuery CONTAINS $tag "
                "RETURN transactionId", tag=tag)]
            if ids:
                session.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    except (DriverError, Neo4jError, OSError):
        return False
    return bool(ids)


def wal_probe(database_dir: Path) -> Probe:
    """Sizes and times of an ArcadeDB database's write-ahead log files: they change on every commit only."""

    def probe() -> tuple:
        try:
            return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in database_dir.glob("*.wal")))
        except OSError:
            return ()

    return probe


def _run(driver: Any, query: str, params: dict[str, Any], database: str | None, timeout_s: float, limit: int,
         probe: Probe | None = None) -> CypherResult:
    from neo4j import READ_ACCESS

    before = probe() if probe else None
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
    if probe and probe() != before:
        raise QueryError("refused: the database was written while the query ran (a commit inside the query, "
                         "or a load running at the same time); the console is read-only, check the graph")
    return out


def _translate(error: BaseException) -> BaseException:
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

    if isinstance(error, (QueryError, BackendError)):
        return error
    if isinstance(error, AuthError):
        return BackendError("the Bolt server refused the credentials: check NEO4J_PASSWORD and --user")
    if isinstance(error, Neo4jError) and "Security" in (error.code or ""):
        message = (error.message or str(error)).strip().splitlines()[0]
        return QueryError(f"refused by the server (the console's user may only read): {message}")
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
    """The text of ``kg/ontology/queries/<name>.cypher`` and its parameters (None = required)."""
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
              limit: int = DEFAULT_LIMIT, probe: Probe | None = None, **params: Any) -> CypherResult:
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
    return run_cypher(driver, text, values, database=database, timeout_s=timeout_s, limit=limit, probe=probe)
