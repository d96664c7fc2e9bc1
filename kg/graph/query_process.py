"""SPARQL queries in child processes, ended when they run past their timeout.

A pyoxigraph query computing its first row (a big aggregate, ORDER BY or join) cannot be
interrupted inside the process, so :class:`QueryPool` runs each query in a child process
(``python -m kg.graph.query_process FOLDER BACKEND``) that opens the same store version read-only; a query
still running at its timeout has its process killed, which stops the work. Idle children are kept
for the next query (one per concurrent query), so only the first query and the one after a timeout
pay the start-up. In-memory backends (``oxigraph-memory``, ``rdflib``) are loaded again by each child.

Frames on the pipes: a 4-byte big-endian length, then a pickle (parent and child are the same code).
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import QueryError

_HEADER = struct.Struct(">I")


def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


@dataclass(frozen=True)
class _Child:
    process: subprocess.Popen

    def ask(self, job: tuple, timeout: float | None) -> Any:
        """The child's answer to ``job``; TimeoutError (child killed) when none comes within ``timeout``."""
        answer: list[Any] = []

        def read() -> None:
            try:
                answer.append(_receive(self.process.stdout))
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                answer.append(("gone", str(error)))

        _send(self.process.stdin, job)
        reader = threading.Thread(target=read, name="kg-query-reply", daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            self.kill()
            reader.join()
            raise TimeoutError
        return answer[0]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class QueryPool:
    """Child processes answering read-only queries on one store version (``folder``)."""

    def __init__(self, folder: str | Path, backend: str):
        self.folder, self.backend = str(folder), backend
        self._idle: list[_Child] = []
        self._lock = threading.Lock()
        self._closed = False

    def query(self, query: str, bindings: dict[str, Any], *, timeout: float | None, limit: int | None):
        """A :class:`kg.graph.store.QueryResult`; QueryError on a bad query, on timeout (child ended) or a crash."""
        child = self._take()
        try:
            answer = child.ask((query, bindings, limit), None if timeout is None or timeout <= 0 else timeout)
        except TimeoutError:
            raise QueryError(f"query ran past the {timeout:g} s timeout and was stopped; "
                             "narrow it or raise --timeout") from None
        except BaseException:
            child.kill()
            raise
        kind, payload = answer
        if kind == "gone":
            child.kill()
            raise QueryError(f"the query process ended unexpectedly ({payload or 'no answer'}); try again")
        self._give_back(child)
        if kind == "error":
            raise QueryError(payload)
        return payload

    def _take(self) -> _Child:
        with self._lock:
            if self._closed:
                raise QueryError("the graph was closed")
            while self._idle:
                child = self._idle.pop()
                if child.process.poll() is None:
                    return child
        return _Child(_start(self.folder, self.backend))

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(child)
                return
        child.kill()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()


def _start(folder: str, backend: str) -> subprocess.Popen:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)  # this checkout's kg, wherever we run
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return subprocess.Popen([sys.executable, "-m", "kg.graph.query_process", folder, backend], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _serve(folder: str, backend_name: str) -> None:
    """The child: open the store version, then answer queries until the parent closes the pipe."""
    from .store import QueryResult, open_backend

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    try:
        backend = open_backend(folder, backend_name)
    except Exception as error:  # answered to the first query
        backend, opening_error = None, f"cannot open the store: {error}"
    while True:
        try:
            query, bindings, limit = _receive(stdin)
        except EOFError:
            return
        if backend is None:
            _send(stdout, ("error", opening_error))
            continue
        try:
            kind, columns, rows = backend.execute(query, bindings)
            kept, truncated = [], False
            for row in rows:
                if limit is not None and len(kept) >= limit:
                    truncated = True
                    break
                kept.append(row)
            _send(stdout, ("ok", QueryResult(kind, columns, kept, truncated)))
        except QueryError as error:
            _send(stdout, ("error", str(error)))
        except Exception as error:  # a store or evaluation error: one line for the caller
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            _send(stdout, ("error", f"query failed: {first}"))


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
