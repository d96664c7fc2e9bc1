"""PaperRecords -> a property graph in Neo4j (or any Bolt server running the same Cypher subset).

The model is documented in ``kg/ontology/property-graph.md``. Both writers stream: :func:`iter_rows`
reads the records twice (the entities, then one record at a time) and yields row batches, the
entity nodes first, then each record's own nodes and relationships, so only per-entity state is
held. :func:`load` writes them with the official driver: uniqueness constraints and indexes first,
then ``UNWIND $rows AS row MERGE ...`` in batches, so loading the same records again changes
nothing. :func:`write_neo4j_csv` writes them as CSV files for ``neo4j-admin database import``.
:func:`rows_for` gathers the whole graph in memory (for tests and benchmarks on small corpora).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BackendError
from ..ids import (
    claim_id,
    claim_iri,
    entity_iri,
    entity_key,
    listing_iri,
    measure_id,
    measure_iri,
    paper_iri,
    repository_iri,
    slug,
)
from ..metrics import direction as metric_direction
from ..records import Entity, PaperRecord, collect_entities, rereadable
from ..values import Measure

ENTITY_NODE_LABELS = {"method": "Method", "dataset": "Dataset", "metric": "Metric", "task": "Task"}

# label -> the property that identifies a node of that label (uniqueness constraint)
NODE_KEYS: dict[str, str] = {
    "Paper": "id",
    "Method": "key",
    "Dataset": "key",
    "Metric": "key",
    "Task": "key",
    "GenericParty": "key",
    "Claim": "id",
    "Measure": "id",
    "CodeRepository": "url",
    "Listing": "id",
}

# Nodes that several records share besides the entities; each is written once, as first seen.
SHARED_LABELS = ("GenericParty", "CodeRepository", "Listing")

_ENTITY_PROPS = (("name", ""), ("label", ""), ("iri", ""), ("aliases", "string[]"))

# label -> its properties besides the key, with their neo4j-admin type ("" is string): the columns
# of the CSV files, declared here because the files are written before the data is all seen.
NODE_PROPS: dict[str, tuple[tuple[str, str], ...]] = {
    "Paper": (("title", ""), ("abstract", ""), ("published", ""), ("published_raw", ""), ("author_count", "long"),
              ("upvotes", "long"), ("extractor", ""), ("iri", "")),
    **{label: _ENTITY_PROPS for label in ENTITY_NODE_LABELS.values()},
    "GenericParty": (("name", ""), ("label", "")),
    "Claim": (("type", ""), ("sentence", ""), ("field", ""), ("start", "long"), ("end", "long"), ("value", ""),
              ("value_number", "double"), ("value_unit", ""), ("value_kind", ""), ("direction", ""),
              ("confidence", "double"), ("extractor", ""), ("paper", ""), ("iri", "")),
    "Measure": (("kind", ""), ("text", ""), ("offset", "long"), ("number", "double"), ("unit", ""),
                ("baseline", "double"), ("qualifier", ""), ("direction", ""), ("iri", "")),
    "CodeRepository": (("iri", ""),),
    "Listing": (("file", ""), ("iri", "")),
}

# relationship type -> (start label, end label); OUTPERFORMS is derived from outperforms claims
REL_ENDS: dict[str, tuple[str, str]] = {
    "PROPOSES": ("Paper", "Method"),
    "MENTIONS": ("Paper", "*"),  # any entity label: one row batch per end label
    "EVALUATED_ON": ("Paper", "Dataset"),
    "MAKES_CLAIM": ("Paper", "Claim"),
    # claim parties are entities, or GenericParty nodes for names that are no entity of the graph
    # ("baselines", "state-of-the-art"), as in the RDF graph where they stay plain names
    "ABOUT": ("Claim", "Method|GenericParty"),
    "AGAINST": ("Claim", "Method|GenericParty"),
    "ON_DATASET": ("Claim", "Dataset|GenericParty"),
    "WITH_METRIC": ("Claim", "Metric|GenericParty"),
    "FOR_TASK": ("Claim", "Task|GenericParty"),
    "HAS_MEASURE": ("Claim", "Measure"),
    "OF_METRIC": ("Measure", "Metric|GenericParty"),
    "MEASURED_ON": ("Measure", "Dataset|GenericParty"),
    "HAS_CODE": ("Paper", "CodeRepository"),
    "LISTED_IN": ("Paper", "Listing"),
    "OUTPERFORMS": ("Method", "Method"),
}

# Relationships that may occur more than once between the same two nodes carry a "key" property
# that MERGE matches on; the others are unique per (start, end).
KEYED_RELS = {"OUTPERFORMS"}

# relationship type -> its properties with their neo4j-admin types (the key first for keyed types)
REL_PROPS: dict[str, tuple[tuple[str, str], ...]] = {
    "MENTIONS": (("count", "long"), ("texts", "string[]")),
    "LISTED_IN": (("line", "long"), ("position", "long"), ("listing_date", "")),
    "OUTPERFORMS": (("key", ""), ("dataset", ""), ("metric", ""), ("value", ""), ("value_number", "double"),
                    ("paper", ""), ("claim", "")),
}

# Secondary indexes for lookups by name / type; created before loading.
INDEXES: tuple[tuple[str, str], ...] = (
    ("Method", "name"),
    ("Dataset", "name"),
    ("Metric", "name"),
    ("Task", "name"),
    ("GenericParty", "name"),
    ("Claim", "type"),
    ("Measure", "kind"),
)

Records = Iterable[PaperRecord] | Callable[[], Iterable[PaperRecord]]


@dataclass
class GraphRows:
    """Row batches: ``nodes[label]`` and ``rels[(type, start label, end label)]``.

    A node row is ``{"key": <key value>, "props": {...}}``; a relationship row is
    ``{"start": <start key>, "end": <end key>, "props": {...}}`` (plus ``"key"`` for keyed types).
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    def rel_count(self) -> int:
        return sum(len(rows) for rows in self.rels.values())

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type."""
        return _counts({label: len(rows) for label, rows in self.nodes.items()},
                       {ident: len(rows) for ident, rows in self.rels.items()})


def _counts(nodes: dict[str, int], rels: dict[tuple[str, str, str], int]) -> dict[str, int]:
    """Labels in name order, then relationship types in name order (the order of counts.json)."""
    out: dict[str, int] = {label: count for label, count in sorted(nodes.items()) if count}
    for (rel_type, _, _), count in sorted(rels.items()):
        if count:
            out[rel_type] = out.get(rel_type, 0) + count
    return out


def entity_rows(entities: Iterable[Entity]) -> GraphRows:
    """The Method/Dataset/Metric/Task nodes of a corpus's entities (:func:`kg.records.collect_entities`).

    Canonical names with one :func:`kg.ids.entity_key` are one node: the first seen gives its name
    and iri, and its aliases are every surface form of them all, in order.
    """
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for entity in entities:
        node_label = ENTITY_NODE_LABELS.get(entity.label)
        if node_label is None or not entity.canonical:
            continue
        key = entity_key(entity.label, entity.canonical)
        row = by_key.get((node_label, key))
        if row is None:
            by_key[node_label, key] = {"key": key, "props": {
                "name": entity.canonical, "label": entity.label, "iri": entity_iri(entity.label, entity.canonical),
                "aliases": _forms(entity)}}
        else:
            aliases = row["props"]["aliases"]
            aliases += [a for a in _forms(entity) if a not in aliases]
    rows = GraphRows()
    for (node_label, _), row in by_key.items():
        rows.nodes.setdefault(node_label, []).append(row)
    return rows


def _forms(entity: Entity) -> list[str]:
    return [form for form in dict.fromkeys((entity.canonical, *entity.aliases)) if form]


def iter_rows(records: Records) -> Iterator[GraphRows]:
    """The property graph of ``records`` as row batches: the entity nodes, then record by record its
    Paper, Claim and Measure nodes, the GenericParty, CodeRepository and Listing nodes it is the
    first to name, and every relationship it starts (deduplicated within the record).

    ``records`` is read twice (the entities, then the papers): give a function that reads them afresh
    (``lambda: iter_records_file(path)``) to keep them out of memory; only the entities and the keys
    of the shared nodes and papers seen are held. Every relationship starts at a node of one record,
    so none repeats across records; a record whose paper id was seen before is skipped.
    """
    read = rereadable(records)
    entities = collect_entities(read())
    known = {(e.label, e.canonical) for e in entities}
    first = entity_rows(entities)
    del entities
    yield first
    del first
    seen: dict[str, set[str]] = {label: set() for label in SHARED_LABELS}
    papers: set[str] = set()
    for record in read():
        if record.paper.id in papers:
            continue
        papers.add(record.paper.id)
        yield _record_rows(record, known, seen)


def rows_for(records: Records) -> GraphRows:
    """The whole property graph of ``records`` in memory (:func:`iter_rows` gathered): for tests and
    benchmarks on small corpora; the writers stream."""
    rows = GraphRows()
    for batch in iter_rows(records):
        for label, label_rows in batch.nodes.items():
            rows.nodes.setdefault(label, []).extend(label_rows)
        for ident, rel_rows in batch.rels.items():
            rows.rels.setdefault(ident, []).extend(rel_rows)
    return rows


class _Builder:
    """The rows of one record; ``seen`` holds the shared node keys that earlier records wrote."""

    def __init__(self, known: set[tuple[str, str]], seen: dict[str, set[str]]) -> None:
        self.known = known
        self.seen = seen
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self.rels: dict[tuple[str, str, str], dict[tuple, dict[str, Any]]] = {}

    def node(self, label: str, key: str, props: dict[str, Any]) -> str:
        seen = self.seen.get(label)
        if seen is not None:
            if key in seen:
                return key
            seen.add(key)
        existing = self.nodes.setdefault(label, {}).get(key)
        if existing is None:
            self.nodes[label][key] = {"key": key, "props": dict(props)}
        else:  # first non-null value wins
            for name, value in props.items():
                if existing["props"].get(name) is None:
                    existing["props"][name] = value
        return key

    @staticmethod
    def entity(label: str, canonical: str) -> tuple[str, str]:
        """An entity node (written by :func:`entity_rows`)."""
        return ENTITY_NODE_LABELS[label], entity_key(label, canonical)

    def party(self, label: str, name: str) -> tuple[str, str]:
        """A claim's subject, baseline, dataset, metric or task: its entity when the graph has one."""
        if (label, name) in self.known:
            return self.entity(label, name)
        return "GenericParty", self.node("GenericParty", entity_key(label, name), {"name": name, "label": label})

    def rel(self, rel_type: str, start: tuple[str, str], end: tuple[str, str], props: dict[str, Any] | None = None,
            key: str | None = None, merge: Callable[[dict[str, Any], dict[str, Any]], None] | None = None) -> None:
        bucket = self.rels.setdefault((rel_type, start[0], end[0]), {})
        ident = (start[1], end[1], key)
        row = bucket.get(ident)
        if row is None:
            row = {"start": start[1], "end": end[1], "props": dict(props or {})}
            if key is not None:
                row["key"] = key
            bucket[ident] = row
        elif merge is not None:
            merge(row["props"], props or {})

    def rows(self) -> GraphRows:
        return GraphRows(
            nodes={label: list(by_key.values()) for label, by_key in self.nodes.items()},
            rels={ident: list(by_end.values()) for ident, by_end in self.rels.items()},
        )


