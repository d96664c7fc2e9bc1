"""Bounded memory on one machine (issue 12, part 2): ingest reads JSON Lines and CSV a line at a time,
naming is a reduce over a drafts file that keeps per-name state only, and the store is written from a
stream; each gives what the in-memory path gave. Memory is measured as tracemalloc peaks and compared
as ratios (never wall time)."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest

from kg.extract.pipeline import _Draft, canonicalise, draft_papers, name_drafts
from kg.graph import store as kg_store
from kg.graph.rdf import records_to_triples
from kg.ingest import Problem, ingest, ingest_stream, iter_file, parse_csv, parse_jsonl
from kg.records import Paper
from kg.spill import Spill

ROOT = Path(__file__).resolve().parents[1]
KAN = ROOT / "tests" / "fixtures" / "kan_papers.jsonl"
LISTING = ROOT / "data" / "seeds" / "002_3cc7ef88fcfacc12.txt"  # 35 real papers
FIXTURE = ROOT / "tests" / "fixtures" / "records_small.jsonl"


def _peak(work) -> int:
    """tracemalloc's peak (bytes) while ``work()`` runs."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- naming as a reduce


@pytest.fixture(scope="module")
def drafts() -> list[_Draft]:
    return draft_papers(ingest([LISTING, KAN]).papers)


def test_naming_over_a_drafts_file_gives_the_records_of_a_list(drafts, tmp_path):
    expected = canonicalise(drafts)
    reads = []
    with Spill(tmp_path / "drafts") as spill:
        spill.extend(drafts)

        def read():
            reads.append(1)
            return spill

        assert list(name_drafts(read)) == expected
    assert len(reads) == 4  # three passes of statistics, one of records


def test_naming_does_not_depend_on_the_order_drafts_come_in(drafts):
    expected = {r.paper.id: r for r in canonicalise(drafts)}
    shuffled = list(drafts)
    random.Random(3).shuffle(shuffled)
    records = canonicalise(shuffled)
    assert [r.paper.id for r in records] == [d.paper.id for d in shuffled]  # input order
    assert {r.paper.id: r for r in records} == expected


def test_canonicalise_leaves_the_drafts_as_written(drafts):
    before = [(list(d.mentions), list(d.pairs), [dict(c) for c in d.claims]) for d in drafts]
    canonicalise(drafts)
    assert [(d.mentions, d.pairs, d.claims) for d in drafts] == before


def _synthetic_drafts(n: int):
    """``n`` drafts naming a fixed vocabulary (so the names do not grow with ``n``), made as they are read."""
    vocabulary = [("method", f"Net{i}") for i in range(40)] + [("dataset", f"Set-{i}") for i in range(20)]
    for i in range(n):
        words = [vocabulary[(i * 7 + k * 13) % len(vocabulary)] for k in range(6)]
        abstract, mentions = "", []
        for label, name in words:
            start = len(abstract)
            abstract += name + " is used here. "
            mentions.append((start + 2, start + 2 + len(name), label, name))  # doc offsets: title "" + "\n\n"
        yield _Draft(Paper(id=f"p{i:06d}", title="", abstract=abstract), mentions=mentions, pairs=[],
                     proposed=[("method", words[0][1])], claims=[])


def test_naming_memory_does_not_grow_with_the_papers():
    def name(n: int) -> None:
        for _record in name_drafts(lambda: _synthetic_drafts(n)):
            pass

    name(2500)  # imports, compiled patterns, caches and CPython's free lists (2,000 tuples a size) first
    small, large = _peak(lambda: name(2500)), _peak(lambda: name(10_000))
    assert large < 1.5 * small, (small, large)  # a list of drafts or records would be ~4x


# ---------------------------------------------------------------- ingest a line at a time


def _big_jsonl(path: Path, n: int) -> int:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"big{i}", "title": f"Paper {i}", "abstract": f"Abstract {i}. " + "word " * 800}) + "\n")
    return path.stat().st_size


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_ingest_holds_keys_not_the_file(tmp_path, suffix):
    path = tmp_path / f"big.{suffix}"
    size = _big_jsonl(tmp_path / "big.jsonl", 3000)
    if suffix == "csv":
        rows = [json.loads(line) for line in (tmp_path / "big.jsonl").read_text().splitlines()]
        path.write_text("id,title,abstract\n" + "".join(f'{r["id"]},{r["title"]},{r["abstract"]}\n' for r in rows))

    def scan() -> None:
        with ingest_stream([path]) as listings:
            assert len(listings) == 3000 and not listings.problems
            for _paper in listings.papers():
                pass

    assert _peak(scan) < 0.2 * size  # reading the file whole (or keeping its papers) costs more than its size


def test_stream_and_whole_text_agree_on_damaged_jsonl(tmp_path):
    lines = [b'\xef\xbb\xbf{"id": "a", "title": "T\\u2028", "abstract": "One\rwith a CR."}',
             b'{"id": "b", "title": "Bad byte", "abstract": "x \xff y"}',
             b'{"id": "c", "title": "Broken", ',
             b"",
             b'{"id": "d", "title": "Line\xe2\x80\xa8sep", "abstract": "Fine \xc2\x85 too."}\r',
             b'{"id": "e", "abstract": "last, no newline"}']
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines))
    whole = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    streamed = list(iter_file(path))
    assert streamed == list(parse_jsonl(whole, str(path)))
    assert [(p.line, p.message.split(" (")[0]) for p in streamed if isinstance(p, Problem)] == [
        (2, "text is not valid UTF-8"), (3, "broken JSON")]
    assert [p.id for p in streamed if isinstance(p, Paper)] == ["a", "d", "e"]


