"""iter_rows / rows_for / write_neo4j_csv / reading the checkpoint without a server."""

from __future__ import annotations

import csv
import gc
import json
import weakref

import pytest

from kg.graph.store import read_records_file
from kg.ids import entity_key
from kg.neo4j import sink
from kg.neo4j.sink import NODE_KEYS, NODE_PROPS, REL_PROPS, iter_rows, rows_for, schema_statements, write_neo4j_csv
from kg.records import PaperRecord, to_dict


def _entity_keys(records, label):
    keys = set()
    for record in records:
        keys |= {entity_key(label, m.canonical) for m in record.mentions if m.label == label}
        if label == "method":
            keys |= {entity_key("method", name) for name in record.proposed}
        for claim in record.claims:
            names = {"method": [claim.subject, claim.object], "dataset": claim.dataset,
                     "metric": claim.metric, "task": claim.task}[label]
            keys |= {entity_key(label, name) for name in names if name}
    return keys


def test_rows_cover_every_record_fact(fixture_records):
    rows = rows_for(fixture_records)
    counts = rows.counts()
    assert counts["Paper"] == len(fixture_records) == 4
    assert counts["Claim"] == sum(len(r.claims) for r in fixture_records) == 9
    assert counts["MAKES_CLAIM"] == counts["Claim"]
    for label, node_label in (("method", "Method"), ("dataset", "Dataset"), ("metric", "Metric"), ("task", "Task")):
        assert {row["key"] for row in rows.nodes[node_label]} == _entity_keys(fixture_records, label)
    assert counts["PROPOSES"] == sum(len(set(r.proposed)) for r in fixture_records)
    assert counts["LISTED_IN"] == sum(len(r.paper.sources) for r in fixture_records)
    assert counts["HAS_CODE"] == sum(len(r.paper.code_urls) for r in fixture_records)
    # two outperforms claims without a dataset and one on ImageNet, one edge per claim x dataset x metric
    outperforms = rows.rels[("OUTPERFORMS", "Method", "Method")]
    assert sorted((r["start"], r["end"], r["props"]["dataset"]) for r in outperforms) == [
        ("method/fbnet", "method/mobilenetv2", None),
        ("method/fbnet-b", "method/mnasnet", None),
        ("method/meal-v2", "method/resnet-50", "ImageNet"),
    ]


def test_mentions_are_aggregated_per_paper_and_entity(fixture_records):
    rows = rows_for(fixture_records)
    mentions = [r for (t, _, _), rs in rows.rels.items() if t == "MENTIONS" for r in rs]
    fbnet = [r for r in mentions if r["start"].startswith("fbnet") and r["end"] == entity_key("method", "DNAS")]
    assert len(fbnet) == 1
    assert fbnet[0]["props"]["count"] == 3
    assert set(fbnet[0]["props"]["texts"]) == {"Differentiable Neural Architecture Search",
                                               "differentiable neural architecture search", "DNAS"}


def test_rows_are_deduplicated(fixture_records):
    once = rows_for(fixture_records)
    twice = rows_for(list(fixture_records) + list(fixture_records))
    assert twice.nodes.keys() == once.nodes.keys()
    assert {k: len(v) for k, v in twice.nodes.items()} == {k: len(v) for k, v in once.nodes.items()}
    assert {k: len(v) for k, v in twice.rels.items()} == {k: len(v) for k, v in once.rels.items()}


def test_schema_uses_neo4j5_idempotent_ddl():
    statements = schema_statements()
    assert len(statements) >= len(NODE_KEYS)
    assert all(" IF NOT EXISTS " in s for s in statements)
    assert all(f"REQUIRE n.{key} IS UNIQUE" in " ".join(statements) for key in set(NODE_KEYS.values()))


