"""The explorer's page data: pure functions over an :class:`~kg.explore.index.Index`.

Home statistics, paper and entity views, claims tables and their filters, and the results of
:mod:`kg.results` (leaderboards, gains, SOTA over time, comparisons, conflicts) laid out as tables,
the timeline of an entity and its neighbourhood. Every page's content is unit-testable without
Streamlit; the UI files in ``app/`` only lay these results out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING

from .. import results
from ..metrics import direction as metric_direction
from ..names import name_key
from ..records import ENTITY_LABELS, Paper
from .html import annotate_html
from .index import ClaimRow, Index, PaperSummary

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from ..values import Measure

GENERIC_BASELINES = frozenset({"baseline", "baselines", "state-of-the-art", "state of the art", "sota", "prior work"})


# ------------------------------------------------------------------ home


def home_stats(index: Index) -> dict[str, int]:
    """How many papers, entities of each type, claims and conflicts (counted once per index: every page's
    sidebar shows them)."""
    def make() -> dict[str, int]:
        counts = Counter(label for label, _ in index.entities)
        return {
            "papers": len(index.papers),
            **{f"{label}s": counts.get(label, 0) for label in ENTITY_LABELS},
            "claims": len(index.claims),
            "conflicts": len(index.conflicts),
        }

    return dict(index.memo("home_stats", make))


def headline_claims(index: Index, n: int = 6) -> list[ClaimRow]:
    """Comparative claims with a named baseline, the most specific first (value, dataset, metric)."""
    def specificity(row: ClaimRow) -> tuple:
        c = row.claim
        return (bool(c.value), bool(c.dataset), bool(c.metric), c.confidence, row.paper.id)

    def ranked() -> list[ClaimRow]:
        rows = [r for r in index.claims if r.claim.type in ("outperforms", "efficiency") and r.claim.subject
                and r.claim.object and r.claim.object.lower() not in GENERIC_BASELINES]
        return sorted(rows, key=specificity, reverse=True)

    return index.memo("headline_claims", ranked)[:n]


def top_entities(index: Index, label: str, n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` entities of a type mentioned by the most papers."""
    def ranked() -> list[tuple[str, int]]:
        counts = [(name, len(index.papers_of.get((lab, name), ()))) for lab, name in index.entities if lab == label]
        return sorted(counts, key=lambda item: (-item[1], item[0].lower()))

    return index.memo(("top_entities", label), ranked)[:n]


def entity_count(index: Index, label: str) -> int:
    """How many entities of a type the corpus has."""
    return index.memo(("entity_count", label), lambda: sum(1 for lab, _ in index.entities if lab == label))


def entity_table(index: Index, label: str) -> pd.DataFrame:
    """Every entity of a type with its paper and claim counts, most mentioned first (a copy: the
    table is made once per index)."""
    return index.memo(("entity_table", label), lambda: _entity_table(index, label)).copy()


def _entity_table(index: Index, label: str) -> pd.DataFrame:
    import pandas as pd

    claims: Counter[str] = Counter()
    proposed = index.proposed_count
    for row in index.claims:
        names = {row.claim.subject, row.claim.object} if label == "method" else set(getattr(row.claim, label))
        claims.update(n for n in names if n)
    rows = [{"name": name, "papers": len(index.papers_of.get((lab, name), ())), "claims": claims[name],
             **({"proposed_in": proposed[name]} if label == "method" else {})}
            for lab, name in index.entities if lab == label]
    columns = ["name", "papers", "claims", *(["proposed_in"] if label == "method" else [])]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["papers", "claims", "name"], ascending=[False, False, True]).reset_index(drop=True)


# ------------------------------------------------------------------ paper


@dataclass(frozen=True)
class PaperView:
    paper: Paper
    title_html: str
    abstract_html: str
    proposed: tuple[str, ...]
    entities: dict[str, list[str]]  # label -> canonical names, in order of first mention
    claims: pd.DataFrame


