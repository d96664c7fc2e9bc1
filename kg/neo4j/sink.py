"""PaperRecords -> a property graph in Neo4j (or any Bolt server running the same Cypher subset).

The model is documented in ``kg/ontology/property-graph.md``. :func:`rows_for` turns records into
plain row batches (pure, testable without a server); :func:`load` writes them with the official
driver: uniqueness constraints and indexes first, then ``UNWIND $rows AS row MERGE ...`` in
batches, so loading the same records again changes nothing. :func:`write_neo4j_csv` writes the
same rows as CSV files for ``neo4j-admin database import``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
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
from ..records import PaperRecord, collect_entities
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
        out: dict[str, int] = {label: len(rows) for label, rows in sorted(self.nodes.items())}
        for (rel_type, _, _), rows in sorted(self.rels.items()):
            out[rel_type] = out.get(rel_type, 0) + len(rows)
        return out


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self.rels: dict[tuple[str, str, str], dict[tuple, dict[str, Any]]] = {}

    def node(self, label: str, key: str, props: dict[str, Any]) -> str:
        existing = self.nodes.setdefault(label, {}).get(key)
        if existing is None:
            self.nodes[label][key] = {"key": key, "props": dict(props)}
        else:  # first non-null value wins; lists are merged
            for name, value in props.items():
                old = existing["props"].get(name)
                if isinstance(old, list) and isinstance(value, list):
                    existing["props"][name] = old + [v for v in value if v not in old]
                elif old is None:
                    existing["props"][name] = value
        return key

    def entity(self, label: str, canonical: str, alias: str | None = None) -> tuple[str, str]:
        node_label = ENTITY_NODE_LABELS[label]
        key = entity_key(label, canonical)
        aliases = [canonical] + ([alias] if alias and alias != canonical else [])
        self.node(node_label, key, {"name": canonical, "label": label, "iri": entity_iri(label, canonical), "aliases": aliases})
        return node_label, key

    def party(self, label: str, name: str, known: set[tuple[str, str]]) -> tuple[str, str]:
        """A claim's subject, baseline, dataset, metric or task: its entity when the graph has one."""
        if (label, name) in known:
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


def rows_for(records: Iterable[PaperRecord]) -> GraphRows:
    """The property graph of ``records`` as deduplicated row batches (no server needed)."""
    records = list(records)
    known = {(e.label, e.canonical) for e in collect_entities(records)}
    b = _Builder()
    for record in records:
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
            entity = b.entity(mention.label, mention.canonical, mention.text)
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
            subject = b.party("method", claim.subject, known) if claim.subject else None
            baseline = b.party("method", claim.object, known) if claim.object else None
            if subject:
                b.rel("ABOUT", c, subject)
            if baseline:
                b.rel("AGAINST", c, baseline)
            for name in filter(None, claim.dataset):
                dataset = b.party("dataset", name, known)
                b.rel("ON_DATASET", c, dataset)
                if dataset[0] == "Dataset":
                    b.rel("EVALUATED_ON", p, dataset)
            for name in filter(None, claim.metric):
                b.rel("WITH_METRIC", c, b.party("metric", name, known))
            for name in filter(None, claim.task):
                b.rel("FOR_TASK", c, b.party("task", name, known))
            for index, measure in enumerate(claim.measures):
                _measure_rows(b, c, measure, measure_id(paper.id, claim.field, claim.start, claim.end, index),
                              measure_iri(paper.id, claim.field, claim.start, claim.end, index), known)
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


def _measure_rows(b: _Builder, claim: tuple[str, str], measure: Measure, mid: str, iri: str,
                  known: set[tuple[str, str]]) -> None:
    m = ("Measure", b.node("Measure", mid, {
        "kind": measure.kind, "text": measure.display, "offset": measure.start, "number": measure.number,
        "unit": measure.unit, "baseline": measure.baseline, "qualifier": measure.qualifier,
        "direction": metric_direction(measure.metric), "iri": iri,
    }))
    b.rel("HAS_MEASURE", claim, m)
    if measure.metric:
        b.rel("OF_METRIC", m, b.party("metric", measure.metric, known))
    if measure.dataset:
        b.rel("MEASURED_ON", m, b.party("dataset", measure.dataset, known))


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


