"""The explorer's look-up tables over a corpus of PaperRecords, built once per store.

Every view (:mod:`kg.explore.views`) and the search box (:mod:`kg.explore.search`) read an
:class:`Index`; nothing here imports pandas, networkx or a store.

What grows with the corpus stays small: per paper, a :class:`PaperSummary` (id, title, date, listing
dates, proposed methods, the entities it names) and its claims; abstracts, mentions and the rest of a
record are read again when a page shows that paper (:meth:`Index.record`), from ``records.jsonl`` by
the byte offset noted while indexing (:func:`index_records_file`) or from the records given to
:func:`build_index`. Look-ups that pages make on every visit (claims per entity, results per dataset,
metric, task and method, the ranked entities) are computed once, on first use, and kept.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from .. import results
from ..records import Claim, Entity, Paper, PaperRecord, entity_forms
from .search import search_key


@dataclass(frozen=True)
class ClaimRow:
    """A claim with the paper it comes from (a :class:`Paper` with its id, title and date only: the
    abstract and sources are in the full record, :meth:`Index.record`)."""

    paper: Paper
    claim: Claim

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.paper.id, self.claim.field, self.claim.start, self.claim.end)


class PaperSummary(NamedTuple):
    """What the lists, tables and counts need of a paper."""

    id: str
    title: str
    published: str | None
    listing_dates: tuple[str, ...]  # of its sources, distinct, in source order
    proposed: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]  # (label, canonical) it mentions or proposes, distinct, first seen first


class _RecordsFile:
    """Full records read back from a records.jsonl by byte offset (the file of one store version,
    which does not change while the store is open)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offsets: dict[str, int] = {}
        self._lock = threading.Lock()
        self._handle = None

    def get(self, paper_id: str) -> PaperRecord | None:
        offset = self.offsets.get(paper_id)
        if offset is None:
            return None
        with self._lock:
            if self._handle is None:
                self._handle = self.path.open("rb")
            self._handle.seek(offset)
            line = self._handle.readline()
        from ..graph.store import record_from_line

        return record_from_line(line)


RECENT = 256  # values :meth:`Index.recent` keeps
RECENT_BYTES = 256 * 2**20  # and about how much memory they may hold together (the latest is always kept)


def weight(value: Any) -> int:
    """About the bytes a kept value owns: an Arrow table's or a NumPy array's buffers, a DataFrame's
    columns, a list's or tuple's slots plus the tables and lists inside it (not the rows of the index
    it points to, which the index keeps anyway)."""
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    memory_usage = getattr(value, "memory_usage", None)
    if callable(memory_usage):  # a pandas DataFrame
        return int(memory_usage(index=True, deep=True).sum())
    if isinstance(value, (list, tuple)):
        return sys.getsizeof(value) + sum(weight(item) for item in value if isinstance(item, (list, tuple))
                                          or hasattr(item, "nbytes") or hasattr(item, "memory_usage"))
    return sys.getsizeof(value)