def _count_mention(old: dict[str, Any], new: dict[str, Any]) -> None:
    old["count"] += new["count"]
    for text in new["texts"]:
        if text not in old["texts"]:
            old["texts"].append(text)


def _record_rows(record: PaperRecord, known: set[tuple[str, str]], seen: dict[str, set[str]]) -> GraphRows:
    b = _Builder(known, seen)
    paper = record.paper
    p = ("Paper", b.node("Paper", paper.id, {
        "title": paper.title,
        "abstract": paper.abstract,
        "published": paper.published,
        "published_raw": paper.published_raw,
        "author_count": paper.author_count,
        "upvotes": paper.upvotes,
        "extractor": record.extractor or None,
        "iri": paper_iri(paper.id),
    }))
    for url in paper.code_urls:
        repo = ("CodeRepository", b.node("CodeRepository", url, {"iri": repository_iri(url)}))
        b.rel("HAS_CODE", p, repo)
    for source in paper.sources:
        listing = ("Listing", b.node("Listing", slug(source.file), {"file": source.file, "iri": listing_iri(source.file)}))
        b.rel("LISTED_IN", p, listing, {"line": source.line, "position": source.position, "listing_date": source.listing_date})
    for mention in record.mentions:
        if mention.label not in ENTITY_NODE_LABELS or not mention.canonical:
            continue
        entity = b.entity(mention.label, mention.canonical)
        b.rel("MENTIONS", p, entity, {"count": 1, "texts": [mention.text]}, merge=_count_mention)
        if mention.label == "dataset":
            b.rel("EVALUATED_ON", p, entity)
    for name in record.proposed:
        if name:
            b.rel("PROPOSES", p, b.entity("method", name))
    for claim in record.claims:
        cid = claim_id(paper.id, claim.field, claim.start, claim.end)
        c = ("Claim", b.node("Claim", cid, {
            "type": claim.type,
            "sentence": claim.sentence,
            "field": claim.field,
            "start": claim.start,
            "end": claim.end,
            "value": claim.value,
            "value_number": claim.value_number,
            "value_unit": claim.value_unit,
            "value_kind": claim.value_kind,
            "direction": claim.direction,
            "confidence": claim.confidence,
            "extractor": claim.extractor or None,
            "paper": paper.id,
            "iri": claim_iri(paper.id, claim.field, claim.start, claim.end),
        }))
        b.rel("MAKES_CLAIM", p, c)
        subject = b.party("method", claim.subject) if claim.subject else None
        baseline = b.party("method", claim.object) if claim.object else None
        if subject:
            b.rel("ABOUT", c, subject)
        if baseline:
            b.rel("AGAINST", c, baseline)
        for name in filter(None, claim.dataset):
            dataset = b.party("dataset", name)
            b.rel("ON_DATASET", c, dataset)
            if dataset[0] == "Dataset":
                b.rel("EVALUATED_ON", p, dataset)
        for name in filter(None, claim.metric):
            b.rel("WITH_METRIC", c, b.party("metric", name))
        for name in filter(None, claim.task):
            b.rel("FOR_TASK", c, b.party("task", name))
        for index, measure in enumerate(claim.measures):
            _measure_rows(b, c, measure, measure_id(paper.id, claim.field, claim.start, claim.end, index),
                          measure_iri(paper.id, claim.field, claim.start, claim.end, index))
        both_methods = subject and baseline and subject[0] == baseline[0] == "Method"
        if claim.type == "outperforms" and both_methods and subject != baseline:
            for dataset_name in tuple(filter(None, claim.dataset)) or (None,):
                for metric_name in tuple(filter(None, claim.metric)) or (None,):
                    b.rel("OUTPERFORMS", subject, baseline, {
                        "dataset": dataset_name,
                        "metric": metric_name,
                        "value": claim.value,
                        "value_number": claim.value_number,
                        "paper": paper.id,
                        "claim": cid,
                    }, key=f"{cid}|{dataset_name or ''}|{metric_name or ''}")
    return b.rows()


