"""Extraction on a Dask cluster (``--dask ADDRESS`` or ``--dask local``).

The papers go out in chunks, one task each, a few per worker thread in flight at a time (so neither
the client nor the scheduler holds the corpus); every worker process loads the spaCy pipeline once,
when :class:`PipelinePlugin` is set up on it, and sends back the drafts of its chunks. The client
takes them as they complete and hands them on in input order (to the drafts file of
:func:`~kg.extract.pipeline.extract_records`), so corpus-wide naming (the reduce step,
:func:`~kg.extract.pipeline.name_drafts`) gives the records of a local run.
Imported only when ``--dask`` is given: ``import kg`` never loads Dask.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import partial
from itertools import islice

from ..errors import ExtractionError
from ..records import Paper
from . import EXTRACTOR_VERSION
from .pipeline import TRAINED, Options, _Draft, draft_papers, load_pipeline

try:
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
except ImportError as error:
    raise ExtractionError(f"Dask is not installed ({error}); pip install 'papers-kg[dask]'") from error

LOCAL = "local"  # --dask local: a LocalCluster on this machine, one single-threaded worker process per core
CONNECT_TIMEOUT = 5  # seconds to reach a scheduler
WORKER_TIMEOUT = 30  # seconds to wait for the scheduler's first worker
PLUGIN = "papers-kg-extract"
SHIPPED = "<shipped>"  # Options.trained naming the models shipped in the package, wherever a worker has it
_LOCK = threading.Lock()  # one chunk at a time through a process's pipeline (workers may run several threads)


class PipelinePlugin(WorkerPlugin):
    """Loads the extraction pipeline once per worker process, at setup, after checking that the
    worker runs the client's extractor version."""

    def __init__(self, options: Options, version: str):
        self.options, self.version = options, version

    def setup(self, worker) -> None:
        _check_version(self.version, worker.address)
        load_pipeline(_local(self.options))


def _draft_chunk(papers: list[Paper], options: Options, batch_size: int, version: str) -> list[_Draft]:
    """One task: the drafts of one chunk, from the pipeline the plugin loaded (a cache hit)."""
    _check_version(version, get_worker().address)
    with _LOCK:
        return draft_papers(papers, batch_size=batch_size, options=_local(options))


def _check_version(client_version: str, worker: str) -> None:
    if client_version != EXTRACTOR_VERSION:
        raise ExtractionError(f"Dask worker {worker} runs extractor {EXTRACTOR_VERSION}, this client "
                              f"{client_version}: install the same papers-kg version on every worker")


def _portable(options: Options) -> Options:
    """The shipped models by name, not by this machine's path to them."""
    return replace(options, trained=SHIPPED) if options.trained == str(TRAINED) else options


def _local(options: Options) -> Options:
    return replace(options, trained=str(TRAINED)) if options.trained == SHIPPED else options


def chunks(papers: Iterable[Paper], chunk_size: int, batch_size: int) -> list[list[Paper]]:
    """Chunks of ``chunk_size`` papers, rounded up to whole spaCy batches, so every batch holds the
    papers it holds in a local run."""
    return list(iter_chunks(papers, chunk_size, batch_size))


def iter_chunks(papers: Iterable[Paper], chunk_size: int, batch_size: int) -> Iterator[list[Paper]]:
    """:func:`chunks`, as the papers come."""
    size = max(1, -(-chunk_size // batch_size)) * batch_size
    papers = iter(papers)
    return iter(lambda: list(islice(papers, size)), [])


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address`` with at least one worker, or of a LocalCluster
    (``"local"``) that is closed on exit."""
    if address == LOCAL:
        # a free port for the scheduler's HTTP server; its workers' heartbeat errors while closing are silent
        cluster = LocalCluster(host="127.0.0.1", n_workers=os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except Exception as error:  # refused, timed out, a bad address, or something else answering there
        raise ExtractionError(f"cannot reach a Dask scheduler at {address} ({error}); "
                              "start one with `dask scheduler`, or use --dask local") from error
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise ExtractionError(f"the Dask scheduler at {address} has no workers after {WORKER_TIMEOUT} s; "
                                  f"start some with `dask worker {address}`") from None
        yield client


def _load_on_workers(client: Client, options: Options) -> None:
    """Every worker, present or joining later, checks its version and loads the pipeline."""
    try:
        client.register_plugin(PipelinePlugin(options, EXTRACTOR_VERSION), name=PLUGIN)
    except ExtractionError:
        raise
    except Exception as error:  # e.g. a worker cannot unpickle the plugin: no papers-kg there
        raise ExtractionError(f"the Dask workers cannot load the extractor ({error}); install papers-kg with "
                              f"extractor {EXTRACTOR_VERSION} and its spaCy model on every worker") from error


def draft_on_dask(
    papers: Iterable[Paper],
    address: str,
    *,
    options: Options,
    chunk_size: int,
    batch_size: int = 32,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[_Draft]:
    """The drafts of ``papers``, in their order, extracted on the Dask cluster at ``address``."""
    options = _portable(options)
    # (by partial: Client.map has a batch_size of its own)
    task = partial(_draft_chunk, options=options, batch_size=batch_size, version=EXTRACTOR_VERSION)
    with connect(address) as client:
        try:
            _load_on_workers(client, options)
            yield from _gather(client, task, iter_chunks(papers, chunk_size, batch_size), on_progress,
                               IN_FLIGHT * max(1, _threads(client)))
        finally:  # workers that join the scheduler later need not load (nor import) the extractor
            with suppress(Exception):
                client.unregister_worker_plugin(PLUGIN)


IN_FLIGHT = 4  # chunks per worker thread submitted or waiting for an earlier chunk: enough to keep workers busy


def _threads(client: Client) -> int:
    return sum(worker.get("nthreads", 1) for worker in client.scheduler_info()["workers"].values())


def _gather(client: Client, task: Callable, pieces: Iterator[list[Paper]],
            on_progress: Callable[[int], None] | None, window: int) -> Iterator[_Draft]:
    """One task per chunk, at most ``window`` chunks between submission and hand-over; results taken
    as they complete (``on_progress``), handed on in the chunks' order."""
    running = as_completed()
    place: dict[str, int] = {}
    done: dict[int, list[_Draft]] = {}
    submitted = handed = 0
    while True:
        for piece in islice(pieces, max(0, window - (submitted - handed))):
            future = client.submit(task, piece, pure=False)
            place[future.key] = submitted
            running.add(future)
            submitted += 1
        if handed == submitted:
            return
        while handed not in done:
            future = next(running)
            drafts = done[place.pop(future.key)] = future.result()
            future.release()
            if on_progress:
                on_progress(len(drafts))
        while handed in done:
            yield from done.pop(handed)
            handed += 1
