"""Candidate proposed methods of one paper and what is known about each: the features the trained
proposed-method decision (:mod:`kg.extract.learn.proposed`) weighs.

Plain functions over the document text, its mentions and sentences; no spaCy objects.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..names import name_key
from .claims import Sentence, is_contribution
from .entities import GENERIC_METHOD_HEADS, is_name_shaped
from .gazetteer import lookup

_OUR_BEFORE = re.compile(r"\b(?:our|ours|the proposed|this|a novel|a new|we call|we name|we dub|termed|"
                         r"called|dubbed|named)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_PROPOSE_VERB = re.compile(r"\b(?:propos\w*|introduc\w*|present\w*|develop\w*|design\w*)\b", re.IGNORECASE)
# what the words just before a mention (in its sentence) say about the method named
_BEFORE = {
    "compared": r"outperform\w*|surpass\w*|beat\w*|exceed\w*|than|compared (?:to|with)|against|over|versus|vs\.?|relative to|improv\w+ (?:up)?on",
    "example": r"such as|including|e\.g\.,?|like|namely",
    "based": r"using|uses?|based on|built (?:up)?on|extend\w*|follow\w*|inspired by|adopt\w*|leverag\w*|apply\w*|to",
    "prior": r"existing|previous|prior|standard|conventional|traditional|popular|classic\w*|state-of-the-art|vanilla|original|common|widely[- ]used",
    "new": r"new|novel|proposed|our|ours|simple|minimalist|called|named|dubbed|termed|coined",
}
_BEFORE_RES = {name: re.compile(rf"\b(?:{words})\s+(?:[\w-]+\s+){{0,3}}$", re.IGNORECASE) for name, words in _BEFORE.items()}
_TITLE_VIA = re.compile(r"\b(?:via|with|using|through|by|and)\s", re.IGNORECASE)
_TITLE_FOR = re.compile(r"\b(?:for|of|in|on|to|from|under|beyond|towards?|into|at)\s", re.IGNORECASE)


@dataclass(frozen=True)
class ProposalCandidate:
    start: int  # the first mention of the name (doc offsets)
    end: int
    key: str
    features: dict[str, float]


def proposal_candidates(text: str, cut: int, mentions: list[tuple], pairs: list[tuple[int, int, int, int]],
                        regions: list[tuple[int, int, bool]], rule_proposed: list[tuple[int, int]],
                        sentences: Sequence[Sentence], title_named: tuple[int, int] | None) -> list[ProposalCandidate]:
    """One candidate per distinct method name (mentions are (start, end, label, source) tuples)."""
    by_key: dict[str, list[tuple]] = {}
    for m in sorted(mentions):
        if m[2] == "method":
            by_key.setdefault(name_key(text[m[0]:m[1]]), []).append(m)
    if not by_key:
        return []
    rule_keys = {name_key(text[s:e]) for s, e in rule_proposed}
    partners: dict[str, str] = {}
    short_keys = set()
    for ls, le, ss, se in pairs:
        a, b = name_key(text[ls:le]), name_key(text[ss:se])
        partners[a], partners[b] = b, a
        short_keys.add(b)
    methods = sorted(m for m in mentions if m[2] == "method")
    first_in_region = set()
    for start, end, _naming in regions:
        inside = [m for m in methods if start <= m[0] < end + 1]
        if inside:
            first_in_region.add(name_key(text[inside[0][0]:inside[0][1]]))
    in_title = {key for key, occ in by_key.items() if any(m[0] < cut for m in occ)}
    contribution = [s for s in sentences if is_contribution(s.text)]
    length = max(len(text) - cut, 1)
    title_from, title_to = len(text[:cut]) - len(text[:cut].lstrip()), len(text[:cut].rstrip())
    out = []
    for key, occ in by_key.items():
        name = text[occ[0][0]:occ[0][1]]
        words = name.split()
        in_abstract = [m for m in occ if m[0] >= cut]
        first = (in_abstract[0][0] - cut) / length if in_abstract else 1.0
        partner = partners.get(key)
        f = {
            "rule": key in rule_keys,
            "title": key in in_title or partner in in_title,
            "title_whole": any(m[0] <= title_from and m[1] >= title_to for m in occ),  # 'Monotone deep Boltzmann machines'
            "title_start": any(m[0] <= title_from for m in occ),
            "title_name": bool(title_named) and any(m[0] < title_named[1] and title_named[0] < m[1] for m in occ),
            "region": any(s <= m[0] < e + 1 and not n for m in occ for s, e, n in regions),
            "naming": any(s <= m[0] < e + 1 and n for m in occ for s, e, n in regions),
            "region_first": key in first_in_region,
            "pair": partner is not None,
            "pair_short": key in short_keys,
            "shaped": any(is_name_shaped(w.strip("()")) for w in words),
            "lower": name.islower(),
            "count1": len(occ) == 1, "count2": len(occ) == 2, "count3": len(occ) >= 3,
            "log_count": math.log1p(len(occ)),
            "first_pos": first,
            "early": first < 0.3,
            "our": any(_OUR_BEFORE.search(text[max(0, m[0] - 40):m[0]]) for m in occ),
            "contribution": any(s.start <= m[0] < s.end for m in occ for s in contribution),
            "propose_sentence": any(s.start <= m[0] < s.end and _PROPOSE_VERB.search(s.text) for m in occ for s in sentences),
            "known": lookup(name) == "method",
            "words1": len(words) == 1, "words2": len(words) == 2, "words3": len(words) >= 3,
            "generic_head": bool(words) and words[-1].lower().rstrip("s") in GENERIC_METHOD_HEADS,
            "descriptive": any(m[3] == "proposed" for m in occ),
            "title_phrase": any(m[3] == "title_phrase" for m in occ),
            "contribution_phrase": any(m[3] == "contribution_phrase" for m in occ),
            "title_segment": any(m[3] == "title_segment" for m in occ),
            "retyped": any(m[3] == "retyped" for m in occ),
            "in_abstract": float(name.lower() in text[cut:].lower()),
            "title_cased": float(len(words) > 1 and all(w[:1].isupper() for w in words)),
            **_context_features(text, cut, occ, sentences),
        }
        out.append(ProposalCandidate(occ[0][0], occ[0][1], key, {k: float(v) for k, v in f.items()}))
    return out


def linear_score(features: dict[str, float], model: dict) -> float:
    """The linear part of a logistic-regression model stored as {"weights": {feature: w}, "bias": b}."""
    return model["bias"] + sum(model["weights"].get(k, 0.0) * v for k, v in features.items())


def score(features: dict[str, float], model: dict) -> float:
    """Probability of a logistic-regression model stored as {"weights": {feature: w}, "bias": b}."""
    return sigmoid(linear_score(features, model))


CONTEXT_LOGIT_BOUND = 9.2  # log(0.9999 / 0.0001): the probe's probability kept within [1e-4, 1 - 1e-4]


def context_logit(probe: dict, vector) -> float:
    """The log-odds that a name is proposed by the context probe of ``proposed.json`` (a logistic
    regression over the encoder's mean state of the name's occurrences, see
    :mod:`kg.extract.learn.proposed`): the proposed decision's feature ``context``."""
    z = probe["bias"] + (sum(w * float(x) for w, x in zip(probe["weights"], vector)) if vector is not None else 0.0)
    return max(min(z, CONTEXT_LOGIT_BOUND), -CONTEXT_LOGIT_BOUND)


