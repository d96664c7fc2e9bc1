"""Frozen records that flow between the stages: ingest -> extract -> sinks.

Records are plain data: they serialise to JSON with :func:`to_dict` and back with
the ``from_dict`` class methods, so the JSONL checkpoint is the only contract
between stages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .values import Measure


@dataclass(frozen=True)
class Source:
    """Where a paper was found: a file, the line its title starts on, its rank in that file."""

    file: str
    line: int
    position: int
    listing_date: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(data["file"], int(data["line"]), int(data["position"]), data.get("listing_date"))


@dataclass(frozen=True)
class Paper:
    """One paper, merged over every listing it appears in."""

    id: str
    title: str
    abstract: str
    author_count: int | None = None
    published: str | None = None  # ISO date when the year is known
    published_raw: str | None = None  # the date as the listing wrote it
    upvotes: int | None = None
    code_urls: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            id=data["id"],
            title=data.get("title") or "",
            abstract=data.get("abstract") or "",
            author_count=data.get("author_count"),
            published=data.get("published"),
            published_raw=data.get("published_raw"),
            upvotes=data.get("upvotes"),
            code_urls=tuple(data.get("code_urls") or ()),
            sources=tuple(Source.from_dict(s) for s in data.get("sources") or ()),
            metadata=dict(data.get("metadata") or {}),
        )


ENTITY_LABELS = ("method", "dataset", "metric", "task")
CLAIM_TYPES = ("outperforms", "improves", "achieves", "efficiency", "theory", "other")


@dataclass(frozen=True)
class Mention:
    """One entity mention; ``paper[field][start:end] == text``."""

    text: str
    label: str  # one of ENTITY_LABELS
    canonical: str  # name of the graph node this mention is merged into
    field: str  # "title" or "abstract"
    start: int
    end: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(data["text"], data["label"], data["canonical"], data["field"], int(data["start"]), int(data["end"]))


@dataclass(frozen=True)
class Claim:
    """A result claim as an n-ary fact, with its evidence sentence."""

    sentence: str
    field: str
    start: int
    end: int
    type: str  # one of CLAIM_TYPES
    subject: str | None
    object: str | None = None
    dataset: tuple[str, ...] = ()
    metric: tuple[str, ...] = ()
    task: tuple[str, ...] = ()
    value: str | None = None  # as written: "40x", "1.2%", "from 69.8% to 73.2%"
    value_number: float | None = None
    value_unit: str | None = None  # normalised: "%", "points", "x", "count", "s", "bytes", "dB"
    direction: str | None = None  # "higher" / "lower" is better, when known
    confidence: float = 0.5
    extractor: str = ""
    value_kind: str | None = None  # the kind of ``value``: one of kg.values.KINDS
    measures: tuple[Measure, ...] = ()  # every value of the sentence, typed, with its metric and dataset

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        values = {k: data.get(k) for k in cls.__dataclass_fields__}
        for key in ("dataset", "metric", "task"):
            values[key] = tuple(data.get(key) or ())
        values["measures"] = tuple(Measure.from_dict(m) for m in data.get("measures") or ())
        values["confidence"] = float(data.get("confidence", 0.5))
        values["extractor"] = data.get("extractor") or ""
        return cls(**values)


@dataclass(frozen=True)
class Entity:
    """A canonical entity of the corpus with every surface form it was seen as."""

    canonical: str
    label: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(data["canonical"], data["label"], tuple(data.get("aliases") or ()))


@dataclass(frozen=True)
class WrittenClaim:
    """The names of a claim as its paper wrote them, before corpus-wide naming."""

    subject: str | None  # "@proposed": the paper's own method
    object: str | None = None
    object_is_mention: bool = False
    dataset: tuple[str, ...] = ()
    metric: tuple[str, ...] = ()
    task: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WrittenClaim:
        return cls(data.get("subject"), data.get("object"), bool(data.get("object_is_mention")),
                   *(tuple(data.get(key) or ()) for key in ("dataset", "metric", "task")))


@dataclass(frozen=True)
class Written:
    """What a paper says on its own, before the corpus-wide naming that fills ``canonical``,
    ``label``, ``proposed`` and the claims' names. Kept so that every build names the whole corpus
    again from all its records, and an incremental build equals a full one."""

    labels: tuple[str, ...] = ()  # each mention's label in this paper, before the corpus-wide vote
    pairs: tuple[tuple[str, str, str], ...] = ()  # (label, long form, short form) the paper defines
    proposed: tuple[tuple[str, str], ...] = ()  # (label, text) of each proposed method
    claims: tuple[WrittenClaim, ...] = ()  # one per claim of the record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Written:
        return cls(
            labels=tuple(data.get("labels") or ()),
            pairs=tuple(tuple(p) for p in data.get("pairs") or ()),
            proposed=tuple(tuple(p) for p in data.get("proposed") or ()),
            claims=tuple(WrittenClaim.from_dict(c) for c in data.get("claims") or ()),
        )


@dataclass(frozen=True)
class PaperRecord:
    """The checkpoint unit: a paper with everything extracted from it."""

    paper: Paper
    mentions: tuple[Mention, ...] = ()
    proposed: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    extractor: str = ""
    written: Written | None = None  # None in records of extractors before it was kept

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperRecord:
        written = data.get("written")
        return cls(
            paper=Paper.from_dict(data["paper"]),
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions") or ()),
            proposed=tuple(data.get("proposed") or ()),
            claims=tuple(Claim.from_dict(c) for c in data.get("claims") or ()),
            extractor=data.get("extractor") or "",
            written=Written.from_dict(written) if written is not None else None,
        )


def to_dict(record: Any) -> dict[str, Any]:
    """A JSON-ready dict of any record (tuples become lists)."""
    return asdict(record)


def entity_forms(record: PaperRecord) -> dict[tuple[str, str], dict[str, None]]:
    """The entities one record names, (label, canonical) -> its surface forms (the canonical name
    first), in the order they occur. A proposed method that is never mentioned is still a method."""
    forms: dict[tuple[str, str], dict[str, None]] = {}
    for mention in record.mentions:
        written = forms.setdefault((mention.label, mention.canonical), {})
        written.setdefault(mention.canonical, None)
        written.setdefault(mention.text, None)
    for name in record.proposed:
        forms.setdefault(("method", name), {}).setdefault(name, None)
    return forms


def collect_entities(records: Iterable[PaperRecord]) -> list[Entity]:
    """Canonical entities of a corpus (:func:`entity_forms` of every record), each with every surface
    form it was written as."""
    aliases: dict[tuple[str, str], dict[str, None]] = {}
    for record in records:
        for key, written in entity_forms(record).items():
            aliases.setdefault(key, {}).update(written)
    return [Entity(canonical, label, tuple(forms)) for (label, canonical), forms in aliases.items()]


def rereadable(records: Iterable[PaperRecord] | Callable[[], Iterable[PaperRecord]]) -> Callable[[], Iterable[PaperRecord]]:
    """A function giving the records afresh at each call, for the sinks that read them twice: ``records``
    itself when it is one (e.g. ``lambda: iter_records_file(path)``, which holds none), else the
    records held as given (a one-shot iterator is gathered into a list first)."""
    if callable(records):
        return records
    held = records if isinstance(records, Collection) else list(records)
    return lambda: held
