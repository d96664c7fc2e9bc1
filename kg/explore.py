"""The explorer's logic: search and page data over a knowledge graph's records.

Pure functions over an :class:`Index` (built once from ``KnowledgeGraph.records()``),
so every page's content is unit-testable without Streamlit. The UI files in
``app/`` only lay these results out.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from . import results
from .ids import normalise_name, normalise_title, slug  # noqa: F401  (slug: re-exported, the app calls explore.slug)
from .metrics import direction as metric_direction
from .records import ENTITY_LABELS, Claim, Entity, Paper, PaperRecord, collect_entities

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from .values import Measure

KINDS = ("method", "dataset", "task", "metric", "paper")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]|^[ \t]")  # every ASCII punctuation mark; a leading blank
GENERIC_BASELINES = frozenset({"baseline", "baselines", "state-of-the-art", "state of the art", "sota", "prior work"})


@dataclass(frozen=True)
class ClaimRow:
    """A claim with the paper it comes from."""

    paper: Paper
    claim: Claim

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.paper.id, self.claim.field, self.claim.start, self.claim.end)


@dataclass
class Index:
    """Look-up tables over a corpus of PaperRecords."""

    records: dict[str, PaperRecord]
    entities: dict[tuple[str, str], Entity]
    papers_of: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    claims: list[ClaimRow] = field(default_factory=list)
    label_of: dict[str, str] = field(default_factory=dict)  # canonical -> label (first seen)
    _choices: list[tuple[str, str, str, str]] = field(default_factory=list)  # (text, kind, key, normalised text)

    @cached_property
    def conflicts(self) -> list[results.Conflict]:
        """Every conflict of the corpus (:func:`kg.results.conflicts`), computed once."""
        return results.conflicts(self.records.values())

    @cached_property
    def contradicted(self) -> dict[tuple[str, str, int, int], list[str]]:
        """Claim key -> ids of the papers whose claims contradict it (:attr:`conflicts`)."""
        return contradicted_claims(self.claims, self.conflicts)


def build_index(records: Iterable[PaperRecord], entities: Iterable[Entity] | None = None) -> Index:
    """Index records by paper id and entities by (label, canonical name)."""
    records = list(records)
    entity_list = list(entities) if entities is not None else collect_entities(records)
    index = Index({r.paper.id: r for r in records}, {(e.label, e.canonical): e for e in entity_list})
    papers_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for mention in record.mentions:
            papers_of[(mention.label, mention.canonical)].add(record.paper.id)
        for name in record.proposed:
            papers_of[("method", name)].add(record.paper.id)
        for claim in record.claims:
            index.claims.append(ClaimRow(record.paper, claim))
    index.papers_of = dict(papers_of)
    for label, canonical in index.entities:
        index.label_of.setdefault(canonical, label)
    for (label, canonical), entity in index.entities.items():
        for form in {canonical, *entity.aliases}:
            index._choices.append((form, label, canonical, _norm(form)))
    for record in records:
        index._choices.append((record.paper.title, "paper", record.paper.id, _norm(record.paper.title)))
    return index


# ------------------------------------------------------------------ search


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    key: str  # paper id or canonical entity name
    title: str  # what to show
    matched: str  # the alias or title that matched
    score: float
    papers: int  # how many papers mention it (1 for a paper)


def _score(q: str, t: str) -> float:
    """How well normalised query ``q`` matches normalised text ``t`` (0-100)."""
    from rapidfuzz import fuzz

    if not q or not t:
        return 0.0
    if q == t:
        return 100.0
    words = t.split()
    if t.startswith(q + " "):
        return 97.0
    if q in words or q in {_singular(w) for w in words}:
        return 95.0
    if len(q) >= 3 and q in t:
        return 90.0 - min(10.0, (len(t) - len(q)) / 10)
    if len(q) < 4:  # short queries: exact or substring only, fuzzy matches are noise
        return 0.0
    best = fuzz.ratio(q, t)
    if len(t) > len(q):
        best = max(best, fuzz.partial_ratio(q, t) - 5)
    return float(best)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _norm(text: str) -> str:
    """Lower case, punctuation as spaces, a trailing plural dropped: "KANs:" ~ "kan"."""
    return " ".join(_singular(w) for w in normalise_title(text).split())


def search(index: Index, query: str, *, limit: int = 10, cutoff: float = 80.0) -> dict[str, list[Hit]]:
    """Entities (by canonical name or any alias) and papers (by title) matching ``query``.

    Exact and substring matches rank first; typos are tolerated for queries of four
    characters or more. Results are grouped by kind, best first, at most ``limit`` per kind.
    """
    query = query.strip()
    best: dict[tuple[str, str], Hit] = {}
    if not query:
        return {}
    q = _norm(query)
    for text, kind, key, normalised in index._choices:
        score = _score(q, normalised)
        if score < cutoff:
            continue
        if kind == "paper":
            title, count = text, 1
        else:
            title, count = key, len(index.papers_of.get((kind, key), ()))
        hit = Hit(kind, key, title, text, score, count)
        previous = best.get((kind, key))
        if previous is None or score > previous.score or (score == previous.score and text == key):
            best[(kind, key)] = hit
    grouped: dict[str, list[Hit]] = {}
    for kind in KINDS:
        hits = sorted((h for (k, _), h in best.items() if k == kind), key=lambda h: (-h.score, -h.papers, h.title))
        if hits:
            grouped[kind] = hits[:limit]
    return grouped


# ------------------------------------------------------------------ home


def home_stats(index: Index) -> dict[str, int]:
    counts = Counter(label for label, _ in index.entities)
    return {
        "papers": len(index.records),
        **{f"{label}s": counts.get(label, 0) for label in ENTITY_LABELS},
        "claims": len(index.claims),
        "conflicts": len(index.conflicts),
    }


def headline_claims(index: Index, n: int = 6) -> list[ClaimRow]:
    """Comparative claims with a named baseline, the most specific first (value, dataset, metric)."""
    def specificity(row: ClaimRow) -> tuple:
        c = row.claim
        return (bool(c.value), bool(c.dataset), bool(c.metric), c.confidence, row.paper.id)

    rows = [r for r in index.claims if r.claim.type in ("outperforms", "efficiency") and r.claim.subject and r.claim.object
            and r.claim.object.lower() not in GENERIC_BASELINES]
    return sorted(rows, key=specificity, reverse=True)[:n]


def inert(text: object) -> str:
    """``text`` as Markdown (or HTML) that shows exactly this text and nothing else. Every ASCII
    punctuation mark becomes a character reference, which Markdown and HTML show as the character
    but never read as syntax (links, images, code spans, emphasis, lists, ``:shortcodes:``,
    ``$math$``, tags); line breaks become spaces, since a blank line would end an HTML block."""
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", re.sub(r"\r\n?|\n", " ", str(text)))


def store_under(path: str, root: str | Path) -> Path | None:
    """``path`` (relative paths are taken from ``root``; ``..`` taken lexically) with the links of its
    folder resolved, if it and what it points to lie under ``root``; else None."""
    root = Path(root).resolve()
    lexical = Path(os.path.normpath(root / Path(path).expanduser()))
    if lexical == root:
        return root
    # The last component stays a name: a store is a link to its current version, and the app must
    # keep following the link to see rebuilds. Both it and its target must lie under the root.
    chosen = lexical.parent.resolve() / lexical.name
    inside = chosen.parent.is_relative_to(root) and chosen.resolve().is_relative_to(root)
    return chosen if inside else None


def claim_summary(claim: Claim, *, links: bool = False) -> str:
    """One line: "sharpDARTS outperforms DARTS on CIFAR-10 (error, 20-30%)".

    With ``links``: inert HTML (:func:`inert`) where every entity name links to its page."""
    def name(kind: str, text: str) -> str:
        return entity_anchor(kind, text) if links else text

    def plain(text: str) -> str:
        return inert(text) if links else text

    verb = {"outperforms": "outperforms", "efficiency": "is more efficient than", "improves": "improves on",
            "achieves": "achieves"}.get(claim.type, claim.type)
    text = name("method", claim.subject or "?") + plain(f" {verb}") + (f" {name('method', claim.object)}" if claim.object else "")
    if claim.dataset:
        text += plain(" on ") + plain(", ").join(name("dataset", d) for d in claim.dataset)
    details = [name("metric", m) for m in claim.metric] + ([plain(claim.value)] if claim.value else [])
    return text + (plain(" (") + plain(", ").join(details) + plain(")") if details else "")


def entity_anchor(kind: str, name: str) -> str:
    """An HTML link to an entity's page (a paper's, by id), its text :func:`inert`."""
    href = html.escape(entity_url(kind, name), quote=True)
    return f'<a class="kg-link" href="{href}" target="_self">{inert(name)}</a>'


def top_entities(index: Index, label: str, n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` entities of a type mentioned by the most papers."""
    counts = [(name, len(index.papers_of.get((lab, name), ()))) for lab, name in index.entities if lab == label]
    return sorted(counts, key=lambda item: (-item[1], item[0].lower()))[:n]


