"""Named queries (``kg/ontology/queries/<name>.rq``) and the read-only gate for user queries.

A named query file starts with comment headers::

    # name: leaderboard
    # description: ...
    # param: dataset = ""  canonical dataset name; empty = any      (a default makes it optional)
    # param: method  canonical name of the method                   (no default: required)
    # columns: method, value, ...

Parameter ``x`` is bound to the variable ``?param_x`` through the backend's bindings
(pyoxigraph ``substitutions`` / rdflib ``initBindings``), never by formatting text into the query.
The same names, parameters and columns are used by the Cypher twins (``<name>.cypher``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import QueryError
from ..settings import QUERIES_DIR

PARAM_PREFIX = "param_"
_HEADER = re.compile(r"^#\s*(name|description|param|columns):\s*(.*)$")
_PARAM = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*"([^"]*)")?\s*(.*)$')


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    description: str = ""
    columns: tuple[str, ...] = ()
    params: dict[str, str | None] = field(default_factory=dict)  # name -> default (None = required)
    param_help: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def bindings(self, values: dict[str, Any]) -> dict[str, Any]:
        """Query bindings for ``values``: defaults filled in, unknown or missing parameters refused."""
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(unknown)}; its parameters: {self._signature()}")
        bound: dict[str, Any] = {}
        for param, default in self.params.items():
            value = values.get(param, default)
            if value is None:
                raise QueryError(f"query {self.name!r} needs parameter {param!r} ({self.param_help.get(param, '')}); "
                                 f"its parameters: {self._signature()}")
            bound[PARAM_PREFIX + param] = value
        return bound

    def _signature(self) -> str:
        return ", ".join(p if d is None else f'{p}="{d}"' for p, d in self.params.items()) or "none"


def named_queries() -> list[str]:
    """Names of the named SPARQL queries, sorted."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


@cache
def load_named(name: str) -> NamedQuery:
    """The named query ``name`` with its parsed header."""
    path = QUERIES_DIR / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not path.is_file():
        raise QueryError(f"no named query {name!r}; known: {', '.join(named_queries())}")
    text = path.read_text(encoding="utf-8")
    info: dict[str, Any] = {"description": "", "columns": (), "params": {}, "param_help": {}}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "description":
            info["description"] = value.strip()
        elif key == "columns":
            info["columns"] = tuple(c.strip() for c in value.split(",") if c.strip())
        elif key == "param":
            param = _PARAM.match(value.strip())
            if param:
                info["params"][param.group(1)] = param.group(2)
                info["param_help"][param.group(1)] = param.group(3).strip()
    return NamedQuery(name=name, text=text, path=path, **info)


# ---------------------------------------------------------------- read-only gate

_FORBIDDEN_NODES = {"ServiceGraphPattern": "SERVICE (remote queries) is not allowed"}
PARSER_LOCK = threading.Lock()  # rdflib's pyparsing grammar is not thread-safe (concurrent reads failed to parse)


def check_read_only(query: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) of a read-only query; QueryError otherwise.

    The text is parsed with rdflib's SPARQL grammar: anything that parses as a query is allowed
    (minus SERVICE); anything that parses as an update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE,
    ADD, MOVE, COPY) is refused, and so is text neither grammar accepts. The store is also opened
    read-only and only ever asked to *query*, never to update.
    """
    with PARSER_LOCK:
        tree, query_error, update = _parse(query)
    if tree is None:
        if update is None:
            raise QueryError(f"not a valid SPARQL query: {_first_line(query_error)}") from None
        if update.get("request"):
            kinds = sorted({getattr(r, "name", "update") for r in update["request"]})
            raise QueryError(f"updates are refused (read-only store): found {', '.join(kinds)}; use SELECT, ASK, CONSTRUCT or DESCRIBE")
        raise QueryError(f"not a valid SPARQL query: {_first_line(query_error)}") from None
    for node_name, message in _FORBIDDEN_NODES.items():
        if _contains(tree, node_name):
            raise QueryError(message)
    form = getattr(tree[1], "name", "Query")
    return form.replace("Query", "").upper() or "QUERY"


def _parse(query: str) -> tuple[Any, Exception | None, Any]:
    """(query tree, its parse error, update tree) - the trees None where that grammar refused the text."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(query), None, None
    except Exception as query_error:
        try:
            return None, query_error, parseUpdate(query)
        except Exception:
            return None, query_error, None


def _contains(node: Any, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(v, name) for v in node)
    return False


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
