"""Paper listings -> :class:`~kg.records.Paper` records.

Formats: the Hugging Face daily-papers text dumps, JSON Lines, JSON lists, Papers with Code's
papers-with-abstracts.json and CSV. Bad input is reported as :class:`Problem` items (file, line,
message) and never stops the batch.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Self

from .ids import listed_paper_id, paper_id
from .jsonl import iter_jsonl
from .names import title_key
from .records import Paper, Source
from .spill import Spill

LISTING_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".json", ".csv")
MAX_TITLE_CHARS = 1_000
MAX_ABSTRACT_CHARS = 200_000
MAX_METADATA_DEPTH = 32
# csv's default 131,072-character cell limit would cut off a long abstract and stop the reader;
# over-long text is cut per record instead (MAX_ABSTRACT_CHARS)
csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))

_CHROME = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
    "new",
)
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTH_RE = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_LISTING_DATE = re.compile(rf"^{_MONTH_RE}\s+(\d{{1,2}})$")
_PUBLISHED = re.compile(rf"^{_MONTH_RE}\s+(\d{{1,2}}),\s*(\d{{4}})(?:\s+(\d+))?$")
_AUTHORS = re.compile(r"^[•·*-]?\s*(\d+)\s+authors?$")
_SEPARATOR = re.compile(r"^[·•|\-–—\s]*$")
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = re.compile(r"[.,;:!?)\]}>'\"]+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: U+2028, U+0085, \x0b, \x0c are text
# a NUL, a lone surrogate or an undecodable byte (decoded with surrogateescape): not text
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """A skipped or suspicious piece of input, located by file and line; ``skipped`` is False when
    the record was kept (its text cut, say)."""

    file: str
    line: int
    message: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class IngestResult:
    """Merged papers in first-seen order, plus what was read and skipped."""

    papers: list[Paper]
    problems: list[Problem]
    entries_read: int = 0
    files_read: int = 0

    @property
    def merged(self) -> int:
        return self.entries_read - len(self.papers)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)


# ---------------------------------------------------------------- helpers


def clean_url(url: str) -> str:
    """Strip trailing punctuation and artefacts such as ``.git{https://…}`` from a URL."""
    url = url.split("{", 1)[0]
    previous = None
    while previous != url:
        previous = url
        url = _URL_TRAILING.sub("", url)
        url = url.removesuffix(".git")
    return url


def find_code_urls(text: str) -> tuple[str, ...]:
    """Every http(s) URL in ``text``, cleaned, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = clean_url(match.group(0))
        if "://" in url and len(url.split("://", 1)[1]) > 3:
            seen.setdefault(url, None)
    return tuple(seen)


def parse_published(text: str) -> tuple[str | None, int | None]:
    """'Apr 1, 2024' -> ('2024-04-01', None); 'Jul 11, 2024 2' -> ('2024-07-11', 2)."""
    match = _PUBLISHED.match(text.strip())
    if not match:
        return None, None
    month = _MONTHS[match.group(1)[:3].lower()]
    try:
        iso = date(int(match.group(3)), month, int(match.group(2))).isoformat()
    except ValueError:
        iso = None
    upvotes = int(match.group(4)) if match.group(4) else None
    return iso, upvotes


def _strip_chrome(line: str) -> str:
    """Remove page chrome, including chrome glued to the start of a title."""
    text = line.strip()
    changed = True
    while changed and text:
        changed = False
        for chrome in _CHROME:
            if text == chrome:
                return ""
            if text.startswith(chrome) and len(text) > len(chrome) and chrome[0].isupper():
                rest = text[len(chrome):]
                if rest[0].isupper() or rest[0].isdigit():
                    text = rest.strip()
                    changed = True
    return text


# ---------------------------------------------------------------- listing text


@dataclass
class _Draft:
    title: str
    line: int
    abstract_lines: list[str]
    listing_date: str | None
    author_count: int | None = None
    published: str | None = None
    published_raw: str | None = None
    upvotes: int | None = None


def parse_listing(text: str, file: str) -> Iterator[Paper | Problem]:
    """Parse a daily-papers listing dump into papers (and problems for broken records)."""
    lines = [(number, line) for number, raw in enumerate(_LINE_BREAK.split(text), start=1)
             if (line := _strip_chrome(raw))]
    drafts: list[_Draft] = []
    listing_date: str | None = None
    current: _Draft | None = None
    for index, (number, line) in enumerate(lines):
        if _LISTING_DATE.match(line):
            listing_date = line
            continue
        if authors := _AUTHORS.match(line):
            if current:  # metadata before any record belongs to a record cut off above
                current.author_count = int(authors.group(1))
            continue
        if _SEPARATOR.match(line):
            continue
        if _PUBLISHED.match(line):
            if current:
                current.published, current.upvotes = parse_published(line)
                current.published_raw = line
            continue
        if current is not None and not current.abstract_lines and not _starts_record(lines, index):  # noqa: SIM114  (two cases, kept apart)
            current.abstract_lines.append(line)
        elif current is not None and current.abstract_lines and _continues_abstract(line, current):
            current.abstract_lines.append(line)
        else:
            current = _Draft(title=line, line=number, abstract_lines=[], listing_date=listing_date)
            drafts.append(current)
    position = 0
    for draft in drafts:
        if not draft.abstract_lines:
            yield Problem(file, draft.line, f"record {draft.title[:60]!r} has no abstract (truncated file?); skipped")
            continue
        position += 1
        yield from _make_paper(
            title=draft.title,
            abstract="\n\n".join(draft.abstract_lines),
            source=Source(file, draft.line, position, draft.listing_date),
            author_count=draft.author_count,
            published=draft.published,
            published_raw=draft.published_raw,
            upvotes=draft.upvotes,
        )


def _title_like(line: str) -> bool:
    """Titles are short and do not end a sentence; abstracts are long or do."""
    return len(line) <= 300 and not line.rstrip().endswith(".")


def _is_metadata(line: str) -> bool:
    return bool(_LISTING_DATE.match(line) or _AUTHORS.match(line) or _SEPARATOR.match(line) or _PUBLISHED.match(line))


def _starts_record(lines: list[tuple[int, str]], index: int) -> bool:
    """A title-like line followed by an abstract-like one is the next record: the record before it
    lost its abstract (and must not take this title as one, shifting every record after it)."""
    if not _title_like(lines[index][1]):
        return False
    following = (line for _, line in lines[index + 1:index + 8] if not _is_metadata(line))
    return not _title_like(next(following, "short"))


def _continues_abstract(line: str, draft: _Draft) -> bool:
    """A long paragraph right after an abstract is a second paragraph, not a title."""
    if draft.author_count is not None or draft.published_raw is not None:
        return False
    return len(line) > 350 and line.rstrip()[-1:] in ".)]!?" and not draft.abstract_lines[-1].endswith(":")


# ---------------------------------------------------------------- JSONL / CSV


def _record_to_paper(record: dict[str, Any], source: Source) -> Iterator[Paper | Problem]:
    if not isinstance(record, dict):
        yield Problem(source.file, source.line, "record is not a JSON object; skipped")
        return
    if reason := _unusable(record):
        yield Problem(source.file, source.line, f"{reason}; skipped")
        return
    title = str(record.get("title") or "").strip()
    abstract = record.get("abstract")
    if abstract in (None, ""):
        abstract = record.get("text")
    if not isinstance(abstract, str) or not abstract.strip():
        yield Problem(source.file, source.line, "record has no abstract (or text); skipped")
        return
    given = record.get("id")
    if (given is None or str(given).strip() == "") and not title:
        yield Problem(source.file, source.line, "record has neither id nor title; skipped")
        return
    known = {"id", "title", "abstract", "text", "author_count", "published", "upvotes", "code_urls"}
    metadata = {k: v for k, v in record.items() if k not in known}
    published_raw = record.get("published")
    published = None
    if isinstance(published_raw, str) and re.match(r"^\d{4}-\d{2}-\d{2}", published_raw):
        published = published_raw[:10]
    elif isinstance(published_raw, str):
        published = parse_published(published_raw)[0]
    yield from _make_paper(
        title=title,
        abstract=abstract,
        source=source,
        given_id=None if given is None else str(given),
        author_count=_as_int(record.get("author_count")),
        published=published,
        published_raw=published_raw if isinstance(published_raw, str) else None,
        upvotes=_as_int(record.get("upvotes")),
        metadata=metadata,
    )


def parse_jsonl(text: str | Iterable[str], file: str) -> Iterator[Paper | Problem]:
    """JSON Lines: the whole text, or its lines as they are read (split at '\n', without it)."""
    position = 0
    # JSON Lines are separated by '\n' alone: any other line break inside a line is text
    for number, line in enumerate(text.split("\n") if isinstance(text, str) else text, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, strict=False)  # control characters inside strings are text
        except json.JSONDecodeError as error:
            yield Problem(file, number, f"broken JSON ({error.msg} at column {error.colno}); skipped")
            continue
        except (ValueError, RecursionError) as error:  # an integer of over 4,300 digits, nesting too deep
            yield Problem(file, number, f"unreadable JSON ({_first_line(error)}); skipped")
            continue
        position += 1
        yield from _record_to_paper(record, Source(file, number, position))


def parse_json(text: str | _Text, file: str) -> Iterator[Paper | Problem]:
    """A JSON list of records (its text, or a list file as it is read), or ``{"papers": [...]}``."""
    if isinstance(text, _Text) or text.lstrip().startswith("["):
        yield from _parse_list(text, file, lambda entry: entry)
        return
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError as error:
        yield Problem(file, error.lineno, f"broken JSON ({error.msg}); file skipped")
        return
    except (ValueError, RecursionError) as error:
        yield Problem(file, 1, f"unreadable JSON ({_first_line(error)}); file skipped")
        return
    records = data.get("papers") if isinstance(data, dict) else None
    if not isinstance(records, list):
        yield Problem(file, 1, "JSON file is neither a list of papers nor {'papers': [...]}; skipped")
        return
    for position, record in enumerate(records, start=1):
        yield from _record_to_paper(record, Source(file, position, position))


def parse_pwc(text: str | _Text, file: str) -> Iterator[Paper | Problem]:
    """Papers with Code's papers-with-abstracts.json: a list of {paper_url, arxiv_id, title, abstract,
    authors, date, tasks, methods, ...}. Its sibling files (links to code, evaluation tables) are
    recognised and skipped as a whole."""
    sibling = _pwc_sibling(_first_entry(text))
    if sibling:
        yield Problem(file, 1, f"a Papers with Code {sibling} file, not a list of papers; skipped")
        return
    yield from _parse_list(text, file, _from_pwc)


def _from_pwc(entry: Any) -> Any:
    """A Papers with Code paper as a JSON record: id from ``arxiv_id`` (else ``paper_url``, else the
    title), ``published`` from ``date``, ``author_count`` from a non-empty ``authors`` list. Fields
    already in the record's own shape win; every other field stays as metadata."""
    if not isinstance(entry, dict):
        return entry
    record = dict(entry)
    if record.get("id") is None or str(record["id"]).strip() == "":
        given = listed_paper_id(record.get("arxiv_id"), record.get("paper_url"))
        if given:
            record["id"] = given
    if "published" not in record and "date" in record:
        record["published"] = record.pop("date")
    authors = record.get("authors")
    if record.get("author_count") is None and isinstance(authors, list) and authors:
        record["author_count"] = len(authors)
    return record


