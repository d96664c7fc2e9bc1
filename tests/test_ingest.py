"""Ingestion of listings, JSONL and CSV: real excerpts of the seed listings as fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import clean_url, find_code_urls, ingest, parse_listing, parse_published, read_papers
from kg.jsonl import write_jsonl
from kg.records import Paper, to_dict

FIXTURES = Path(__file__).parent / "fixtures" / "listings"
SEEDS = Path(__file__).parent.parent / "data" / "seeds"


def papers_of(text: str, name: str = "x.txt") -> list[Paper]:
    return [item for item in parse_listing(text, name) if isinstance(item, Paper)]


def test_listing_with_blank_lines_drops_chrome_and_keeps_listing_date():
    papers = papers_of((FIXTURES / "blank_lines.txt").read_text())
    assert [p.title for p in papers] == [
        "Magnitude Invariant Parametrizations Improve Hypernetwork Learning",
        "Self-Tuning Networks: Bilevel Optimization of Hyperparameters using Structured Best-Response Functions",
    ]
    assert papers[0].abstract.startswith("Hypernetworks, neural networks that predict")
    assert papers[0].sources[0].listing_date == "Mar 14"
    assert papers[0].sources[0].line == 11
    assert papers[0].author_count is None and papers[0].published is None


def test_listing_without_blank_lines_and_glued_subscribe():
    papers = papers_of((FIXTURES / "no_blank_lines.txt").read_text())
    assert [p.title for p in papers] == [
        "MatrixKAN: Parallelized Kolmogorov-Arnold Network",
        "Kolmogorov-Arnold Convolutions: Design Principles and Empirical Studies",
    ]
    assert "40x relative to KAN" in papers[0].abstract
    assert papers[1].code_urls == ("https://github.com/IvanDrokin/torch-conv-kan",)


def test_listing_metadata_authors_dates():
    papers = papers_of((FIXTURES / "with_metadata.txt").read_text())
    biper = papers[0]
    assert biper.title == "BiPer: Binary Neural Networks using a Periodic Function"
    assert (biper.author_count, biper.published, biper.published_raw) == (4, "2024-04-01", "Apr 1, 2024")
    assert papers[1].author_count == 5 and papers[1].published == "2023-08-25"
    assert all(p.sources[0].listing_date == "Nov 3" for p in papers)


def test_trailing_upvote_count_and_orphan_metadata():
    # The excerpt starts with the date line of a record cut off above: it must not become a title.
    papers = papers_of((FIXTURES / "upvotes.txt").read_text())
    assert [p.title for p in papers] == ["Gradient Boosting Reinforcement Learning"]
    assert (papers[0].published, papers[0].upvotes, papers[0].author_count) == ("2024-07-11", 2, 3)


def test_truncated_listing_reports_title_without_abstract():
    text = (FIXTURES / "no_blank_lines.txt").read_text() + "A Title Whose Abstract Was Cut Off\n"
    items = list(parse_listing(text, "cut.txt"))
    problems = [i for i in items if not isinstance(i, Paper)]
    assert len(items) - len(problems) == 2
    assert len(problems) == 1 and problems[0].line == 7 and "no abstract" in problems[0].message


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("https://github.com/xuke225/EQ-Net.git{https://github.com/xuke225/EQ-Net}.", "https://github.com/xuke225/EQ-Net"),
        ("https://github.com/NVlabs/gbrl).", "https://github.com/NVlabs/gbrl"),
        ("https://github.com/microsoft/SPTAG}}.", "https://github.com/microsoft/SPTAG"),
        ("https://mmcheng.net/res2net/.", "https://mmcheng.net/res2net/"),
        ("https://github.com/automl/TransformersCanDoBayesianInference.", "https://github.com/automl/TransformersCanDoBayesianInference"),
    ],
)
def test_clean_url(raw, clean):
    assert clean_url(raw) == clean


def test_find_code_urls_dedupes_in_order():
    text = "Code: https://github.com/a/b. Mirror https://x.org/y, again https://github.com/a/b."
    assert find_code_urls(text) == ("https://github.com/a/b", "https://x.org/y")


def test_parse_published():
    assert parse_published("Apr 1, 2024") == ("2024-04-01", None)
    assert parse_published("Jul 11, 2024 2") == ("2024-07-11", 2)
    assert parse_published("Feb 30, 2024") == (None, None)
    assert parse_published("Mar 14") == (None, None)


def test_seed_corpus_merges_duplicates():
    result = ingest([SEEDS])
    assert (result.files_read, result.entries_read, len(result.papers), result.skipped) == (5, 398, 350, 0)
    by_title = {p.title: p for p in result.papers}
    assert "MatrixKAN: Parallelized Kolmogorov-Arnold Network" in by_title
    bayes = by_title["Transformers Can Do Bayesian Inference"]
    assert len(bayes.sources) == 4
    assert bayes.code_urls == ("https://github.com/automl/TransformersCanDoBayesianInference",)
    assert by_title["BiPer: Binary Neural Networks using a Periodic Function"].published == "2024-04-01"
    assert not any(t.startswith(("Subscribe", "new")) for t in by_title)
    assert len({p.id for p in result.papers}) == 350


def test_jsonl_and_csv_inputs(tmp_path):
    jsonl = tmp_path / "papers.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a1", "title": "T1", "abstract": "A1.", "venue": "NeurIPS"}) + "\n"
        + '{"id": "a2", "title": "broken\n'
        + json.dumps({"id": "a3", "text": "Only text."}) + "\n"
        + json.dumps({"id": "a4", "title": "No abstract"}) + "\n"
    )
    csv_file = tmp_path / "papers.csv"
    csv_file.write_text('id,title,abstract,year\nc1,"Csv, title",Abstract c1.,2024\n')
    result = ingest([jsonl, csv_file])
    assert [p.id for p in result.papers] == ["a1", "a3", "c1"]
    assert result.papers[0].metadata == {"venue": "NeurIPS"}
    assert result.papers[1].abstract == "Only text." and result.papers[1].title == ""
    assert result.papers[2].title == "Csv, title" and result.papers[2].metadata == {"year": "2024"}
    assert sorted((Path(p.file).name, p.line) for p in result.problems) == [("papers.jsonl", 2), ("papers.jsonl", 4)]


def test_bad_files_are_reported_and_batch_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 title\nAbstract.\n".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text((FIXTURES / "blank_lines.txt").read_text())
    result = ingest([tmp_path, tmp_path / "missing.jsonl"])
    assert len(result.papers) == 2
    messages = {Path(p.file).name: p.message for p in result.problems}
    assert set(messages) == {"empty.txt", "binary.txt", "latin1.txt", "missing.jsonl"}
    assert "binary" in messages["binary.txt"] and "empty" in messages["empty.txt"]


def test_checkpoint_round_trip(tmp_path):
    papers = ingest([SEEDS]).papers
    path = tmp_path / "papers.jsonl"
    assert write_jsonl(path, (to_dict(p) for p in papers)) == 350
    assert read_papers(path) == papers