def entity_table(index: Index, label: str) -> pd.DataFrame:
    """Every entity of a type with its paper and claim counts, most mentioned first."""
    import pandas as pd

    claims: Counter[str] = Counter()
    proposed: Counter[str] = Counter()
    for row in index.claims:
        names = {row.claim.subject, row.claim.object} if label == "method" else set(getattr(row.claim, label))
        claims.update(n for n in names if n)
    for record in index.records.values():
        proposed.update(set(record.proposed))
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


def page_url(page: str, **params: str) -> str:
    """Relative URL of an explorer page; the selection is in the query string."""
    from urllib.parse import urlencode

    return f"./{page}?{urlencode(params)}" if params else f"./{page}"


def entity_url(kind: str, name: str) -> str:
    """Where an entity (or a paper, by id) is shown: ``./method?method=KAN``, ``./entity?dataset=...``."""
    if kind == "method":
        return page_url("method", method=name)
    if kind == "paper":
        return page_url("paper", paper=name)
    return page_url("entity", **{kind: name})


def annotate_html(text: str, mentions: Iterable, claims: Iterable[Claim] = (), *, links: bool = False) -> str:
    """HTML of ``text`` with mentions as typed spans (links to their pages when ``links``)
    and claim sentences marked.

    Every piece of the input is made :func:`inert`, its line breaks ``<br>``: the only tags in the
    result are the ``<span>``/``<a>``/``<mark>``/``<br>`` built here, and it is one line, so titles
    and abstracts render as text, inside the HTML block they are put in.
    """
    mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
    kept, last_end = [], -1
    for mention in mentions:  # drop overlapping mentions, keep the earliest/longest
        if mention.start >= last_end and 0 <= mention.start < mention.end <= len(text):
            kept.append(mention)
            last_end = mention.end
    spans = [(c.start, c.end) for c in claims if 0 <= c.start < c.end <= len(text)]
    cuts = sorted({0, len(text), *(x for m in kept for x in (m.start, m.end)), *(x for s in spans for x in s)})
    out: list[str] = []
    in_claim: int | None = None  # which claim sentence the previous piece was in
    for a, b in pairwise(cuts):
        claimed = next((i for i, (s, e) in enumerate(spans) if s <= a and b <= e), None)
        if claimed != in_claim:  # adjacent sentences get marks of their own
            if in_claim is not None:
                out.append("</mark>")
            if claimed is not None:
                out.append('<mark class="kg-claim" title="claim sentence">')
            in_claim = claimed
        piece = "<br>".join(inert(line) for line in re.split(r"\r\n?|\n", text[a:b]))
        mention = next((m for m in kept if m.start <= a and b <= m.end), None)
        if mention is not None:
            tip = inert(f"{mention.label}: {mention.canonical}")
            css = f"kg-ent kg-{inert(mention.label)}"
            if links:
                href = html.escape(entity_url(mention.label, mention.canonical), quote=True)
                piece = f'<a class="{css}" href="{href}" target="_self" title="{tip}">{piece}</a>'
            else:
                piece = f'<span class="{css}" title="{tip}">{piece}</span>'
        out.append(piece)
    if in_claim is not None:
        out.append("</mark>")
    return "".join(out)