_PWC_PAPER_KEYS = {"paper_url", "arxiv_id", "abstract"}


def _pwc_sibling(entry: Any) -> str | None:
    """'links-between-papers-and-code' or 'evaluation-tables' when ``entry`` is an entry of one."""
    if not isinstance(entry, dict) or "abstract" in entry or "title" in entry:
        return None
    if "repo_url" in entry:
        return "links-between-papers-and-code"
    return "evaluation-tables" if "task" in entry and "datasets" in entry else None


def _parse_list(text: str | _Text, file: str, to_record: Callable[[Any], Any]) -> Iterator[Paper | Problem]:
    """The papers of a JSON list, each located by its line and entry index: a bad entry costs that
    entry alone; broken JSON costs the entries from there on."""
    index, line = 0, 1
    try:
        for line, entry in _json_list(text):
            index += 1
            for item in _record_to_paper(to_record(entry), Source(file, line, index)):
                yield replace(item, message=f"entry {index}: {item.message}") if isinstance(item, Problem) else item
    except json.JSONDecodeError as error:
        yield Problem(file, error.lineno, f"broken JSON ({error.msg} at column {error.colno}){_rest(index)}")
    except (ValueError, RecursionError) as error:  # an integer of over 4,300 digits, nesting too deep
        yield Problem(file, line, f"unreadable JSON ({_first_line(error)}){_rest(index)}")


