"""rows_for / write_neo4j_csv / reading the checkpoint without a server."""

from __future__ import annotations

import csv
import json

from kg.graph.store import read_records_file
from kg.ids import entity_key
from kg.neo4j.sink import NODE_KEYS, rows_for, schema_statements, write_neo4j_csv


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