def paper_view(index: Index, paper_id: str) -> PaperView | None:
    record = index.records.get(paper_id)
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
    """The values each claims-browser filter can take."""
    options: dict[str, set[str]] = {"type": set(), "method": set(), "dataset": set(), "metric": set()}
    for row in index.claims:
        c = row.claim
        options["type"].add(c.type)
        options["method"].update(x for x in (c.subject, c.object) if x)
        options["dataset"].update(c.dataset)
        options["metric"].update(c.metric)
    return {k: sorted(v, key=str.lower) for k, v in options.items()}


def select_claims(index: Index, *, types: Iterable[str] = (), method: str = "", dataset: str = "",
                  metric: str = "", conflicts_only: bool = False) -> list[ClaimRow]:
    """Claims matching every given filter (empty = any); ``method`` matches subject or baseline."""
    types = set(types)
    return [
        row for row in index.claims
        if (not types or row.claim.type in types)
        and (not method or method in (row.claim.subject, row.claim.object))
        and (not dataset or dataset in row.claim.dataset)
        and (not metric or metric in row.claim.metric)
        and (not conflicts_only or row.key in index.contradicted)
    ]


def filter_claims(index: Index, **filters) -> pd.DataFrame:
    """:func:`select_claims` as a claims table."""
    return claims_frame(index, select_claims(index, **filters))