def _rest(entries_read: int) -> str:
    return f" after entry {entries_read}; the rest of the file skipped" if entries_read else "; file skipped"


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_list(text: str | _Text) -> Iterator[tuple[int, Any]]:
    """(line, entry) of every entry of the JSON list ``text`` holds, decoded one at a time; raises
    ``json.JSONDecodeError`` where the list's JSON breaks (its line and column those of the whole text)."""
    decoder = json.JSONDecoder(strict=False)  # control characters inside strings are text
    with _Text.fresh(text) as source:
        yield from _entries(source, decoder)


def _entries(text: _Text, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    at = text.space(0)
    if not text.startswith("[", at):
        raise text.error("Expecting '['", at)
    at = text.space(at + 1)
    line, counted = 1, 0
    while not text.startswith("]", at):
        entry, end = text.decode(decoder, at)
        line, counted = line + text.buf.count("\n", counted, at), at
        yield line, entry
        at = text.space(end)
        if text.startswith(",", at):
            at = text.space(at + 1)
        elif not text.startswith("]", at):
            raise text.error("Expecting ',' delimiter", at)
        moved = text.forget_before(counted)
        at, counted = at - moved, counted - moved
    at = text.space(at + 1)
    if text.has(at + 1):
        raise text.error("Extra data after the list", at)


class _Text:
    """The text of a JSON list, whole or decoded from its file a chunk at a time as parsing needs it.
    ``buf`` starts at the start of a line (the lines before it are counted), so a position in it
    gives the line and column of the whole text."""

    CHUNK = 1 << 20  # characters read at a time (more while one entry needs more)

    def __init__(self, text: str = "", path: Path | None = None):
        self.buf, self.path, self.lines_before = text, path, 0
        self.handle, self.done = None, path is None  # the file is opened when first read

    @staticmethod
    def fresh(text: str | _Text) -> _Text:
        """The text from its start again."""
        return _Text(text) if isinstance(text, str) else _Text(text.buf if text.path is None else "", text.path)

    def more(self) -> bool:
        if self.done:
            return False
        if self.handle is None:
            self.handle = self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
        data = self.handle.read(max(self.CHUNK, len(self.buf)))
        if not data:
            self.close()
            return False
        self.buf += data
        return True

    def close(self) -> None:
        self.done = True
        if self.handle is not None:
            self.handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, end: int) -> bool:
        while len(self.buf) < end and self.more():
            pass
        return len(self.buf) >= end

    def startswith(self, prefix: str, at: int) -> bool:
        self.has(at + len(prefix))
        return self.buf.startswith(prefix, at)

    def space(self, at: int) -> int:
        """The position after the JSON white space at ``at``."""
        while True:
            end = _JSON_SPACE.match(self.buf, at).end()
            if end < len(self.buf) or not self.more():
                return end

    def decode(self, decoder: json.JSONDecoder, at: int) -> tuple[Any, int]:
        """The JSON value at ``at``: decoded again with more text while it is cut off (or ends where
        the text read so far ends: a number may go on)."""
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, at)
            except json.JSONDecodeError as error:
                if not self.more():
                    error.lineno += self.lines_before
                    raise
            except (ValueError, RecursionError):
                if not self.more():
                    raise
            else:
                if end < len(self.buf) or not self.more():
                    return value, end

    def error(self, message: str, at: int) -> json.JSONDecodeError:
        error = json.JSONDecodeError(message, self.buf, at)
        error.lineno += self.lines_before
        return error

    def forget_before(self, position: int) -> int:
        """Drop the whole lines before ``position`` once they are many; how far positions moved."""
        cut = self.buf.rfind("\n", 0, position) + 1
        if cut < self.CHUNK:
            return 0
        self.lines_before += self.buf.count("\n", 0, cut)
        self.buf = self.buf[cut:]
        return cut


