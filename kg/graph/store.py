"""The graph store: a directory with the records checkpoint, an on-disk Oxigraph store and meta.json.

A store version holds ``records.jsonl`` (one PaperRecord per line), ``oxigraph/`` (pyoxigraph
RocksDB store holding the RDF of those records) and ``meta.json`` (counts, versions, build time;
written last, so its presence marks a complete version). Versions live in ``.<store>.versions/``
next to the store; ``<store>`` itself is a symlink to the current one, switched atomically
(``os.replace``) once a new version is complete. So a failed or killed build leaves the previous
store as it was, and a reader sees one complete version, old or new: it resolves the link once and
holds a shared ``flock`` on its version directory while it reads; a build deletes an old version
only when it can take that lock exclusively. Builds serialise on ``.<store>.lock``.
A store directory of the older layout (the files in ``<store>/`` itself) keeps working and is moved
into ``.<store>.versions/`` by the next build.

Two query backends share one interface (:class:`Backend`): ``oxigraph`` (default, on disk) and
``rdflib`` (rdflib's in-memory ``Memory`` store, rebuilt from ``records.jsonl``).
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, Self

from ..errors import QueryError, StoreError
from ..jsonl import numbered_lines, open_jsonl, write_jsonl
from ..records import PaperRecord, entity_forms, to_dict

STORE_FORMAT = 1
RECORDS_FILE = "records.jsonl"
META_FILE = "meta.json"
OXIGRAPH_DIR = "oxigraph"
BACKENDS = ("oxigraph", "oxigraph-memory", "rdflib")
BULK_BATCH = 100_000  # quads per Oxigraph bulk load

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "unsignedInt", "unsignedLong", "negativeInteger",
                                    "nonPositiveInteger", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + t for t in ("double", "float", "decimal")}


class IRI(str):
    """Marks a binding value as an IRI (plain ``str`` values bind as string literals)."""


@dataclass
class QueryResult:
    """A backend-neutral query result: rows of Python values (IRIs as str, numbers as int/float)."""

    kind: str  # "select", "ask" or "graph"
    columns: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    truncated: bool = False


# ---------------------------------------------------------------- term conversion


def literal_value(lexical: str, datatype: str | None) -> Any:
    """Python value of a literal: integers and doubles as numbers, booleans as bool, the rest as text."""
    if datatype in _INTEGER_TYPES:
        try:
            return int(lexical)
        except ValueError:
            return lexical
    if datatype in _FLOAT_TYPES:
        try:
            return float(lexical)
        except ValueError:
            return lexical
    if datatype == XSD + "boolean":
        return lexical.strip() in ("true", "1")
    return lexical


def _ox_value(term: Any) -> Any:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value if term.datatype else None)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {_ox_value(term.subject)} {_ox_value(term.predicate)} {_ox_value(term.object)} >>"
    return term.value


def _ox_term(value: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, IRI):
        return ox.NamedNode(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"cannot bind a {type(value).__name__} value; use str, int, float, bool or kg.graph.store.IRI")


def sparql_term(value: Any) -> str:
    """A binding value as SPARQL text: the RDF term pyoxigraph serialises, escaped (an IRI is checked)."""
    try:
        return str(_ox_term(value))
    except ValueError as error:  # pyoxigraph refuses an invalid IRI
        raise QueryError(f"cannot bind {value!r}: {error}") from error


def _rdflib_value(term: Any) -> Any:
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        return literal_value(str(term), str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _rdflib_term(value: Any) -> Any:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value if value.datatype else None
        if value.language:
            return Literal(value.value, lang=value.language)
        if datatype in (None, XSD + "string"):
            return Literal(value.value)
        return Literal(value.value, datatype=URIRef(datatype), normalize=False)
    return _rdflib_term(_ox_term(value))


def ox_rows(result: Any) -> tuple[str, list[str], Iterator[tuple]]:
    """(kind, columns, row iterator) of pyoxigraph results: a boolean, solutions or triples."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return "ask", ["ask"], iter([(bool(result),)])
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        return "select", columns, (tuple(_ox_value(s[c]) for c in columns) for s in result)
    return "graph", ["subject", "predicate", "object"], (
        (_ox_value(t.subject), _ox_value(t.predicate), _ox_value(t.object)) for t in result
    )