# ------------------------------------------------------------------ method / entity


@dataclass(frozen=True)
class EntityView:
    label: str
    name: str
    aliases: tuple[str, ...]
    papers: pd.DataFrame  # paper_id, paper_title, relation, published
    beats: pd.DataFrame  # claims where it is the subject
    beaten_by: pd.DataFrame  # claims where it is the baseline
    claims: pd.DataFrame  # every claim naming it (datasets, metrics, tasks; empty for methods)
    boards: list[Board]  # leaderboards of scores on it (datasets, metrics, tasks; none for methods)
    gains: pd.DataFrame  # gains over a baseline on it (:func:`gains_frame`; beside the boards)
    direction: str | None  # "higher" / "lower" is better (metrics, when kg.metrics knows)
    timeline: pd.DataFrame  # listing_date, papers
    related: list[tuple[str, str, int]]  # (other, label, shared papers)


def resolve_entity(index: Index, label: str | None, name: str) -> tuple[str, str] | None:
    """The (label, canonical) an URL parameter names: exact canonical, then alias, then normalised."""
    labels = [label] if label else list(ENTITY_LABELS)
    for lab in labels:
        if (lab, name) in index.entities:
            return lab, name
    wanted = normalise_name(name)
    for (lab, canonical), entity in index.entities.items():
        if lab in labels and any(normalise_name(a) == wanted for a in (canonical, *entity.aliases)):
            return lab, canonical
    return None


def entity_view(index: Index, label: str, name: str) -> EntityView | None:
    import pandas as pd

    resolved = resolve_entity(index, label, name)
    if resolved is None:
        return None
    label, name = resolved
    entity = index.entities[(label, name)]
    papers = []
    for pid in index.papers_of.get((label, name), ()):
        paper = index.records[pid].paper
        relation = "proposes" if name in index.records[pid].proposed else "mentions"
        papers.append({"paper_id": pid, "paper_title": paper.title, "relation": relation,
                       "published": paper.published or ""})
    papers_df = pd.DataFrame(papers, columns=["paper_id", "paper_title", "relation", "published"])
    if not papers_df.empty:
        papers_df = papers_df.sort_values(["relation", "published", "paper_title"], ascending=[False, False, True])
    rows = [r for r in index.claims if _claim_touches(r.claim, label, name)]
    frame = claims_frame(index, rows)
    if label == "method":
        beats = frame[frame["method"] == name].reset_index(drop=True)
        beaten = frame[frame["baseline"] == name].reset_index(drop=True)
        claims, board_list, gain_rows = frame.iloc[0:0], [], pd.DataFrame(columns=GAIN_COLUMNS)
    else:
        beats = beaten = frame.iloc[0:0]
        claims, board_list, gain_rows = frame, boards(index, **{label: name}), gains_frame(index, **{label: name})
    direction = metric_direction(name) if label == "metric" else None
    return EntityView(label, name, tuple(a for a in entity.aliases if a != name), papers_df.reset_index(drop=True),
                      beats, beaten, claims, board_list, gain_rows, direction, timeline(index, label, name),
                      related_entities(index, label, name))


