"""The one Typer app every command module registers on, plus shared CLI helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from ..settings import store as default_store  # noqa: F401  ($KG_STORE, else ./kg-store)

app = typer.Typer(
    name="kg",
    help="papers-kg: a knowledge graph of ML papers, methods, datasets, metrics, tasks and claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_PARTIAL = 3  # finished, but some input was skipped (each skip was warned about)

DASK_HELP = ("Extract on a Dask cluster: a scheduler address (tcp://HOST:8786) whose workers have the same papers-kg "
             "installed, or 'local' for a LocalCluster of one worker process per core. Same output as without.")
CHUNK_HELP = "With --dask: papers per task (rounded up to whole spaCy batches)."


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def info(message: str) -> None:
    typer.echo(message, err=True)


def fail(message: str) -> None:
    """Stop with a one-line error and no traceback."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def progress(description: str, total: int | None) -> Iterator[callable]:
    """A rich progress bar on stderr, silent when stderr is not a terminal; yields ``advance(n=1)``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def expand_count(inputs: list[Path]) -> int:
    """How many files the inputs expand to (for progress totals)."""
    from ..ingest import expand_inputs

    return len(expand_inputs(inputs)[0])


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"papers-kg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """papers-kg: a knowledge graph of ML papers, methods, datasets, metrics, tasks and claims."""
