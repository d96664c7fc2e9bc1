"""kg ingest: listings -> papers JSONL."""

from __future__ import annotations

from pathlib import Path

import typer

from ..ingest import ingest, write_jsonl
from ..records import to_dict
from ._app import EXIT_PARTIAL, app, expand_count, fail, info, progress, warn


@app.command("ingest")
def ingest_command(
    inputs: list[Path] = typer.Argument(..., help="Listing files or folders (.txt dumps, .jsonl, .json, .csv)."),
    out: Path = typer.Option(..., "--out", "-o", help="Papers JSONL to write (replaced atomically)."),
) -> None:
    """Read paper listings, merge duplicates, and write one JSON record per paper."""
    with progress("Reading listings", expand_count(inputs)) as advance:
        result = ingest(inputs, on_file=lambda _: advance())
    for problem in result.problems:
        warn(str(problem))
    if not result.papers:
        fail("no papers could be read from the inputs; nothing written")
    written = write_jsonl(out, (to_dict(p) for p in result.papers))
    info(
        f"{result.files_read} files, {result.entries_read} entries read, "
        f"{result.merged} merged as duplicates, {result.skipped} skipped -> {written} papers in {out}"
    )
    if result.problems:
        raise typer.Exit(EXIT_PARTIAL)
