"""SHACL validation of the data graph against ``kg/ontology/shapes.ttl`` (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..settings import SHAPES
from .store import Backend


@dataclass
class ValidationReport:
    conforms: bool
    violations: int
    text: str
    triples: int


def validate_backend(backend: Backend, shapes: str | Path = SHAPES) -> ValidationReport:
    """Validate every triple of ``backend`` (as an rdflib graph, :meth:`Backend.rdflib_graph`) against the shapes."""
    import pyshacl
    from rdflib import Graph, Namespace

    data = backend.rdflib_graph()
    shapes_graph = Graph().parse(str(shapes), format="turtle")
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", inplace=True, allow_warnings=True, advanced=True
    )
    sh = Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in results.subjects(sh.resultSeverity, sh.Violation))
    return ValidationReport(bool(conforms), violations, text, len(data))