def test_stream_and_whole_text_agree_on_damaged_csv(tmp_path):
    text = ('id,title,abstract\r\n'
            'c1,One,"Two\nlines"\r\n'
            'c2,"Broken quote,abc\n'
            'c3,Three,Third.\r'
            'c4,Four,"Quoted, with ""quotes"""\n'
            'c5,Five,Five \udcff bad\n'
            '\n'
            'c6,Six,Six.')
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    streamed = list(iter_file(path))
    assert streamed == list(parse_csv(text, str(path)))
    assert [(p.line, p.message.split(" (")[0]) for p in streamed if isinstance(p, Problem)] == [
        (4, "broken CSV row"), (7, "text is not valid UTF-8")]
    assert [p.id for p in streamed if isinstance(p, Paper)] == ["c1", "c3", "c4", "c6"]


def test_merged_duplicates_come_out_as_before(tmp_path):
    rows = [{"id": "x", "title": "X", "abstract": "Short."},
            {"id": "y", "title": "Y", "abstract": "Why.", "upvotes": 2},
            {"id": "x", "title": "X", "abstract": "A longer abstract https://github.com/a/b.", "upvotes": 5},
            {"title": "Z paper", "abstract": "Zed."},
            {"id": "x", "title": "X", "abstract": "Mid.", "author_count": 3, "venue": "V"}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:3]))
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[3:]))
    result = ingest([tmp_path])
    assert [p.id for p in result.papers] == ["x", "y", "z-paper"]
    x = result.papers[0]
    assert (x.abstract, x.upvotes, x.author_count, x.code_urls) == (rows[2]["abstract"], 5, 3, ("https://github.com/a/b",))
    assert [s.line for s in x.sources] == [1, 3, 2] and x.metadata == {"venue": "V"}
    assert (result.entries_read, result.merged) == (5, 2)


# ---------------------------------------------------------------- the store from a stream


def test_store_from_a_stream_in_small_bulk_loads(tmp_path, monkeypatch):
    records = kg_store.read_records_file(FIXTURE)
    expected = kg_store.write_store(records, tmp_path / "list")
    monkeypatch.setattr(kg_store, "BULK_BATCH", 7)
    streamed = kg_store.write_store(iter(records), tmp_path / "stream")
    assert {k: v for k, v in streamed.items() if k != "built_at"} == {k: v for k, v in expected.items() if k != "built_at"}
    assert (tmp_path / "stream" / "records.jsonl").read_bytes() == (tmp_path / "list" / "records.jsonl").read_bytes()
    assert _triples(tmp_path / "stream") == _triples(tmp_path / "list")


def _triples(store: Path) -> set[tuple[str, ...]]:
    backend = kg_store.open_backend(store)
    try:
        return {tuple(map(str, t)) for t in backend.triples()}
    finally:
        backend.close()


def test_triples_from_a_reader_read_it_twice():
    records = kg_store.read_records_file(FIXTURE)
    reads = []

    def read():
        reads.append(1)
        return kg_store.iter_records_file(FIXTURE)

    assert [str(q) for q in records_to_triples(read)] == [str(q) for q in records_to_triples(records)]
    assert len(reads) == 2


# ---------------------------------------------------------------- JSON lists an entry at a time

_PWC = {"paper_url": "https://paperswithcode.com/paper/x", "arxiv_id": "2401.00001", "title": "X: a net",
        "abstract": "We propose X.\nIt works — très bien.", "authors": ["A", "B"], "date": "2024-01-02"}
_JSON_LISTS = {
    "pwc": json.dumps([_PWC, {**_PWC, "arxiv_id": "2401.00002", "title": "Y"}], indent=2),
    "plain": "\ufeff" + json.dumps([{"id": "p1", "text": "A."}, 7, {"id": "p2", "abstract": "B.", "n": 12345}]),
    "number last": '[{"id": "p1", "text": "A."},\n 123456789]',
    "broken midway": '[\n  {"id": "p1", "text": "A."},\n  {"id": "p2", "text": "B."\n  {"id": "p3", "text": "C."}\n]',
    "no comma": '[{"id": "p1", "text": "A."} {"id": "p2", "text": "B."}]',
    "extra data": '[{"id": "p1", "text": "A."}]\n  garbage',
    "cut off": '[{"id": "p1", "text": "A."}, {"id": "p2", "text": "B',
    "huge int": '[{"id": "p1", "text": "A."},\n{"id": "p2", "text": "B.", "n": ' + "9" * 4400 + '},\n{"id": "p3", "text": "C."}]',
    "not a list": '  \n {"id": "p1"}',
}


@pytest.mark.parametrize("name", sorted(_JSON_LISTS))
@pytest.mark.parametrize("chunk", [3, 64, 1 << 20])
def test_json_lists_read_as_they_are_parsed_give_what_the_whole_text_gives(tmp_path, monkeypatch, name, chunk):
    from kg.ingest import _PARSERS, _Text, detect_format

    path = tmp_path / "list.json"
    path.write_text(_JSON_LISTS[name], encoding="utf-8")
    text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    whole = list(_PARSERS[detect_format(path, text)](text, str(path)))
    monkeypatch.setattr(_Text, "CHUNK", chunk)
    assert list(iter_file(path)) == whole
    assert whole  # every case gives papers or problems


def test_a_json_list_is_not_read_whole(tmp_path):
    path = tmp_path / "papers-with-abstracts.json"
    entries = [{**_PWC, "arxiv_id": f"2401.{i:05d}", "title": f"Paper {i}", "abstract": "word " * 800} for i in range(6000)]
    path.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    size = path.stat().st_size
    del entries

    def scan() -> None:
        with ingest_stream([path]) as listings:
            assert len(listings) == 6000 and not listings.problems

    assert _peak(scan) < 0.35 * size  # the text of the whole file alone would be more than its size
