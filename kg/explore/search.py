"""The explorer's search box: entities (by canonical name or alias) and papers (by title).

Text is compared by :func:`search_key` (the :class:`~kg.explore.index.Index` keys every name and
title with it once, when it is built) and ranked by :func:`_score`.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
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
    if not q or not t:
        return 0.0
    if q == t:
        return 100.0
    if q in t:  # what the three checks below need; most candidates are substring matches
        if t.startswith(q + " "):
            return 97.0
        if q in t.split():  # both are search keys: every word already singular
            return 95.0
        if len(q) >= 3:
            return 90.0 - min(10.0, (len(t) - len(q)) / 10)
    if len(q) < 4:  # short queries: exact or substring only, fuzzy matches are noise
        return 0.0
    from rapidfuzz import fuzz

    best = fuzz.ratio(q, t)
    if len(t) > len(q):
        best = max(best, fuzz.partial_ratio(q, t) - 5)
    return float(best)


def _by_length(index: Index):
    """The search keys of ``index._choices`` sorted by length (a list), their positions in the choices and their
    lengths (numpy arrays), made once per index: the keys a fuzzy scorer must see lie in one slice of them."""
    def make():
        import numpy as np

        keys = [c[3] for c in index._choices]
        lengths = np.fromiter(map(len, keys), dtype=np.int32, count=len(keys))
        order = np.argsort(lengths, kind="stable").astype(np.int32)
        return [keys[i] for i in order.tolist()], order, lengths[order]

    return index.memo("search_keys_by_length", make)


def _candidates(index: Index, q: str, cutoff: float) -> list[int]:
    """Positions in ``index._choices`` of the search keys that may score ``cutoff`` or more against ``q``, in
    order: those containing ``q`` (exact, prefix, word and substring matches) and those whose fuzzy ratio or
    partial ratio comes near the cutoff, computed by rapidfuzz for all the keys that can reach it at once;
    :func:`_score` then scores only these, so the hits are those of scoring every key.

    Only keys of about ``q``'s length can reach the ratio's cutoff (``ratio <= 200 * shorter / (len(q) +
    len(t))``), and :func:`_score` uses the partial ratio only for keys longer than ``q`` (for the others
    it is the ratio or less): each scorer runs on the slice of the keys, sorted by length, it can matter for."""
    if cutoff <= 5 or not q:
        return list(range(len(index._choices)))
    import numpy as np

    keys, order, lengths = _by_length(index)
    found = [i for i, t in enumerate(keys) if q in t]
    if len(q) >= 4 and keys:
        from rapidfuzz import fuzz, process

        n, low = len(q), (cutoff - 1) / 100
        # ratio(q, t) >= low needs 2 * min(n, m) / (n + m) >= low: m within [n * low / (2 - low), n * (2 - low) / low]
        first = int(np.searchsorted(lengths, int(n * low / (2 - low)), side="left"))
        last = int(np.searchsorted(lengths, int(n * (2 - low) / low) + 1, side="right"))
        ratio = process.cdist([q], keys[first:last], scorer=fuzz.ratio, dtype=np.float64, score_cutoff=cutoff - 1,
                              workers=-1)[0]
        longer = int(np.searchsorted(lengths, n, side="right"))
        partial = process.cdist([q], keys[longer:], scorer=fuzz.partial_ratio, dtype=np.float64,
                                score_cutoff=cutoff + 4, workers=-1)[0]
        found.extend((np.flatnonzero(ratio > 0) + first).tolist())
        found.extend((np.flatnonzero(partial > 0) + longer).tolist())
    return sorted(set(order[found].tolist()))


def search(index: Index, query: str, *, limit: int = 10, cutoff: float = 80.0) -> dict[str, list[Hit]]:
    """Entities (by canonical name or any alias) and papers (by title) matching ``query``.

    Exact and substring matches rank first; typos are tolerated for queries of four
    characters or more. Results are grouped by kind, best first, at most ``limit`` per kind.
    """
    query = query.strip()
    if not query:
        return {}
    q = search_key(query)
    found = index.recent(("search", q, limit, cutoff), lambda: _search(index, q, limit, cutoff))  # a page reruns
    return {kind: list(hits) for kind, hits in found.items()}


def _search(index: Index, q: str, limit: int, cutoff: float) -> dict[str, list[Hit]]:
    choices = index._choices
    best: dict[tuple[str, str], tuple[float, str]] = {}  # (kind, key) -> (score, the text that matched)
    for i in _candidates(index, q, cutoff):
        text, kind, key, normalised = choices[i]
        score = _score(q, normalised)
        if score < cutoff:
            continue
        previous = best.get((kind, key))
        if previous is None or score > previous[0] or (score == previous[0] and text == key):
            best[(kind, key)] = (score, text)
    found: dict[str, list[tuple[float, int, str, str, str]]] = defaultdict(list)  # (score, papers, title, key, text)
    for (kind, key), (score, text) in best.items():
        if kind == "paper":
            found[kind].append((score, 1, text, key, text))
        else:
            found[kind].append((score, len(index.papers_of.get((kind, key), ())), key, key, text))
    grouped: dict[str, list[Hit]] = {}
    for kind in KINDS:
        if found.get(kind):  # best first: as sorted(...)[:limit], without sorting them all
            top = heapq.nsmallest(limit, found[kind], key=lambda h: (-h[0], -h[1], h[2]))
            grouped[kind] = [Hit(kind, key, title, text, score, papers) for score, papers, title, key, text in top]
    return grouped
