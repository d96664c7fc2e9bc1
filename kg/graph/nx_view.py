"""networkx view of the RDF graph: one node per resource, literal properties as scalar attributes.

Node attributes: ``type`` (Paper, Method, Dataset, Metric, Task, Claim, CodeRepository, Listing),
``label``, ``iri``, ``color`` (hex, by type), ``size`` (by degree) and every literal property under a
snake_case name (``title``, ``pref_label``, ``claim_type``, ``value_number``, ...; repeated values
joined with "; "). Edges carry ``relation`` (the property's local name, e.g. ``proposes``) and
``label``. Values are never None, lists or dicts, so the graph can be written as GEXF/GraphML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from ..ids import ONTOLOGY_IRI
from .store import literal_value

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TYPE_NAMES = {"Paper": "Paper", "Method": "Method", "Dataset": "Dataset", "Metric": "Metric", "Task": "Task",
              "ResultClaim": "Claim", "CodeRepository": "CodeRepository", "Listing": "Listing"}
COLORS = {
    "Paper": "#4c78a8", "Method": "#f58518", "Dataset": "#54a24b", "Metric": "#b279a2", "Task": "#e45756",
    "Claim": "#eeca3b", "CodeRepository": "#9d755d", "Listing": "#bab0ac", "Resource": "#7f7f7f",
}
_LABEL_PROPS = ("pref_label", "title", "label", "url")


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().replace("-", "_")


def build_nx(triples: Iterable[tuple[Any, Any, Any]]):
    """A networkx MultiDiGraph from (subject, predicate, object) pyoxigraph terms."""
    import networkx as nx
    import pyoxigraph as ox

    graph = nx.MultiDiGraph()
    literals: dict[str, dict[str, list[Any]]] = {}
    types: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for subject, predicate, obj in triples:
        s = subject.value if not isinstance(subject, ox.BlankNode) else f"_:{subject.value}"
        p = predicate.value
        if p == RDF_TYPE:
            if obj.value.startswith(ONTOLOGY_IRI) and local_name(obj.value) in TYPE_NAMES:
                types[s] = TYPE_NAMES[local_name(obj.value)]
            literals.setdefault(s, {})
            continue
        if isinstance(obj, ox.Literal):
            value = literal_value(obj.value, obj.datatype.value if obj.datatype else None)
            literals.setdefault(s, {}).setdefault(snake(local_name(p)), []).append(value)
        else:
            edges.append((s, local_name(p), obj.value if isinstance(obj, ox.NamedNode) else f"_:{obj.value}"))
    for node, props in literals.items():
        graph.add_node(node, **_node_attrs(node, types.get(node, "Resource"), props))
    for s, relation, o in sorted(edges):
        for end in (s, o):
            if end not in graph:
                graph.add_node(end, **_node_attrs(end, types.get(end, "Resource"), {}))
        graph.add_edge(s, o, key=relation, relation=relation, label=relation)
    for node, degree in graph.degree():
        graph.nodes[node]["degree"] = int(degree)
        graph.nodes[node]["size"] = round(4.0 + 3.0 * math.sqrt(degree), 3)
    return graph


def _node_attrs(node: str, kind: str, props: dict[str, list[Any]]) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": kind, "iri": node, "color": COLORS.get(kind, COLORS["Resource"])}
    for name, values in sorted(props.items()):
        values = list(dict.fromkeys(values))
        if len(values) == 1:
            attrs[name] = values[0]
        else:
            attrs[name] = "; ".join(str(v) for v in values)
    attrs["label"] = _label(kind, node, attrs)
    return attrs


def _label(kind: str, node: str, attrs: dict[str, Any]) -> str:
    if kind == "Claim":
        parts = [attrs.get("subject_name"), attrs.get("claim_type"), attrs.get("object_name")]
        text = " ".join(str(p) for p in parts if p)
        return text or str(attrs.get("evidence", ""))[:80]
    for prop in _LABEL_PROPS:
        if attrs.get(prop) not in (None, ""):
            return str(attrs[prop])
    return local_name(node)