def _claim_touches(claim: Claim, label: str, name: str) -> bool:
    if label == "method":
        return name in (claim.subject, claim.object)
    return name in getattr(claim, label)


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
    """The leaderboards on a dataset, metric and task (empty = any), the one with the most rows first."""
    from itertools import groupby

    rows = results.leaderboard(index.records.values(), dataset, metric, task)
    found = [Board(d, m, u or None, tuple(group))
             for (d, m, u), group in groupby(rows, key=lambda r: (r.dataset, r.metric, r.unit or ""))]
    return sorted(found, key=lambda board: -len(board.rows))


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


def gains_frame(index: Index, *, dataset: str = "", metric: str = "", task: str = "", method: str = "") -> pd.DataFrame:
    """:func:`kg.results.gains` (deltas, ratios, ranges over a baseline) as a table, never ranked."""
    import pandas as pd

    rows = results.gains(index.records.values(), dataset, metric, task, method)
    data = [{"method": r.method, "baseline": r.baseline or "", "kind": r.kind, "value": r.value,
             "metric": r.metric or "", "dataset": r.dataset or "", "paper_id": r.paper_id,
             "paper_title": r.paper_title, "sentence": r.sentence} for r in rows]
    return pd.DataFrame(data, columns=GAIN_COLUMNS)


SOTA_COLUMNS = ["date", "method", "number", "value", "best", "record", "paper_id", "paper_title"]


def sota_frame(index: Index, board: Board) -> pd.DataFrame:
    """:func:`kg.results.sota_over_time` of a board's dataset, metric and unit: every dated score in date
    order, ``record`` where it was the best so far, ``best`` the best so far on that date."""
    import pandas as pd

    data, best = [], None
    for step in results.sota_over_time(index.records.values(), board.dataset, board.metric, board.unit):
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
    return _most_first(Counter(name for pair in _method_pairs(index) for name in pair))


def opponents(index: Index, method: str) -> list[str]:
    """The methods a claim relates to ``method`` (either way), the most claims first."""
    return _most_first(Counter(b if a == method else a for a, b in _method_pairs(index) if method in (a, b)))


def compare_claims(index: Index, method_a: str, method_b: str) -> list[ClaimRow]:
    """Every claim relating two methods, both ways (:func:`kg.results.compare`)."""
    return [ClaimRow(record.paper, claim) for record, claim in results.compare(index.records.values(), method_a, method_b)]


def conflicts_of(index: Index, method: str = "") -> list[results.Conflict]:
    """The corpus's conflicts (:attr:`Index.conflicts`), those involving ``method`` when given."""
    return [c for c in index.conflicts if not method or method in (c.method_a, c.method_b)]


CONFLICT_KINDS = {"order": "Opposite orderings", "score": "Different scores"}


def conflict_heading(conflict: results.Conflict, *, links: bool = False) -> str:
    """One line: "Opposite orderings: AlphaNet vs BetaNet on ImageNet (top-1 accuracy)".

    With ``links``: inert HTML where every entity name links to its page, as :func:`claim_summary`."""
    def name(kind: str, text: str) -> str:
        return entity_anchor(kind, text) if links else text

    def plain(text: str) -> str:
        return inert(text) if links else text

    text = plain(f"{CONFLICT_KINDS.get(conflict.kind, conflict.kind)}: ") + name("method", conflict.method_a)
    if conflict.method_b != conflict.method_a:
        text += plain(" vs ") + name("method", conflict.method_b)
    if conflict.dataset:
        text += plain(" on ") + name("dataset", conflict.dataset)
    return text + (plain(" (") + name("metric", conflict.metric) + plain(")") if conflict.metric else "")


def _listing_dates(paper: Paper) -> list[str]:
    dates = sorted({s.listing_date for s in paper.sources if s.listing_date})
    return dates or ([paper.published] if paper.published else [])


def timeline(index: Index, label: str, name: str) -> pd.DataFrame:
    """Papers mentioning an entity per listing date (the paper's publication date when no listing date)."""
    import pandas as pd

    counts: Counter[str] = Counter()
    for pid in index.papers_of.get((label, name), ()):
        for date in _listing_dates(index.records[pid].paper):
            counts[date] += 1
    return pd.DataFrame(sorted(counts.items(), key=lambda item: _date_key(item[0])), columns=["listing_date", "papers"])