def paper_view(index: Index, paper_id: str) -> PaperView | None:
    record = index.record(paper_id)
    if record is None:
        return None
    paper = record.paper
    by_field = defaultdict(list)
    for mention in record.mentions:
        by_field[mention.field].append(mention)
    claims_by_field = defaultdict(list)
    for claim in record.claims:
        claims_by_field[claim.field].append(claim)
    entities: dict[str, list[str]] = {}
    for mention in sorted(record.mentions, key=lambda m: (m.field != "title", m.start)):
        names = entities.setdefault(mention.label, [])
        if mention.canonical not in names:
            names.append(mention.canonical)
    rows = [ClaimRow(paper, c) for c in record.claims]
    return PaperView(
        paper,
        annotate_html(paper.title, by_field["title"], claims_by_field["title"]),
        annotate_html(paper.abstract, by_field["abstract"], claims_by_field["abstract"], links=True),
        record.proposed,
        entities,
        claims_frame(index, rows),
    )


# ------------------------------------------------------------------ claims


def _join(values: Iterable[str]) -> str:
    return ", ".join(values)


CLAIM_COLUMNS = ["type", "method", "baseline", "dataset", "metric", "task", "value", "kind", "values", "direction",
                 "paper_id", "paper_title", "sentence", "confidence", "conflict"]


def measure_text(measure: Measure) -> str:
    """One value of a claim with what it means: '1.93% (score, error, CIFAR-10)'."""
    meaning = [measure.kind, *(x for x in (measure.qualifier, measure.metric, measure.dataset) if x)]
    return f"{measure.display} ({', '.join(meaning)})"


def claims_frame(index: Index, rows: Iterable[ClaimRow]) -> pd.DataFrame:
    """One row per claim, with every column the claim tables need."""
    import pandas as pd

    data = []
    for row in rows:
        c = row.claim
        against = index.contradicted.get(row.key, [])
        data.append({
            "type": c.type,
            "method": c.subject or "",
            "baseline": c.object or "",
            "dataset": _join(c.dataset),
            "metric": _join(c.metric),
            "task": _join(c.task),
            "value": c.value or "",
            "kind": c.value_kind or "",
            "values": "; ".join(measure_text(m) for m in c.measures),
            "value_number": c.value_number,
            "direction": c.direction or "",
            "paper_id": row.paper.id,
            "paper_title": row.paper.title,
            "sentence": c.sentence,
            "confidence": round(c.confidence, 2),
            "conflict": "; ".join(f"contradicted by {paper_id}" for paper_id in against),
        })
    return pd.DataFrame(data, columns=[*CLAIM_COLUMNS[:9], "value_number", *CLAIM_COLUMNS[9:]])


def claim_filter_options(index: Index) -> dict[str, list[str]]:
    """The values each claims-browser filter can take (computed once per index)."""
    def make() -> dict[str, list[str]]:
        options: dict[str, set[str]] = {"type": set(), "method": set(), "dataset": set(), "metric": set()}
        for row in index.claims:
            c = row.claim
            options["type"].add(c.type)
            options["method"].update(x for x in (c.subject, c.object) if x)
            options["dataset"].update(c.dataset)
            options["metric"].update(c.metric)
        return {k: sorted(v, key=str.lower) for k, v in options.items()}

    return {k: list(v) for k, v in index.memo("claim_filter_options", make).items()}


FILTER_CHOICES = 200  # options a claims filter (and a board picker) lists at most (:func:`claim_filter_choices`)


def claim_filter_choices(index: Index, limit: int = FILTER_CHOICES) -> dict[str, list[str]]:
    """:func:`claim_filter_options` cut to the ``limit`` values named by the most claims (then by name),
    in the same order: what a select box can list (the other values are typed)."""
    def make() -> dict[str, list[str]]:
        found = {}
        for label, values in claim_filter_options(index).items():
            if len(values) > limit and label != "type":
                counts = {v: len(index.claims_by.get((label, v), ())) for v in values}
                kept = set(sorted(values, key=lambda v: (-counts[v], v.lower(), v))[:limit])
                values = [v for v in values if v in kept]
            found[label] = values
        return found

    return {k: list(v) for k, v in index.memo(("claim_filter_choices", limit), make).items()}


