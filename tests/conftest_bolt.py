"""Session fixture: one real local Bolt server (ArcadeDB from PyPI) for every Bolt test.

It listens on a free 127.0.0.1 port with its data in a temporary folder, holds two databases
(``kg`` for the fixture graph, ``scratch`` for tests that add their own records) and is stopped at
the end of the session, also when tests fail; if pytest itself is killed the server notices its
parent is gone and stops by itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

FIXTURE_RECORDS = Path(__file__).parent / "fixtures" / "records_neo4j.jsonl"
READER_QUERY_TIMEOUT_S = 4.0  # the server's watchdog ends queries of its read-only user after this


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory):
    from kg.neo4j import server as bolt_server

    data = tmp_path_factory.mktemp("bolt")
    saved = os.environ.pop(bolt_server.PASSWORD_ENV, None)  # the server generates its own password
    try:
        info = bolt_server.start(data, bolt_server.free_port(), heap="512m", databases=("kg", "scratch", "seeds", "conflicts"),
                                 watch_pid=os.getpid(), query_timeout_s=READER_QUERY_TIMEOUT_S)
        yield info
    finally:
        bolt_server.stop(data)
        if saved is not None:
            os.environ[bolt_server.PASSWORD_ENV] = saved


@pytest.fixture(scope="session")
def bolt_driver(bolt_server):
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(bolt_server.uri, auth=(bolt_server.user, bolt_server.password()))
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def reader_driver(bolt_server):
    """A driver logged in as the server's read-only user, as the consoles are."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(bolt_server.uri, auth=bolt_server.reader_auth())
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def fixture_records():
    from kg.records import PaperRecord

    with open(FIXTURE_RECORDS, encoding="utf-8") as handle:
        return [PaperRecord.from_dict(json.loads(line)) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def loaded_graph(bolt_driver, fixture_records):
    """The fixture records loaded once into database ``kg``; yields the first LoadResult."""
    from kg.neo4j.sink import load

    return load(bolt_driver, fixture_records, database="kg")