# ---------------------------------------------------------------- backends


class Backend(ABC):
    """What every store backend offers: add triples, count, query, iterate, serialise."""

    name = "?"

    @abstractmethod
    def add(self, triples: Iterable[Any]) -> None: ...

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def execute(self, query: str, bindings: dict[str, Any]) -> tuple[str, list[str], Iterator[tuple]]:
        """(kind, columns, row iterator) of a read-only query."""

    @abstractmethod
    def triples(self) -> Iterator[tuple[Any, Any, Any]]:
        """Every triple as pyoxigraph terms."""

    def close(self) -> None:
        pass

    def rdflib_graph(self) -> Any:
        """Every triple in an rdflib ``Graph`` (for pyshacl, :mod:`kg.graph.validate`): a copy, unless the
        backend keeps one."""
        from rdflib import Graph

        graph = Graph()
        for s, p, o in self.triples():
            graph.add((_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)))
        return graph

    def query(self, query: str, bindings: dict[str, Any] | None = None, *, timeout: float | None = 30.0,
              limit: int | None = None) -> QueryResult:
        """Run a read-only query with a timeout (seconds) and a row limit."""
        return run_with_timeout(self, query, bindings or {}, timeout=timeout, limit=limit)


class OxigraphBackend(Backend):
    """pyoxigraph store: on disk when ``path`` is given (read-only unless ``writable``), else in memory."""

    name = "oxigraph"

    def __init__(self, path: str | Path | None = None, *, writable: bool = False):
        import pyoxigraph as ox

        try:
            if path is None:
                self.store = ox.Store()
            elif writable:
                self.store = ox.Store(str(path))
            else:
                self.store = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:
            raise StoreError(f"cannot open the Oxigraph store at {path} ({_first_line(error)}); "
                             "rebuild it with `kg build`") from error

    def add(self, triples: Iterable[Any]) -> None:
        """Bulk-load ``triples`` as they come, BULK_BATCH at a time: one bulk load buffers up to about
        a million quads (some 900 MB measured), a batch of 100,000 about 120 MB."""
        import pyoxigraph as ox

        graph = ox.DefaultGraph()
        quads = (t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        for first in quads:
            self.store.bulk_extend(chain([first], islice(quads, BULK_BATCH - 1)))

    def load_ntriples(self, data: bytes) -> None:
        import pyoxigraph as ox

        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    def __len__(self) -> int:
        return len(self.store)

    def execute(self, query: str, bindings: dict[str, Any]) -> tuple[str, list[str], Iterator[tuple]]:
        import pyoxigraph as ox

        substitutions = {ox.Variable(name): _ox_term(value) for name, value in bindings.items()}
        try:
            result = self.store.query(query, substitutions=substitutions or None)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from error
        except RuntimeError as error:
            if "SELECT projection" in str(error):
                raise QueryError(f"{error}: Oxigraph only binds variables that the query selects; "
                                 f"add them to SELECT (e.g. SELECT ?{next(iter(bindings))} ...)") from error
            raise
        return ox_rows(result)

    def triples(self) -> Iterator[tuple[Any, Any, Any]]:
        import pyoxigraph as ox

        for quad in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield quad.subject, quad.predicate, quad.object

    def rdflib_graph(self) -> Any:
        """A copy in an rdflib ``Graph``, through N-Triples (faster than term by term)."""
        import pyoxigraph as ox
        from rdflib import Graph

        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return Graph().parse(data=data, format="nt")

    def dump(self, out: str | Path, fmt: str, prefixes: dict[str, str] | None = None) -> None:
        import pyoxigraph as ox

        formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
        kwargs = {"prefixes": prefixes} if prefixes and fmt in ("ttl", "jsonld") else {}
        self.store.dump(str(out), format=formats[fmt], from_graph=ox.DefaultGraph(), **kwargs)

    def close(self) -> None:
        if getattr(self, "store", None) is not None:
            self.store = None
            gc.collect()


class RdflibBackend(Backend):
    """rdflib's in-memory ``Memory`` store (the slower reference backend)."""

    name = "rdflib"

    def __init__(self) -> None:
        from rdflib import Graph

        self.graph = Graph(store="Memory")

    def add(self, triples: Iterable[Any]) -> None:
        add = self.graph.add
        for t in triples:
            add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))

    def __len__(self) -> int:
        return len(self.graph)

    def rdflib_graph(self) -> Any:
        """The backend's own graph (not a copy)."""
        return self.graph

    def execute(self, query: str, bindings: dict[str, Any]) -> tuple[str, list[str], Iterator[tuple]]:
        from rdflib import Variable
        from rdflib.plugins.sparql import prepareQuery

        from .queries import PARSER_LOCK

        init = {Variable(name): _rdflib_term(value) for name, value in bindings.items()}
        try:
            with PARSER_LOCK:
                prepared = prepareQuery(query)
            result = self.graph.query(prepared, initBindings=init)
        except Exception as error:  # rdflib raises pyparsing errors for bad syntax
            raise QueryError(f"SPARQL error: {error}") from error
        if result.type == "ASK":
            return "ask", ["ask"], iter([(bool(result.askAnswer),)])
        if result.type == "SELECT":
            columns = [str(v) for v in result.vars]
            return "select", columns, (tuple(_rdflib_value(row[i]) for i in range(len(columns))) for row in result)
        return "graph", ["subject", "predicate", "object"], (tuple(_rdflib_value(x) for x in t) for t in result)

    def triples(self) -> Iterator[tuple[Any, Any, Any]]:
        import pyoxigraph as ox
        from rdflib import Literal, URIRef

        def convert(term):
            if isinstance(term, URIRef):
                return ox.NamedNode(str(term))
            if isinstance(term, Literal):
                if term.language:
                    return ox.Literal(str(term), language=term.language)
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
            return ox.BlankNode(str(term))

        for s, p, o in self.graph:
            yield convert(s), convert(p), convert(o)


