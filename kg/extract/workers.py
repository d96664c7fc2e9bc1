"""How many extraction processes to run: no spaCy import, so the CLI can ask cheaply."""

from __future__ import annotations

import os


def auto_processes(n_papers: int) -> int:
    """One worker per core (at most 4) for batches large enough to repay the fork.

    On an idle 2-core machine, 1,750 abstracts took 42.0 s with one process and 23.8 s with two
    (bench/extract.py --jobs 1 / --jobs 2); small batches stay in one process.
    """
    cpus = os.cpu_count() or 1
    return min(4, cpus) if n_papers >= 200 and cpus >= 2 else 1


# Papers per Dask task (``--chunk-size``): two spaCy batches, a few seconds of work, so that a few hundred
# papers spread over several workers (the 350 seed papers make 6 tasks); a million papers make 15,625.
DASK_CHUNK = 64