def _first_entry(text: str | _Text) -> Any:
    """The first entry of a JSON list, or None when ``text`` does not start one."""
    entries = _json_list(text)
    try:
        return next(entries, None)[1]
    except (TypeError, ValueError, RecursionError):
        return None
    finally:
        entries.close()


def parse_csv(text: str | Iterable[str], file: str) -> Iterator[Paper | Problem]:
    """CSV: the whole text, or its lines as they are read (universal newlines, endings kept)."""
    rows = _csv_rows(io.StringIO(text, newline="") if isinstance(text, str) else text)
    number, header = next(rows, (1, []))
    if isinstance(header, str):
        yield Problem(file, number, f"broken CSV header ({header}); file skipped")
        return
    if not ({"abstract", "text"} & set(header)):
        yield Problem(file, 1, "CSV header has no 'abstract' or 'text' column; file skipped")
        return
    position = 0
    for number, cells in rows:
        if isinstance(cells, str):
            yield Problem(file, number, f"broken CSV row ({cells}); skipped")
        elif len(cells) > len(header):
            yield Problem(file, number, "row has more cells than the header; skipped")
        else:
            position += 1
            yield from _record_to_paper(dict(itertools.zip_longest(header, cells)), Source(file, number, position))


def _csv_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | str]]:
    """(first line, cells) of every non-blank CSV row. A row that cannot be parsed (an unbalanced
    quote, say) is (first line, error message), and reading resumes on the line after its first
    line, so the broken row does not swallow the rows after it. Only the lines of the row being
    read are kept (all the rest of the file, when a quote is never closed)."""
    lines = _Lines(lines)
    start = 0
    while True:
        reader = csv.reader(lines.starting(start), strict=True)
        while True:
            first = start + reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield first + 1, str(error)
                start = first + 1
                break
            lines.forget(start + reader.line_num)
            if cells:
                yield first + 1, cells