def sigmoid(z: float) -> float:
    """The logistic function, clamped so that no score overflows ``math.exp``."""
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _context_features(text: str, cut: int, occ: list[tuple], sentences: list[Sentence]) -> dict[str, bool]:
    """What the words before each mention say (a compared baseline, an example, a base, a prior
    method, a new one) and where the name sits in the title: the head ('A Primal-Dual Method'),
    after 'via / with' (the means: often the proposal) or after 'for / of / on' (the target)."""
    found = dict.fromkeys([f"before_{name}" for name in _BEFORE] + ["title_head", "title_via", "title_for"], False)
    starts = [s.start for s in sentences]
    for m in occ:
        if m[0] < cut:
            lead = text[:m[0]].split(":")[-1]
            via, target = _last(_TITLE_VIA, lead), _last(_TITLE_FOR, lead)
            key = "title_head" if via < 0 and target < 0 else ("title_via" if via > target else "title_for")
            found[key] = True
            continue
        index = bisect_right(starts, m[0]) - 1
        begin = sentences[index].start if index >= 0 else cut
        window = text[max(begin, m[0] - 80):m[0]]
        for name, pattern in _BEFORE_RES.items():
            found[f"before_{name}"] |= bool(pattern.search(window))
    return found


def _last(pattern: re.Pattern, text: str) -> int:
    positions = [m.start() for m in pattern.finditer(text)]
    return positions[-1] if positions else -1
