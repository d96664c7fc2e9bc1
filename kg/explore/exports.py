"""The explorer's downloads: the whole graph or an entity's neighbourhood as GEXF, GraphML,
Turtle or JSON-LD, written by :mod:`kg.export`'s writers.

A neighbourhood is read from the Oxigraph store pattern by pattern (the triples of the nodes within
two links of the entity), so it costs what the neighbourhood holds, never a networkx view of the
whole graph; it equals that view's ego graph (same nodes, attributes, degrees and edges). The whole
graph is written only when asked for (:func:`whole_graph_is_small` tells the page whether to make it
at once, as for the seed graph, or when the download is clicked), and never cached on the graph.
"""

from __future__ import annotations

from pathlib import Path

EXPORT_FORMATS = ("gexf", "graphml", "ttl", "jsonld")
EAGER_TRIPLES = 50_000  # up to this many triples (the seed graph: 31,118) the page makes the whole graph's file at once
NETWORKX_TRIPLES = 1_000_000  # above this, GEXF/GraphML of the whole graph are refused (networkx holds it all)


def store_triples(graph) -> int | None:
    """The store's triple count from its meta.json (None when unknown)."""
    try:
        return int(graph.meta().get("triples"))
    except (AttributeError, TypeError, ValueError, OSError):
        return None


def whole_graph_is_small(graph) -> bool:
    """True when the whole graph's files are cheap enough to make on every visit (≤ EAGER_TRIPLES)."""
    triples = store_triples(graph)
    return triples is not None and triples <= EAGER_TRIPLES


def _oxigraph(graph):
    """The pyoxigraph Store behind ``graph``, or None (another backend: the networkx view is used)."""
    from ..graph.store import OxigraphBackend

    backend = getattr(graph, "backend", None)
    return backend.store if isinstance(backend, OxigraphBackend) else None


def _term(node: str):
    import pyoxigraph as ox

    return ox.BlankNode(node[2:]) if node.startswith("_:") else ox.NamedNode(node)


def _name(term) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


class _Node:
    """One node of the networkx view read from the store: its type, literal properties and edges."""

    __slots__ = ("into", "kind", "out", "props", "typed")

    def __init__(self, store, node: str):
        import pyoxigraph as ox

        from ..graph.nx_view import RDF_TYPE, TYPE_NAMES, local_name, snake
        from ..graph.store import literal_value
        from ..ids import ONTOLOGY_IRI

        self.kind, self.typed = "Resource", False
        self.props: dict[str, list] = {}
        self.out: set[tuple[str, str]] = set()  # (relation, object)
        self.into: set[tuple[str, str]] = set()  # (subject, relation)
        term, graph = _term(node), ox.DefaultGraph()
        for quad in store.quads_for_pattern(term, None, None, graph):
            p, obj = quad.predicate.value, quad.object
            if p == RDF_TYPE:
                if obj.value.startswith(ONTOLOGY_IRI) and local_name(obj.value) in TYPE_NAMES:
                    self.kind = TYPE_NAMES[local_name(obj.value)]
                self.typed = True
            elif isinstance(obj, ox.Literal):
                value = literal_value(obj.value, obj.datatype.value if obj.datatype else None)
                self.props.setdefault(snake(local_name(p)), []).append(value)
            else:
                self.out.add((local_name(p), _name(obj)))
        for quad in store.quads_for_pattern(None, None, term, graph):
            if quad.predicate.value != RDF_TYPE:
                self.into.add((_name(quad.subject), local_name(quad.predicate.value)))

    @property
    def exists(self) -> bool:
        """A node of the networkx view: a subject of any triple, or the object of an edge."""
        return self.typed or bool(self.props or self.out or self.into)

    def neighbours(self) -> set[str]:
        return {o for _, o in self.out} | {s for s, _ in self.into}