def select_claims(index: Index, *, types: Iterable[str] = (), method: str = "", dataset: str = "",
                  metric: str = "", conflicts_only: bool = False) -> list[ClaimRow]:
    """Claims matching every given filter (empty = any); ``method`` matches subject or baseline."""
    types = set(types)
    if not (types or method or dataset or metric or conflicts_only):
        return list(index.claims)
    named = [index.claims_by.get((label, name), []) for label, name in (("method", method), ("dataset", dataset),
                                                                         ("metric", metric)) if name]
    candidates = min(named, key=len) if named else index.claims  # every match is in each list, in order
    flagged = index.contradicted_rows if conflicts_only else frozenset()
    return [
        row for row in candidates
        if (not types or row.claim.type in types)
        and (not method or method in (row.claim.subject, row.claim.object))
        and (not dataset or dataset in row.claim.dataset)
        and (not metric or metric in row.claim.metric)
        and (not conflicts_only or id(row) in flagged)
    ]


def contradicted_count(index: Index, rows: Iterable[ClaimRow]) -> int:
    """How many of ``rows``, distinct rows of the index (:func:`select_claims`), another paper contradicts."""
    flagged = index.contradicted_rows
    if not isinstance(rows, list):
        rows = list(rows)
    if len(rows) == len(index.claims):  # every claim: distinct rows of the index, as many as it has
        return len(flagged)
    return sum(1 for row in rows if id(row) in flagged)


def filter_claims(index: Index, **filters) -> pd.DataFrame:
    """:func:`select_claims` as a claims table."""
    return claims_frame(index, select_claims(index, **filters))


# ------------------------------------------------------------------ method / entity


PAPER_COLUMNS = ["paper_id", "paper_title", "relation", "published"]


@dataclass(frozen=True, eq=False)
class EntityView:
    """What the method and entity pages show of an entity. Its lists (``paper_rows``, ``claim_rows``,
    ``beats_rows``, ``beaten_rows``, ``gain_rows``) and tables are made when first read, so a page that
    shows the first rows of a much-mentioned entity makes only those (:func:`claims_frame` of a slice)."""

    index: Index = field(repr=False)
    label: str
    name: str
    aliases: tuple[str, ...]
    direction: str | None  # "higher" / "lower" is better (metrics, when kg.metrics knows)

    @cached_property
    def paper_rows(self) -> list[tuple[str, str, str, str]]:
        """(paper_id, paper_title, relation, published) of every paper naming it: proposing papers first,
        then the newest, then by title. Sorting them takes ~40 ms for a method named by 16,000 of 100,000
        papers, so the list is kept a while (:meth:`Index.recent`): do not change it."""
        return self.index.recent(("entity papers", self.label, self.name),
                                 lambda: _entity_papers(self.index, self.label, self.name))

    @property
    def paper_count(self) -> int:
        return len(self.index.papers_of.get((self.label, self.name), ()))

    @property
    def proposed_in(self) -> int:
        """How many papers propose it (methods)."""
        return self.index.proposed_count.get(self.name, 0) if self.label == "method" else 0

    @cached_property
    def papers(self) -> pd.DataFrame:  # paper_id, paper_title, relation, published
        import pandas as pd

        return pd.DataFrame(self.paper_rows, columns=PAPER_COLUMNS)

    @property
    def claim_rows(self) -> list[ClaimRow]:
        """Every claim naming it, in order (:attr:`Index.claims_by`, not a copy)."""
        return self.index.claims_by.get((self.label, self.name), [])

    @cached_property
    def _sides(self) -> tuple[list[ClaimRow], list[ClaimRow]]:
        """(claims with it as the subject, claims with it as the baseline) of a method, in order; kept a
        while (:meth:`Index.recent`): do not change them."""
        if self.label != "method":
            return [], []
        rows, name = self.claim_rows, self.name
        return self.index.recent(("method sides", name), lambda: ([row for row in rows if row.claim.subject == name],
                                                                  [row for row in rows if row.claim.object == name]))

    @property
    def beats_rows(self) -> list[ClaimRow]:
        """Claims where it is the subject (methods)."""
        return self._sides[0]

    @property
    def beaten_rows(self) -> list[ClaimRow]:
        """Claims where it is the baseline (methods)."""
        return self._sides[1]

    @cached_property
    def beats(self) -> pd.DataFrame:  # claims where it is the subject
        return claims_frame(self.index, self.beats_rows)

    @cached_property
    def beaten_by(self) -> pd.DataFrame:  # claims where it is the baseline
        return claims_frame(self.index, self.beaten_rows)

    @cached_property
    def claims(self) -> pd.DataFrame:  # every claim naming it (datasets, metrics, tasks; empty for methods)
        return claims_frame(self.index, [] if self.label == "method" else self.claim_rows)

    @cached_property
    def boards(self) -> list[Board]:  # leaderboards of scores on it (datasets, metrics, tasks; none for methods)
        return [] if self.label == "method" else boards(self.index, **{self.label: self.name})

    @cached_property
    def gain_rows(self) -> list[results.Result]:  # gains over a baseline on it (none for methods)
        return [] if self.label == "method" else select_gains(self.index, **{self.label: self.name})

    @cached_property
    def gains(self) -> pd.DataFrame:  # :func:`gains_table` of :attr:`gain_rows` (beside the boards)
        return gains_table(self.gain_rows)

    @cached_property
    def timeline(self) -> pd.DataFrame:  # listing_date, papers; kept a while (Index.recent): do not change it
        return self.index.recent(("timeline", self.label, self.name), lambda: timeline(self.index, self.label, self.name))

    @cached_property
    def related(self) -> list[tuple[str, str, int]]:  # (other, label, shared papers)
        return related_entities(self.index, self.label, self.name)


