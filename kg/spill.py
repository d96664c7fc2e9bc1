"""Temporary files of Python objects: appended one after another, read back in order or by offset.

What a corpus-sized list used to hold stays on disk in one of these instead (issue 12): ingest's
sightings, extraction's drafts, the records a build keeps. Pickle rather than JSON because the files
never leave the process that writes them and the objects must come back exactly as they went in
(tuples stay tuples, floats bit for bit), or the records would not be byte for byte those of a run in memory.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self


class Spill:
    """``path`` opened for appending; iterate it (as often as needed) or read one object by its offset."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.count = 0
        self._writer = self.path.open("wb")
        self._reader = None

    def append(self, item: Any) -> int:
        """Write ``item``; its offset, for :meth:`at`."""
        offset = self._writer.tell()
        pickle.dump(item, self._writer, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1
        return offset

    def extend(self, items: Iterable[Any]) -> Self:
        for item in items:
            self.append(item)
        return self

    def __iter__(self) -> Iterator[Any]:
        self._writer.flush()
        with self.path.open("rb") as handle:
            for _ in range(self.count):
                yield pickle.load(handle)

    def at(self, offset: int) -> Any:
        self._writer.flush()
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(offset)
        return pickle.load(self._reader)

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self._writer.close()
        if self._reader is not None:
            self._reader.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
