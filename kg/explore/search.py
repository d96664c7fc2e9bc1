"""The explorer's search box: entities (by canonical name or alias) and papers (by title).

Text is compared by :func:`search_key` (the :class:`~kg.explore.index.Index` keys every name and
title with it once, when it is built) and ranked by :func:`_score`.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


SEPARATOR = "\x00"  # between the search keys of one text (:func:`_by_length`); no key or query holds it


def _by_length(index: Index) -> dict[str, tuple[list[str], Any, Any, str, Any]]:
    """The search keys of ``index._choices``, entities' and papers' apart, each sorted by length (a list),
    with their positions in the choices and their lengths (numpy arrays), and all of them in one text (with
    where each starts), made once per index (about 14 MB at 100,000 papers): the keys a fuzzy scorer must see
    lie in one slice of them, and those containing the query are found by scanning the text once."""
    def make():
        import numpy as np

        groups = {}
        for group in ("entities", "papers"):
            positions = [i for i, c in enumerate(index._choices) if (c[1] == "paper") == (group == "papers")]
            keys = [index._choices[i][3] for i in positions]
            lengths = np.fromiter(map(len, keys), dtype=np.int32, count=len(keys))
            order = np.argsort(lengths, kind="stable")
            keys = [keys[i] for i in order.tolist()]
            lengths = lengths[order]
            starts = np.zeros(len(keys), dtype=np.int64)
            np.cumsum(lengths[:-1] + 1, out=starts[1:])
            groups[group] = (keys, np.asarray(positions, dtype=np.int32)[order], lengths, SEPARATOR.join(keys), starts)
        return groups

    return index.memo("search_keys_by_length", make)


FUZZY_BELOW = 95.0  # what a match that is not exact, a prefix or a whole word scores at most (:func:`_score`)


def _candidates(index: Index, q: str, cutoff: float, limit: int | None = None) -> list[int]:
    """Positions in ``index._choices`` of the search keys that may score ``cutoff`` or more against ``q``, in
    order: those containing ``q`` (exact, prefix, word and substring matches) and those whose fuzzy ratio or
    partial ratio comes near the cutoff, computed by rapidfuzz for all the keys that can reach it at once;
    :func:`_score` then scores only these, so the hits are those of scoring every key.

    Only keys of about ``q``'s length can reach the ratio's cutoff (``ratio <= 200 * shorter / (len(q) +
    len(t))``), and :func:`_score` uses the partial ratio only for keys longer than ``q`` (for the others
    it is the ratio or less): each scorer runs on the slice of the keys, sorted by length, it can matter for.
    A key that does not contain ``q`` scores less than :data:`FUZZY_BELOW` by its partial ratio, so when
    ``limit`` titles already score that much (exact, prefix or whole-word matches), no title found only by
    its partial ratio can be among the first ``limit`` papers: the partial ratio of titles is not computed."""
    if cutoff <= 5 or not q:
        return list(range(len(index._choices)))
    import numpy as np

    found: list[int] = []
    for group, (keys, positions, lengths, text, starts) in _by_length(index).items():
        local = _containing(text, starts, q) if SEPARATOR not in q else [i for i, t in enumerate(keys) if q in t]
        if len(q) >= 4 and keys:
            from rapidfuzz import fuzz, process

            n, low = len(q), (cutoff - 1) / 100
            # ratio(q, t) >= low needs 2 * min(n, m) / (n + m) >= low: m in [n * low / (2 - low), n * (2 - low) / low]
            first = int(np.searchsorted(lengths, int(n * low / (2 - low)), side="left"))
            last = int(np.searchsorted(lengths, int(n * (2 - low) / low) + 1, side="right"))
            ratio = process.cdist([q], keys[first:last], scorer=fuzz.ratio, dtype=np.float64, score_cutoff=cutoff - 1,
                                  workers=-1)[0]
            sure = limit is not None and group == "papers" and _at_least(limit, (_score(q, keys[i]) >= FUZZY_BELOW
                                                                                 for i in local))
            if not sure:
                longer = int(np.searchsorted(lengths, n, side="right"))
                partial = process.cdist([q], keys[longer:], scorer=fuzz.partial_ratio, dtype=np.float64,
                                        score_cutoff=cutoff + 4, workers=-1)[0]
                local.extend((np.flatnonzero(partial > 0) + longer).tolist())
            local.extend((np.flatnonzero(ratio > 0) + first).tolist())
        if local:
            found.extend(positions[local].tolist())
    return sorted(set(found))


def _containing(text: str, starts: Any, q: str) -> list[int]:
    """Positions of the keys joined in ``text`` (each beginning at ``starts``) that contain ``q``, in order:
    ``str.find`` scans the text, skipping to the next key after each match."""
    import numpy as np

    found, at = [], text.find(q)
    while at != -1:
        found.append(at)
        end = text.find(SEPARATOR, at + len(q))
        if end == -1:
            break
        at = text.find(q, end + 1)
    return (np.searchsorted(starts, found, side="right") - 1).tolist() if found else []


def _at_least(n: int, flags: Iterable[bool]) -> bool:
    """Whether ``n`` or more of ``flags`` are true (stops counting there)."""
    count = 0
    for flag in flags:
        count += flag
        if count >= n:
            return True
    return False


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
    for i in _candidates(index, q, cutoff, limit):
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
