"""Property tests (issue 13, item 4): good records mixed with damaged ones, as a listing, JSON Lines
or CSV. Ingest, extract and build never raise, keep every good record whole and apart, and name
each skipped record by file and line."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings, strategies as st

from kg.ingest import Problem, ingest, parse_listing

ROOT = Path(__file__).parent.parent
LISTINGS = ROOT / "tests" / "fixtures" / "listings"
GOOD = [(p.title, p.abstract) for name in ("blank_lines.txt", "no_blank_lines.txt", "with_metadata.txt")
        for p in parse_listing((LISTINGS / name).read_text(), name) if not isinstance(p, Problem)]
GOOD += [(row["title"], row["abstract"]) for row in map(json.loads, (ROOT / "tests" / "fixtures" / "kan_papers.jsonl")
                                                        .read_text().splitlines())]
GOOD = list(dict.fromkeys(GOOD))  # two fixtures share MatrixKAN

NASTY = ["\ud800", "\udfff", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\r", "\x00", '"', "'", ",", "\\",
         "{", "}", "[", "]", "`", "<script>", "![](https://x/p.png)", "\n\n", "深度", "🚀", "\ufeff", "é", "\u0301"]
nasty_text = st.lists(st.sampled_from(NASTY) | st.text(max_size=4), min_size=1, max_size=6).map("".join)

# damaged records, as (format, kind); each kind is written by `damaged` below
KINDS = {
    "jsonl": ["text", "surrogate", "infinity", "nan", "big_int", "deep", "broken", "bad_byte", "no_abstract",
              "not_object", "long_title", "emoji"],
    "csv": ["text", "quote", "bad_byte", "extra_cells", "big_field", "no_abstract", "emoji", "nul"],
    "listing": ["no_abstract", "bad_byte", "emoji", "text"],
}


def to_bytes(text: str) -> bytes:
    """UTF-8, except that U+DC80..U+DCFF become the single (invalid) byte they stand for and other
    lone surrogates are written as their (invalid) three-byte form."""
    return b"".join(bytes([ord(ch) - 0xDC00]) if 0xDC80 <= ord(ch) <= 0xDCFF else ch.encode("utf-8", "surrogatepass")
                    for ch in text)


def damaged(fmt: str, kind: str, payload: str, n: int) -> bytes:
    """One damaged record in format ``fmt``; ``payload`` is arbitrary (possibly invalid) text."""
    title = f"Damaged {n} {payload}".replace("\n", " ").replace("\r", " ")
    if fmt == "listing":
        title = title.strip() or f"Damaged {n}"
        lines = {"no_abstract": [title[:200].rstrip(".")], "bad_byte": [f"Bad {n} \udcff title", "Broken abstract."],
                 "emoji": ["🚀" * (n + 1), "Emoji abstract."], "text": [title[:200].rstrip("."), payload + "."]}[kind]
        return to_bytes("\n".join(lines) + "\n")
    if fmt == "csv":
        cells = {"text": [f"d{n}", title, payload], "quote": [f"d{n}", '"Unbalanced ' + title, "x"],
                 "bad_byte": [f"d{n}", f"Bad \udcff {n}", "Broken."], "extra_cells": [f"d{n}", "Extra", "x", "y"],
                 "big_field": [f"d{n}", "Big", "x" * 140_000], "no_abstract": [f"d{n}", title, ""],
                 "emoji": ["", "🔥" * (n + 1), "Emoji abstract."], "nul": [f"d{n}", "A \x00 NUL", "x"]}[kind]
        if kind == "quote":
            return to_bytes(",".join(cells) + "\n")
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return to_bytes(out.getvalue())
    record = {"id": f"d{n}", "title": title, "abstract": payload or "x"}
    text = {
        "text": json.dumps(record, ensure_ascii=False), "surrogate": json.dumps({**record, "title": "S \ud800"}),
        "infinity": json.dumps(record)[:-1] + ', "upvotes": Infinity}',
        "nan": json.dumps(record)[:-1] + ', "author_count": NaN}',
        "big_int": json.dumps(record)[:-1] + ', "upvotes": ' + "7" * 4400 + "}",
        "deep": json.dumps({**record, "meta": json.loads("[" * 600 + "]" * 600)}),
        "broken": json.dumps(record)[:-5], "bad_byte": json.dumps({**record, "title": f"Bad \udcff {n}"}),
        "no_abstract": json.dumps({"id": f"d{n}", "title": title}), "not_object": "[1, 2]",
        "long_title": json.dumps({**record, "title": "long " * 400}),
        "emoji": json.dumps({"title": "🔥" * (n + 1), "abstract": "Emoji abstract."}, ensure_ascii=False),
    }[kind]
    return to_bytes(text + "\n")


def good(fmt: str, index: int) -> bytes:
    title, abstract = GOOD[index]
    if fmt == "listing":
        return f"{title}\n{abstract}\n".encode()
    if fmt == "csv":  # no ids: a good record in several files is one paper, merged by its title
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["", title, abstract])
        return out.getvalue().encode()
    return json.dumps({"title": title, "abstract": abstract}).encode() + b"\n"


@st.composite
def mixed_files(draw, slow: bool = True):
    """(format, file bytes, good indexes in the file): good records in random order with damaged
    ones between them. ``slow``: include a 140,000-character cell (seconds to extract)."""
    fmt = draw(st.sampled_from(sorted(KINDS)))
    kinds = [kind for kind in KINDS[fmt] if slow or kind != "big_field"]
    goods = draw(st.permutations(range(len(GOOD))).map(lambda p: p[: len(p) // 2 + 1]))
    bads = draw(st.lists(st.tuples(st.sampled_from(kinds), nasty_text, st.integers(0, len(goods))),
                         min_size=1, max_size=5))
    parts = [good(fmt, i) for i in goods]
    for n, (kind, payload, at) in enumerate(sorted(bads, key=lambda b: -b[2])):
        parts.insert(at, damaged(fmt, kind, payload, n))
    header = b"id,title,abstract\n" if fmt == "csv" else b""
    return fmt, header + b"".join(parts), list(goods)


SUFFIX = {"listing": ".txt", "jsonl": ".jsonl", "csv": ".csv"}


def write(directory: Path, fmt: str, data: bytes) -> Path:
    path = directory / f"mutated{SUFFIX[fmt]}"
    path.write_bytes(data)
    return path


def assert_goods_whole_and_apart(papers, goods: list[int]) -> None:
    by_title = {}
    for paper in papers:
        by_title.setdefault(paper.title, []).append(paper)
    for index in goods:
        title, abstract = GOOD[index]
        assert [p.abstract for p in by_title.get(title, [])] == [abstract], f"good record {title!r} lost or merged"
    good_ids = [p.id for p in papers if (p.title, p.abstract) in {GOOD[i] for i in goods}]
    assert len(set(good_ids)) == len(goods)
    assert len({p.id for p in papers}) == len(papers)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_files())
def test_ingest_keeps_every_good_record_of_a_mutated_file(case):
    fmt, data, goods = case
    with tempfile.TemporaryDirectory() as directory:
        path = write(Path(directory), fmt, data)
        result = ingest([path])
    assert_goods_whole_and_apart(result.papers, goods)
    assert all(p.file == str(path) and p.line >= 1 for p in result.problems)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mixed_files(slow=False), min_size=3, max_size=3))
def test_extract_and_build_keep_every_good_record(cases):
    """Three mutated files, one build (the rules extractor): every good paper is in the store, once."""
    from kg.api import open as open_graph
    from kg.build import build

    with tempfile.TemporaryDirectory() as directory, patch.dict(os.environ, {"KG_EXTRACT_RULES": "1"}):
        root = Path(directory)
        inputs = []
        for n, (fmt, data, _) in enumerate(cases):
            (root / str(n)).mkdir()
            inputs.append(write(root / str(n), fmt, data))
        result = ingest(inputs)
        report = build(inputs, root / "store")
        goods = sorted({i for _, _, indexes in cases for i in indexes})
        with open_graph(root / "store") as graph:
            stored = [r.paper for r in graph.records()]
            in_rdf = graph.query("SELECT ?p WHERE { ?p a <https://w3id.org/papers-kg/ontology#Paper> }")
            rdf_papers = len(in_rdf.rows)
    assert_goods_whole_and_apart(stored, goods)
    assert len(stored) == len(result.papers) == rdf_papers
    assert all(":" in problem for problem in report.problems)
