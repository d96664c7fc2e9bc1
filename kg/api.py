"""Python API for notebooks and the app: ``kg.open(store)`` -> :class:`KnowledgeGraph`.

>>> import kg
>>> graph = kg.open("kg-store")                       # doctest: +SKIP
>>> graph.named("methods_outperforming", method="Kolmogorov-Arnold Network")  # doctest: +SKIP
>>> graph.sparql("SELECT ?t WHERE { ?p dcterms:title ?t }")                   # doctest: +SKIP
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Self

from . import settings
from .graph.queries import check_read_only, load_named, named_queries
from .graph.store import IRI, Backend, QueryResult, open_backend, open_version, read_meta, read_records
from .records import Entity, PaperRecord, collect_entities

DEFAULT_TIMEOUT = 30.0
# Prefixes every query may use without declaring them.
_PROLOGUE_PREFIXES = {
    "kg": "https://w3id.org/papers-kg/ontology#",
    "id": "https://w3id.org/papers-kg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def with_prefixes(query: str) -> str:
    """``query`` with PREFIX lines for the standard prefixes it uses but does not declare."""
    import re

    declared = {m.lower() for m in re.findall(r"(?im)^\s*prefix\s+([A-Za-z][\w-]*)?:", query)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in _PROLOGUE_PREFIXES.items()
             if p not in declared and re.search(rf"(?<![\w<]){p}:", query)]
    return "\n".join(lines + [query]) if lines else query


def to_frame(result: QueryResult):
    import pandas as pd

    frame = pd.DataFrame(result.rows, columns=result.columns)
    frame.attrs["truncated"] = result.truncated
    frame.attrs["kind"] = result.kind
    return frame


class _Queries(ABC):
    """Read-only SPARQL on something that runs a checked query (:meth:`_run`): a store or an endpoint."""

    def query(self, query: str, bindings: dict[str, Any] | None = None, *, timeout: float | None = DEFAULT_TIMEOUT,
              limit: int | None = None, trusted: bool = False) -> QueryResult:
        """Run a read-only SPARQL query (updates and SERVICE refused) with a timeout (s) and a row limit."""
        query = with_prefixes(query)
        if not trusted:
            check_read_only(query)
        return self._run(query, bindings or {}, timeout=timeout, limit=limit)

    @abstractmethod
    def _run(self, query: str, bindings: dict[str, Any], *, timeout: float | None, limit: int | None) -> QueryResult:
        """The checked ``query`` run with ``bindings`` under the timeout (s) and row limit."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what the handle holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sparql(self, query: str, /, **bindings: Any):
        """SELECT/ASK/CONSTRUCT results as a pandas DataFrame; keyword arguments bind ``?name``.

        Strings bind as string literals, ints/floats/bools as typed literals, ``kg.graph.store.IRI(...)``
        as an IRI. Oxigraph needs every bound variable in the SELECT projection.
        """
        return to_frame(self.query(query, bindings))

    def named(self, query_name: str, /, *, timeout: float | None = DEFAULT_TIMEOUT, limit: int | None = None,
              **params: Any):
        """Run ``kg/ontology/queries/<query_name>.rq`` with its parameters; columns as its header documents."""
        named = load_named(query_name)
        result = self.query(named.text, named.bindings(params), timeout=timeout, limit=limit, trusted=True)
        frame = to_frame(result)
        return frame[list(named.columns)] if named.columns else frame

    @staticmethod
    def named_queries() -> list[str]:
        return named_queries()


class KnowledgeGraph(_Queries):
    """A read-only handle on a built store (backend ``oxigraph`` by default, or ``rdflib``).

    It holds the version of the store that was current when it was opened (``path``), also while a
    rebuild switches the store to a newer one; open the store again to see the new version.
    """

    def __init__(self, store: str | Path | None = None, backend: str = "oxigraph"):
        self._version = open_version(store if store is not None else settings.store())
        self.path = self._version.path
        self.backend_name = backend
        try:
            self.backend: Backend = open_backend(self.path, backend)
        except BaseException:
            self._version.close()
            raise
        self._records: list[PaperRecord] | None = None
        self._entities: list[Entity] | None = None
        self._nx = None
        self._pool = None

    # -------------------------------------------------------------- queries

    def _run(self, query: str, bindings: dict[str, Any], *, timeout: float | None, limit: int | None) -> QueryResult:
        """Bound variables must appear in the SELECT projection (Oxigraph's substitutions).

        With a ``timeout`` it runs in a child process that is ended when the timeout passes, so the
        work stops (see :mod:`kg.graph.query_process`); with ``timeout=None`` it runs in this process.
        """
        if timeout is None or timeout <= 0:
            return self.backend.query(query, bindings, timeout=None, limit=limit)
        if self._pool is None:
            from .graph.query_process import QueryPool

            self._pool = QueryPool(self.path, self.backend_name)
        return self._pool.query(query, bindings, timeout=timeout, limit=limit)

    # -------------------------------------------------------------- views

    def nx(self):
        """The graph as a networkx MultiDiGraph (see :mod:`kg.graph.nx_view`); built once, then cached."""
        if self._nx is None:
            from .graph.nx_view import build_nx

            self._nx = build_nx(self.backend.triples())
        return self._nx

    def records(self) -> list[PaperRecord]:
        if self._records is None:
            self._records = read_records(self.path)
        return list(self._records)

    def entities(self) -> list[Entity]:
        """The canonical entities of the records (:func:`kg.records.collect_entities`), computed once per handle."""
        if self._entities is None:
            self._entities = collect_entities(self.records())
        return list(self._entities)

    def meta(self) -> dict[str, Any]:
        return read_meta(self.path)

    def __len__(self) -> int:
        return len(self.backend)

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        from .export import export

        return export(self, fmt, out)

    def validate(self):
        from .graph.validate import validate_backend

        return validate_backend(self.backend)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        self.backend.close()
        self._nx = None
        self._version.close()

    def __repr__(self) -> str:
        return f"KnowledgeGraph({str(self.path)!r}, backend={self.backend_name!r})"


class SparqlEndpoint(_Queries):
    """Read-only queries on a SPARQL 1.1 protocol endpoint (``kg serve sparql``, or any other).

    The same queries, named queries, bindings, timeout and row limit as :class:`KnowledgeGraph`;
    the bindings travel as a VALUES block (:func:`kg.graph.remote.with_values`), the timeout bounds the
    wait for the answer, the row limit stops reading it. Nothing is held open between queries.
    """

    def __init__(self, url: str):
        from .graph.remote import check_url

        self.url = check_url(url)

    def _run(self, query: str, bindings: dict[str, Any], *, timeout: float | None, limit: int | None) -> QueryResult:
        from .graph.remote import EndpointBackend
        from .graph.store import run_with_timeout

        wait = timeout if timeout and timeout > 0 else None
        return run_with_timeout(EndpointBackend(self.url, wait), query, bindings, timeout=wait, limit=limit)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r})"


def endpoint(url: str) -> SparqlEndpoint:
    """A read-only handle on the SPARQL endpoint at ``url`` (http or https)."""
    return SparqlEndpoint(url)


def open(store: str | Path | None = None, backend: str = "oxigraph") -> KnowledgeGraph:
    """Open a built store (default: $KG_STORE, else ./kg-store) read-only."""
    return KnowledgeGraph(store, backend)


__all__ = ["IRI", "KnowledgeGraph", "SparqlEndpoint", "endpoint", "open"]
