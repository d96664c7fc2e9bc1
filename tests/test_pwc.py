"""Papers with Code interop: `kg export --format pwc` valid against the shipped JSON Schemas, its
evaluation tables equal to the leaderboard, and papers-with-abstracts.json read back by `kg ingest`."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from jsonschema import Draft202012Validator

import kg
from _graph_helpers import ROOT, run_kg
from kg.graph import store as kg_store
from kg.ids import arxiv_id, listed_paper_id
from kg.ingest import detect_format, ingest, parse_pwc
from kg.pwc import FILES, LINKS, PAPERS, UNSPECIFIED_TASK, metric_value, schema_path
from kg.results import leaderboard
from kg.values import measures

FIXTURE = ROOT / "tests" / "fixtures" / "records_neo4j.jsonl"


def _measured(record):
    """The fixture (written before claims carried measures) with each claim's values typed by
    kg.values, tied to the metric and dataset names the sentence writes."""
    def spans(sentence, names):
        return [(at, at + len(name), name) for name in names if (at := sentence.find(name)) >= 0]

    def typed(claim):
        found = measures(claim.sentence, spans(claim.sentence, claim.metric), spans(claim.sentence, claim.dataset))
        return replace(claim, measures=tuple(found))

    return replace(record, claims=tuple(typed(c) for c in record.claims))


@pytest.fixture(scope="module")
def records():
    found = [_measured(r) for r in kg_store.read_records_file(FIXTURE)]
    # one score claim of two tasks, filed under both
    resnet = next(i for i, r in enumerate(found) if r.paper.title.startswith("Deep Residual Learning"))
    claims = tuple(replace(c, task=("image classification", "object recognition")) if c.value == "3.57%" else c
                   for c in found[resnet].claims)
    found[resnet] = replace(found[resnet], claims=claims)
    return found


@pytest.fixture(scope="module")
def exported(records, tmp_path_factory):
    """`kg export --format pwc` of a store of the fixture, as the CLI writes it."""
    base = tmp_path_factory.mktemp("pwc")
    kg_store.write_store(records, base / "store")
    result = run_kg("export", "--format", "pwc", "--out", str(base / "out"), "--store", str(base / "store"))
    assert result.returncode == 0, result.stderr
    assert f"{len(records)} papers -> " in result.stderr
    return base / "out"


def test_python_api_writes_the_same_files(exported, tmp_path):
    with kg.open(exported.parent / "store") as graph:
        written = graph.export("pwc", tmp_path / "api")
    assert [p.name for p in written] == list(FILES)
    assert all(p.read_bytes() == (exported / p.name).read_bytes() for p in written)


def _load(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_export_is_valid_against_the_shipped_schema(exported, name):
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_load(exported, name))]
    assert not errors, errors[:5]


def test_evaluation_table_rows_are_the_leaderboard_rows(exported, records):
    tables = _load(exported, "evaluation-tables.json")
    rows = [(task["task"], dataset["dataset"], row["model_name"], row["paper_title"], row["paper_date"], row["metrics"])
            for task in tables for dataset in task["datasets"] for row in dataset["sota"]["rows"]]
    board = leaderboard(records)
    expected = [(task, r.dataset, r.method, r.paper_title, r.date, {r.metric: metric_value(r.number, r.unit)})
                for r in board for task in r.tasks or (UNSPECIFIED_TASK,)]
    assert len(board) >= 3
    assert sorted(rows, key=repr) == sorted(expected, key=repr)
    assert [t["task"] for t in tables] == sorted(t["task"] for t in tables)
    assert {"image classification", "object recognition", UNSPECIFIED_TASK} <= {t["task"] for t in tables}
    meal = next(row for task in tables for d in task["datasets"] for row in d["sota"]["rows"]
                if row["model_name"] == "MEAL V2")
    assert meal["metrics"] == {"top-1 accuracy": "80.67%"}
    assert meal["code_links"] == [{"title": "szq0214/MEAL-V2", "url": "https://github.com/szq0214/MEAL-V2"}]
    assert meal["paper_url"] == ""  # no arXiv id nor PwC page known


def test_papers_and_links(exported, records):
    papers = _load(exported, PAPERS)
    assert [p["title"] for p in papers] == [r.paper.title for r in records]
    biper = next(p for p in papers if p["title"].startswith("BiPer"))
    assert biper["date"] == "2024-04-01" and biper["tasks"] == ["image classification"]
    method = next(m for m in biper["methods"] if m["name"] == "BiPer")
    assert method["introduced_year"] == 2024 and method["source_title"] == biper["title"]
    links = _load(exported, LINKS)
    assert [(link["paper_title"], link["repo_url"]) for link in links] == [
        (r.paper.title, url) for r in records for url in r.paper.code_urls]
    assert {link["paper_url"] for link in links} <= {p["paper_url"] for p in papers}  # the two files join


def test_exported_papers_read_back_as_the_same_papers(exported, records):
    result = ingest([exported])  # the folder: the two other files are recognised and skipped whole
    assert sorted(str(p) for p in result.problems) == sorted(
        f"{exported / name}:1: a Papers with Code {name[:-5]} file, not a list of papers; skipped"
        for name in ("evaluation-tables.json", "links-between-papers-and-code.json"))
    def fields(paper):
        return paper.id, paper.title, paper.abstract, paper.published, paper.code_urls

    assert [fields(p) for p in result.papers] == [fields(r.paper) for r in records]


def test_cli_ingest_reads_a_pwc_dump(exported, tmp_path):
    out = tmp_path / "papers.jsonl"
    result = run_kg("ingest", str(exported / PAPERS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(out.read_text().splitlines()) == len(_load(exported, PAPERS))


# ---------------------------------------------------------------- reading PwC's papers-with-abstracts.json

ENTRIES = [
    {"paper_url": "https://paperswithcode.com/paper/attention-is-all-you-need", "arxiv_id": "1706.03762v5",
     "title": "Attention Is All You Need", "abstract": "We propose the Transformer. Code: https://github.com/t/t2t.",
     "url_abs": "http://arxiv.org/abs/1706.03762v5", "url_pdf": "http://arxiv.org/pdf/1706.03762v5.pdf",
     "proceeding": "NeurIPS 2017", "authors": ["Ashish Vaswani", "Noam Shazeer"], "tasks": ["Machine Translation"],
     "date": "2017-06-12", "methods": [{"name": "Transformer", "full_name": "Transformer"}]},
    {"paper_url": "https://paperswithcode.com/paper/no-abstract", "arxiv_id": None, "title": "No abstract",
     "abstract": None, "authors": [], "date": None},
    "not an object",
    {"paper_url": "https://paperswithcode.com/paper/a-pwc-only-paper", "arxiv_id": None, "title": "A PwC-only paper",
     "abstract": "An abstract.", "authors": [], "date": None},
    {"arxiv_id": None, "paper_url": "", "title": "Named by its Title", "abstract": "Another abstract.",
     "date": "2020-01-31"},
]


def test_pwc_entries_become_papers_and_bad_entries_problems(tmp_path):
    path = tmp_path / "papers-with-abstracts.json"
    path.write_text(json.dumps(ENTRIES, indent=2), encoding="utf-8")
    assert detect_format(path, path.read_text()) == "pwc"
    items = list(parse_pwc(path.read_text(), str(path)))
    problems = [str(i) for i in items if isinstance(i, kg.Problem)]
    assert [p.split(": ", 1)[1] for p in problems] == [
        "entry 2: record has no abstract (or text); skipped", "entry 3: record is not a JSON object; skipped"]
    assert all(p.startswith(f"{path}:") for p in problems)
    papers = {p.id: p for p in items if isinstance(p, kg.Paper)}
    assert list(papers) == ["1706.03762", "a-pwc-only-paper", "named-by-its-title"]
    attention = papers["1706.03762"]
    assert attention.published == "2017-06-12" and attention.author_count == 2
    assert attention.code_urls == ("https://github.com/t/t2t",)
    assert attention.metadata["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert attention.metadata["proceeding"] == "NeurIPS 2017" and "date" not in attention.metadata
    assert attention.sources[0].position == 1 and attention.sources[0].line == 2
    assert papers["a-pwc-only-paper"].author_count is None  # an empty author list says nothing
    assert papers["named-by-its-title"].published == "2020-01-31"


def test_broken_json_keeps_the_entries_before_it(tmp_path):
    text = json.dumps(ENTRIES[:1] + ENTRIES[3:], indent=2)
    items = list(parse_pwc(text[:-40], "dump.json"))
    assert [p.id for p in items if isinstance(p, kg.Paper)] == ["1706.03762", "a-pwc-only-paper"]
    assert "broken JSON" in str(items[-1]) and "after entry 2; the rest of the file skipped" in str(items[-1])


def test_plain_json_lists_keep_their_ids():
    text = json.dumps([{"id": "p1", "title": "T", "abstract": "A.", "date": "2021-02-03"}])
    assert detect_format(ROOT / "x.json", text) == "pwc"
    (paper,) = parse_pwc(text, "x.json")
    assert (paper.id, paper.published) == ("p1", "2021-02-03")
    assert detect_format(ROOT / "x.json", json.dumps([{"id": "p1", "text": "A."}])) == "json"


def test_ids_of_listed_papers():
    assert arxiv_id("1706.03762v5") == "1706.03762" and arxiv_id("math.AG/0309136") == "math.AG/0309136"
    assert arxiv_id("kan-kolmogorov-arnold-networks") is None
    assert listed_paper_id("1706.03762", "https://paperswithcode.com/paper/x") == "1706.03762"
    page = "https://paperswithcode.com/paper/attention-is-all-you-need/"
    assert listed_paper_id(None, page) == "attention-is-all-you-need"
    assert listed_paper_id(None, "https://arxiv.org/abs/2401.01234v2") == "2401.01234"
    assert listed_paper_id(None, "") is None and listed_paper_id() is None


def test_metric_values_as_pwc_writes_them():
    assert metric_value(80.67, "%") == "80.67%"
    assert metric_value(28.4, None) == "28.4"
    assert metric_value(74.0, "%") == "74%"
    assert metric_value(32.1, "dB") == "32.1 dB"


def test_export_into_a_file_is_refused(records, tmp_path):
    from kg.export import write_pwc

    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(kg.KGError, match="is a file"):
        write_pwc(records, target)


def test_a_read_pwc_paper_is_exported_with_what_pwc_said(tmp_path):
    from kg.pwc import links_to_code, papers_with_abstracts

    papers = [p for p in parse_pwc(json.dumps(ENTRIES), "dump.json") if isinstance(p, kg.Paper)]
    records = [kg.PaperRecord(p) for p in papers]
    entries = papers_with_abstracts(records)
    schema = json.loads(schema_path(PAPERS).read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(entries))
    attention = entries[0]
    assert {k: attention[k] for k in ("paper_url", "arxiv_id", "url_abs", "proceeding", "authors", "tasks", "date")} == {
        k: ENTRIES[0][k] if k != "arxiv_id" else "1706.03762"
        for k in ("paper_url", "arxiv_id", "url_abs", "proceeding", "authors", "tasks", "date")}
    assert [m["name"] for m in attention["methods"]] == ["Transformer"]
    assert entries[2]["paper_url"].endswith("/paper/named-by-its-title") and entries[2]["url_abs"] == ""
    (link,) = links_to_code(records)
    assert (link["paper_url"], link["paper_arxiv_id"]) == (ENTRIES[0]["paper_url"], "1706.03762")
