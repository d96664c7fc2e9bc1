"""``kg build``: listings -> papers -> extraction -> records.jsonl -> RDF store (built aside, then swapped).

Re-running on the same input re-uses every record (same triples); new listings only add new papers
(or new sightings of known ones); records of papers whose text or extractor version changed are
extracted again. ``records_file`` builds from an existing checkpoint and skips extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ExtractionError
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
        from .extract import EXTRACTOR_VERSION, extract_papers
    except ImportError as error:
        raise ExtractionError(
            f"the extraction pipeline is not available ({error}); build from a checkpoint with --records FILE"
        ) from error
    return extract_papers, EXTRACTOR_VERSION


def build(
    inputs: Iterable[str | Path],
    store: str | Path,
    *,
    records_file: str | Path | None = None,
    n_process: int = 0,
    on_stage: Callable[[str, int | None], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build (or update) the store at ``store``; see the module docstring."""
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
    extract_papers, version = _extractor()

    kept: dict[str, PaperRecord] = {r.paper.id: r for r in previous}
    todo: list[Paper] = []
    reused = 0
    for paper in result.papers:
        old = by_id.get(paper.id)
        if old is not None and _same_text(old.paper, paper) and old.extractor == version:
            kept[paper.id] = replace(old, paper=merge_papers(old.paper, paper))
            reused += 1
        else:
            todo.append(merge_papers(paper, old.paper) if old is not None and _same_text(old.paper, paper) else paper)
    if todo:
        stage("Extracting", len(todo))
        from .extract.workers import auto_processes

        processes = n_process or auto_processes(len(todo))
        for record in extract_papers(todo, n_process=processes, on_progress=on_progress):
            kept[record.paper.id] = record
    stage("Writing graph", None)
    meta = write_store(list(kept.values()), store, extra_meta={"inputs": [str(i) for i in inputs]})
    return BuildReport(meta, problems, reused=reused, extracted=len(todo), files_read=result.files_read)


def _same_text(a: Paper, b: Paper) -> bool:
    return a.title == b.title and a.abstract == b.abstract