def _date_key(text: str) -> tuple[str, str]:
    """Sort key of a listing date ("Mar 14") or an ISO date, in calendar order."""
    import datetime

    for fmt in ("%Y-%m-%d", "%b %d", "%B %d"):
        try:
            return (datetime.datetime.strptime(text, fmt).strftime("%m-%d" if fmt != "%Y-%m-%d" else "%Y-%m-%d"), text)
        except ValueError:
            continue
    return ("~", text)


def related_entities(index: Index, label: str, name: str, n: int = 15) -> list[tuple[str, str, int]]:
    """Entities co-mentioned with this one, most shared papers first."""
    shared: Counter[tuple[str, str]] = Counter()
    for pid in index.papers_of.get((label, name), ()):
        record = index.records[pid]
        others = {(m.label, m.canonical) for m in record.mentions} | {("method", p) for p in record.proposed}
        others.discard((label, name))
        shared.update(others)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0][1].lower()))[:n]
    return [(other, lab, count) for (lab, other), count in ranked]


# ------------------------------------------------------------------ neighbourhood graph


def neighbourhood(index: Index, label: str, name: str, *, limit: int = 25) -> nx.MultiDiGraph:
    """A small graph around an entity: its papers, the methods it beats / is beaten by, co-mentions."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    centre = node_id(label, name)
    graph.add_node(centre, label=name, kind=label)
    for row in index.claims:
        c = row.claim
        if not _claim_touches(c, label, name) or not c.subject:
            continue
        if c.object and label == "method":
            a, b = node_id("method", c.subject), node_id("method", c.object)
            graph.add_node(a, label=c.subject, kind="method")
            graph.add_node(b, label=c.object, kind="method")
            graph.add_edge(a, b, relation=c.type, paper=row.paper.id, value=c.value or "")
        elif label != "method":
            m = node_id("method", c.subject)
            graph.add_node(m, label=c.subject, kind="method")
            graph.add_edge(m, centre, relation=c.type, paper=row.paper.id, value=c.value or "")
    for pid in sorted(index.papers_of.get((label, name), ()))[:limit]:
        paper = index.records[pid].paper
        p = node_id("paper", pid)
        graph.add_node(p, label=paper.title, kind="paper")
        relation = "proposes" if name in index.records[pid].proposed else "mentions"
        graph.add_edge(p, centre, relation=relation)
    for other, lab, count in related_entities(index, label, name, n=limit):
        if lab != "method":
            o = node_id(lab, other)
            graph.add_node(o, label=other, kind=lab)
            graph.add_edge(centre, o, relation="co-mentioned", papers=count)
    return graph


def node_id(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def iter_entity_names(index: Index, label: str) -> Iterator[str]:
    yield from sorted((name for lab, name in index.entities if lab == label), key=str.lower)


def title_key(title: str) -> str:
    """Normalised title, for comparing what a page shows with the record."""
    return normalise_title(title)


# ------------------------------------------------------------------ query console


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool
    seconds: float


def run_sparql(graph, text: str, params: dict[str, str], *, named: str | None = None, limit: int = 1000,
               timeout: float = 10.0) -> QueryResult:
    """A read-only SPARQL query on the store (or a :class:`kg.api.SparqlEndpoint`), bounded by its timeout and row limit.

    ``named``: run that named query with ``params``; else run ``text`` with each parameter
    bound to ``?param_<name>`` (the named queries' convention). Updates raise QueryError.
    """
    import time

    from .api import to_frame
    from .queries import PARAM_PREFIX

    started = time.perf_counter()
    if named:
        frame = graph.named(named, timeout=timeout, limit=limit, **params)
    else:
        bindings = {PARAM_PREFIX + k: v for k, v in params.items()}
        frame = to_frame(graph.query(text, bindings, timeout=timeout, limit=limit))
    return QueryResult(frame, bool(frame.attrs.get("truncated")), time.perf_counter() - started)


def example_queries() -> dict[str, object]:
    """The named SPARQL queries (``kg/ontology/queries/*.rq``) with their parsed headers, by name."""
    from .queries import load_named, named_queries

    return {name: load_named(name) for name in named_queries()}


def query_parameters(text: str) -> tuple[str, ...]:
    """Parameters an edited query takes: its ``?param_<name>`` variables, in order of appearance."""
    from .queries import PARAM_PREFIX

    seen: dict[str, None] = {}
    for name in re.findall(r"[?$]" + PARAM_PREFIX + r"([A-Za-z_]\w*)", text):
        seen.setdefault(name, None)
    return tuple(seen)


@dataclass
class CypherConsole:
    """A read-only Cypher connection (kg.cypher's guards: writes refused, read-only user, READ mode, rollback)."""

    driver: object
    database: str | None
    where: str
    probe: object = None

    def run(self, text: str, params: dict[str, str], *, limit: int = 1000, timeout: float = 10.0) -> QueryResult:
        import time

        from . import cypher

        started = time.perf_counter()
        result = cypher.run_cypher(self.driver, text, params, database=self.database, timeout_s=timeout, limit=limit,
                                   probe=self.probe)
        return QueryResult(result.to_dataframe(), result.truncated, time.perf_counter() - started)

    @staticmethod
    def examples() -> dict[str, tuple[str, dict[str, str | None]]]:
        """Named Cypher queries (``kg/ontology/queries/*.cypher``): text and parameters (None = required)."""
        from . import cypher

        return {name: cypher.named_query(name) for name in cypher.named_cypher_queries()}


def cypher_console() -> CypherConsole | None:
    """A Cypher console when the Neo4j integration is installed and a Bolt server answers, else None.

    The server: the rule of :func:`kg.bolt.connect` (``$NEO4J_URI`` as ``$NEO4J_USER`` with
    ``$NEO4J_PASSWORD``; give that user the ``reader`` role), else the local server of
    ``kg neo4j start``, as its read-only user.
    """
    connection = None
    try:
        from .bolt import connect

        connection = connect(read_only=True, timeout=3.0)
        connection.driver.verify_connectivity()
    except Exception:  # not installed, not configured, not running, no read-only user or refusing us: no Cypher tab
        if connection is not None:
            connection.driver.close()
        return None
    return CypherConsole(connection.driver, connection.database, connection.where, connection.probe)


# ------------------------------------------------------------------ export

EXPORT_FORMATS = ("gexf", "graphml", "ttl", "jsonld")


def neighbourhood_subgraph(graph, label: str, name: str, *, radius: int = 2):
    """The part of the store's networkx view within ``radius`` hops of an entity (either direction):
    its claims and papers, and what those claims and papers link to."""
    import networkx as nx

    from .ids import entity_iri

    full = graph.nx()
    centre = entity_iri(label, name)
    if centre not in full:
        raise KeyError(f"no {label} {name!r} in the graph")
    nodes = nx.ego_graph(full.to_undirected(as_view=True), centre, radius=radius).nodes
    return full.subgraph(nodes).copy()


def export_size(graph, centre: tuple[str, str] | None = None) -> tuple[int, int]:
    """Nodes and edges of what an export writes (networkx view of the whole graph or a neighbourhood)."""
    view = graph.nx() if centre is None else neighbourhood_subgraph(graph, *centre)
    return view.number_of_nodes(), view.number_of_edges()


def export_bytes(graph, fmt: str, *, centre: tuple[str, str] | None = None) -> bytes:
    """The whole graph (``centre=None``) or an entity's neighbourhood as gexf, graphml, ttl or jsonld,
    written by kg.export's writers (GEXF/GraphML valid against the official schemas)."""
    import tempfile

    from . import export as exporter

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
    with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
        out = Path(folder) / f"graph.{fmt}"
        if centre is None:
            exporter.export(graph, fmt, out)
        elif fmt in ("gexf", "graphml"):
            sub = neighbourhood_subgraph(graph, *centre)
            (exporter.write_gexf if fmt == "gexf" else exporter.write_graphml)(sub, out)
        else:
            _dump_triples_about(graph, set(neighbourhood_subgraph(graph, *centre).nodes), fmt, out)
        return out.read_bytes()


def _dump_triples_about(graph, subjects: set[str], fmt: str, out: Path) -> None:
    """Every triple whose subject is one of ``subjects`` (IRIs), serialised as ``fmt``."""
    import pyoxigraph as ox

    from .rdf import PREFIXES
    from .store import OxigraphBackend

    part = OxigraphBackend()
    part.add(ox.Triple(s, p, o) for s, p, o in graph.backend.triples()
             if isinstance(s, ox.NamedNode) and s.value in subjects)
    part.dump(out, fmt, PREFIXES)