def _entity_papers(index: Index, label: str, name: str) -> list[tuple[str, str, str, str]]:
    papers, rows = index.papers, []
    for pid in index.papers_of.get((label, name), ()):
        paper = papers[pid]
        rows.append((pid, paper.title, "proposes" if name in paper.proposed else "mentions", paper.published or ""))
    rows.sort(key=itemgetter(1))  # stable sorts: by title within (relation, published), both descending
    rows.sort(key=itemgetter(2, 3), reverse=True)
    return rows


def resolve_entity(index: Index, label: str | None, name: str) -> tuple[str, str] | None:
    """The (label, canonical) an URL parameter names: exact canonical, then alias, then normalised."""
    labels = [label] if label else list(ENTITY_LABELS)
    for lab in labels:
        if (lab, name) in index.entities:
            return lab, name
    wanted = name_key(name)
    for (lab, canonical), entity in index.entities.items():
        if lab in labels and any(name_key(a) == wanted for a in (canonical, *entity.aliases)):
            return lab, canonical
    return None


def entity_view(index: Index, label: str, name: str) -> EntityView | None:
    """The view of an entity (its label given or any, its name canonical, an alias or written otherwise),
    None when the index has no such entity; its tables are made when read (:class:`EntityView`)."""
    resolved = resolve_entity(index, label, name)
    if resolved is None:
        return None
    label, name = resolved
    entity = index.entities[(label, name)]
    direction = metric_direction(name) if label == "metric" else None
    return EntityView(index, label, name, tuple(a for a in entity.aliases if a != name), direction)


# ------------------------------------------------------------------ results (kg.results, laid out)


@dataclass(frozen=True)
class Board:
    """One leaderboard: the score rows of :func:`kg.results.leaderboard` for one dataset, metric and
    unit, best first."""

    dataset: str
    metric: str
    unit: str | None
    rows: tuple[results.Result, ...]

    @property
    def title(self) -> str:
        return f"{self.metric} on {self.dataset}" + (f" ({self.unit})" if self.unit else "")


DIRECTION_TEXT = {"higher": "higher is better", "lower": "lower is better"}


def direction_text(metric: str | None) -> str:
    """Which way is better for a metric, in words, from :func:`kg.metrics.direction`."""
    return DIRECTION_TEXT.get(metric_direction(metric), "direction unknown")


def boards(index: Index, *, dataset: str = "", metric: str = "", task: str = "") -> list[Board]:
    """The leaderboards on a dataset, metric and task (empty = any), the one with the most rows first (the
    last asked for are kept: :meth:`Index.recent`)."""
    def make() -> list[Board]:
        from itertools import groupby

        rows = results.leaderboard_of(index.results_for(dataset=dataset, metric=metric, task=task), dataset, metric, task)
        found = [Board(d, m, u or None, tuple(group))
                 for (d, m, u), group in groupby(rows, key=lambda r: (r.dataset, r.metric, r.unit or ""))]
        return sorted(found, key=lambda board: -len(board.rows))

    return list(index.recent(("boards", dataset, metric, task), make))


