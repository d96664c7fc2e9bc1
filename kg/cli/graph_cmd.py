"""kg build / query / validate / export: the knowledge graph store."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..extract.workers import DASK_CHUNK
from ._app import CHUNK_HELP, DASK_HELP, EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, app, default_store, fail, info, warn
from ._query import PARAM_HELP, check_format, frame_rows, parse_params, print_rows

_STORE_HELP = "Store directory (default: $KG_STORE, else ./kg-store)."


def _default_inputs() -> list[Path]:
    local = Path("data/seeds")
    if local.is_dir():
        return [local]
    return [Path(__file__).resolve().parents[2] / "data" / "seeds"]


@app.command("build")
def build_command(
    inputs: list[Path] | None = typer.Argument(None, help="Listing files or folders (default: data/seeds)."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
    records: Path | None = typer.Option(None, "--records", help="Build from this records.jsonl checkpoint; skips ingestion and extraction."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing when the store already exists."),
    processes: int = typer.Option(
        0, "--processes", "-j", min=0, help="Extraction worker processes (0 = automatic: one per core, up to 4)."),
    dask: str | None = typer.Option(None, "--dask", metavar="ADDRESS", help=DASK_HELP),
    chunk_size: int = typer.Option(DASK_CHUNK, "--chunk-size", min=1, help=CHUNK_HELP),
) -> None:
    """Build or update the graph: ingest -> extract -> records.jsonl -> RDF store (swapped in when complete)."""
    from ..build import build
    from ..graph.store import exists

    store = store or default_store()
    if if_missing and exists(store):
        info(f"{store} already holds a graph store; nothing to do (--if-missing)")
        raise typer.Exit(EXIT_OK)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        current: list = []

        def on_stage(name: str, total: int | None) -> None:
            info(f"{name}…" if total is None else f"{name} {total} papers…")
            current[:] = [bar.add_task(name, total=total)]

        def on_progress(n: int = 1) -> None:
            if current:
                bar.advance(current[0], n)

        report = build(inputs or _default_inputs(), store, records_file=records, n_process=processes,
                       dask=dask, chunk_size=chunk_size, on_stage=on_stage, on_progress=on_progress)
    for problem in report.problems:
        warn(problem)
    meta = report.meta
    entities = ", ".join(f"{n} {label}s" for label, n in meta["entities"].items())
    source = f"from {records}" if records else f"{report.extracted} extracted, {report.reused} unchanged"
    info(f"{meta['papers']} papers ({source}), {meta['claims']} claims, {entities}; "
         f"{meta['triples']} triples -> {store}")
    if report.problems:
        raise typer.Exit(EXIT_PARTIAL)


def _read_query(text: str) -> str:
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            fail(f"cannot read query file {path} ({error.strerror or error})")
    if text == "-":
        return sys.stdin.read()
    return text


@app.command("query")
def query_command(
    query: str = typer.Argument(..., help="SPARQL text, @FILE, '-' for stdin, or a named query (see --list)."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json (a list of row objects)."),
    param: list[str] | None = typer.Option(
        None, "--param", "-p", help=f"A named-query parameter, or a binding of ?NAME: {PARAM_HELP}"),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds before the query is abandoned (0 = none)."),
    limit: int = typer.Option(1000, "--limit", help="At most this many rows (0 = no limit)."),
    backend: str = typer.Option("oxigraph", "--backend", help="oxigraph (on disk), oxigraph-memory (copied into memory first) or rdflib."),
    endpoint: str | None = typer.Option(
        None, "--endpoint", help="URL of a SPARQL 1.1 endpoint to query instead of a store (e.g. `kg serve sparql`'s)."),
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) or a named query; updates are refused."""
    from .. import api
    from ..graph.queries import named_queries

    check_format(fmt)
    if endpoint and (store or backend != "oxigraph"):
        fail("--endpoint queries a server: leave out --store and --backend")
    params = parse_params(param or [])
    graph = api.endpoint(endpoint) if endpoint else api.open(store or default_store(), backend=backend)
    try:
        row_limit = limit or None
        if query in named_queries():
            frame = graph.named(query, timeout=timeout, limit=row_limit, **params)
        else:
            frame = api.to_frame(graph.query(_read_query(query), params, timeout=timeout, limit=row_limit))
    finally:
        graph.close()
    print_rows(*frame_rows(frame), fmt)
    if frame.attrs.get("truncated"):
        warn(f"output cut at {limit} rows (--limit)")


@app.command("validate")
def validate_command(store: Path | None = typer.Option(None, "--store", help=_STORE_HELP)) -> None:
    """Check the graph against the SHACL shapes (kg/ontology/shapes.ttl); exit 0 when it conforms."""
    from .. import api

    with api.open(store or default_store()) as graph:
        report = graph.validate()
    if report.conforms:
        info(f"conforms: {report.triples} triples checked against kg/ontology/shapes.ttl, 0 violations")
        return
    typer.echo(report.text)
    info(f"does not conform: {report.violations} violations")
    raise typer.Exit(EXIT_ERROR)


@app.command("export")
def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help="gexf, graphml, ttl, nt, jsonld, csv, neo4j-csv or pwc."),
    out: Path = typer.Option(
        ..., "--out", "-o",
        help="File to write (csv also writes OUT-stem.nodes.csv; neo4j-csv: a folder for neo4j-admin import; "
             "pwc: a folder for the three Papers with Code JSON files)."),
    store: Path | None = typer.Option(None, "--store", help=_STORE_HELP),
) -> None:
    """Export the graph for Gephi (gexf, graphml, csv), as RDF (ttl, nt, jsonld), for neo4j-admin (neo4j-csv)
    or in Papers with Code's dump formats (pwc)."""
    from .. import api

    if fmt == "pwc":
        from ..export import write_pwc
        from ..graph.store import read_records

        records = read_records(store or default_store())
        files = write_pwc(records, out)
        info(f"{len(records)} papers -> {', '.join(str(f) for f in files)}")
        return

    if fmt == "neo4j-csv":
        from ..graph.store import require
        from .neo4j_cmd import export_neo4j_csv

        export_neo4j_csv(require(store or default_store()), out)
        return

    with api.open(store or default_store()) as graph:
        written = graph.export(fmt, out)
        triples = len(graph)
        nodes = graph.nx().number_of_nodes() if fmt in ("gexf", "graphml", "csv") else None
        edges = graph.nx().number_of_edges() if nodes is not None else None
    what = f"{nodes} nodes, {edges} edges" if nodes is not None else f"{triples} triples"
    info(f"{what} -> {', '.join(str(p) for p in written)}")