class _Lines:
    """Lines read as needed, and kept until forgotten, so that reading can start again at a kept line."""

    def __init__(self, lines: Iterable[str]):
        self.source, self.kept, self.first = iter(lines), deque(), 0  # first: the number of kept[0]

    def starting(self, number: int) -> Iterator[str]:
        """The lines from ``number`` (0-based) on; lines before it are forgotten."""
        self.forget(number)
        while True:
            if number - self.first == len(self.kept):
                line = next(self.source, None)
                if line is None:
                    return
                self.kept.append(line)
            yield self.kept[number - self.first]
            number += 1

    def forget(self, number: int) -> None:
        """Drop the lines before ``number``."""
        while self.first < number and self.kept:
            self.kept.popleft()
            self.first += 1


def _around_bad_char(text: str) -> str:
    at = _NOT_TEXT.search(text).start()
    return ascii(text[max(0, at - 30):at + 1])


def _first_line(error: Exception) -> str:
    return (str(error).split(";")[0].splitlines() or [type(error).__name__])[0][:120]


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):  # "n/a", NaN, Infinity, over 4,300 digits
        return None


def _make_paper(*, title: str, abstract: str, source: Source, given_id: str | None = None,
                **fields: Any) -> Iterator[Paper | Problem]:
    """The paper, unless its text is not valid Unicode; over-long text is cut, with a warning."""
    if reason := _unusable(title, abstract):
        yield Problem(source.file, source.line, f"{reason}; skipped")
        return
    for name, value, limit in (("title", title, MAX_TITLE_CHARS), ("abstract", abstract, MAX_ABSTRACT_CHARS)):
        if len(value) > limit:
            yield Problem(source.file, source.line, f"{name} is {len(value):,} characters; kept the first {limit:,}",
                          skipped=False)
    title, abstract = title[:MAX_TITLE_CHARS], abstract[:MAX_ABSTRACT_CHARS]
    yield Paper(
        id=paper_id(title, given_id),
        title=title,
        abstract=abstract,
        code_urls=find_code_urls(abstract),
        sources=(source,),
        **fields,
    )


