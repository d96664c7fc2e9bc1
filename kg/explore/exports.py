"""The explorer's downloads: the whole graph or an entity's neighbourhood as GEXF, GraphML,
Turtle or JSON-LD, written by :mod:`kg.export`'s writers."""

from __future__ import annotations

from pathlib import Path

EXPORT_FORMATS = ("gexf", "graphml", "ttl", "jsonld")


def neighbourhood_subgraph(graph, label: str, name: str, *, radius: int = 2):
    """The part of the store's networkx view within ``radius`` hops of an entity (either direction):
    its claims and papers, and what those claims and papers link to."""
    import networkx as nx

    from ..ids import entity_iri

    full = graph.nx()
    centre = entity_iri(label, name)
    if centre not in full:
        raise KeyError(f"no {label} {name!r} in the graph")
    nodes = nx.ego_graph(full.to_undirected(as_view=True), centre, radius=radius).nodes
    return full.subgraph(nodes).copy()


def export_size(graph, centre: tuple[str, str] | None = None) -> tuple[int, int]:
    """Nodes and edges of what an export writes (networkx view of the whole graph or a neighbourhood)."""
    view = graph.nx() if centre is None else neighbourhood_subgraph(graph, *centre)
    return view.number_of_nodes(), view.number_of_edges()


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
            exporter.export(graph, fmt, out)
        elif fmt in ("gexf", "graphml"):
            sub = neighbourhood_subgraph(graph, *centre)
            (exporter.write_gexf if fmt == "gexf" else exporter.write_graphml)(sub, out)
        else:
            _dump_triples_about(graph, set(neighbourhood_subgraph(graph, *centre).nodes), fmt, out)
        return out.read_bytes()


def _dump_triples_about(graph, subjects: set[str], fmt: str, out: Path) -> None:
    """Every triple whose subject is one of ``subjects`` (IRIs), serialised as ``fmt``."""
    import pyoxigraph as ox

    from ..rdf import PREFIXES
    from ..store import OxigraphBackend

    part = OxigraphBackend()
    part.add(ox.Triple(s, p, o) for s, p, o in graph.backend.triples()
             if isinstance(s, ox.NamedNode) and s.value in subjects)
    part.dump(out, fmt, PREFIXES)