def run_with_timeout(backend: Backend, query: str, bindings: dict[str, Any], *, timeout: float | None,
                     limit: int | None) -> QueryResult:
    """Run ``query`` in a worker thread; stop waiting after ``timeout`` s and after ``limit`` rows.

    On timeout the worker is told to stop and does so at its next row. A query still computing its
    first row (a big aggregate or ORDER BY, say) cannot be interrupted: it runs on in its daemon
    thread until done or until the process exits (the CLI exits right away).
    """
    outcome: dict[str, Any] = {}
    cancelled = threading.Event()

    def work() -> None:
        try:
            kind, columns, rows = backend.execute(query, bindings)
            kept: list[tuple] = []
            truncated = False
            for row in rows:
                if cancelled.is_set():
                    return
                if limit is not None and len(kept) >= limit:
                    truncated = True
                    break
                kept.append(row)
            outcome["result"] = QueryResult(kind, columns, kept, truncated)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="kg-query", daemon=True)
    worker.start()
    worker.join(None if timeout is None or timeout <= 0 else timeout)
    if worker.is_alive():
        cancelled.set()
        raise QueryError(f"query ran past the {timeout:g} s timeout and was abandoned; narrow it or raise --timeout")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, QueryError):
            raise error
        raise QueryError(f"query failed: {error}") from error
    return outcome["result"]


def make_backend(name: str) -> Backend:
    """An empty in-memory backend by name (``oxigraph`` / ``oxigraph-memory`` or ``rdflib``)."""
    if name in ("oxigraph", "oxigraph-memory"):
        return OxigraphBackend()
    if name == "rdflib":
        return RdflibBackend()
    raise StoreError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def backend_from_records(records: list[PaperRecord], name: str) -> Backend:
    """An in-memory backend holding the RDF of ``records``."""
    from .rdf import records_to_triples

    backend = make_backend(name)
    backend.add(records_to_triples(records))
    return backend


