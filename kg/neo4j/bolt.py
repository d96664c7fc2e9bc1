"""Bolt connections, one rule for the CLI and the explorer: the server :func:`kg.settings.neo4j_server`
names (``--uri``, else ``$NEO4J_URI``), else the local server of ``kg neo4j start``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import settings
from ..errors import BackendError, require


@dataclass
class Connection:
    driver: Any
    database: str | None
    where: str  # the URI, for messages
    probe: Any = None  # read-only connections to the local server: a probe of its write-ahead log


def connect(uri: str | None = None, user: str | None = None, data: Path | None = None,
            database: str | None = None, *, read_only: bool = False, timeout: float = 10.0) -> Connection:
    """A driver for the named server, else the local one; ``read_only``: the local server's read-only
    user and a probe of its write-ahead log. ``timeout``: seconds to open a connection."""
    require("neo4j", "neo4j")
    server = settings.neo4j_server(uri, user, database)
    if server is not None:
        if not server.password:
            raise BackendError(f"set {settings.PASSWORD_ENV} to the password of {server.user} on {server.uri}")
        return Connection(_driver(server.uri, (server.user, server.password), timeout), server.database, server.uri)
    return _local(user, data, database, read_only, timeout)


def _local(user: str | None, data: Path | None, database: str | None, read_only: bool, timeout: float) -> Connection:
    from .cypher import wal_probe
    from .server import running

    folder = data or settings.bolt_dir()
    server = running(folder)
    if server is None:
        raise BackendError(f"no local Bolt server is running in {folder}: run `kg neo4j start` or pass --uri")
    auth = server.reader_auth() if read_only else (user or server.user, server.password())
    db = database or server.database
    probe = wal_probe(server.data_dir / "databases" / db) if read_only else None
    return Connection(_driver(server.uri, auth, timeout), db, server.uri, probe)


def _driver(uri: str, auth: tuple[str, str], timeout: float):
    from neo4j import GraphDatabase

    return GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout, max_transaction_retry_time=5.0)
