"""Corpus-wide naming does not depend on the order papers arrive in: an incremental `kg build`
gives the graph a full build does (issue 13, item 5)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kg.build import build
from kg.extract import extract_papers
from kg.graph import store as kg_store
from kg.records import Paper, PaperRecord, to_dict

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
# two spellings written once each: the node's name is a tie that arrival order used to break
TIE = [
    Paper(id="a", title="", abstract="We train recurrent neural networks (RNNs) on speech. RNNs are slow."),
    Paper(id="b", title="", abstract="Recurrent Neural Networks (RNNs) model sequences well."),
]


def _by_id(records: list[PaperRecord]) -> dict[str, PaperRecord]:
    return {r.paper.id: r for r in records}


def test_naming_does_not_depend_on_paper_order():
    forward, backward = extract_papers(TIE), extract_papers(TIE[::-1])
    assert [r.paper.id for r in backward] == ["b", "a"]  # records stay in input order
    assert _by_id(forward) == _by_id(backward)
    assert len({m.canonical for r in forward for m in r.mentions}) == 1


def test_records_keep_what_naming_needs():
    from kg.extract.pipeline import canonicalise, redraft

    records = extract_papers(TIE)
    loaded = [PaperRecord.from_dict(json.loads(json.dumps(to_dict(r)))) for r in records]
    assert loaded == records
    assert canonicalise([redraft(r) for r in loaded]) == records
    assert redraft(replace(records[0], written=None)) is None


def _listing(path: Path, papers: list[Paper]) -> Path:
    path.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n" for p in papers))
    return path


def test_records_of_an_older_extractor_are_extracted_again(tmp_path):
    store = tmp_path / "store"
    first = build([_listing(tmp_path / "all.jsonl", TIE)], store)
    records = kg_store.read_records(store)
    kg_store.write_store([replace(r, written=None) for r in records], store)  # as an older extractor wrote them
    # only paper a is listed again; b, kept from the store, is extracted again too
    again = build([_listing(tmp_path / "a.jsonl", TIE[:1])], store)
    assert (again.extracted, again.reused) == (2, 0)
    rebuilt = kg_store.read_records(store)
    assert [replace(r, paper=old.paper) for r, old in zip(rebuilt, records)] == records
    assert again.meta["entities"] == first.meta["entities"]


def _sorted_sources(record: PaperRecord) -> PaperRecord:
    paper = record.paper
    return replace(record, paper=replace(paper, sources=tuple(sorted(paper.sources, key=lambda s: (s.file, s.line)))))


def _graph(store: Path) -> tuple[set[str], dict, dict[str, PaperRecord]]:
    backend = kg_store.open_backend(store)
    triples = {f"{s} {p} {o}" for s, p, o in backend.triples()}
    backend.close()
    meta = kg_store.read_meta(store)
    counts = {k: meta[k] for k in ("papers", "claims", "mentions", "entities", "triples")}
    return triples, counts, {r.paper.id: _sorted_sources(r) for r in kg_store.read_records(store)}


@pytest.mark.slow
def test_incremental_build_in_another_order_equals_full_build(tmp_path, seed_store):
    """Two seed listings, then all five in reverse file order, against one build of all five."""
    seeds = sorted(SEEDS.glob("*.txt"))
    store = tmp_path / "store"
    first = build(seeds[2:4], store)
    report = build(seeds[::-1], store)
    papers = first.meta["papers"]  # not extracted again
    assert (report.reused, report.extracted) == (papers, report.meta["papers"] - papers)
    assert _graph(store) == _graph(seed_store)
