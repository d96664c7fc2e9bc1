"""Command-line interface: ``kg`` (also ``python -m kg``)."""

from __future__ import annotations

import sys

from ..errors import KGError

# Importing registers the commands, in this order: the order `kg --help` lists them; not to be sorted.
# isort: off
from . import ingest_cmd  # noqa: F401  (registers commands)
from . import extract_cmd  # noqa: F401
from . import graph_cmd  # noqa: F401
from . import neo4j_cmd  # noqa: F401
from . import serve_cmd  # noqa: F401
# isort: on
from ._app import EXIT_ERROR, app


def main() -> None:
    """Entry point: library errors become one line on stderr, never a traceback."""
    try:
        app()
    except KGError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
