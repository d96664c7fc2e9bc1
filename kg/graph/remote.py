"""Queries against a SPARQL 1.1 protocol endpoint (``kg serve sparql``, or any other) over HTTP.

:class:`EndpointBackend` answers :func:`kg.graph.store.run_with_timeout` like a local backend: it POSTs the
query (form-encoded, as the protocol describes), streams the answer through pyoxigraph's parsers
(SPARQL results JSON/XML, or RDF for CONSTRUCT/DESCRIBE) and yields rows, so the row limit stops
reading early and the timeout stops waiting. Bindings are sent as a ``VALUES`` block opening the
query's WHERE group, built from escaped RDF terms (:func:`kg.graph.store.sparql_term`), never by pasting
text into the query: within that group every pattern and FILTER sees them bound, as the local
store's substitutions do (a parameter used only inside a subquery or a UNION branch is not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError

ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.7")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What can hide a brace or a '#': comments, strings, IRIs; and words (WHERE, SELECT, ...), braces.
_TOKEN = re.compile(r"""
    (?P<skip> \#[^\r\n]*
            | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            | '(?:[^'\\\r\n]|\\.)*' | "(?:[^"\\\r\n]|\\.)*"
            | <[^<>"{}|^`\\\x00-\x20]*> )
  | (?P<name> [?$]\w+ | [\w.-]*:(?:[\w.:%-]|\\.)* | \w+ )
  | (?P<open> \{ ) | (?P<close> \} )
""", re.VERBOSE | re.DOTALL)


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; QueryError otherwise (no file:, ftp:, ...)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise QueryError(f"not a SPARQL endpoint URL: {url!r}; give http(s)://host:port/path")
    return url.strip()


def with_values(query: str, bindings: dict[str, Any]) -> str:
    """``query`` with ``bindings`` as a one-row VALUES block at the start of its WHERE group."""
    if not bindings:
        return query
    from .store import sparql_term

    bad = [name for name in bindings if not _VARIABLE.fullmatch(name)]
    if bad:
        raise QueryError(f"cannot bind ?{bad[0]}: variable names are letters, digits and _")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(sparql_term(value) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    start, end = _where_group(query)
    if end is None:
        return f"{query[:start + 1]}{block}{query[start + 1:]}"
    # the group is a bare subquery, where VALUES cannot go: nest it in a group of its own
    return f"{query[:start + 1]}{block}{{ {query[start + 1:end]} }}{query[end:]}"


def _where_group(query: str) -> tuple[int, int | None]:
    """Offset of the WHERE group's '{', and of its '}' when the group holds only a subquery."""
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(query) if m.lastgroup != "skip"]
    depth, form, where, closed, opening = 0, None, False, 0, None
    for index, (kind, text, _) in enumerate(tokens):
        if kind == "name" and depth == 0:
            form = form or (text.upper() if text.upper() in _FORMS else None)
            where = where or text.upper() == "WHERE"
        elif kind == "open":
            if depth == 0 and opening is None and (form != "CONSTRUCT" or where):
                if form == "CONSTRUCT" and not closed:
                    raise QueryError("parameters cannot be bound in the short form CONSTRUCT WHERE { … }; "
                                     "write CONSTRUCT { … } WHERE { … }")
                opening = index
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and opening is not None:
                return _group_span(tokens, opening, index)
            closed += depth == 0
    raise QueryError("cannot bind parameters: no WHERE { … } group found in the query")


def _group_span(tokens: list[tuple[str, str, int]], opening: int, closing: int) -> tuple[int, int | None]:
    first = tokens[opening + 1] if opening + 1 < closing else None
    holds_subquery = first is not None and first[0] == "name" and first[1].upper() == "SELECT"
    return tokens[opening][2], tokens[closing][2] if holds_subquery else None


@dataclass(frozen=True)
class EndpointBackend:
    """Read-only queries on the SPARQL endpoint at ``url``; ``timeout`` bounds each socket wait (s)."""

    url: str
    timeout: float | None = None
    name = "endpoint"

    def execute(self, query: str, bindings: dict[str, Any]) -> tuple[str, list[str], Iterator[tuple]]:
        import pyoxigraph as ox

        from .store import ox_rows

        response = self._post(with_values(query, bindings))
        media = response.headers.get_content_type()
        try:
            results_format = ox.QueryResultsFormat.from_media_type(media)
            if results_format is not None:
                return _closing(ox_rows(ox.parse_query_results(response, results_format)), response)
            rdf_format = ox.RdfFormat.from_media_type(media)
            if rdf_format is not None:
                return _closing(ox_rows(ox.parse(response, rdf_format)), response)
        except SyntaxError as error:
            response.close()
            raise QueryError(f"the endpoint's answer does not parse as {media}: {error}") from error
        response.close()
        raise QueryError(f"the endpoint answered {media}, neither SPARQL results nor RDF")

    def _post(self, query: str):
        from urllib.error import HTTPError, URLError
        from urllib.parse import urlencode
        from urllib.request import Request, urlopen

        request = Request(self.url, data=urlencode({"query": query}).encode("utf-8"), method="POST", headers={
            "Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "papers-kg"})
        try:
            return urlopen(request, timeout=self.timeout)
        except HTTPError as error:
            detail = _first_line(error.read(2000).decode("utf-8", "replace")) or error.reason
            raise QueryError(f"the endpoint {self.url} answered HTTP {error.code}: {detail}") from None
        except (URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):  # it answers, just not in time: the query's timeout
                raise QueryError(f"the endpoint {self.url} gave no answer within {self.timeout:g} s "
                                 "(timeout; use --timeout to allow more)") from None
            raise QueryError(f"cannot reach the SPARQL endpoint {self.url} ({reason})") from None


def _closing(answer: tuple[str, list[str], Iterator[tuple]], response: Any) -> tuple[str, list[str], Iterator[tuple]]:
    """The answer with its row iterator closing ``response`` once the rows are read or dropped.

    The parser is let go on the thread that reads the rows (pyoxigraph's results may not be dropped
    on another one), also when the answer breaks off (the server's own timeout, say).
    """
    kind, columns, rows = answer

    def read() -> Iterator[tuple]:
        nonlocal rows
        failure = None
        try:
            yield from rows
        except SyntaxError as error:
            failure = str(error)
        finally:
            rows = None
            response.close()
        if failure is not None:
            raise QueryError(f"the endpoint's answer broke off (its own timeout?): {failure}")

    return kind, columns, read()


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]