BOARD_COLUMNS = ["rank", "method", "value", "dataset", "metric", "task", "paper_id", "paper_title", "date", "sentence"]


def board_frame(board: Board) -> pd.DataFrame:
    """A board as a table; equal values share a rank (1, 2, 2, 4)."""
    import pandas as pd

    data, rank = [], 0
    for position, row in enumerate(board.rows, 1):
        if position == 1 or row.signed != board.rows[position - 2].signed:
            rank = position
        data.append({"rank": rank, "method": row.method, "value": row.value, "dataset": row.dataset,
                     "metric": row.metric, "task": _join(row.tasks), "paper_id": row.paper_id,
                     "paper_title": row.paper_title, "date": row.date or "", "sentence": row.sentence})
    return pd.DataFrame(data, columns=BOARD_COLUMNS)


GAIN_COLUMNS = ["method", "baseline", "kind", "value", "metric", "dataset", "paper_id", "paper_title", "sentence"]


def select_gains(index: Index, *, dataset: str = "", metric: str = "", task: str = "",
                 method: str = "") -> list[results.Result]:
    """:func:`kg.results.gains` (deltas, ratios, ranges over a baseline) on a dataset, metric, task and
    method (empty = any), in order; the last asked for are kept (:meth:`Index.recent`)."""
    def make() -> list[results.Result]:
        rows = index.results_for(dataset=dataset, metric=metric, task=task, method=method)
        return results.gains_of(rows, dataset, metric, task, method)

    return list(index.recent(("gains", dataset, metric, task, method), make))


def gains_table(rows: Iterable[results.Result]) -> pd.DataFrame:
    """Gains (:func:`select_gains`, or a slice of them) as a table, never ranked."""
    import pandas as pd

    data = [{"method": r.method, "baseline": r.baseline or "", "kind": r.kind, "value": r.value,
             "metric": r.metric or "", "dataset": r.dataset or "", "paper_id": r.paper_id,
             "paper_title": r.paper_title, "sentence": r.sentence} for r in rows]
    return pd.DataFrame(data, columns=GAIN_COLUMNS)


def gains_frame(index: Index, *, dataset: str = "", metric: str = "", task: str = "", method: str = "") -> pd.DataFrame:
    """:func:`kg.results.gains` (deltas, ratios, ranges over a baseline) as a table, never ranked."""
    return gains_table(select_gains(index, dataset=dataset, metric=metric, task=task, method=method))


SOTA_COLUMNS = ["date", "method", "number", "value", "best", "record", "paper_id", "paper_title"]


def sota_frame(index: Index, board: Board) -> pd.DataFrame:
    """:func:`kg.results.sota_over_time` of a board's dataset, metric and unit: every dated score in date
    order, ``record`` where it was the best so far, ``best`` the best so far on that date."""
    import pandas as pd

    data, best = [], None
    rows = index.results_for(dataset=board.dataset, metric=board.metric)
    for step in results.sota_of(rows, board.dataset, board.metric, board.unit):
        best = step.number if step.is_record else best
        data.append({"date": step.date, "method": step.method, "number": step.number, "value": step.value,
                     "best": best, "record": step.is_record, "paper_id": step.paper_id, "paper_title": step.paper_title})
    return pd.DataFrame(data, columns=SOTA_COLUMNS)


def _method_pairs(index: Index) -> Iterator[tuple[str, str]]:
    """(subject, baseline) of every claim relating two different methods (not "baselines", "SOTA", …)."""
    for row in index.claims:
        subject, baseline = row.claim.subject, row.claim.object
        if subject and baseline and subject != baseline and not {subject.lower(), baseline.lower()} & GENERIC_BASELINES:
            yield subject, baseline


def _most_first(counts: Counter[str]) -> list[str]:
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))]


def compared_methods(index: Index) -> list[str]:
    """Methods that a claim relates to another method, the most such claims first."""
    return list(index.memo("compared_methods",
                           lambda: _most_first(Counter(name for pair in _method_pairs(index) for name in pair))))


def opponents(index: Index, method: str) -> list[str]:
    """The methods a claim relates to ``method`` (either way), the most claims first."""
    def by_method() -> dict[str, Counter[str]]:
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for a, b in _method_pairs(index):
            found[a][b] += 1
            found[b][a] += 1
        return dict(found)

    return _most_first(index.memo("opponents", by_method).get(method, Counter()))


