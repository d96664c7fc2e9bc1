"""kg ingest: listings -> papers JSONL."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import typer

from ..ingest import ingest_stream
from ..jsonl import write_jsonl
from ..records import to_dict
from ._app import EXIT_PARTIAL, app, expand_count, fail, info, progress, warn


@app.command("ingest")
def ingest_command(
    inputs: list[Path] = typer.Argument(..., help="Listing files or folders (.txt dumps, .jsonl, .json, .csv)."),
    out: Path = typer.Option(..., "--out", "-o", help="Papers JSONL to write (replaced atomically)."),
) -> None:
    """Read paper listings, merge duplicates, and write one JSON record per paper."""
    with ExitStack() as stack:  # the listings (in a temporary file) outlive the progress bar
        with progress("Reading listings", expand_count(inputs)) as advance:
            listings = stack.enter_context(ingest_stream(inputs, on_file=lambda _: advance()))
        for problem in listings.problems:
            warn(str(problem))
        if not len(listings):
            fail("no papers could be read from the inputs; nothing written")
        written = write_jsonl(out, (to_dict(p) for p in listings.papers()))
    info(
        f"{listings.files_read} files, {listings.entries_read} entries read, "
        f"{listings.merged} merged as duplicates, {listings.skipped} skipped -> {written} papers in {out}"
    )
    if listings.problems:
        raise typer.Exit(EXIT_PARTIAL)
