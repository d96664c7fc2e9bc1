"""``kg build``: listings -> papers -> extraction -> records.jsonl -> RDF store (built aside, then swapped).

Re-running on the same input re-uses every record (same triples); new listings only add new papers
(or new sightings of known ones); records of papers whose text or extractor version changed are
extracted again. Corpus-wide naming runs over every record on every build, so an incremental build
gives the graph a full one does. ``records_file`` builds from an existing checkpoint and skips extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ExtractionError
from .extract.workers import DASK_CHUNK, auto_processes
from .ingest import Problem, ingest, merge_papers
from .records import Paper, PaperRecord
from .store import exists, read_records, read_records_file, write_store


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
    scheduler at this address, or on a LocalCluster (``"local"``), in chunks of ``chunk_size`` papers."""
    stage = on_stage or (lambda _name, _total: None)
    problems: list[str] = []
    if records_file is not None:
        stage("Reading records", None)
        records = read_records_file(records_file, on_problem=problems.append)
        meta = write_store(records, store, extra_meta={"inputs": [str(records_file)]})
        return BuildReport(meta, problems, reused=len(records))

    inputs = [Path(i) for i in inputs]
    stage("Reading listings", None)
    result = ingest(inputs)
    problems.extend(str(p) for p in result.problems if isinstance(p, Problem))
    previous = read_records(store) if exists(store) else []
    by_id = {r.paper.id: r for r in previous}
    pipeline, version = _extractor()

    kept: dict[str, PaperRecord] = {r.paper.id: r for r in previous}
    reused = 0
    for paper in result.papers:
        old = by_id.get(paper.id)
        if old is None or not _same_text(old.paper, paper):
            kept[paper.id] = PaperRecord(paper)  # nothing extracted yet
        elif _current(old, version):
            kept[paper.id] = replace(old, paper=merge_papers(old.paper, paper))
            reused += 1
        else:
            kept[paper.id] = PaperRecord(merge_papers(paper, old.paper))
    drafts = {pid: pipeline.redraft(r) if _current(r, version) else None for pid, r in kept.items()}
    todo = [kept[pid].paper for pid, draft in drafts.items() if draft is None]
    if todo:
        stage("Extracting", len(todo))
        processes = n_process or auto_processes(len(todo))
        for draft in pipeline.draft_papers(todo, n_process=processes, on_progress=on_progress, dask=dask,
                                           chunk_size=chunk_size):
            drafts[draft.paper.id] = draft
    stage("Naming", None)
    records = pipeline.canonicalise(list(drafts.values()))
    stage("Writing graph", None)
    meta = write_store(records, store, extra_meta={"inputs": [str(i) for i in inputs]})
    return BuildReport(meta, problems, reused=reused, extracted=len(todo), files_read=result.files_read)


def _current(record: PaperRecord, version: str) -> bool:
    """Whether a record can be named again as it is: same extractor, and it keeps what its paper wrote."""
    return record.extractor == version and record.written is not None


def _same_text(a: Paper, b: Paper) -> bool:
    return a.title == b.title and a.abstract == b.abstract