def compare_claims(index: Index, method_a: str, method_b: str) -> list[ClaimRow]:
    """Every claim relating two methods, both ways (:func:`kg.results.compare`)."""
    return list(index.claims_by_pair.get(frozenset((method_a, method_b)), []))


def conflict_methods(index: Index) -> list[str]:
    """Every method some conflict involves, by name (computed once per index)."""
    return list(index.memo("conflict_methods", lambda: sorted({m for c in index.conflicts for m in (c.method_a, c.method_b)},
                                                              key=str.lower)))


def conflicts_of(index: Index, method: str = "") -> list[results.Conflict]:
    """The corpus's conflicts (:attr:`Index.conflicts`), those involving ``method`` when given."""
    return [c for c in index.conflicts if not method or method in (c.method_a, c.method_b)]


def timeline(index: Index, label: str, name: str) -> pd.DataFrame:
    """How many papers mention (or propose) an entity under each listing date ("Mar 14"), in calendar
    order (:func:`date_key`): the answer of the named query ``mentions_per_listing_date`` (its SPARQL
    and Cypher twins), as the method page shows it. Papers with no listing date are not counted."""
    import pandas as pd

    papers = index.papers
    counts = Counter(chain.from_iterable(papers[pid].listing_dates for pid in index.papers_of.get((label, name), ())))
    return pd.DataFrame(sorted(counts.items(), key=lambda item: date_key(item[0])), columns=["listing_date", "papers"])


def date_key(text: str) -> tuple[str, str]:
    """Sort key of a listing date ("Mar 14") or an ISO date, in calendar order."""
    import datetime

    for fmt in ("%Y-%m-%d", "%b %d", "%B %d"):
        try:
            return (datetime.datetime.strptime(text, fmt).strftime("%m-%d" if fmt != "%Y-%m-%d" else "%Y-%m-%d"), text)
        except ValueError:
            continue
    return ("~", text)


RELATED_KEPT = 50  # co-mentioned entities kept per entity (:func:`related_entities`)


def related_entities(index: Index, label: str, name: str, n: int = 15) -> list[tuple[str, str, int]]:
    """Entities co-mentioned with this one, most shared papers first (then by name, label and exact name);
    the page and its neighbourhood graph ask for the same entity, so the first :data:`RELATED_KEPT` are kept
    a while (:meth:`Index.recent`)."""
    if n > RELATED_KEPT:
        return _related(index, label, name, n)
    return index.recent(("related", label, name), lambda: _related(index, label, name, RELATED_KEPT))[:n]


def _mentions_table(index: Index):
    """Every paper's entities as numbers, made once per index (~20 MB at 100,000 papers): (entity -> number,
    number -> entity, the numbers of every paper one after another, where each paper's begin, paper id ->
    its row), so that the entities of many papers are counted by numpy rather than one tuple at a time."""
    def make():
        from array import array

        import numpy as np

        number: dict[tuple[str, str], int] = {}
        flat, offsets, row_of = array("i"), array("q", [0]), {}
        for row, (pid, paper) in enumerate(index.papers.items()):
            row_of[pid] = row
            flat.extend(number.setdefault(key, len(number)) for key in paper.entities)
            offsets.append(len(flat))
        return number, list(number), np.frombuffer(flat, dtype=np.int32), np.frombuffer(offsets, dtype=np.int64), row_of

    return index.memo("mentions_table", make)


def _related(index: Index, label: str, name: str, n: int) -> list[tuple[str, str, int]]:
    import numpy as np

    pids = index.papers_of.get((label, name), ())
    if not pids:
        return []
    number, names, flat, offsets, row_of = _mentions_table(index)
    rows = np.fromiter((row_of[pid] for pid in pids), dtype=np.int64, count=len(pids))
    starts, lengths = offsets[rows], offsets[rows + 1] - offsets[rows]
    # the positions in ``flat`` of every entity of these papers: each paper's run, one after another
    shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    counts = np.bincount(flat[shift + np.arange(int(lengths.sum()))], minlength=len(names))
    if (label, name) in number:
        counts[number[(label, name)]] = 0
    shared = np.flatnonzero(counts)
    if len(shared) > n:  # only the entities counted at least as often as the n-th can be among the first n
        least = np.partition(counts[shared], len(shared) - n)[len(shared) - n]
        shared = shared[counts[shared] >= least]
    items = [(names[i], int(counts[i])) for i in shared.tolist()]
    ranked = sorted(items, key=lambda item: (-item[1], item[0][1].lower(), item[0][0], item[0][1]))[:n]
    return [(other, lab, count) for (lab, other), count in ranked]