@dataclass
class Index:
    """Look-up tables over a corpus of PaperRecords."""

    papers: dict[str, PaperSummary]
    entities: dict[tuple[str, str], Entity]
    papers_of: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    claims: list[ClaimRow] = field(default_factory=list)
    label_of: dict[str, str] = field(default_factory=dict)  # canonical -> label (first seen)
    claim_records: list[PaperRecord] = field(default_factory=list)  # papers with claims: id, title, date and claims
    _choices: list[tuple[str, str, str, str]] = field(default_factory=list)  # (text, kind, key, search key)
    _record: Callable[[str], PaperRecord | None] = field(default=lambda paper_id: None, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    _recent: OrderedDict[Any, tuple[Any, int]] = field(default_factory=OrderedDict, repr=False)  # key -> (value, weight)
    _recent_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _recent_bytes: int = field(default=0, repr=False)

    def record(self, paper_id: str) -> PaperRecord | None:
        """The full record of a paper (abstract, mentions, claims), read when asked for."""
        return self._record(paper_id) if paper_id in self.papers else None

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` once per ``key``, kept for the life of the index (the index never changes)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def recent(self, key: Any, make: Callable[[], Any], size: int = RECENT, budget: int = RECENT_BYTES) -> Any:
        """``make()`` kept for the ``size`` keys last asked for, and while all kept values weigh no more
        than ``budget`` bytes together (:func:`weight`; least recently used dropped first): for per-query
        and per-entity values that a page recomputes on every rerun, where keeping one per key for the
        life of the index (:meth:`memo`) would grow with every entity or query ever visited."""
        with self._recent_lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key][0]
        value = make()
        heavy = weight(value)
        with self._recent_lock:
            if key in self._recent:
                self._recent_bytes -= self._recent[key][1]
            self._recent[key] = (value, heavy)
            self._recent_bytes += heavy
            self._recent.move_to_end(key)
            while len(self._recent) > 1 and (len(self._recent) > size or self._recent_bytes > budget):
                self._recent_bytes -= self._recent.popitem(last=False)[1][1]
        return value

    def forget_recent(self) -> None:
        """Drop every value :meth:`recent` keeps."""
        with self._recent_lock:
            self._recent.clear()
            self._recent_bytes = 0

    @cached_property
    def conflicts(self) -> list[results.Conflict]:
        """Every conflict of the corpus (:func:`kg.results.conflicts`), computed once."""
        return results.conflicts(self.claim_records)

    @cached_property
    def contradicted(self) -> dict[tuple[str, str, int, int], list[str]]:
        """Claim key -> ids of the papers whose claims contradict it (:attr:`conflicts`)."""
        return contradicted_claims(self.claims, self.conflicts)

    @cached_property
    def contradicted_rows(self) -> frozenset[int]:
        """``id()`` of the rows of :attr:`claims` (the same objects as in :attr:`claims_by`) that
        :attr:`contradicted` names: counting or keeping those among many rows then makes no claim keys."""
        contradicted = self.contradicted
        return frozenset(id(row) for row in self.claims if row.key in contradicted)

    @cached_property
    def results(self) -> list[results.Result]:
        """Every value of every claim (:func:`kg.results.results`), computed once."""
        return results.results(self.claim_records)

    @cached_property
    def results_by(self) -> dict[tuple[str, str], list[results.Result]]:
        """(field, name) -> the :attr:`results` naming it, in order: field ``dataset``, ``metric``,
        ``task`` (any of its tasks) or ``method`` (the method or its baseline)."""
        found: dict[tuple[str, str], list[results.Result]] = defaultdict(list)
        for row in self.results:
            keys = {("dataset", row.dataset), ("metric", row.metric), ("method", row.method), ("method", row.baseline),
                    *(("task", t) for t in row.tasks)}
            for key in keys:
                if key[1]:
                    found[key].append(row)
        return dict(found)

    def results_for(self, **filters: str) -> list[results.Result]:
        """The shortest list of :attr:`results` that holds every row matching all the given filters
        (``dataset``, ``metric``, ``task``, ``method``; empty ones are ignored), in order."""
        lists = [self.results_by.get((name, value), []) for name, value in filters.items() if value]
        return min(lists, key=len) if lists else self.results

    @cached_property
    def claims_by(self) -> dict[tuple[str, str], list[ClaimRow]]:
        """(label, name) -> the claims naming it, in order: a method as subject or baseline, a dataset,
        metric or task among the claim's."""
        found: dict[tuple[str, str], list[ClaimRow]] = defaultdict(list)
        for row in self.claims:
            c = row.claim
            keys = {("method", c.subject), ("method", c.object), *(("dataset", x) for x in c.dataset),
                    *(("metric", x) for x in c.metric), *(("task", x) for x in c.task)}
            for key in keys:
                if key[1]:
                    found[key].append(row)
        return dict(found)

    @cached_property
    def claims_by_pair(self) -> dict[frozenset, list[ClaimRow]]:
        """{subject, baseline} -> the claims relating them (either way), in order."""
        found: dict[frozenset, list[ClaimRow]] = defaultdict(list)
        for row in self.claims:
            found[frozenset((row.claim.subject, row.claim.object))].append(row)
        return dict(found)

    @cached_property
    def proposed_count(self) -> Counter[str]:
        """Method -> the papers proposing it."""
        counts: Counter[str] = Counter()
        for paper in self.papers.values():
            counts.update(set(paper.proposed))
        return counts


class _Builder:
    """Consumes records one at a time; :meth:`index` makes the Index."""

    def __init__(self, entities: Iterable[Entity] | None):
        self.given = list(entities) if entities is not None else None
        self.aliases: dict[tuple[str, str], dict[str, None]] = {}  # kg.records.collect_entities, as it goes
        self.papers: dict[str, PaperSummary] = {}
        self.papers_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.claims: list[ClaimRow] = []
        self.claim_records: list[PaperRecord] = []
        self.strings: dict[str, str] = {}

    def _same(self, text: str | None) -> str | None:
        """One string object per distinct name (names repeat across claims and papers)."""
        return text if text is None else self.strings.setdefault(text, text)

    def add(self, record: PaperRecord) -> None:
        paper, same = record.paper, self._same
        names = []
        for (label, canonical), written in entity_forms(record).items():
            key = (same(label), same(canonical))
            names.append(key)
            self.papers_of[key].add(paper.id)
            if self.given is None:
                self.aliases.setdefault(key, {}).update(written)
        dates = tuple(dict.fromkeys(same(s.listing_date) for s in paper.sources if s.listing_date))
        self.papers[paper.id] = PaperSummary(paper.id, paper.title, paper.published, dates,
                                             tuple(same(p) for p in record.proposed), tuple(names))
        if record.claims:
            stub = Paper(paper.id, paper.title, "", published=paper.published)
            claims = tuple(self._claim(c) for c in record.claims)
            self.claim_records.append(PaperRecord(stub, proposed=record.proposed, claims=claims))
            self.claims.extend(ClaimRow(stub, c) for c in claims)

    def _claim(self, c: Claim) -> Claim:
        """The claim with its names and sentence shared with every other claim naming them."""
        from dataclasses import replace

        same = self._same
        return replace(c, sentence=same(c.sentence), subject=same(c.subject), object=same(c.object),
                       dataset=tuple(map(same, c.dataset)), metric=tuple(map(same, c.metric)),
                       task=tuple(map(same, c.task)))

    def index(self, record: Callable[[str], PaperRecord | None]) -> Index:
        entity_list = self.given if self.given is not None else [
            Entity(canonical, label, tuple(forms)) for (label, canonical), forms in self.aliases.items()]
        index = Index(self.papers, {(e.label, e.canonical): e for e in entity_list}, dict(self.papers_of),
                      self.claims, claim_records=self.claim_records, _record=record)
        for label, canonical in index.entities:
            index.label_of.setdefault(canonical, label)
        for (label, canonical), entity in index.entities.items():
            for form in {canonical, *entity.aliases}:
                index._choices.append((form, label, canonical, search_key(form)))
        for paper in self.papers.values():
            index._choices.append((paper.title, "paper", paper.id, search_key(paper.title)))
        return index


def build_index(records: Iterable[PaperRecord], entities: Iterable[Entity] | None = None) -> Index:
    """Index records (kept in memory, as given) by paper id and entities by (label, canonical name);
    ``entities`` default to :func:`kg.records.collect_entities` of the records."""
    builder, kept = _Builder(entities), {}
    for record in records:
        builder.add(record)
        kept[record.paper.id] = record
    return builder.index(kept.get)


def index_records_file(path: str | Path) -> Index:
    """The index of a records.jsonl (a store's): read once, a record at a time; only the summaries,
    claims and each record's byte offset stay, and :meth:`Index.record` reads a record again by its
    offset. Equal to ``build_index(records, collect_entities(records))`` of the file's records."""
    from ..graph.store import iter_records_with_offsets

    source = _RecordsFile(Path(path))
    builder = _Builder(None)
    for offset, record in iter_records_with_offsets(source.path):
        builder.add(record)
        source.offsets[record.paper.id] = offset
    return builder.index(source.get)


def index_store(graph) -> Index:
    """The index of an open store (:class:`kg.api.KnowledgeGraph`): :func:`index_records_file` of the
    records.jsonl of the version it holds open, without loading its records into the graph."""
    from ..graph.store import RECORDS_FILE

    path = getattr(graph, "path", None)
    if path is not None and (Path(path) / RECORDS_FILE).is_file():
        return index_records_file(Path(path) / RECORDS_FILE)
    return build_index(graph.records(), graph.entities())


def contradicted_claims(rows: Iterable[ClaimRow],
                        conflicts: Iterable[results.Conflict]) -> dict[tuple[str, str, int, int], list[str]]:
    """Claim key -> ids of the papers contradicting it: the claims a :class:`kg.results.Conflict` was
    found in (its paper, sentence and subject; for opposite orderings, the "outperforms" claim of the pair)."""
    by_sentence: dict[tuple[str, str, str | None], list[ClaimRow]] = defaultdict(list)
    for row in rows:
        by_sentence[(row.paper.id, row.claim.sentence, row.claim.subject)].append(row)
    found: dict[tuple[str, str, int, int], list[str]] = defaultdict(list)
    for c in conflicts:
        for paper, sentence, method, other, against in ((c.paper_a, c.sentence_a, c.method_a, c.method_b, c.paper_b),
                                                         (c.paper_b, c.sentence_b, c.method_b, c.method_a, c.paper_a)):
            for row in by_sentence.get((paper, sentence, method), ()):
                if (c.kind != "order" or (row.claim.type == "outperforms" and row.claim.object == other)) \
                        and against not in found[row.key]:
                    found[row.key].append(against)
    return dict(found)


__all__ = ["ClaimRow", "Index", "PaperSummary", "build_index", "contradicted_claims", "index_records_file", "index_store"]