def _unusable(*values: Any) -> str | None:
    """Why a record cannot be kept: a NUL, lone surrogate or undecodable byte anywhere in it, or
    metadata nested deeper than MAX_METADATA_DEPTH (walked without recursion)."""
    stack = [(value, 0) for value in values]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_METADATA_DEPTH:
            return f"metadata nested deeper than {MAX_METADATA_DEPTH} levels"
        if isinstance(value, str) and _NOT_TEXT.search(value):
            return f"text is not valid UTF-8 (a NUL, broken byte or lone surrogate in {_around_bad_char(value)})"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)
    return None


# ---------------------------------------------------------------- files and merging

_PARSERS: dict[str, Callable[[str, str], Iterator[Paper | Problem]]] = {
    "listing": parse_listing,
    "jsonl": parse_jsonl,
    "json": parse_json,
    "pwc": parse_pwc,
    "csv": parse_csv,
}


def detect_format(path: Path, text: str) -> str:
    """Format by suffix, falling back to content sniffing. A ``.json`` list whose first entry has a
    ``paper_url``, ``arxiv_id`` or ``abstract`` (or is an entry of the other two Papers with Code
    dumps) is read as Papers with Code's papers-with-abstracts."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    stripped = text.lstrip()
    if suffix == ".json":
        if stripped.startswith("{") and "\n{" in stripped:
            return "jsonl"
        return _list_format(_first_entry(stripped) if stripped.startswith("[") else None)
    if stripped.startswith("{"):
        return "jsonl"
    return "listing"


def _list_format(first: Any) -> str:
    """'pwc' when the first entry of a JSON list is a Papers with Code entry, else 'json'."""
    is_pwc = isinstance(first, dict) and (_PWC_PAPER_KEYS & first.keys() or _pwc_sibling(first))
    return "pwc" if is_pwc else "json"


def read_text(path: Path) -> str | Problem:
    """Decoded text of a file, or a Problem saying why it cannot be used."""
    if problem := _unusable_file(path):
        return problem
    # a broken byte costs only the record it is in (found there as a surrogate), not the file
    return path.read_bytes().decode("utf-8-sig", errors="surrogateescape")


def _unusable_file(path: Path) -> Problem | None:
    """Why a file cannot be read at all: unreadable, empty (white space only) or binary. Reads its
    head (and on while it is blank)."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            blank = not head.strip()
            while blank and (more := handle.read(1 << 16)):
                blank = not more.strip()
    except OSError as error:
        return Problem(name, 0, f"cannot read file ({error.strerror or error}); skipped")
    if blank:
        return Problem(name, 0, "file is empty; skipped")
    if head.count(b"\x00") * 100 > len(head):  # UTF-16, an image...; a stray NUL costs only its record
        return Problem(name, 0, "file is binary, not a listing; skipped")
    return None


def _jsonl_lines(path: Path) -> Iterator[str]:
    """The lines of a JSON Lines file as it is read: split at b'\n' alone (a byte no UTF-8 sequence
    holds), so each decodes as it would inside the whole text."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            line = raw.decode("utf-8-sig" if number == 0 else "utf-8", errors="surrogateescape")
            yield line.removesuffix("\n")


def _starts_list(path: Path) -> bool:
    """Whether a file's text starts a JSON list (read as it is parsed: a Papers with Code dump is a few GB)."""
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape") as handle:
            head = handle.read(4096)
            while head.isspace() and (more := handle.read(1 << 16)):
                head = more
    except OSError:
        return False
    return head.lstrip().startswith("[")


