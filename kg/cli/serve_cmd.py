"""kg serve sparql: the store as a read-only SPARQL 1.1 HTTP endpoint (Oxigraph's server)."""

from __future__ import annotations

import signal
from pathlib import Path

import typer

from ._app import app, default_store, fail, info, warn

serve_app = typer.Typer(help="Serve the graph to other processes over HTTP.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(serve_app, name="serve")

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@serve_app.command("sparql")
def sparql_command(
    store: Path | None = typer.Option(None, "--store", help="Store directory (default: $KG_STORE, else ./kg-store)."),
    port: int = typer.Option(7878, "--port", min=1, max=65535, help="TCP port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    timeout: float = typer.Option(60.0, "--timeout", min=0, help="Seconds a query may run on the server (0 = no limit)."),
) -> None:
    """Serve the store's current version read-only at http://HOST:PORT/query until Ctrl-C or SIGTERM."""
    from ..graph.server import start

    if host not in _LOOPBACK:
        warn(f"listening on {host}: the endpoint has no authentication; anyone who reaches it can read the graph")
    signal.signal(signal.SIGTERM, _interrupt)
    server = start(store or default_store(), host, port, timeout_s=timeout)
    try:
        typer.echo(f"SPARQL endpoint (read-only): {server.url}")
        info(f"serving {server.version.path} (held until the server stops); Ctrl-C stops it")
        code = server.wait()
    except KeyboardInterrupt:
        code = None
    finally:
        server.stop()
    if code not in (None, -signal.SIGINT, -signal.SIGTERM):  # a signal to the whole process group also ends it
        fail(f"the SPARQL server ended on its own (exit status {code})")
    info("SPARQL server stopped")