def _measure_rows(b: _Builder, claim: tuple[str, str], measure: Measure, mid: str, iri: str) -> None:
    m = ("Measure", b.node("Measure", mid, {
        "kind": measure.kind, "text": measure.display, "offset": measure.start, "number": measure.number,
        "unit": measure.unit, "baseline": measure.baseline, "qualifier": measure.qualifier,
        "direction": metric_direction(measure.metric), "iri": iri,
    }))
    b.rel("HAS_MEASURE", claim, m)
    if measure.metric:
        b.rel("OF_METRIC", m, b.party("metric", measure.metric))
    if measure.dataset:
        b.rel("MEASURED_ON", m, b.party("dataset", measure.dataset))
# --- Cypher --------------------------------------------------------------------------------------


def schema_statements() -> list[str]:
    """Uniqueness constraints then indexes, in Neo4j 5 syntax (also run by ArcadeDB's Bolt plugin)."""
    statements = [
        f"CREATE CONSTRAINT {label.lower()}_{key} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
        for label, key in NODE_KEYS.items()
    ]
    statements += [
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})" for label, prop in INDEXES
    ]
    return statements


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _set_clause(variable: str, props: Iterable[str]) -> str:
    """``SET v.p = row.p, ...``: explicit assignments (ArcadeDB runs them ~1.5x faster than ``SET v += map``)."""
    names = list(props)
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a loadable property name: {name!r}")
    return (" SET " + ", ".join(f"{variable}.{name} = row.p_{name}" for name in names)) if names else ""