def load(
    driver: Any,
    rows: GraphRows,
    database: str | None = None,
    batch_size: int = 5000,
    on_batch: Callable[[int], None] | None = None,
) -> LoadResult:
    """Write ``rows`` with one writer: schema first, then nodes, then relationships, in batches.

    Idempotent: nodes are MERGEd on their keys, relationships too (on ``key`` for keyed types)
    unless the graph held no relationship of that type between those labels before the load, in
    which case the (deduplicated) rows are CREATEd; running it again creates nothing. A lost connection raises :class:`BackendError`; what was
    committed stays and a re-run completes it.
    """
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

    result = LoadResult()
    done = 0
    total = rows.node_count() + rows.rel_count()
    try:
        with driver.session(database=database) as session:
            for statement in schema_statements():
                session.run(statement).consume()
            work = [(label, batch, "n") for label, label_rows in rows.nodes.items()
                    for batch in _batches(label_rows, batch_size)]
            work += [(ident, batch, "r") for ident, rel_rows in rows.rels.items()
                     for batch in _batches(sorted(rel_rows, key=lambda row: str(row["start"])), batch_size)]
            fresh: dict[Any, bool] = {}  # relationship sets absent before this load are CREATEd (faster)
            for target, batch, kind in work:
                names, flat = _flat(batch)
                if kind == "n":
                    statement = node_statement(target, names)
                else:
                    if target not in fresh:
                        fresh[target] = not has_relationships(session, *target)
                    statement = grouped_rel_statement(*target, names, create=fresh[target])
                    flat = _grouped(flat)
                summary = session.execute_write(lambda tx: tx.run(statement, rows=flat).consume())  # noqa: B023  (run at once)
                counters = summary.counters
                result.nodes_created += counters.nodes_created
                result.relationships_created += counters.relationships_created
                if kind == "n":
                    result.nodes += len(batch)
                else:
                    result.relationships += len(batch)
                result.batches += 1
                done += len(batch)
                if on_batch is not None:
                    on_batch(len(batch))
    except (ServiceUnavailable, SessionExpired, ConnectionError, OSError) as error:
        raise BackendError(
            f"lost the connection to the Bolt server after {done} of {total} rows ({error.__class__.__name__}); "
            "the load is idempotent: start the server again and re-run `kg neo4j load`"
        ) from error
    except AuthError as error:
        raise BackendError("the Bolt server refused the credentials: check NEO4J_PASSWORD and --user") from error
    except Neo4jError as error:
        raise BackendError(f"the Bolt server refused the load: {error.message or error}") from error
    return result


# --- neo4j-admin CSV -----------------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _column_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return ""
    if all(isinstance(v, list) for v in present):
        return ":string[]"
    if all(isinstance(v, bool) for v in present):
        return ":boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ":long"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return ":double"
    return ""


def _prop_columns(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    names: dict[str, None] = {}
    for row in rows:
        for name in row["props"]:
            names.setdefault(name, None)
    return [(name, _column_type([row["props"].get(name) for row in rows])) for name in names]


def _cell(value: Any, column_type: str) -> str:
    if column_type == ":string[]":
        return ";".join(str(v).replace(";", ",") for v in value or [])
    return _csv_value(value)


def write_neo4j_csv(records: Iterable[PaperRecord], out_dir: Path | str) -> list[Path]:
    """CSV files for ``neo4j-admin database import full`` (one nodes file per label, one per rel type).

    Node ids are ``<Label>:<key>`` in the ``:ID`` column (a single id space); arrays use ``;``.
    Returns the files written; ``import.sh`` beside them holds the matching command line.
    """
    rows = rows_for(records)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    node_files: list[str] = []
    rel_files: list[str] = []
    for label, label_rows in sorted(rows.nodes.items()):
        key = NODE_KEYS[label]
        columns = [(name, kind) for name, kind in _prop_columns(label_rows) if name != key]
        path = out / f"nodes_{label}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([":ID", f"{key}"] + [f"{name}{kind}" for name, kind in columns] + [":LABEL"])
            for row in label_rows:
                writer.writerow([f"{label}:{row['key']}", row["key"]]
                                + [_cell(row["props"].get(name), kind) for name, kind in columns] + [label])
        written.append(path)
        node_files.append(path.name)
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for (rel_type, start_label, end_label), rel_rows in sorted(rows.rels.items()):
        for row in rel_rows:
            props = dict(row["props"])
            if "key" in row:
                props = {"key": row["key"], **props}
            by_type.setdefault(rel_type, []).append((f"{start_label}:{row['start']}", f"{end_label}:{row['end']}", props))
    for rel_type, rel_rows in sorted(by_type.items()):
        columns = _prop_columns([{"props": props} for _, _, props in rel_rows])
        path = out / f"rels_{rel_type}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([":START_ID"] + [f"{name}{kind}" for name, kind in columns] + [":END_ID", ":TYPE"])
            for start, end, props in rel_rows:
                writer.writerow([start] + [_cell(props.get(name), kind) for name, kind in columns] + [end, rel_type])
        written.append(path)
        rel_files.append(path.name)
    command = ["neo4j-admin database import full --array-delimiter=';' --overwrite-destination"]
    command += [f"  --nodes={name}" for name in node_files] + [f"  --relationships={name}" for name in rel_files]
    command += ["  neo4j"]
    script = out / "import.sh"
    script.write_text("#!/bin/sh\n# Run from this folder with Neo4j stopped.\n" + " \\\n".join(command) + "\n", encoding="utf-8")
    written.append(script)
    (out / "counts.json").write_text(json.dumps(rows.counts(), indent=2) + "\n", encoding="utf-8")
    written.append(out / "counts.json")
    return written
