"""kg extract (papers -> entities, proposed methods, claims) and kg eval (scores against gold)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..extract.workers import DASK_CHUNK, auto_processes
from ._app import CHUNK_HELP, DASK_HELP, EXIT_PARTIAL, app, fail, info, progress, warn


@app.command("extract")
def extract_command(
    inputs: list[Path] = typer.Argument(..., help="Listing files or folders (.txt dumps, .jsonl, .json, .csv)."),
    out: Path = typer.Option(..., "--out", "-o", help="Predictions JSONL to write (one object per paper)."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (0 = automatic: one per core, up to 4, from 200 papers on)."),
    batch_size: int = typer.Option(32, "--batch-size", help="Papers per spaCy batch."),
    ner: bool | None = typer.Option(None, "--ner/--no-ner", help="Extract with the rules plus the SciERC/TDMSci "
                                       "NER instead of the trained extractor (default: KG_EXTRACT_NER=1, else off)."),
    dask: str | None = typer.Option(None, "--dask", metavar="ADDRESS", help=DASK_HELP),
    chunk_size: int = typer.Option(DASK_CHUNK, "--chunk-size", min=1, help=CHUNK_HELP),
) -> None:
    """Extract method/dataset/metric/task mentions, proposed methods and result claims."""
    from ..extract.pipeline import extract_records, output_row
    from ..ingest import ingest_stream
    from ..jsonl import write_jsonl

    counts = {"mentions": 0, "claims": 0}

    def row(record) -> dict:
        counts["mentions"] += len(record.mentions)
        counts["claims"] += len(record.claims)
        return output_row(record)

    with ingest_stream(inputs) as listings:
        for problem in listings.problems:
            warn(str(problem))
        n_process = jobs or auto_processes(len(listings))
        with progress("Extracting", len(listings)) as advance:
            records = extract_records(listings.papers(), n_process=n_process, batch_size=batch_size,
                                      on_progress=advance, ner=ner, dask=dask, chunk_size=chunk_size)
            written = write_jsonl(out, map(row, records))
    info(f"{written} papers -> {out} ({counts['mentions']} mentions, {counts['claims']} claims; "
         f"{listings.skipped} inputs skipped)")
    if listings.problems:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("eval")
def eval_command(
    gold: Path | None = typer.Argument(None, help="Gold JSONL: seed gold (data/gold) or SciERC/TDMSci spans "
                                          "(with --cv: default data/gold train + dev)."),
    pred: Path | None = typer.Argument(None, help="Predictions from `kg extract`; omitted: extract the gold papers now."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of a table."),
    per_paper: bool = typer.Option(False, "--per-paper", help="Also print entity/claim F1 per paper (seed gold)."),
    ner: bool | None = typer.Option(None, "--ner/--no-ner", help="With no PRED: extract with the rules and the "
                                       "SciERC/TDMSci NER."),
    cv: int = typer.Option(0, "--cv", help="K-fold cross-validation by paper over seed gold: every trained part is "
                           "fitted on K-1 folds and scored on the held-out fold."),
    seed: int = typer.Option(13, "--seed", help="With --cv: the seed that shuffles papers into folds."),
    train_share: float = typer.Option(1.0, "--train-share", min=0.01, max=1.0,
                                      help="With --cv: fit each fold on this random share of its training papers "
                                           "(a learning curve; the held-out folds stay the same)."),
    rules: bool = typer.Option(False, "--rules", help="Extract with the hand-written rules alone (nothing trained)."),
) -> None:
    """Precision / recall / F1 of extraction output against a gold file."""
    from ..extract.evaluate import (
        format_seed,
        format_spans,
        gold_format,
        gold_papers,
        read_jsonl,
        score_seed,
        score_spans,
    )

    if cv:
        _cross_validate(gold, cv, seed, rules, as_json, train_share)
        return
    if gold is None:
        fail("give a GOLD file (or --cv K to cross-validate over data/gold)")
    gold_rows = read_jsonl(gold)
    if not gold_rows:
        fail(f"{gold} holds no gold records")
    kind = gold_format(gold_rows)
    if pred is None:
        from ..extract import extract_papers, output_row
        from ..extract.pipeline import Options, default_options

        papers = gold_papers(gold_rows)
        with progress("Extracting", len(papers)) as advance:
            options = Options() if rules else default_options(ner)
            records = extract_papers(papers, n_process=auto_processes(len(papers)), on_progress=advance,
                                     options=options)
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


def _cross_validate(gold: Path | None, k: int, seed: int, rules: bool, as_json: bool, train_share: float) -> None:
    from ..extract.evaluate import gold_format, read_jsonl
    from ..extract.learn.cv import aggregate, cross_validate, format_cv
    from ..extract.pipeline import Options

    if k < 2:
        fail("--cv needs K >= 2 folds")
    rows = None
    if gold is not None:
        rows = read_jsonl(gold)
        if not rows or gold_format(rows) != "seed":
            fail(f"{gold}: --cv needs seed gold (entities as alias lists, proposed, claims)")
    options = Options() if rules else Options(trained="fold")
    with progress(f"Cross-validating ({k} folds)", k) as advance:
        scores = cross_validate(k, seed=seed, options=options, rows=rows, on_fold=lambda _i, _s: advance(1),
                                train_share=train_share)
    stats = aggregate(scores)
    if as_json:
        typer.echo(json.dumps({key: {"mean": round(m, 4), "sd": round(sd, 4)} for key, (m, sd) in stats.items()},
                              indent=2))
        return
    typer.echo(("rules alone: " if rules else "trained components: ") + f"{sum(len(s.rows) for s in scores)} papers")
    typer.echo(format_cv(stats, k))