def node_statement(label: str, props: Iterable[str] = ()) -> str:
    """MERGE nodes of ``label`` on their key, then set ``props``; rows are ``{key, p_<prop>: value}``."""
    key = NODE_KEYS[label]
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}})" + _set_clause("n", props)


def rel_statement(rel_type: str, start_label: str, end_label: str, props: Iterable[str] = ()) -> str:
    """One relationship per row: MATCH both ends by key, MERGE it (on ``key`` for keyed types), set ``props``."""
    start_key, end_key = NODE_KEYS[start_label], NODE_KEYS[end_label]
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{start_key}: row.start}}) "
        f"MATCH (b:{end_label} {{{end_key}: row.end}}) " + _merge_rel(rel_type, "row", props)
    )


def grouped_rel_statement(rel_type: str, start_label: str, end_label: str, props: Iterable[str] = (),
                          create: bool = False) -> str:
    """Relationships grouped by start node: rows are ``{start, items: [{end, key?, p_*}]}``.

    Looking each start node up once per group instead of once per relationship doubles the
    throughput on ArcadeDB (see bench/bolt_load.py). ``create`` writes CREATE instead of MERGE, for
    a relationship set the graph does not hold yet (rows are unique per start, end and key).
    """
    start_key, end_key = NODE_KEYS[start_label], NODE_KEYS[end_label]
    write = _create_rel(rel_type, "item", props) if create else _merge_rel(rel_type, "item", props)
    return (
        f"UNWIND $rows AS row MATCH (a:{start_label} {{{start_key}: row.start}}) "
        f"UNWIND row.items AS item MATCH (b:{end_label} {{{end_key}: item.end}}) " + write
    )