def _store_neighbourhood(store, centre: str, radius: int):
    """:func:`neighbourhood_subgraph` read from a pyoxigraph Store (see the module's docstring)."""
    import math

    import networkx as nx

    from ..graph.nx_view import _node_attrs

    first = _Node(store, centre)
    if not first.exists:
        return None
    nodes, frontier = {centre: first}, [centre]
    for _ in range(radius):
        reached = []
        for node in frontier:
            for other in sorted(nodes[node].neighbours()):
                if other not in nodes:
                    nodes[other] = _Node(store, other)
                    reached.append(other)
        frontier = reached
    sub = nx.MultiDiGraph()
    for node in sorted(nodes):
        data = nodes[node]
        degree = len(data.out) + len(data.into)  # a MultiDiGraph's degree: out + in (a loop counts twice)
        sub.add_node(node, **_node_attrs(node, data.kind, data.props), degree=degree,
                     size=round(4.0 + 3.0 * math.sqrt(degree), 3))
    for node in sorted(nodes):
        for relation, other in sorted(nodes[node].out):
            if other in nodes:
                sub.add_edge(node, other, key=relation, relation=relation, label=relation)
    return sub


def neighbourhood_subgraph(graph, label: str, name: str, *, radius: int = 2):
    """The part of the store's networkx view within ``radius`` hops of an entity (either direction):
    its claims and papers, and what those claims and papers link to."""
    from ..ids import entity_iri

    centre = entity_iri(label, name)
    store = _oxigraph(graph)
    if store is not None:
        sub = _store_neighbourhood(store, centre, radius)
        if sub is None:
            raise KeyError(f"no {label} {name!r} in the graph")
        return sub
    import networkx as nx

    full = graph.nx()
    if centre not in full:
        raise KeyError(f"no {label} {name!r} in the graph")
    nodes = nx.ego_graph(full.to_undirected(as_view=True), centre, radius=radius).nodes
    return full.subgraph(nodes).copy()


def export_size(graph, centre: tuple[str, str] | None = None) -> tuple[int, int]:
    """Nodes and edges of what an export writes (networkx view of the whole graph or a neighbourhood)."""
    view = graph.nx() if centre is None else neighbourhood_subgraph(graph, *centre)
    return view.number_of_nodes(), view.number_of_edges()


class _Uncached:
    """``graph`` for :func:`kg.export.export`, whose networkx view is built for one export and let go
    (``graph.nx()`` would keep the whole graph's view for as long as the store is open)."""

    def __init__(self, graph):
        self._graph = graph
        self.backend = graph.backend

    def nx(self):
        from ..graph.nx_view import build_nx

        return build_nx(self.backend.triples())

    def records(self):
        return self._graph.records()


def export_bytes(graph, fmt: str, *, centre: tuple[str, str] | None = None) -> bytes:
    """The whole graph (``centre=None``) or an entity's neighbourhood as gexf, graphml, ttl or jsonld,
    written by kg.export's writers (GEXF/GraphML valid against the official schemas)."""
    import tempfile

    from .. import export as exporter

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
        out = Path(folder) / f"graph.{fmt}"
        if centre is None:
            cached = getattr(graph, "_nx", None) is not None  # a view the graph already holds is reused
            exporter.export(graph if cached else _Uncached(graph), fmt, out)
        elif fmt in ("gexf", "graphml"):
            sub = neighbourhood_subgraph(graph, *centre)
            (exporter.write_gexf if fmt == "gexf" else exporter.write_graphml)(sub, out)
        else:
            _dump_triples_about(graph, set(neighbourhood_subgraph(graph, *centre).nodes), fmt, out)
        return out.read_bytes()


def _dump_triples_about(graph, subjects: set[str], fmt: str, out: Path) -> None:
    """Every triple whose subject is one of ``subjects`` (IRIs), serialised as ``fmt``."""
    import pyoxigraph as ox

    from ..graph.rdf import PREFIXES
    from ..graph.store import OxigraphBackend

    part = OxigraphBackend()
    store = _oxigraph(graph)
    if store is not None:  # the subjects' triples only, by pattern
        named = sorted(s for s in subjects if not s.startswith("_:"))
        part.add(ox.Triple(q.subject, q.predicate, q.object)
                 for s in named for q in store.quads_for_pattern(ox.NamedNode(s), None, None, ox.DefaultGraph()))
    else:
        part.add(ox.Triple(s, p, o) for s, p, o in graph.backend.triples()
                 if isinstance(s, ox.NamedNode) and s.value in subjects)
    part.dump(out, fmt, PREFIXES)
