"""The explorer's search box: entities (by canonical name or alias) and papers (by title).

Text is compared by :func:`search_key` (the :class:`~kg.explore.index.Index` keys every name and
title with it once, when it is built) and ranked by :func:`_score`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..names import search_key

if TYPE_CHECKING:  # pragma: no cover
    from .index import Index

KINDS = ("method", "dataset", "task", "metric", "paper")


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    key: str  # paper id or canonical entity name
    title: str  # what to show
    matched: str  # the alias or title that matched
    score: float
    papers: int  # how many papers mention it (1 for a paper)


def _score(q: str, t: str) -> float:
    """How well search key ``q`` (the query's) matches search key ``t`` (0-100)."""
    from rapidfuzz import fuzz

    if not q or not t:
        return 0.0
    if q == t:
        return 100.0
    words = t.split()
    if t.startswith(q + " "):
        return 97.0
    if q in words:  # both are search keys: every word already singular
        return 95.0
    if len(q) >= 3 and q in t:
        return 90.0 - min(10.0, (len(t) - len(q)) / 10)
    if len(q) < 4:  # short queries: exact or substring only, fuzzy matches are noise
        return 0.0
    best = fuzz.ratio(q, t)
    if len(t) > len(q):
        best = max(best, fuzz.partial_ratio(q, t) - 5)
    return float(best)


def _candidates(keys: list[str], q: str, cutoff: float) -> list[int]:
    """Positions of the search keys that may score ``cutoff`` or more against ``q``, in order: those
    containing ``q`` (exact, prefix, word and substring matches) and those whose fuzzy ratio or partial
    ratio comes near the cutoff, both computed for every key at once by rapidfuzz; :func:`_score` then
    scores only these, so the hits are those of scoring every key."""
    if cutoff <= 5 or not q:
        return list(range(len(keys)))
    found = {i for i, t in enumerate(keys) if q in t}
    if len(q) >= 4 and keys:
        import numpy as np
        from rapidfuzz import fuzz, process

        ratio = process.cdist([q], keys, scorer=fuzz.ratio, dtype=np.float64, score_cutoff=cutoff - 1, workers=-1)[0]
        partial = process.cdist([q], keys, scorer=fuzz.partial_ratio, dtype=np.float64, score_cutoff=cutoff + 4,
                                workers=-1)[0]
        found.update(np.flatnonzero((ratio > 0) | (partial > 0)).tolist())
    return sorted(found)


def search(index: Index, query: str, *, limit: int = 10, cutoff: float = 80.0) -> dict[str, list[Hit]]:
    """Entities (by canonical name or any alias) and papers (by title) matching ``query``.

    Exact and substring matches rank first; typos are tolerated for queries of four
    characters or more. Results are grouped by kind, best first, at most ``limit`` per kind.
    """
    query = query.strip()
    best: dict[tuple[str, str], Hit] = {}
    if not query:
        return {}
    q = search_key(query)
    choices = index._choices
    keys = index.memo("search_keys", lambda: [c[3] for c in choices])
    for i in _candidates(keys, q, cutoff):
        text, kind, key, normalised = choices[i]
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
