"""kg extract (papers -> entities, proposed methods, claims) and kg eval (scores against gold)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..extract.workers import auto_processes
from ._app import EXIT_PARTIAL, app, fail, info, progress, warn



@app.command("extract")
def extract_command(
    inputs: List[Path] = typer.Argument(..., help="Listing files or folders (.txt dumps, .jsonl, .json, .csv)."),
    out: Path = typer.Option(..., "--out", "-o", help="Predictions JSONL to write (one object per paper)."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (0 = automatic: one per core, up to 4, from 200 papers on)."),
    batch_size: int = typer.Option(32, "--batch-size", help="Papers per spaCy batch."),
    ner: Optional[bool] = typer.Option(None, "--ner/--no-ner", help="Add the trained SciERC/TDMSci NER as a "
                                       "recall source (default: KG_EXTRACT_NER=1, else off)."),
) -> None:
    """Extract method/dataset/metric/task mentions, proposed methods and result claims."""
    from ..extract import extract_papers, output_row
    from ..ingest import ingest, write_jsonl

    result = ingest(inputs)
    for problem in result.problems:
        warn(str(problem))
    papers = result.papers
    n_process = jobs or auto_processes(len(papers))
    with progress("Extracting", len(papers)) as advance:
        records = extract_papers(papers, n_process=n_process, batch_size=batch_size, on_progress=advance, ner=ner)
    written = write_jsonl(out, (output_row(r) for r in records))
    mentions = sum(len(r.mentions) for r in records)
    claims = sum(len(r.claims) for r in records)
    info(f"{written} papers -> {out} ({mentions} mentions, {claims} claims; {result.skipped} inputs skipped)")
    if result.problems:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("eval")
def eval_command(
    gold: Path = typer.Argument(..., help="Gold JSONL: seed gold (shared/data/seedgold) or SciERC/TDMSci spans."),
    pred: Optional[Path] = typer.Argument(None, help="Predictions from `kg extract`; omitted: extract the gold papers now."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of a table."),
    per_paper: bool = typer.Option(False, "--per-paper", help="Also print entity/claim F1 per paper (seed gold)."),
    ner: Optional[bool] = typer.Option(None, "--ner/--no-ner", help="With no PRED: extract with the trained NER."),
) -> None:
    """Precision / recall / F1 of extraction output against a gold file."""
    from ..extract.evaluate import (format_seed, format_spans, gold_format, gold_papers, read_jsonl, score_seed,
                                    score_spans)

    gold_rows = read_jsonl(gold)
    if not gold_rows:
        fail(f"{gold} holds no gold records")
    kind = gold_format(gold_rows)
    if pred is None:
        from ..extract import extract_papers, output_row

        papers = gold_papers(gold_rows)
        with progress("Extracting", len(papers)) as advance:
            records = extract_papers(papers, n_process=auto_processes(len(papers)), on_progress=advance, ner=ner)
        pred_rows = [output_row(r) for r in records]
    else:
        pred_rows = read_jsonl(pred)
    if kind == "seed":
        scores = score_seed(gold_rows, pred_rows)
        if as_json:
            typer.echo(json.dumps(scores.summary(), indent=2))
            return
        typer.echo(f"seed gold: {len(gold_rows)} papers ({gold})")
        typer.echo(format_seed(scores))
        if per_paper:
            for paper in scores.per_paper:
                cells = " ".join(f"{k}={paper[k].f1:.2f}" for k in ("method", "dataset", "metric", "task", "proposed",
                                                                      "claims"))
                typer.echo(f"  {paper['id']}: {cells}")
    else:
        spans = score_spans(gold_rows, pred_rows)
        if as_json:
            typer.echo(json.dumps(spans.summary(), indent=2))
            return
        typer.echo(f"mention spans: {len(gold_rows)} documents ({gold})")
        typer.echo(format_spans(spans))
