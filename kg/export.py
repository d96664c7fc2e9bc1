"""Exports: GEXF 1.3 and GraphML (for Gephi), Turtle, N-Triples, JSON-LD, CSV node/edge tables,
the three JSON files of Papers with Code's dumps (:mod:`kg.pwc`) and neo4j-admin's CSV files
(:func:`kg.neo4j.sink.write_neo4j_csv`).

Each writer takes the data it writes (a backend, a networkx view, records); :func:`export` picks
the writer for a format and reads its data from a :class:`GraphSource` (the API's KnowledgeGraph).

GEXF and GraphML come from the networkx view (:mod:`kg.graph.nx_view`) and are made valid against the
official grammars (``shared/data/schemas``): networkx's GEXF 1.3 output gets the two documented
fixes (the xsi namespace URI, no ``graph/@name``); GraphML gets NMTOKEN-safe node ids (``n0``,
``n1``, ... with the IRI kept in the ``iri`` attribute) and unique edge ids (``e0``, ``e1``, ...).
Every file is written aside and renamed into place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import KGError

if TYPE_CHECKING:
    from .graph.store import Backend
    from .records import PaperRecord

RDF_FORMATS = ("ttl", "nt", "jsonld")
NETWORK_FORMATS = ("gexf", "graphml", "csv")
FORMATS = ("gexf", "graphml", "ttl", "nt", "jsonld", "csv", "pwc", "neo4j-csv")
_WRONG_XSI = b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"'
_RIGHT_XSI = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


class GraphSource(Protocol):
    """What :func:`export` reads from: the triples (``backend``), the records and the networkx view
    of one store. :class:`kg.api.KnowledgeGraph` is one; this module never imports the API."""

    backend: Backend

    def records(self) -> list[PaperRecord]: ...

    def nx(self) -> Any: ...


def export(graph: GraphSource, fmt: str, out: str | Path) -> list[Path]:
    """Write ``graph`` as ``fmt``; returns the files written. RDF formats come from its triples, the
    Gephi formats from its networkx view, ``pwc`` and ``neo4j-csv`` (folders ``out``) from its records."""
    out = Path(out)
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "pwc":
        return write_pwc(graph.records(), out)
    if fmt == "neo4j-csv":
        from .neo4j.sink import write_neo4j_csv

        return write_neo4j_csv(graph.records(), out)
    if fmt in RDF_FORMATS:
        return write_rdf(graph.backend, fmt, out)
    return write_network(graph.nx(), fmt, out)


def write_rdf(backend: Backend, fmt: str, out: str | Path) -> list[Path]:
    """Every triple of ``backend`` as ttl, nt or jsonld in ``out`` (written aside, then renamed)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return [_atomic(out, lambda tmp: _dump_rdf(backend, fmt, tmp))]


def write_network(graph: Any, fmt: str, out: str | Path) -> list[Path]:
    """A networkx view (:mod:`kg.graph.nx_view`) as gexf, graphml or csv (``out`` the edges, ``OUT-stem.nodes.csv``
    the nodes), each written aside and renamed."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gexf":
        return [_atomic(out, lambda tmp: write_gexf(graph, tmp))]
    if fmt == "graphml":
        return [_atomic(out, lambda tmp: write_graphml(graph, tmp))]
    nodes_path = out.with_name(out.stem + ".nodes.csv")
    return [_atomic(out, lambda tmp: _edges_csv(graph, tmp)), _atomic(nodes_path, lambda tmp: _nodes_csv(graph, tmp))]


def _atomic(path: Path, write) -> Path:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_pwc(records: Iterable[Any], folder: str | Path) -> list[Path]:
    """evaluation-tables.json, papers-with-abstracts.json and links-between-papers-and-code.json of
    ``records`` (PaperRecords) in ``folder``, each written aside and renamed into place."""
    from .pwc import pwc_files

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KGError(f"{folder} is a file; the pwc export writes three files into a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return [_atomic(folder / name, lambda tmp, rows=rows: _write_json(rows, tmp))
            for name, rows in pwc_files(records).items()]


def _write_json(rows: Any, path: Path) -> None:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def _dump_rdf(backend: Backend, fmt: str, tmp: Path) -> None:
    from .graph.rdf import PREFIXES
    from .graph.store import OxigraphBackend

    if not isinstance(backend, OxigraphBackend):  # serialise through an in-memory Oxigraph copy
        copy = OxigraphBackend()
        from pyoxigraph import Triple

        copy.add(Triple(s, p, o) for s, p, o in backend.triples())
        backend = copy
    backend.dump(tmp, fmt, PREFIXES)


# ---------------------------------------------------------------- GEXF


def gexf_graph(graph):
    """A copy of the networkx view ready for GEXF: viz colour/size, paper dates as ``start``."""
    gexf = graph.copy()
    for _, data in gexf.nodes(data=True):
        colour = data.get("color", "#7f7f7f").lstrip("#")
        data["viz"] = {
            "color": {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0},
            "size": float(data.get("size", 4.0)),
        }
        published = data.get("date_published")
        if isinstance(published, str) and len(published) == 10:
            data["start"] = published
    return gexf


def write_gexf(graph, path: str | Path) -> None:
    """GEXF 1.3, valid against gexf.rng / xsd-viz-fixed/gexf.xsd."""
    import networkx as nx
    from lxml import etree

    tmp = Path(f"{path}.nx")
    try:
        nx.write_gexf(gexf_graph(graph), tmp, version="1.3")
        data = tmp.read_bytes().replace(_WRONG_XSI, _RIGHT_XSI)
    finally:
        tmp.unlink(missing_ok=True)
    root = etree.fromstring(data)
    for element in root.iter("{http://gexf.net/1.3}graph"):
        element.attrib.pop("name", None)
    Path(path).write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


# ---------------------------------------------------------------- GraphML


def graphml_graph(graph):
    """A copy with NMTOKEN-safe node ids (n0, n1, ...) and unique edge ids (e0, e1, ...)."""
    import networkx as nx

    mapping = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    safe = nx.relabel_nodes(graph, mapping, copy=True)
    for i, (_, _, data) in enumerate(safe.edges(data=True)):
        data["edge_id"] = f"e{i}"
    return safe


def write_graphml(graph, path: str | Path) -> None:
    """GraphML 1.0, valid against graphml-1.0/graphml.xsd."""
    import networkx as nx

    nx.write_graphml(graphml_graph(graph), path, edge_id_from_attribute="edge_id")


# ---------------------------------------------------------------- CSV (Gephi spreadsheet import)


def _nodes_csv(graph, path: Path) -> None:
    import pandas as pd

    rows = [{"Id": node, "Label": data.get("label", node), **{k: v for k, v in data.items() if k != "label"}}
            for node, data in graph.nodes(data=True)]
    pd.DataFrame(rows).to_csv(path, index=False)


def _edges_csv(graph, path: Path) -> None:
    import pandas as pd

    rows = [{"Source": s, "Target": t, "Type": "Directed", "Label": d.get("label", k), "relation": d.get("relation", k)}
            for s, t, k, d in graph.edges(keys=True, data=True)]
    pd.DataFrame(rows, columns=["Source", "Target", "Type", "Label", "relation"]).to_csv(path, index=False)
