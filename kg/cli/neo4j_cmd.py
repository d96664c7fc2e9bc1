"""kg neo4j start|stop|status|load|export-csv and kg cypher: the property graph over Bolt.

The password comes from ``NEO4J_PASSWORD`` only (for the local server, a generated one kept in its
data directory when that variable is not set); it is never an option and never printed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import typer

from ..errors import QueryError
from ._app import EXIT_PARTIAL, app, default_store, fail, info, progress, warn
from ._query import PARAM_HELP, check_format, parse_params, print_rows

neo4j_app = typer.Typer(
    help="Load the graph into Neo4j (or the bundled local Bolt server) and manage that server.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(neo4j_app, name="neo4j")

_DATA_HELP = "Data folder of the local Bolt server (default: $KG_BOLT_DIR or ./.kg/bolt)."
_URI_HELP = "Bolt URI of a Neo4j server (default: $NEO4J_URI, else the local server started with `kg neo4j start`)."
_USER_HELP = "User name for --uri (default $NEO4J_USER or neo4j); the password is read from NEO4J_PASSWORD."


class _StoreRecords:
    """The records of a store's records.jsonl, read afresh at every call (the writers read them
    twice and hold none): each unreadable line is warned about once, with its file and line."""

    def __init__(self, store: Path) -> None:
        from ..graph.store import RECORDS_FILE

        self.path = store / RECORDS_FILE
        if not self.path.exists():
            fail(f"no {self.path}: build the store first with `kg build ... --store {store}`")
        self.problems: dict[str, None] = {}
        self.papers = 0  # records read by the latest pass

    def __call__(self) -> Iterator:
        from ..graph.store import iter_records_file

        self.papers = 0
        for record in iter_records_file(self.path, on_problem=self._problem):
            self.papers += 1
            yield record

    def _problem(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems[problem] = None
            warn(problem)


def _data_dir(data: Path | None) -> Path:
    from ..settings import bolt_dir

    return data or bolt_dir()


def _connect(uri: str | None, user: str | None, data: Path | None, database: str | None,
             *, read_only: bool = False):
    """(driver, database, where, probe): the connection rule of :func:`kg.neo4j.bolt.connect`."""
    from ..neo4j.bolt import connect

    connection = connect(uri, user, data, database, read_only=read_only)
    return connection.driver, connection.database, connection.where, connection.probe


@neo4j_app.command("start")
def start_command(
    data: Path | None = typer.Option(None, "--data", help=_DATA_HELP),
    port: int = typer.Option(7687, "--port", help="Bolt port on 127.0.0.1."),
    heap: str = typer.Option("1g", "--heap", help="Java heap of the server, e.g. 512m, 2g."),
) -> None:
    """Start the local Bolt server (ArcadeDB from PyPI) in the background and wait until it answers."""
    from ..neo4j.server import running, start

    folder = _data_dir(data)
    already = running(folder)
    began = time.monotonic()
    server = start(folder, port, heap=heap)
    verb = "already running" if already else f"started in {time.monotonic() - began:.1f} s"
    reader = f", read-only user {server.reader}" if server.reader else ""
    typer.echo(f"Bolt server {verb}: {server.uri} (database {server.database}, user {server.user}{reader}, "
               f"pid {server.pid}, data {server.data_dir})")


@neo4j_app.command("stop")
def stop_command(data: Path | None = typer.Option(None, "--data", help=_DATA_HELP)) -> None:
    """Stop the local Bolt server."""
    from ..neo4j.server import stop

    folder = _data_dir(data)
    if stop(folder):
        typer.echo(f"Bolt server of {folder} stopped")
    else:
        typer.echo(f"no Bolt server was running in {folder}")


@neo4j_app.command("status")
def status_command(data: Path | None = typer.Option(None, "--data", help=_DATA_HELP)) -> None:
    """Say whether the local Bolt server runs, and where."""
    from ..neo4j.server import running

    folder = _data_dir(data)
    server = running(folder)
    if server is None:
        typer.echo(f"no Bolt server running in {folder}")
        raise typer.Exit(1)
    typer.echo(f"running: {server.uri} (database {server.database}, user {server.user}, pid {server.pid})")


@neo4j_app.command("load")
def load_command(
    store: Path = typer.Option(None, "--store", help="Store folder holding records.jsonl (default: $KG_STORE or ./kg-store)."),
    uri: str | None = typer.Option(None, "--uri", help=_URI_HELP),
    user: str | None = typer.Option(None, "--user", help=_USER_HELP),
    database: str | None = typer.Option(None, "--database", help="Database name (default: the server's default)."),
    data: Path | None = typer.Option(None, "--data", help=_DATA_HELP),
    batch_size: int = typer.Option(5000, "--batch-size", min=1, help="Rows per UNWIND batch (one transaction each)."),
    replace: bool = typer.Option(False, "--replace", help="First delete every Paper/Method/.../Listing node of the database."),
) -> None:
    """Load records.jsonl as a property graph: constraints, indexes, then batched UNWIND ... MERGE (idempotent)."""
    from ..neo4j.sink import clear_graph, load

    records = _StoreRecords(store or default_store())
    driver, db, where, _ = _connect(uri, user, data, database)
    began = time.monotonic()
    try:
        if replace:
            info(f"--replace: {clear_graph(driver, db)} nodes deleted from {where} database {db or '(default)'}")
        with progress("Loading rows", None) as advance:
            result = load(driver, records, database=db, batch_size=batch_size, on_batch=advance)
    finally:
        driver.close()
    info(
        f"{records.papers} papers -> {result.nodes} nodes ({result.nodes_created} new), "
        f"{result.relationships} relationships ({result.relationships_created} new) "
        f"in {result.batches} batches, {time.monotonic() - began:.1f} s, into {where} database {db or '(default)'}"
    )
    if records.problems:
        raise typer.Exit(EXIT_PARTIAL)


@neo4j_app.command("export-csv")
def export_csv_command(
    out: Path = typer.Option(..., "--out", help="Folder for the CSV files (created)."),
    store: Path = typer.Option(None, "--store", help="Store folder holding records.jsonl (default: $KG_STORE or ./kg-store)."),
) -> None:
    """Write nodes_*.csv / rels_*.csv and import.sh for `neo4j-admin database import full`
    (the same as `kg export --format neo4j-csv`)."""
    export_neo4j_csv(store or default_store(), out)


def export_neo4j_csv(store: Path, out: Path) -> None:
    """The neo4j-csv export of both `kg neo4j export-csv` and `kg export --format neo4j-csv`."""
    from ..neo4j.sink import write_neo4j_csv

    records = _StoreRecords(store)
    files = write_neo4j_csv(records, out)
    info(f"{records.papers} papers -> {sum(f.suffix == '.csv' for f in files)} CSV files in {out} "
         f"(run {out / 'import.sh'} with neo4j-admin)")
    if records.problems:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("cypher")
def cypher_command(
    query: str | None = typer.Argument(None, help="A read-only Cypher query (omit with --named)."),
    param: list[str] = typer.Option([], "--param", "-p", help=PARAM_HELP),
    named: str | None = typer.Option(None, "--named", help="Run kg/ontology/queries/NAME.cypher instead of QUERY."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    uri: str | None = typer.Option(None, "--uri", help=_URI_HELP),
    user: str | None = typer.Option(
        None, "--user", help="User name for --uri (default neo4j; give it the reader role); the local server's read-only user otherwise."),
    database: str | None = typer.Option(None, "--database", help="Database name (default: the server's default)."),
    data: Path | None = typer.Option(None, "--data", help=_DATA_HELP),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Seconds before the query is abandoned."),
    limit: int = typer.Option(1000, "--limit", min=1, help="Most rows returned."),
) -> None:
    """Run a read-only Cypher query (writes and non-read-only functions are refused) and print the rows."""
    from ..neo4j.cypher import check_read_only, run_cypher, run_named

    check_format(fmt)
    if (query is None) == (named is None):
        fail("give either a QUERY or --named NAME")
    params = parse_params(param)
    if query is not None:
        try:
            check_read_only(query)  # refuse before connecting
        except QueryError as error:
            fail(str(error))
    driver, db, _, probe = _connect(uri, user, data, database, read_only=True)
    try:
        if named is not None:
            result = run_named(driver, named, database=db, timeout_s=timeout, limit=limit, probe=probe, **params)
        else:
            result = run_cypher(driver, query, params, database=db, timeout_s=timeout, limit=limit, probe=probe)
    finally:
        driver.close()
    print_rows(result.columns, result.rows, fmt, boxed=True)
    if result.truncated:
        warn(f"only the first {limit} rows are shown (--limit)")