def test_neo4j_csv_has_admin_import_headers_and_closed_ids(fixture_records, tmp_path):
    files = write_neo4j_csv(fixture_records, tmp_path)
    ids, rel_rows = set(), 0
    for path in sorted(tmp_path.glob("nodes_*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            assert header[0] == ":ID" and header[-1] == ":LABEL"
            for row in reader:
                assert row[-1] == path.stem.split("_", 1)[1]
                ids.add(row[0])
    for path in sorted(tmp_path.glob("rels_*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            assert header[0] == ":START_ID" and header[-2:] == [":END_ID", ":TYPE"]
            for row in reader:
                assert row[0] in ids and row[-2] in ids, row
                assert row[-1] == path.stem.split("_", 1)[1]
                rel_rows += 1
    rows = rows_for(fixture_records)
    assert len(ids) == rows.node_count()
    assert rel_rows == rows.rel_count()
    assert json.loads((tmp_path / "counts.json").read_text()) == rows.counts()
    assert "--relationships=rels_OUTPERFORMS.csv" in (tmp_path / "import.sh").read_text()
    assert tmp_path / "import.sh" in files


def test_read_records_skips_bad_lines_with_file_and_line(tmp_path, fixture_records):
    from kg.records import to_dict

    path = tmp_path / "records.jsonl"
    lines = [json.dumps(to_dict(fixture_records[0])), "{not json", json.dumps({"paper": {}}), json.dumps(to_dict(fixture_records[1]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems: list[str] = []
    records = read_records_file(path, on_problem=problems.append)
    assert [r.paper.id for r in records] == [fixture_records[0].paper.id, fixture_records[1].paper.id]
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:2:") and problems[1].startswith(f"{path}:3:")


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def test_neo4j_csv_holds_exactly_the_rows_of_the_graph(fixture_records, tmp_path):
    """The streamed files hold the node and relationship set of the in-memory graph, cell for cell."""
    write_neo4j_csv(fixture_records, tmp_path)
    rows = rows_for(fixture_records)
    for label, label_rows in rows.nodes.items():
        _, cells = _read_csv(tmp_path / f"nodes_{label}.csv")
        expected = {(f"{label}:{r['key']}", r["key"],
                     *(sink._cell(r["props"][name], kind) for name, kind in NODE_PROPS[label]), label) for r in label_rows}
        assert sorted(map(tuple, cells)) == sorted(expected)
    by_type: dict[str, set] = {}
    for (rel_type, start_label, end_label), rel_rows in rows.rels.items():
        for r in rel_rows:
            props = {"key": r.get("key"), **r["props"]}
            by_type.setdefault(rel_type, set()).add(
                (f"{start_label}:{r['start']}", *(sink._cell(props[name], kind) for name, kind in REL_PROPS.get(rel_type, ())),
                 f"{end_label}:{r['end']}", rel_type))
    assert sorted(p.name for p in tmp_path.glob("rels_*.csv")) == sorted(f"rels_{t}.csv" for t in by_type)
    for rel_type, expected in by_type.items():
        _, cells = _read_csv(tmp_path / f"rels_{rel_type}.csv")
        assert len(cells) == len(expected) and set(map(tuple, cells)) == expected


def test_declared_columns_fit_every_row(fixture_records, tmp_path):
    """Headers come from NODE_PROPS / REL_PROPS, not from the data: every row's properties are the
    declared ones, with values of the declared type."""
    fits = {"": (str,), "long": (int,), "double": (int, float), "string[]": (list,)}
    rows = rows_for(fixture_records)
    for label, label_rows in rows.nodes.items():
        for row in label_rows:
            assert list(row["props"]) == [name for name, _ in NODE_PROPS[label]], label
            for name, kind in NODE_PROPS[label]:
                value = row["props"][name]
                assert value is None or (isinstance(value, fits[kind]) and not isinstance(value, bool)), (label, name)
    for (rel_type, _, _), rel_rows in rows.rels.items():
        for row in rel_rows:
            props = ({"key": row["key"]} if "key" in row else {}) | row["props"]
            assert list(props) == [name for name, _ in REL_PROPS.get(rel_type, ())], rel_type
            for name, kind in REL_PROPS.get(rel_type, ()):
                assert props[name] is None or isinstance(props[name], fits[kind]), (rel_type, name)
    write_neo4j_csv(fixture_records, tmp_path)
    header, _ = _read_csv(tmp_path / "nodes_Paper.csv")
    assert header == [":ID", "id", "title", "abstract", "published", "published_raw", "author_count:long",
                      "upvotes:long", "extractor", "iri", ":LABEL"]
    assert _read_csv(tmp_path / "rels_MENTIONS.csv")[0] == [":START_ID", "count:long", "texts:string[]", ":END_ID", ":TYPE"]


def test_an_undeclared_property_is_refused(fixture_records, tmp_path, monkeypatch):
    monkeypatch.setitem(NODE_PROPS, "Listing", (("iri", ""),))
    with pytest.raises(ValueError, match="declared columns"):
        write_neo4j_csv(fixture_records, tmp_path)


class OneShotRecords:
    """A records factory that reads fresh records (as from a file) each call and watches them."""

    def __init__(self, records):
        self.lines = [to_dict(r) for r in records]
        self.calls = 0
        self.read = 0  # records handed out by the latest call
        self.alive_at_read: list[int] = []  # records of this call still alive when each is handed out
        self.refs: list[weakref.ref] = []

    def __call__(self):
        self.calls += 1
        self.read, self.refs = 0, []
        for line in self.lines:
            gc.collect()
            self.alive_at_read.append(sum(ref() is not None for ref in self.refs))
            record = PaperRecord.from_dict(line)
            self.refs.append(weakref.ref(record))
            self.read += 1
            yield record
            del record


def test_rows_stream_record_by_record(fixture_records):
    """iter_rows reads the records twice, one at a time, and yields a record's rows before it reads the next."""
    source = OneShotRecords(fixture_records)
    batches = iter_rows(source)
    entities = next(batches)
    assert source.calls == 1 and source.read == len(fixture_records)
    assert set(entities.nodes) == {"Method", "Dataset", "Metric", "Task"} and not entities.rels
    first = next(batches)
    assert source.calls == 2 and source.read == 1
    assert [r["key"] for r in first.nodes["Paper"]] == [fixture_records[0].paper.id]
    assert sum(1 for _ in batches) == len(fixture_records) - 1


def test_csv_export_does_not_hold_the_records(fixture_records, tmp_path):
    """write_neo4j_csv takes a factory of one-shot iterators, calls it twice and holds at most the
    record it last read (its loop variable) when it reads the next; the files are those of a list."""
    source = OneShotRecords(fixture_records)
    write_neo4j_csv(source, tmp_path / "streamed")
    assert source.calls == 2
    assert len(source.alive_at_read) == 2 * len(fixture_records) and max(source.alive_at_read) <= 1
    write_neo4j_csv(fixture_records, tmp_path / "listed")
    for path in sorted((tmp_path / "listed").iterdir()):
        assert (tmp_path / "streamed" / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_repeated_paper_id_is_written_once(fixture_records, tmp_path):
    write_neo4j_csv(list(fixture_records) + list(fixture_records[:2]), tmp_path)
    assert json.loads((tmp_path / "counts.json").read_text()) == rows_for(fixture_records).counts()


def test_cli_export_warns_once_per_bad_line_and_exits_partial(fixture_records, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    store = tmp_path / "store"
    store.mkdir()
    lines = [json.dumps(to_dict(r)) for r in fixture_records]
    (store / "records.jsonl").write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["neo4j", "export-csv", "--store", str(store), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert result.stderr.count("not a paper record") == 1 and f"{store / 'records.jsonl'}:2:" in result.stderr
    assert f"{len(fixture_records)} papers -> " in result.stderr
    assert json.loads((tmp_path / "out" / "counts.json").read_text()) == rows_for(fixture_records).counts()
