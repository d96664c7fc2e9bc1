"""``kg build``: listings -> papers -> extraction -> records.jsonl -> RDF store (built aside, then swapped).

Re-running on the same input re-uses every record (same triples); new listings only add new papers
(or new sightings of known ones); records of papers whose text or extractor version changed are
extracted again. Corpus-wide naming runs over every record on every build, so an incremental build
gives the graph a full one does. ``records_file`` builds from an existing checkpoint and skips extraction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Self

from .errors import ExtractionError
from .extract.workers import DASK_CHUNK, auto_processes
from .graph.store import exists, iter_records_file, read_records_iter, write_store
from .ingest import ingest_stream, merge_papers
from .records import Paper, PaperRecord
from .spill import Spill


@dataclass
class BuildReport:
    meta: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    reused: int = 0
    extracted: int = 0
    files_read: int = 0


def _extractor():
    try:
        from .extract import EXTRACTOR_VERSION, pipeline
    except ImportError as error:
        raise ExtractionError(
            f"the extraction pipeline is not available ({error}); build from a checkpoint with --records FILE"
        ) from error
    return pipeline, EXTRACTOR_VERSION


def build(
    inputs: Iterable[str | Path],
    store: str | Path,
    *,
    records_file: str | Path | None = None,
    n_process: int = 0,
    dask: str | None = None,
    chunk_size: int = DASK_CHUNK,
    on_stage: Callable[[str, int | None], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build (or update) the store at ``store``; see the module docstring. ``dask``: extract on the Dask
    scheduler at this address, or on a LocalCluster (``"local"``), in chunks of ``chunk_size`` papers.
    Memory holds per-paper ids and offsets and per-name statistics; papers, drafts and records wait in
    temporary files (in ``$TMPDIR``)."""
    stage = on_stage or (lambda _name, _total: None)
    problems: list[str] = []
    if records_file is not None:
        stage("Reading records", None)
        records = iter_records_file(records_file, on_problem=problems.append)
        meta = write_store(records, store, extra_meta={"inputs": [str(records_file)]})
        return BuildReport(meta, problems, reused=meta["papers"])

    inputs = [Path(i) for i in inputs]
    stage("Reading listings", None)
    with ingest_stream(inputs) as listings, tempfile.TemporaryDirectory(prefix="kg-build-") as folder:
        problems.extend(str(p) for p in listings.problems)
        pipeline, version = _extractor()
        work = Path(folder)
        with _Kept(work, store, listings.papers(), version) as kept, Spill(work / "slots") as slots, \
                Spill(work / "todo") as todo, Spill(work / "extracted") as extracted:
            for record in kept.records():
                draft = pipeline.redraft(record) if _current(record, version) else None
                slots.append(draft)
                if draft is None:
                    todo.append(record.paper)
            if len(todo):
                stage("Extracting", len(todo))
                processes = n_process or auto_processes(len(todo))
                extracted.extend(pipeline.iter_drafts(todo, n_process=processes, on_progress=on_progress, dask=dask,
                                                      chunk_size=chunk_size))
            stage("Naming", None)
            records = pipeline.name_drafts(lambda: _drafts(slots, extracted))
            stage("Writing graph", None)
            meta = write_store(records, store, extra_meta={"inputs": [str(i) for i in inputs]})
        return BuildReport(meta, problems, reused=kept.reused, extracted=len(todo), files_read=listings.files_read)


def _drafts(slots: Spill, extracted: Spill) -> Iterator:
    """Every draft in the store's order: a reused record's draft, or the next one extracted."""
    fresh = iter(extracted)
    for draft in slots:
        yield draft if draft is not None else next(fresh)


class _Kept:
    """The records a build names, in order: the previous store's (first), then the new papers', each
    paper's record made from its new sighting and its old record (:func:`_keep`). Both wait in
    temporary files; memory holds paper id -> offset."""

    def __init__(self, work: Path, store: str | Path, papers: Iterable[Paper], version: str):
        self.previous, self.kept = Spill(work / "previous"), Spill(work / "kept")
        self.old: dict[str, int] = {}
        if exists(store):
            for record in read_records_iter(store):
                self.old[record.paper.id] = self.previous.append(record)
        self.new: dict[str, int] = {}
        self.reused = 0
        for paper in papers:
            at = self.old.get(paper.id)
            record, reused = _keep(self.previous.at(at) if at is not None else None, paper, version)
            self.new[paper.id] = self.kept.append(record)
            self.reused += reused

    def records(self) -> Iterator[PaperRecord]:
        for pid, at in self.old.items():
            yield self.kept.at(self.new[pid]) if pid in self.new else self.previous.at(at)
        for pid, at in self.new.items():
            if pid not in self.old:
                yield self.kept.at(at)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.previous.close()
        self.kept.close()


def _keep(old: PaperRecord | None, paper: Paper, version: str) -> tuple[PaperRecord, bool]:
    """The record kept for a paper listed again: (record, whether its extraction is reused)."""
    if old is None or not _same_text(old.paper, paper):
        return PaperRecord(paper), False  # nothing extracted yet
    if _current(old, version):
        return replace(old, paper=merge_papers(old.paper, paper)), True
    return PaperRecord(merge_papers(paper, old.paper)), False


def _current(record: PaperRecord, version: str) -> bool:
    """Whether a record can be named again as it is: same extractor, and it keeps what its paper wrote."""
    return record.extractor == version and record.written is not None


def _same_text(a: Paper, b: Paper) -> bool:
    return a.title == b.title and a.abstract == b.abstract
