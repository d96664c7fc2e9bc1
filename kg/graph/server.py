"""``kg serve sparql``: Oxigraph's SPARQL HTTP server (PyPI ``oxigraph``) over one store version.

The server (``oxigraph serve-read-only``) opens the version's ``oxigraph/`` folder read-only, as the
store's other readers do, and holds the version's shared lock (see :mod:`kg.graph.store`) for as long as
it runs: the lock's file descriptor is passed to the server process, so a build that switches the
store to a newer version cannot delete the one being served while the server runs.
The server answers the one version it opened; serve again to see a rebuilt store. The server ends
with ``kg serve`` (SIGTERM on Ctrl-C or SIGTERM; on Linux also when ``kg serve`` is killed).

Only the read-only server is offered: a store version is an immutable snapshot of ``records.jsonl``
(what builds read and write) and its RDF, so a SPARQL update would make the two disagree and would
vanish at the next build.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BackendError
from .store import OXIGRAPH_DIR, Version, open_version

READY_LINE = "Listening for requests at"
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class SparqlServer:
    """A running read-only SPARQL server over one store version (``version``, held locked)."""

    process: subprocess.Popen
    version: Version
    url: str  # the query endpoint

    def wait(self) -> int:
        return self.process.wait()

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL after 10 s) and release the version."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.version.close()


def find_binary() -> str:
    """The ``oxigraph`` executable of this environment (else on PATH); BackendError when missing."""
    beside = [Path(sysconfig.get_path("scripts")) / "oxigraph", Path(sys.executable).parent / "oxigraph"]
    for path in beside:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise BackendError("the Oxigraph server is not installed: pip install oxigraph==0.5.13")


def endpoint_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/query"


def start(store: str | Path, host: str = "127.0.0.1", port: int = 7878, *, timeout_s: float = 60.0) -> SparqlServer:
    """Serve the store's current version read-only on ``host:port``; returns once the server listens."""
    binary = find_binary()
    version = open_version(store)
    command = [binary, "serve-read-only", "--location", str(version.path / OXIGRAPH_DIR),
               "--bind", f"{host}:{port}"] + (["--timeout-s", f"{timeout_s:g}"] if timeout_s > 0 else [])
    try:
        process = subprocess.Popen(command, bufsize=0, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, pass_fds=(version.fd,) if version.fd is not None else (),
                                   env={**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"},
                                   preexec_fn=_end_with_parent)  # noqa: PLW1509  (prctl only: no locks taken)
    except OSError as error:
        version.close()
        raise BackendError(f"cannot start {binary} ({error.strerror or error})") from error
    server = SparqlServer(process, version, endpoint_url(host, port))
    try:
        _wait_until_listening(process, host, port)
    except BaseException:
        server.stop()
        raise
    threading.Thread(target=_forward, args=(process.stderr,), name="kg-sparql-log", daemon=True).start()
    return server


def _end_with_parent() -> None:
    """In the server process (Linux): be sent SIGTERM when ``kg serve`` dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: a killed `kg serve` leaves the server running


def _wait_until_listening(process: subprocess.Popen, host: str, port: int) -> None:
    """Read the server's log until it says it listens; BackendError with its reason when it ends first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    lines: list[bytes] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.2)
        if not ready:
            continue
        line = process.stderr.readline()
        if not line:
            process.wait()
            raise BackendError(_start_error(b"".join(lines).decode("utf-8", "replace"), host, port))
        if line.decode("utf-8", "replace").startswith(READY_LINE):
            return
        lines.append(line)
    raise BackendError(f"the SPARQL server did not listen on {host}:{port} within {START_TIMEOUT_S:g} s")


def _start_error(log: str, host: str, port: int) -> str:
    if "Address already in use" in log:
        return f"port {port} on {host} is in use; choose another --port"
    errors = [line for line in log.splitlines() if line.startswith("Error:")]
    reason = errors[0][len("Error:"):].strip() if errors else (log.strip().splitlines() or ["no output"])[-1]
    return f"the SPARQL server did not start: {reason}"


def _forward(stream) -> None:
    """Pass the server's log on to our stderr (so it never fills the pipe)."""
    for line in iter(stream.readline, b""):
        sys.stderr.write(line.decode("utf-8", "replace"))
        sys.stderr.flush()
