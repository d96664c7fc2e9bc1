"""SHACL validation of the data graph against ``kg/ontology/shapes.ttl`` (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .settings import SHAPES


@dataclass
class ValidationReport:
    conforms: bool
    violations: int
    text: str
    triples: int


def validate_backend(backend: Any, shapes: str | Path = SHAPES) -> ValidationReport:
    """Validate every triple of ``backend`` (loaded into an rdflib graph) against the shapes."""
    import pyshacl
    from rdflib import Graph, Namespace

    data = Graph()
    if hasattr(backend, "graph"):
        data = backend.graph
    else:
        data.parse(data=backend.store.dump(format=_nt(), from_graph=_default_graph()), format="nt")
    shapes_graph = Graph().parse(str(shapes), format="turtle")
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", inplace=True, allow_warnings=True, advanced=True
    )
    sh = Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in results.subjects(sh.resultSeverity, sh.Violation))
    return ValidationReport(bool(conforms), violations, text, len(data))


def _nt():
    import pyoxigraph as ox

    return ox.RdfFormat.N_TRIPLES


def _default_graph():
    import pyoxigraph as ox

    return ox.DefaultGraph()
