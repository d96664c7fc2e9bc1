"""PaperRecords -> RDF triples (pyoxigraph terms), following ``kg/ontology/kg.ttl``.

Every IRI comes from :mod:`kg.ids`, so the same records always give the same triples.
No blank nodes are used: exports re-parse to exactly the same triple count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ..ids import ONTOLOGY_IRI, claim_iri, entity_iri, listing_iri, measure_iri, paper_iri, repository_iri
from ..metrics import direction as metric_direction
from ..records import Claim, PaperRecord, collect_entities, rereadable
from ..values import Measure

KG = ONTOLOGY_IRI
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
MLS = "http://www.w3.org/ns/mls#"

PREFIXES = {
    "kg": KG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "xsd": XSD,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "prov": PROV,
    "skos": SKOS,
    "id": KG.replace("ontology#", "id/"),
}

ENTITY_CLASSES = {"method": "Method", "dataset": "Dataset", "metric": "Metric", "task": "Task"}
_CLAIM_LINKS = (("dataset", "datasetName", "onDataset"), ("metric", "metricName", "usesMetric"), ("task", "taskName", "onTask"))


def records_to_triples(records: Iterable[PaperRecord] | Callable[[], Iterable[PaperRecord]]) -> Iterator[Quad]:  # noqa: F821
    """Every triple of the graph of ``records``, as pyoxigraph Quads in the default graph.

    Quads (not Triples) so Oxigraph's bulk loader takes them as they are; each has
    ``.subject``, ``.predicate`` and ``.object`` like a Triple. ``records`` is read twice (the
    entities, then the papers): give a function that reads them afresh (from a records file, say)
    to keep them out of memory; only per-entity state is held.
    """
    from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

    default_graph = DefaultGraph()

    def Triple(s, p, o):
        return Quad(s, p, o, default_graph)

    read = rereadable(records)
    iri = lru_cache(maxsize=1 << 16)(NamedNode)  # vocabulary and entities recur; a paper's own IRIs seldom

    typed = {name: NamedNode(XSD + name) for name in ("integer", "double", "date", "anyURI")}
    rdf_type = iri(RDF_TYPE)

    def text(value: str) -> Literal:
        return Literal(value)

    entities = collect_entities(read())
    known = {(e.label, e.canonical) for e in entities}
    # Canonical names that normalise to the same key share one IRI: the first seen is the
    # skos:prefLabel; every canonical name is a kg:canonicalName (what named queries match).
    by_iri: dict[str, list] = {}
    for entity in entities:
        by_iri.setdefault(entity_iri(entity.label, entity.canonical), []).append(entity)
    for entity_node, group in by_iri.items():
        node = iri(entity_node)
        first = group[0]
        yield Triple(node, rdf_type, iri(KG + ENTITY_CLASSES[first.label]))
        yield Triple(node, rdf_type, iri(KG + "Entity"))
        yield Triple(node, iri(SKOS + "prefLabel"), text(first.canonical))
        names = list(dict.fromkeys(e.canonical for e in group))
        for name in names:
            yield Triple(node, iri(KG + "canonicalName"), text(name))
        for alias in dict.fromkeys(a for e in group for a in e.aliases):
            if alias not in names:
                yield Triple(node, iri(SKOS + "altLabel"), text(alias))
        if first.label == "metric" and metric_direction(first.canonical):
            yield Triple(node, iri(KG + "betterWhen"), text(metric_direction(first.canonical)))

    listings: dict[str, None] = {}
    repositories: dict[str, None] = {}
    for record in read():
        paper = record.paper
        node = iri(paper_iri(paper.id))
        yield Triple(node, rdf_type, iri(KG + "Paper"))
        yield Triple(node, rdf_type, iri(SCHEMA + "ScholarlyArticle"))
        yield Triple(node, iri(DCTERMS + "identifier"), text(paper.id))
        yield Triple(node, iri(DCTERMS + "title"), text(paper.title))
        if paper.abstract:
            yield Triple(node, iri(DCTERMS + "abstract"), text(paper.abstract))
        if paper.published:
            yield Triple(node, iri(SCHEMA + "datePublished"), Literal(paper.published, datatype=typed["date"]))
        if paper.author_count is not None:
            yield Triple(node, iri(KG + "authorCount"), Literal(str(int(paper.author_count)), datatype=typed["integer"]))
        if paper.upvotes is not None:
            yield Triple(node, iri(KG + "upvotes"), Literal(str(int(paper.upvotes)), datatype=typed["integer"]))
        for date in dict.fromkeys(s.listing_date for s in paper.sources if s.listing_date):
            yield Triple(node, iri(KG + "listingDate"), text(date))
        for name in dict.fromkeys(Path(s.file).name for s in paper.sources):
            yield Triple(node, iri(KG + "listedIn"), iri(listing_iri(name)))
            listings.setdefault(name, None)
        for url in paper.code_urls:
            yield Triple(node, iri(KG + "hasCodeRepository"), iri(repository_iri(url)))
            repositories.setdefault(url, None)
        for label, canonical in dict.fromkeys((m.label, m.canonical) for m in record.mentions):
            yield Triple(node, iri(KG + "mentions"), iri(entity_iri(label, canonical)))
        for name in dict.fromkeys(record.proposed):
            yield Triple(node, iri(KG + "proposes"), iri(entity_iri("method", name)))
        seen_claims: set[str] = set()
        for claim in record.claims:
            claim_node = claim_iri(paper.id, claim.field, claim.start, claim.end)
            if claim_node in seen_claims:  # one claim per evidence span
                continue
            seen_claims.add(claim_node)
            yield from _claim_triples(iri(claim_node), node, claim, known, iri, typed, Triple)
            for index, measure in enumerate(claim.measures):
                measure_node = iri(measure_iri(paper.id, claim.field, claim.start, claim.end, index))
                yield Triple(iri(claim_node), iri(KG + "hasMeasure"), measure_node)
                yield from _measure_triples(measure_node, measure, known, iri, typed, Triple)

    for name in listings:
        node = iri(listing_iri(name))
        yield Triple(node, rdf_type, iri(KG + "Listing"))
        yield Triple(node, iri(RDFS + "label"), text(name))
    for url in repositories:
        node = iri(repository_iri(url))
        yield Triple(node, rdf_type, iri(KG + "CodeRepository"))
        yield Triple(node, iri(SCHEMA + "url"), Literal(url, datatype=typed["anyURI"]))


def _claim_triples(node, paper_node, claim: Claim, known, iri, typed, Triple) -> Iterator[Quad]:  # noqa: F821
    from pyoxigraph import Literal

    def add(prop: str, value) -> Triple:
        return Triple(node, iri(KG + prop), value)

    yield Triple(node, iri(RDF_TYPE), iri(KG + "ResultClaim"))
    yield Triple(node, iri(PROV + "wasDerivedFrom"), paper_node)
    yield add("claimType", Literal(claim.type))
    yield add("evidence", Literal(claim.sentence))
    yield add("evidenceField", Literal(claim.field))
    yield add("evidenceStart", Literal(str(int(claim.start)), datatype=typed["integer"]))
    yield add("evidenceEnd", Literal(str(int(claim.end)), datatype=typed["integer"]))
    yield add("confidence", Literal(repr(float(claim.confidence)), datatype=typed["double"]))
    if claim.extractor:
        yield add("extractorVersion", Literal(claim.extractor))
    for name, name_prop, link_prop in (
        (claim.subject, "subjectName", "claimSubject"),
        (claim.object, "objectName", "claimObject"),
    ):
        if name:
            yield add(name_prop, Literal(name))
            if ("method", name) in known:
                yield add(link_prop, iri(entity_iri("method", name)))
    for label, name_prop, link_prop in _CLAIM_LINKS:
        for name in dict.fromkeys(getattr(claim, label)):
            if not name:
                continue
            yield add(name_prop, Literal(name))
            if (label, name) in known:
                yield add(link_prop, iri(entity_iri(label, name)))
    if claim.value:
        yield add("value", Literal(claim.value))
    if claim.value_number is not None and math.isfinite(claim.value_number):
        yield add("valueNumber", Literal(repr(float(claim.value_number)), datatype=typed["double"]))
    if claim.value_unit:
        yield add("valueUnit", Literal(claim.value_unit))
    if claim.value_kind:
        yield add("valueKind", Literal(claim.value_kind))
    if claim.direction:
        yield add("direction", Literal(claim.direction))


def _measure_triples(node, measure: Measure, known, iri, typed, Triple) -> Iterator[Quad]:  # noqa: F821
    from pyoxigraph import Literal

    def add(prop: str, value) -> Triple:
        return Triple(node, iri(KG + prop), value)

    def number(value: float) -> Literal:
        return Literal(repr(float(value)), datatype=typed["double"])

    yield Triple(node, iri(RDF_TYPE), iri(KG + "Measure"))
    yield add("measureKind", Literal(measure.kind))
    yield add("measureText", Literal(measure.display))
    yield add("measureOffset", Literal(str(int(measure.start)), datatype=typed["integer"]))
    if measure.number is not None and math.isfinite(measure.number):
        yield add("measureNumber", number(measure.number))
    if measure.unit:
        yield add("measureUnit", Literal(measure.unit))
    if measure.baseline is not None and math.isfinite(measure.baseline):
        yield add("measureBaseline", number(measure.baseline))
    if measure.qualifier:
        yield add("measureQualifier", Literal(measure.qualifier))
    for label, name, name_prop, link_prop in (("metric", measure.metric, "measureMetricName", "measureOfMetric"),
                                              ("dataset", measure.dataset, "measureDatasetName", "measureOnDataset")):
        if name:
            yield add(name_prop, Literal(name))
            if (label, name) in known:
                yield add(link_prop, iri(entity_iri(label, name)))
    direction = metric_direction(measure.metric)
    if direction:
        yield add("measureDirection", Literal(direction))