# ------------------------------------------------------------------ neighbourhood graph


def neighbourhood(index: Index, label: str, name: str, *, limit: int = 25) -> nx.MultiDiGraph:
    """A small graph around an entity: its papers, the methods it beats / is beaten by, co-mentions.

    Claims are drawn one edge per (winner, baseline, claim type), carrying how many claims say it
    (``claims``) and the first claim's paper and value; at most ``2 * limit`` such edges, those most
    claimed first (a much-claimed method has thousands of claims: the claims page lists them all)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    centre = node_id(label, name)
    graph.add_node(centre, label=name, kind=label)
    for (a, b, relation), rows in _claim_edges(index, label, name)[: 2 * limit]:
        for node, shown in ((a, rows[0][0]), (b, rows[0][1])):
            if node != centre:
                graph.add_node(node, label=shown, kind="method")
        first = rows[0][2]
        graph.add_edge(a, b, relation=relation, paper=first.paper.id, value=first.claim.value or "", claims=len(rows))
    for pid in sorted(index.papers_of.get((label, name), ()))[:limit]:
        paper = index.papers[pid]
        p = node_id("paper", pid)
        graph.add_node(p, label=paper.title, kind="paper")
        relation = "proposes" if name in paper.proposed else "mentions"
        graph.add_edge(p, centre, relation=relation)
    for other, lab, count in related_entities(index, label, name, n=limit):
        if lab != "method":
            o = node_id(lab, other)
            graph.add_node(o, label=other, kind=lab)
            graph.add_edge(centre, o, relation="co-mentioned", papers=count)
    return graph


def _claim_edges(index: Index, label: str, name: str) -> list[tuple[tuple[str, str, str], list[tuple[str, str, ClaimRow]]]]:
    """The claims naming an entity grouped by drawn edge (winner node, baseline node, type), the most
    claimed first, then in claim order."""
    centre = node_id(label, name)
    groups: dict[tuple[str, str, str], list[tuple[str, str, ClaimRow]]] = {}
    for row in index.claims_by.get((label, name), []):  # the claims naming it, in order
        c = row.claim
        if not c.subject:
            continue
        if c.object and label == "method":
            key = (node_id("method", c.subject), node_id("method", c.object), c.type)
            groups.setdefault(key, []).append((c.subject, c.object, row))
        elif label != "method":
            groups.setdefault((node_id("method", c.subject), centre, c.type), []).append((c.subject, name, row))
    return sorted(groups.items(), key=lambda item: -len(item[1]))


def node_id(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def iter_entity_names(index: Index, label: str) -> Iterator[str]:
    yield from index.memo(("entity_names", label),
                          lambda: sorted((name for lab, name in index.entities if lab == label), key=str.lower))


def papers_by_date(index: Index) -> list[PaperSummary]:
    """Every paper's :class:`~kg.explore.index.PaperSummary`, newest first (then by title, descending): the
    index's own list, not a copy."""
    return index.memo("papers_by_date", lambda: sorted(index.papers.values(), key=lambda p: (p.published or "", p.title),
                                                        reverse=True))


def papers_matching(index: Index, text: str) -> list[PaperSummary]:
    """:func:`papers_by_date` whose title (its :func:`~kg.names.title_key`) holds ``text``'s; every paper
    for no text. The title keys are made once per index (about 12 MB at 100,000 papers: making them takes
    1.5 s, which a filter would otherwise spend on every visit)."""
    from ..names import title_key

    papers = papers_by_date(index)
    wanted = title_key(text)
    if not wanted:
        return papers
    keys = index.memo("title_keys_by_date", lambda: [title_key(p.title) for p in papers])
    return [paper for paper, key in zip(papers, keys) if wanted in key]