def _create_rel(rel_type: str, row: str, props: Iterable[str]) -> str:
    names = list(props) + (["key"] if rel_type in KEYED_RELS else [])
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a loadable property name: {name!r}")
    fields = ", ".join(f"{name}: {row}.{'key' if name == 'key' else 'p_' + name}" for name in names)
    return f"CREATE (a)-[r:{rel_type} {{{fields}}}]->(b)" if fields else f"CREATE (a)-[r:{rel_type}]->(b)"


def has_relationships(session: Any, rel_type: str, start_label: str, end_label: str) -> bool:
    """Whether the graph holds any ``rel_type`` relationship between these labels."""
    query = f"MATCH (:{start_label})-[r:{rel_type}]->(:{end_label}) RETURN 1 AS found LIMIT 1"
    return bool(session.run(query).data())


def _merge_rel(rel_type: str, row: str, props: Iterable[str]) -> str:
    merge = f"MERGE (a)-[r:{rel_type} {{key: {row}.key}}]->(b)" if rel_type in KEYED_RELS else f"MERGE (a)-[r:{rel_type}]->(b)"
    return merge + _set_clause("r", props).replace("row.p_", f"{row}.p_")


def _grouped(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for item in flat:
        groups.setdefault(item["start"], []).append({k: v for k, v in item.items() if k != "start"})
    return [{"start": start, "items": items} for start, items in groups.items()]


def _flat(batch: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The property names of a batch and its rows with the properties lifted beside the keys."""
    names: dict[str, None] = {}
    for row in batch:
        names.update(dict.fromkeys(row["props"]))
    flat = []
    for row in batch:
        item = {k: v for k, v in row.items() if k != "props"}
        item.update({f"p_{name}": row["props"].get(name) for name in names})
        flat.append(item)
    return list(names), flat


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for index in range(0, len(rows), size):
        yield rows[index : index + size]


def clear_graph(driver: Any, database: str | None = None, batch_size: int = 5000) -> int:
    """Delete every node (and its relationships) of the labels this loader writes; returns how many."""
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    deleted = 0
    try:
        with driver.session(database=database) as session:
            for label in NODE_KEYS:
                while True:
                    record = session.execute_write(lambda tx: tx.run(
                        f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",  # noqa: B023  (run at once)
                        limit=batch_size).single())
                    count = record["deleted"] if record else 0
                    deleted += count
                    if count < batch_size:
                        break
    except (ServiceUnavailable, SessionExpired, ConnectionError, OSError) as error:
        raise BackendError(f"lost the connection to the Bolt server while clearing ({error.__class__.__name__}); "
                           "re-run the load with --replace") from error
    return deleted


@dataclass
class LoadResult:
    nodes: int = 0
    relationships: int = 0
    batches: int = 0
    nodes_created: int = 0
    relationships_created: int = 0


class _BoltWriter:
    """Row batches into one session: ``--batch-size`` rows per transaction, counted in a LoadResult.

    A relationship set (type, start label, end label) that the graph did not hold when this writer
    first came to it is CREATEd (faster; its rows are unique); the others are MERGEd. That is decided
    once per set, before its first row is written, so a load that comes back to a set keeps CREATE.
    """

    def __init__(self, session: Any, batch_size: int, on_batch: Callable[[int], None] | None) -> None:
        self.session = session
        self.batch_size = batch_size
        self.on_batch = on_batch
        self.result = LoadResult()
        self.fresh: dict[tuple[str, str, str], bool] = {}

    def schema(self) -> None:
        for statement in schema_statements():
            self.session.run(statement).consume()

    def nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        for batch in _batches(rows, self.batch_size):
            names, flat = _flat(batch)
            self._write(node_statement(label, names), flat, len(batch), "n")

    def rels(self, ident: tuple[str, str, str], rows: list[dict[str, Any]]) -> None:
        if ident not in self.fresh:
            self.fresh[ident] = not has_relationships(self.session, *ident)
        for batch in _batches(rows, self.batch_size):
            names, flat = _flat(batch)
            self._write(grouped_rel_statement(*ident, names, create=self.fresh[ident]), _grouped(flat), len(batch), "r")

    def _write(self, statement: str, rows: list[dict[str, Any]], size: int, kind: str) -> None:
        summary = self.session.execute_write(lambda tx: tx.run(statement, rows=rows).consume())
        counters = summary.counters
        self.result.nodes_created += counters.nodes_created
        self.result.relationships_created += counters.relationships_created
        if kind == "n":
            self.result.nodes += size
        else:
            self.result.relationships += size
        self.result.batches += 1
        if self.on_batch is not None:
            self.on_batch(size)


def load(
    driver: Any,
    records: Records,
    database: str | None = None,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Write the property graph of ``records`` with one writer, streaming (:func:`iter_rows`):
    schema first, then the entity nodes, then the records' rows as they are read, in batches.

    Rows wait in one buffer per label and per relationship set until it holds ``batch_size`` rows;
    every node buffer is written before any relationship buffer, so both ends of a relationship
    exist when it is written. Memory holds the entities and at most about a batch per buffer; give
    ``records`` as a function that reads them afresh to keep them out of memory.

    Idempotent: nodes are MERGEd on their keys, relationships too (on ``key`` for keyed types)
    unless the graph held no relationship of that set before the load, in which case they are
    CREATEd; running it again creates nothing. ``on_batch(rows)`` follows every transaction. A lost
    connection raises :class:`BackendError`; what was committed stays and a re-run completes it.
    """
    return _run_writer(driver, database, batch_size, on_batch, lambda writer: _stream(writer, records))


def _stream(writer: _BoltWriter, records: Records) -> None:
    node_buffers: dict[str, list[dict[str, Any]]] = {}
    rel_buffers: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def flush_nodes() -> None:
        for label, buffered in node_buffers.items():
            if buffered:
                writer.nodes(label, buffered)
        node_buffers.clear()

    for rows in iter_rows(records):
        for label, label_rows in rows.nodes.items():
            buffered = node_buffers.setdefault(label, [])
            buffered += label_rows
            if len(buffered) >= writer.batch_size:
                writer.nodes(label, node_buffers.pop(label))
        for ident, rel_rows in rows.rels.items():
            buffered = rel_buffers.setdefault(ident, [])
            buffered += rel_rows
            if len(buffered) >= writer.batch_size:
                flush_nodes()
                writer.rels(ident, rel_buffers.pop(ident))
    flush_nodes()
    for ident, buffered in rel_buffers.items():
        writer.rels(ident, buffered)


def load_rows(
    driver: Any,
    rows: GraphRows,
    database: str | None = None,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Write prepared rows (bench/bolt_load.py's graphs) as :func:`load` does: schema, nodes, then
    relationships sorted by start node."""

    def work(writer: _BoltWriter) -> None:
        for label, label_rows in rows.nodes.items():
            writer.nodes(label, label_rows)
        for ident, rel_rows in rows.rels.items():
            writer.rels(ident, sorted(rel_rows, key=lambda row: str(row["start"])))

    return _run_writer(driver, database, batch_size, on_batch, work)


def _run_writer(driver: Any, database: str | None, batch_size: int, on_batch: Callable[[int], None] | None,
                work: Callable[[_BoltWriter], None]) -> LoadResult:
    """Schema, then ``work`` in one session; driver errors become BackendErrors."""
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

    writer: _BoltWriter | None = None
    try:
        with driver.session(database=database) as session:
            writer = _BoltWriter(session, batch_size, on_batch)
            writer.schema()
            work(writer)
    except (ServiceUnavailable, SessionExpired, ConnectionError, OSError) as error:
        done = writer.result.nodes + writer.result.relationships if writer else 0
        raise BackendError(
            f"lost the connection to the Bolt server after {done} rows ({error.__class__.__name__}); "
            "the load is idempotent: start the server again and re-run `kg neo4j load`"
        ) from error
    except AuthError as error:
        raise BackendError("the Bolt server refused the credentials: check NEO4J_PASSWORD and --user") from error
    except Neo4jError as error:
        raise BackendError(f"the Bolt server refused the load: {error.message or error}") from error
    return writer.result


# --- neo4j-admin CSV -----------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cell(value: Any, column_type: str) -> str:
    if column_type == "string[]":
        return ";".join(str(v).replace(";", ",") for v in value or [])
    return _csv_value(value)


def _header(columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [f"{name}:{kind}" if kind else name for name, kind in columns]


def _check_columns(what: str, props: dict[str, Any], columns: tuple[tuple[str, str], ...]) -> None:
    if set(props) != {name for name, _ in columns}:
        raise ValueError(f"the properties of {what} ({sorted(props)}) are not its declared columns "
                         f"({[name for name, _ in columns]}): update NODE_PROPS / REL_PROPS")


class _CsvFiles:
    """nodes_<Label>.csv and rels_<TYPE>.csv, each opened with its header when its first row comes."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.out = out
        self.stack = stack
        self.writers: dict[str, Any] = {}
        self.nodes: dict[str, int] = {}
        self.rels: dict[tuple[str, str, str], int] = {}

    def _writer(self, name: str, header: list[str]) -> Any:
        writer = self.writers.get(name)
        if writer is None:
            handle = self.stack.enter_context(open(self.out / name, "w", newline="", encoding="utf-8"))  # noqa: SIM115  (closed by the stack)
            writer = self.writers[name] = csv.writer(handle)
            writer.writerow(header)
        return writer

    def write_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        columns = NODE_PROPS[label]
        name = f"nodes_{label}.csv"
        if name not in self.writers:
            _check_columns(f"{label} nodes", rows[0]["props"], columns)
        writer = self._writer(name, [":ID", NODE_KEYS[label], *_header(columns), ":LABEL"])
        for row in rows:
            props = row["props"]
            writer.writerow([f"{label}:{row['key']}", row["key"], *(_cell(props.get(n), kind) for n, kind in columns), label])
        self.nodes[label] = self.nodes.get(label, 0) + len(rows)

    def write_rels(self, ident: tuple[str, str, str], rows: list[dict[str, Any]]) -> None:
        rel_type, start_label, end_label = ident
        columns = REL_PROPS.get(rel_type, ())
        name = f"rels_{rel_type}.csv"
        if name not in self.writers:
            first = rows[0]
            _check_columns(f"{rel_type} relationships", {**({"key": None} if "key" in first else {}), **first["props"]}, columns)
        writer = self._writer(name, [":START_ID", *_header(columns), ":END_ID", ":TYPE"])
        for row in rows:
            props = row["props"]
            cells = [_cell(row.get("key") if n == "key" else props.get(n), kind) for n, kind in columns]
            writer.writerow([f"{start_label}:{row['start']}", *cells, f"{end_label}:{row['end']}", rel_type])
        self.rels[ident] = self.rels.get(ident, 0) + len(rows)

    def names(self, prefix: str) -> list[str]:
        return sorted(name for name in self.writers if name.startswith(prefix))


def write_neo4j_csv(records: Records, out_dir: Path | str) -> list[Path]:
    """CSV files for ``neo4j-admin database import full`` (one nodes file per label, one per rel type).

    Streams (:func:`iter_rows`): rows are written as the records are read, so give ``records`` as a
    function that reads them afresh (``lambda: iter_records_file(path)``) to keep them out of
    memory. The columns and their types (``author_count:long``, ``value_number:double``,
    ``aliases:string[]``, ...) are the ones declared in :data:`NODE_PROPS` and :data:`REL_PROPS`,
    so the headers do not depend on the data; an empty cell is a missing value. Node ids are
    ``<Label>:<key>`` in the ``:ID`` column (a single id space); arrays use ``;``.
    Returns the files written; ``import.sh`` beside them holds the matching command line and
    ``counts.json`` the nodes per label and relationships per type.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        files = _CsvFiles(out, stack)
        for rows in iter_rows(records):
            for label, label_rows in rows.nodes.items():
                files.write_nodes(label, label_rows)
            for ident, rel_rows in rows.rels.items():
                files.write_rels(ident, rel_rows)
    node_files, rel_files = files.names("nodes_"), files.names("rels_")
    written = [out / name for name in node_files + rel_files]
    command = ["neo4j-admin database import full --array-delimiter=';' --overwrite-destination"]
    command += [f"  --nodes={name}" for name in node_files] + [f"  --relationships={name}" for name in rel_files]
    command += ["  neo4j"]
    script = out / "import.sh"
    script.write_text("#!/bin/sh\n# Run from this folder with Neo4j stopped.\n" + " \\\n".join(command) + "\n", encoding="utf-8")
    written.append(script)
    (out / "counts.json").write_text(json.dumps(_counts(files.nodes, files.rels), indent=2) + "\n", encoding="utf-8")
    written.append(out / "counts.json")
    return written