# ---------------------------------------------------------------- the store directory


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _complete(folder: Path) -> bool:
    return (folder / META_FILE).is_file() and (folder / OXIGRAPH_DIR).is_dir() and (folder / RECORDS_FILE).is_file()


def _versions_dir(store: Path) -> Path:
    return store.parent / f".{store.name}.versions"


def _lock_path(store: Path) -> Path:
    return store.parent / f".{store.name}.lock"


@dataclass(frozen=True)
class Version:
    """One complete store version, held open (shared lock) until :meth:`close`."""

    path: Path
    fd: int | None

    def close(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)  # releases the shared lock
            except OSError:
                pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _hold(folder: Path) -> int | None:
    """A shared lock on ``folder`` (None when it cannot be opened: it is gone)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def open_version(store: str | Path, attempts: int = 20) -> Version:
    """The store's current version, locked against deletion; StoreError when there is none."""
    store = Path(store)
    for _ in range(attempts):
        _recover(store)
        folder = Path(os.path.realpath(store))
        fd = _hold(folder) if folder.is_dir() else None
        if fd is not None and _complete(folder):
            return Version(folder, fd)
        if fd is not None:
            os.close(fd)
        if Path(os.path.realpath(store)) == folder and not _busy(store):
            break
        time.sleep(0.05)  # a build switched or is switching versions: look again
    raise StoreError(f"no graph store at {store}; build one with `kg build --store {store}`")


