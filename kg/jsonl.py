"""JSON Lines files that ``kg`` writes and reads back (papers, records, extraction output).

Written atomically: to a temporary file beside the target, renamed into place when complete.
Read line by line, split at ``\\n`` only, with each line's number (from 1, blank lines counted) so
a reader can name the file and line of a record it cannot use. Listings that merely happen to be
JSON Lines are parsed by :mod:`kg.ingest`, which reads damaged input on its own terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_LINE_SEPARATORS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_line(row: Any) -> str:
    """One JSON Lines line. Characters that line splitters other than '\\n' break lines at
    (U+0085, U+2028, U+2029) are escaped, so every reader sees one record per line."""
    text = json.dumps(row, ensure_ascii=False)
    return text.translate(_LINE_SEPARATORS) + "\n"


def write_jsonl(path: str | Path, rows: Iterable[Any]) -> int:
    """Write rows to ``path`` atomically (temporary file, then rename); the number of rows written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    count = 0
    with temporary.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json_line(row))
            count += 1
    temporary.replace(target)
    return count


def open_jsonl(path: str | Path) -> IO[str]:
    """``path`` opened for :func:`numbered_lines` (UTF-8, lines split at ``\\n`` only); raises OSError."""
    return Path(path).open(encoding="utf-8", newline="\n")


def numbered_lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    """(line number from 1, line) of every non-blank line of an open JSON Lines file, which is closed
    at the end; parsing each line (``json.loads``) is the caller's, so it can report its own errors."""
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def iter_jsonl(path: str | Path) -> Iterator[Any]:
    """The value of every non-blank line of ``path`` (a bad line raises ``json.JSONDecodeError``)."""
    for _, line in numbered_lines(open_jsonl(path)):
        yield json.loads(line)
