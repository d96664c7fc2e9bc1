"""Hostile and damaged input (issue 13, item 4): a bad record costs that record alone, named by
file and line; the good records around it are kept; nothing merges that is not the same paper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract.entities import dataset_list_items
from kg.ids import claim_iri, paper_id, paper_iri
from kg.ingest import Problem, ingest, parse_listing, read_papers
from kg.jsonl import write_jsonl
from kg.records import Paper, to_dict

ROOT = Path(__file__).parent.parent
KAN = [json.loads(line) for line in (ROOT / "tests" / "fixtures" / "kan_papers.jsonl").read_text().splitlines()]
GOOD_IDS = [row["id"] for row in KAN]


def jsonl_around(bad_line: str) -> str:
    """kan1, the bad line (line 2), kan2, kan3."""
    lines = [json.dumps(KAN[0]), bad_line, json.dumps(KAN[1]), json.dumps(KAN[2])]
    return "\n".join(lines) + "\n"


def ingest_text(tmp_path: Path, name: str, text: str | bytes):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return ingest([path]), path


def bad(record: dict) -> str:
    return json.dumps({"id": "bad", "title": "Bad record", "abstract": "An abstract.", **record}, ensure_ascii=False)


@pytest.mark.parametrize("line, kept_bad, message", [
    (bad({"title": "Bad \ud800 title"}), False, "not valid UTF-8"),
    ('{"id": "bad", "title": "Bad \\ud800 title", "abstract": "An abstract."}', False, "not valid UTF-8"),
    (bad({"meta": json.loads("[" * 600 + "]" * 600)}), False, "nested deeper"),
    (bad({}).replace("}", ', "upvotes": Infinity}'), True, None),
    (bad({}).replace("}", ', "upvotes": NaN, "author_count": -Infinity}'), True, None),
    (bad({}).replace("}", ', "upvotes": ' + "9" * 4400 + "}"), False, "4300 digits"),
    (bad({"title": "Line\u2028separated \u0085 title\x0b\x0c"}), True, None),
    (bad({}).replace("An abstract.", "Raw \x0b and \x0c controls"), True, None),
])
def test_one_bad_jsonl_record_costs_that_record_alone(tmp_path, line, kept_bad, message):
    result, path = ingest_text(tmp_path, "in.jsonl", jsonl_around(line))
    ids = [p.id for p in result.papers]
    assert ids == (GOOD_IDS[:1] + ["bad"] + GOOD_IDS[1:] if kept_bad else GOOD_IDS)
    if message:
        assert [(Path(p.file), p.line) for p in result.problems] == [(path, 2)]
        assert message in result.problems[0].message
    else:
        assert result.problems == []
    rows = [to_dict(p) for p in result.papers]  # the checkpoint writes what was kept
    assert write_jsonl(tmp_path / "out.jsonl", rows) == len(ids)


def test_infinity_and_nan_counts_are_unknown_not_fatal(tmp_path):
    result, _ = ingest_text(tmp_path, "in.jsonl", jsonl_around(bad({}).replace("}", ', "upvotes": Infinity}')))
    assert result.papers[1].upvotes is None


def test_flipped_byte_costs_one_record_in_each_format(tmp_path):
    jsonl = jsonl_around(bad({"title": "Caf?"})).encode().replace(b"Caf?", b"Caf\xe9")
    csv_text = ('id,title,abstract\ngood1,First,"First abstract."\nbad,Caf\xe9,Broken.\ngood2,Second,Second.\n'
                ).encode("latin-1")
    listing = ("First Title\nFirst abstract.\nCaf\xe9 Title\nBroken abstract.\nThird Title\nThird abstract.\n"
               ).encode("latin-1")
    nul = jsonl.replace(b"Caf\xe9", b"Caf\x00")  # not a binary file: one NUL in 4 KB costs its record
    for name, data, kept, line in (("a.jsonl", jsonl, GOOD_IDS, 2), ("b.csv", csv_text, ["good1", "good2"], 3),
                                   ("c.txt", listing, ["first-title", "third-title"], 3), ("d.jsonl", nul, GOOD_IDS, 2)):
        result, path = ingest_text(tmp_path, name, data)
        assert [p.id for p in result.papers] == kept, name
        assert [(Path(p.file), p.line) for p in result.problems] == [(path, line)]
        assert "not valid UTF-8" in result.problems[0].message


def test_csv_unbalanced_quote_costs_one_row(tmp_path):
    text = ('id,title,abstract\ng1,Good 1,Abstract one.\nb,"Bad quote,Abstract.\n'
            'g2,Good 2,Abstract two.\ng3,"Good, 3","Abstract\nover two lines."\ng4,Good 4,Abstract four.\n')
    result, _path = ingest_text(tmp_path, "q.csv", text)
    assert [p.id for p in result.papers] == ["g1", "g2", "g3", "g4"]
    assert result.papers[2].abstract == "Abstract\nover two lines."
    assert [(p.line, "broken CSV row" in p.message) for p in result.problems] == [(3, True)]


def test_csv_quote_closed_by_a_later_row_costs_one_row(tmp_path):
    text = 'id,title,abstract\nb,"Bad quote,Abstract.\ng2,Good 2,Abstract two.\ng3,"Good 3",Abstract three.\n'
    result, _ = ingest_text(tmp_path, "q.csv", text)
    assert [p.id for p in result.papers] == ["g2", "g3"]
    assert [p.line for p in result.problems] == [2]


def test_csv_field_over_131072_characters_costs_nothing(tmp_path):
    text = f"id,title,abstract\ng1,Good 1,One.\nbig,Big,{'x' * 140_000}\ng2,Good 2,Two.\n"
    result, _ = ingest_text(tmp_path, "big.csv", text)
    assert [p.id for p in result.papers] == ["g1", "big", "g2"] and result.problems == []


def test_million_character_title_is_cut_with_a_warning_naming_the_record(tmp_path):
    result, path = ingest_text(tmp_path, "in.jsonl", jsonl_around(bad({"title": "word " * 250_000})))
    assert [p.id for p in result.papers] == GOOD_IDS[:1] + ["bad"] + GOOD_IDS[1:]
    assert len(result.papers[1].title) == 1_000
    (problem,) = result.problems
    assert (Path(problem.file), problem.line, problem.skipped) == (path, 2, False)
    assert "title is 1,249,999 characters" in problem.message and result.skipped == 0


def test_listing_record_without_abstract_shifts_nothing():
    text = ("First Paper Title\nThe first abstract is here.\nSecond Paper Title\n"
            "Third Paper Title\nThe third abstract is here.\nFourth Paper Title\nThe fourth abstract is here.\n")
    items = list(parse_listing(text, "cut.txt"))
    papers = [i for i in items if isinstance(i, Paper)]
    assert [(p.title, p.abstract) for p in papers] == [
        ("First Paper Title", "The first abstract is here."),
        ("Third Paper Title", "The third abstract is here."),
        ("Fourth Paper Title", "The fourth abstract is here."),
    ]
    assert [p.sources[0].line for p in papers] == [1, 4, 6]
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert problem.line == 3 and "'Second Paper Title' has no abstract" in problem.message


def test_line_separators_inside_listing_lines_are_text():
    text = "A Title\u2028With a Separator\nAn abstract\x0bwith\x0cbreaks\u0085inside.\nNext Title\nNext abstract.\n"
    papers = [i for i in parse_listing(text, "x.txt") if isinstance(i, Paper)]
    assert [p.title for p in papers] == ["A Title\u2028With a Separator", "Next Title"]
    assert papers[0].abstract == "An abstract\x0bwith\x0cbreaks\u0085inside."


def test_non_latin_and_emoji_titles_stay_distinct_papers(tmp_path):
    titles = ["深度学习的新方法", "机器翻译的新方法", "Новый метод", "🚀🔥", "🔥🚀", "Über α-Nets", "Über β-Nets"]
    rows = [{"title": t, "abstract": f"Abstract {i}."} for i, t in enumerate(titles)]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows + rows[:1]) + "\n"
    result, _ = ingest_text(tmp_path, "in.jsonl", text)
    assert [p.title for p in result.papers] == titles  # the repeat of the first title merged into it
    assert len({p.id for p in result.papers}) == len(titles)
    assert [paper_id(t) for t in titles] == [p.id for p in result.papers]  # stable: the same title, the same id
    assert paper_id("Pointer Networks") == "pointer-networks"  # Latin titles keep their readable slug


def test_ids_that_differ_in_unsafe_characters_keep_distinct_iris():
    ids = ["a b", "a/b", "a-b", "a:b", " a b", "", "?"]
    assert len({paper_iri(i) for i in ids}) == len(ids)
    assert len({claim_iri(i, "abstract", 0, 5) for i in ids}) == len(ids)
    assert paper_iri("pointer-networks").endswith("/paper/pointer-networks")  # safe ids keep their IRI


def test_ingest_output_reads_back_with_every_record(tmp_path):
    rows = [{"id": f"r{i}", "title": f"Title\u2028{i}\u2029end", "abstract": f"Abstract\u0085{i}\x0b\x0c."}
            for i in range(3)]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out, again = tmp_path / "papers.jsonl", tmp_path / "again.jsonl"
    for args in ((source, out), (out, again)):
        done = run_kg("ingest", str(args[0]), "--out", str(args[1]))
        assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\u2028\u2029\u0085") and len(text.splitlines()) == 3
    assert [(p.title, p.abstract) for p in read_papers(again)] == [(r["title"], r["abstract"]) for r in rows]


def test_dataset_list_after_a_colon_does_not_crash():
    assert dataset_list_items("questions: and BLAST datasets") == []


def run_kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "KG_EXTRACT_RULES": "1", "PYTHONPATH": str(ROOT)})


def test_extract_survives_every_crashing_record(tmp_path):
    """`kg extract` on the records that crashed it: one line per bad record, every good one extracted."""
    bad_lines = [
        '{"id": "surrogate", "title": "Bad \\ud800 title", "abstract": "An abstract."}',
        json.dumps({"id": "long", "title": "word " * 210_000, "abstract": "A long title."}),
        json.dumps({"id": "blast", "title": "BLAST", "abstract": "We answer questions: and BLAST datasets"}),
        json.dumps({"id": "deep", "title": "Deep", "abstract": "A.", "meta": json.loads("[" * 600 + "]" * 600)}),
        '{"id": "inf", "title": "Infinite", "abstract": "Upvotes.", "upvotes": Infinity}',
    ]
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(KAN[0]) + "\n" + "\n".join(bad_lines) + "\n" + json.dumps(KAN[1]) + "\n")
    out = tmp_path / "pred.jsonl"
    done = run_kg("extract", str(path), "--out", str(out))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert [w.split(": ", 2)[1] for w in warnings] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == ["kan1", "long", "blast", "inf", "kan2"]