def _busy(store: Path) -> bool:
    """True when a build holds the store's write lock."""
    try:
        fd = os.open(_lock_path(store), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def exists(store: str | Path) -> bool:
    """True when ``store`` holds a complete store (meta.json is written last)."""
    store = Path(store)
    _recover(store)
    return _complete(Path(os.path.realpath(store)))


def require(store: str | Path) -> Path:
    """The folder of the store's current version (StoreError when there is none)."""
    with open_version(store) as version:
        return version.path


def read_meta(store: str | Path) -> dict[str, Any]:
    with open_version(store) as version:
        path = version.path / META_FILE
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise StoreError(f"{path} is unreadable ({error}); rebuild the store with `kg build`") from error


def read_records_file(path: str | Path, on_problem: Callable[[str], None] | None = None) -> list[PaperRecord]:
    """PaperRecords of a checkpoint file; a bad line is reported (file:line) and skipped."""
    return list(iter_records_file(path, on_problem))


def iter_records_file(path: str | Path, on_problem: Callable[[str], None] | None = None) -> Iterator[PaperRecord]:
    """:func:`read_records_file`, a record at a time (the file is opened at once, so a missing one
    raises StoreError before the first record)."""
    path = Path(path)
    try:
        handle = open_jsonl(path)
    except OSError as error:
        raise StoreError(f"cannot read records file {path} ({error.strerror or error})") from error
    return _records_of(handle, path, on_problem)


# what a records.jsonl line that is not a paper record raises in :func:`record_from_line`
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def record_from_line(line: str | bytes) -> PaperRecord:
    """The record of one records.jsonl line; raises one of :data:`RECORD_ERRORS` when it is none."""
    return PaperRecord.from_dict(json.loads(line))


def iter_records_with_offsets(path: str | Path) -> Iterator[tuple[int, PaperRecord]]:
    """(byte offset of its line, record) of every record of a records file, a bad line skipped as
    :func:`iter_records_file` skips it: for readers that go back to one record by its offset."""
    offset = 0
    with Path(path).open("rb") as handle:
        for line in handle:
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            try:
                yield start, record_from_line(line)
            except RECORD_ERRORS:
                continue


def _records_of(handle: Any, path: Path, on_problem: Callable[[str], None] | None) -> Iterator[PaperRecord]:
    for number, line in numbered_lines(handle):
        try:
            record = record_from_line(line)
        except RECORD_ERRORS as error:
            if on_problem:
                on_problem(f"{path}:{number}: not a paper record ({type(error).__name__}: {error}); skipped")
            continue
        yield record


def read_records(store: str | Path) -> list[PaperRecord]:
    return list(read_records_iter(store))


def read_records_iter(store: str | Path) -> Iterator[PaperRecord]:
    """The store's records, a record at a time (its version is held until the last one is read)."""
    with open_version(store) as version:
        yield from iter_records_file(version.path / RECORDS_FILE)


def open_backend(store: str | Path, backend: str = "oxigraph") -> Backend:
    """A read-only view of a built store (or of one version's folder) through the named backend.

    ``oxigraph``: the on-disk store itself. ``oxigraph-memory``: the on-disk store copied into an
    in-memory Oxigraph store (a few seconds per million triples; queries several times faster).
    ``rdflib``: rdflib's Memory store rebuilt from records.jsonl.
    """
    if backend not in BACKENDS:
        raise StoreError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    with open_version(store) as version:
        folder = version.path
        if backend == "oxigraph":
            return OxigraphBackend(folder / OXIGRAPH_DIR)
        if backend == "oxigraph-memory":
            disk = OxigraphBackend(folder / OXIGRAPH_DIR)
            memory = OxigraphBackend()
            memory.store.bulk_extend(disk.store.quads_for_pattern(None, None, None, None))
            disk.close()
            return memory
        return backend_from_records(read_records_file(folder / RECORDS_FILE), backend)


# ---------------------------------------------------------------- writing: versions behind a link


class _WriteLock:
    """The store's build lock (flock on ``.<store>.lock``); blocking, or ``try_only``."""

    def __init__(self, store: Path, try_only: bool = False):
        self.path, self.try_only, self.fd = _lock_path(store), try_only, None

    def __enter__(self) -> bool:
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return False  # a read-only location: nobody can build there either
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (fcntl.LOCK_NB if self.try_only else 0))
        except OSError:
            return False
        return True

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def write_store(records: Iterable[PaperRecord], store: str | Path, *, extra_meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write ``records`` (taken once, as they come) as a new version of ``store`` and switch the store to it."""
    store = Path(store)
    store.parent.mkdir(parents=True, exist_ok=True)
    with _WriteLock(store):
        _check_target(store)
        _recover_locked(store)
        versions = _versions_dir(store)
        versions.mkdir(exist_ok=True)
        building = versions / f".building-{os.getpid()}-{time.time_ns()}"
        try:
            meta = _write_version(records, building, extra_meta)
            version = versions / f"v{time.time_ns():020d}-{os.getpid()}"
            building.rename(version)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _point(store, version)
        _collect_garbage(store)
    return meta


def _write_version(records: Iterable[PaperRecord], folder: Path, extra_meta: dict[str, Any] | None) -> dict[str, Any]:
    """records.jsonl as the records come, then the graph from two passes over that file (entities
    first, then papers): memory holds per-entity state, never the records."""
    from .. import __version__
    from .rdf import records_to_triples

    folder.mkdir()
    counts = _Counts()
    write_jsonl(folder / RECORDS_FILE, (to_dict(counts.add(r)) for r in records))
    backend = OxigraphBackend(folder / OXIGRAPH_DIR, writable=True)
    backend.add(records_to_triples(lambda: iter_records_file(folder / RECORDS_FILE)))
    backend.store.flush()
    triples = len(backend)
    backend.close()
    del backend
    meta = {
        "format": STORE_FORMAT,
        "kg_version": __version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "papers": counts.papers,
        "claims": counts.claims,
        "mentions": counts.mentions,
        "entities": {label: sum(1 for e in counts.entities if e[0] == label) for label in ("method", "dataset", "metric", "task")},
        "triples": triples,
        "extractors": sorted(counts.extractors),
        **(extra_meta or {}),
    }
    (folder / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


@dataclass
class _Counts:
    """What meta.json counts, gathered record by record (entities: the (label, canonical) keys of
    :func:`kg.records.entity_forms`)."""

    papers: int = 0
    claims: int = 0
    mentions: int = 0
    entities: set[tuple[str, str]] = field(default_factory=set)
    extractors: set[str] = field(default_factory=set)

    def add(self, record: PaperRecord) -> PaperRecord:
        self.papers += 1
        self.claims += len(record.claims)
        self.mentions += len(record.mentions)
        self.entities.update(entity_forms(record))
        if record.extractor:
            self.extractors.add(record.extractor)
        return record


def _check_target(store: Path) -> None:
    if store.is_dir() and not store.is_symlink() and not _complete(store) and any(store.iterdir()):
        raise StoreError(f"{store} exists but is not a graph store; choose another --store or remove it")


def _point(store: Path, version: Path) -> None:
    """Switch the link ``store`` to ``version`` in one rename (a directory of the older layout is moved aside first)."""
    if store.is_dir() and not store.is_symlink():
        if _complete(store):
            store.rename(version.parent / f"v{(store / META_FILE).stat().st_mtime_ns:020d}-moved")
        else:
            store.rmdir()  # empty (checked before building)
    link = store.parent / f".{store.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(version, store.parent))
    os.replace(link, store)


def _collect_garbage(store: Path) -> None:
    """Delete versions no reader holds (but the current one), and what crashed builds left."""
    current = Path(os.path.realpath(store))
    for folder in _versions_dir(store).iterdir():
        # compare real paths: with a relative store path ('kg-store') the listing is relative too
        if Path(os.path.realpath(folder)) == current or not folder.is_dir():
            continue
        if folder.name.startswith(".building-"):
            shutil.rmtree(folder, ignore_errors=True)  # we hold the write lock: no build is running
            continue
        _delete_if_free(folder)
    for leftover in store.parent.glob(f".{store.name}.building-*"):  # of the older layout
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in store.parent.glob(f".{store.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in store.parent.glob(f".{store.name}.link-*"):
        leftover.unlink(missing_ok=True)


def _delete_if_free(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return  # a reader holds it: a later build deletes it
    try:
        (folder / META_FILE).unlink(missing_ok=True)  # first, so a half-deleted version is never "complete"
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- recovery


def _recover(store: Path) -> None:
    """Point a missing or broken store at its newest complete version, if a build is not running."""
    if _complete(Path(os.path.realpath(store))) or not _recoverable(store):
        return
    with _WriteLock(store, try_only=True) as locked:
        if locked:
            _recover_locked(store)


def _recoverable(store: Path) -> bool:
    """Whether there is anything to recover from (so a mere look at a missing store writes nothing)."""
    if not store.parent.is_dir():
        return False
    return (store.is_symlink() or _versions_dir(store).is_dir()
            or any(store.parent.glob(f".{store.name}.old-*")) or any(store.parent.glob(f".{store.name}.building-*")))


def _recover_locked(store: Path) -> None:
    """Under the write lock: after crashes, switch to the newest complete copy and clean up."""
    if _complete(Path(os.path.realpath(store))):
        return
    if store.is_dir() and not store.is_symlink() and any(store.iterdir()):
        return  # not ours (write_store refuses it) or an incomplete store of the older layout
    candidates = [f for f in _versions_dir(store).glob("v*") if _complete(f)]
    candidates += [f for f in store.parent.glob(f".{store.name}.old-*") if _complete(f)]
    if not candidates:
        return
    newest = max(candidates, key=lambda f: (f / META_FILE).stat().st_mtime_ns)
    if newest.parent != _versions_dir(store):  # an .old-* copy of the older layout
        _versions_dir(store).mkdir(exist_ok=True)
        moved = _versions_dir(store) / f"v{(newest / META_FILE).stat().st_mtime_ns:020d}-recovered"
        newest.rename(moved)
        newest = moved
    if store.is_dir() and not store.is_symlink():
        store.rmdir()
    _point(store, newest)
    _collect_garbage(store)