def _csv_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        yield from handle


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, plus listing files found under folders (sorted)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LISTING_SUFFIXES)
            if not found:
                problems.append(Problem(str(path), 0, "folder holds no .txt/.jsonl/.json/.csv files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "no such file or folder"))
    return files, problems


_STREAMED = {".jsonl": ("jsonl", _jsonl_lines), ".ndjson": ("jsonl", _jsonl_lines), ".csv": ("csv", _csv_lines)}


def iter_file(path: Path) -> Iterator[Paper | Problem]:
    """Papers and problems of one file, whatever its format. JSON Lines and CSV files are read a line
    at a time, JSON lists an entry at a time; listings and other JSON files (read whole, one file at
    a time) by their text."""
    if problem := _unusable_file(path):
        yield problem
        return
    try:
        streamed = _STREAMED.get(path.suffix.lower())
        if path.suffix.lower() == ".json" and _starts_list(path):
            streamed = (_list_format(_first_entry(_Text(path=path))), lambda p: _Text(path=p))
        if streamed:
            yield from _PARSERS[streamed[0]](streamed[1](path), str(path))
        else:
            text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")  # as read_text
            yield from _PARSERS[detect_format(path, text)](text, str(path))
    except Exception as error:  # a parser bug must not lose the rest of the batch
        yield Problem(str(path), 0, f"could not parse file ({type(error).__name__}: {error}); rest skipped")


def merge_papers(first: Paper, other: Paper) -> Paper:
    """One paper from two sightings: sources unioned, first known value of each field kept."""
    sources = first.sources + tuple(s for s in other.sources if s not in first.sources)
    code_urls = first.code_urls + tuple(u for u in other.code_urls if u not in first.code_urls)
    upvotes = max((v for v in (first.upvotes, other.upvotes) if v is not None), default=None)
    return replace(
        first,
        abstract=first.abstract if len(first.abstract) >= len(other.abstract) else other.abstract,
        author_count=first.author_count if first.author_count is not None else other.author_count,
        published=first.published or other.published,
        published_raw=first.published_raw or other.published_raw,
        upvotes=upvotes,
        code_urls=code_urls,
        sources=sources,
        metadata={**other.metadata, **first.metadata},
    )


def ingest(inputs: Iterable[str | Path], on_file: Callable[[Path], None] | None = None) -> IngestResult:
    """Read every input, merge duplicates, and report problems without stopping."""
    with ingest_stream(inputs, on_file) as listings:
        return IngestResult(list(listings.papers()), listings.problems, listings.entries_read, listings.files_read)


@dataclass(frozen=True)
class Listings:
    """The inputs after one pass: every paper as read (a sighting) in a temporary file, and per merge
    key only where its sightings are. :meth:`papers` merges them, in first-seen order, as often as
    needed; memory holds the keys, never the papers."""

    sightings: Spill
    keys: dict[str, int | list[int]]  # merge key -> offset of its sighting, or of each (first seen first)
    problems: list[Problem]
    entries_read: int
    files_read: int

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def merged(self) -> int:
        return self.entries_read - len(self.keys)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def papers(self) -> Iterator[Paper]:
        for at in self.keys.values():
            yield self.sightings.at(at) if isinstance(at, int) else functools.reduce(
                merge_papers, map(self.sightings.at, at))


@contextmanager
def ingest_stream(inputs: Iterable[str | Path], on_file: Callable[[Path], None] | None = None) -> Iterator[Listings]:
    """:func:`ingest` in bounded memory: the :class:`Listings` of the inputs, valid inside the with-block."""
    files, problems = expand_inputs(inputs)
    with tempfile.TemporaryDirectory(prefix="kg-ingest-") as folder, Spill(Path(folder) / "sightings") as sightings:
        keys: dict[str, int | list[int]] = {}
        entries = 0
        for path in files:
            for item in iter_file(path):
                if isinstance(item, Problem):
                    problems.append(item)
                    continue
                entries += 1
                _note(keys, _merge_key(item), sightings.append(item))
            if on_file:
                on_file(path)
        yield Listings(sightings, keys, problems, entries, len(files))


def _note(keys: dict[str, int | list[int]], key: str, at: int) -> None:
    seen = keys.get(key)
    if seen is None:
        keys[key] = at
    elif isinstance(seen, int):
        keys[key] = [seen, at]
    else:
        seen.append(at)


def _merge_key(paper: Paper) -> str:
    """Papers with an explicit id merge by id; listing papers by normalised title."""
    return paper.id if paper.id != paper_id(paper.title) else "title:" + title_key(paper.title)


# ---------------------------------------------------------------- papers.jsonl


def read_papers(path: str | Path) -> list[Paper]:
    """Papers from a JSONL file written by ``kg ingest``."""
    return list(iter_papers(path))


def iter_papers(path: str | Path) -> Iterator[Paper]:
    """:func:`read_papers`, a paper at a time."""
    for row in iter_jsonl(path):
        yield Paper.from_dict(row)
