"""Candidate subjects of one claim sentence and what is known about each: the features the trained
subject decision (:mod:`kg.extract.learn.subjects`) weighs.

The candidates of a claim are every method named in its sentence, every proposed method of the paper
the sentence does not name ('our approach', 'it', 'we show that ...') and *none*. The decision
replaces the hand-written cascade of :func:`kg.extract.claims.build_claim` (whose choice, given as a
feature, made it no better: CV subject 0.631 with it, 0.642 without). Plain functions, no spaCy objects.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..names import name_key
from .claims import _COMPARE_AT, _SELF_SUBJECT, Sentence
from .entities import GENERIC_METHOD_HEADS, is_evaluative
from .proposals import linear_score

_WE = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)
_THIS = re.compile(r"\b(?:the proposed|this (?:\w+[- ]){0,2}(?:method|approach|model|framework|algorithm|technique|"
                   r"network|architecture|system|work|paper))\b", re.IGNORECASE)
_IT = re.compile(r"\b(?:it|its|which|ours)\b", re.IGNORECASE)
_WE_SHOW = re.compile(r"\bwe\s+(?:\w+ly\s+)?(?:show|find|found|demonstrate|prove|observe|establish|obtain|"
                      r"achieve|derive|report|verify|confirm)\b", re.IGNORECASE)
_BEFORE = {
    "our": r"our|ours|the proposed|this|these|a novel|a new|proposed",
    "example": r"such as|including|e\.g\.,?|like|namely|i\.e\.,?",
    "based": r"using|uses?|with|based on|built (?:up)?on|via|by|through|of|into|to|from|for|in",
    "prior": r"existing|previous|prior|standard|conventional|traditional|popular|classic\w*|state-of-the-art|"
             r"vanilla|original|common|widely[- ]used|baseline|strong",
    "compared": r"outperform\w*|surpass\w*|beat\w*|exceed\w*|than|compared (?:to|with)|against|over|versus|vs\.?|"
                r"relative to|improv\w+ (?:up)?on",
}
_BEFORE_RES = {name: re.compile(rf"\b(?:{words})\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE) for name, words in _BEFORE.items()}
_OUR_METHOD = re.compile(r"\b(?:our (?:[\w-]+ ){0,3}(?:method|approach|model|framework|algorithm|technique|network|"
                         r"architecture|system|scheme|procedure|estimator|layer|module|loss)s?|the proposed|ours|"
                         r"this (?:method|approach|model|framework|algorithm|technique))\b", re.IGNORECASE)
_FINDING = re.compile(r"\b(?:we|our (?:\w+ )?(?:analysis|experiments|results|findings))\s+(?:\w+ly\s+)?"
                      r"(?:find|found|observe|show|reveal|demonstrate|identify|discover|suggest)\w*\s+that\b", re.IGNORECASE)
_RESULTS = re.compile(r"\b(?:results|experiments|evaluations?|simulations?)\b", re.IGNORECASE)
_THEN_VERB = re.compile(r"^\s*(?:\([^)]{1,30}\)\s*)?,?\s*(?:\w+ly\s+)?(?:can\s+|could\s+|also\s+|further\s+|still\s+)?"
                        r"(?:achiev|outperform|improv|reduc|yield|obtain|attain|surpass|exceed|show|perform|provid|lead|"
                        r"result|enabl|boost|deliver|match|requir|converg|generaliz|learn|is\b|are\b|has\b|have\b)",
                        re.IGNORECASE)
_THAT_COMMA = re.compile(r"\b(?:that|,)\s*$")
# what a paper calls a method of its own ('the Turbo-VBI algorithm', 'a framework called X') and what a claim calls
# the one it speaks of ('our proposed algorithm', 'the proposed forward graph learning framework')
_ROLES = r"(?:method|approach|model|framework|algorithm|technique|network|architecture|system|scheme|procedure|" \
         r"estimator|layer|module|loss|policy|strategy|mechanism|operator|prior|regularizer|kernel|optimizer)"
_ROLE_AFTER = re.compile(rf"^\s*(?:\([^)]{{1,30}}\)\s*)?(?:[\w-]+\s+)?({_ROLES})s?\b", re.IGNORECASE)
_ROLE_BEFORE = re.compile(rf"\b({_ROLES})s?\s*(?:,\s*)?(?:called|named|dubbed|termed|coined)?\s*,?\s*$", re.IGNORECASE)
_OWN_ROLE = re.compile(rf"\b(?:our|the proposed|proposed|this|these)\s+(?:[\w-]+\s+){{0,3}}?({_ROLES})s?\b",
                       re.IGNORECASE)
# what the proposed decision knew of a name that also tells which proposed method results are about
PROPOSAL_FEATURES = ("contribution", "title_whole", "title_start", "title_name", "title_head", "title_via", "early",
                     "naming", "pair", "pair_short", "our", "propose_sentence", "known", "title_phrase", "descriptive",
                     "shaped", "lower")


@dataclass(frozen=True)
class SubjectCandidate:
    text: str | None  # the name as written (None: no subject)
    kind: str  # "mention", "absent" (a proposed method the sentence does not name) or "none"
    keys: frozenset[str]  # name keys that stand for it (with its acronym partner)
    features: dict[str, float]


@dataclass(frozen=True)
class PaperNames:
    """What the paper as a whole says about its methods."""

    counts: dict[str, int]  # name key -> method mentions of the paper (a name and its acronym partner pooled)
    title: frozenset[str]  # name keys of the methods in the title
    partners: dict[str, str]  # name key -> its acronym partner's
    proposed: tuple[tuple[str, frozenset[str]], ...]  # (first written form, keys) of each proposed method
    probability: dict[str, float]  # name key -> the proposed decision's probability (empty: the rules decided)
    described: dict[str, dict[str, float]]  # name key -> what the proposed decision knew of it (PROPOSAL_FEATURES)
    roles: dict[str, frozenset[str]]  # name key -> the role words written with its mentions ('algorithm', 'framework');
    # read over a candidate's keys, which hold its acronym partner's


def paper_names(text: str, cut: int, mentions: list[tuple], pairs: list[tuple[int, int, int, int]],
                proposed: list[tuple[int, int]], probability: dict[str, float] | None = None,
                proposal_features: dict[str, dict[str, float]] | None = None) -> PaperNames:
    """``mentions``: (start, end, label, source) doc offsets; ``proposed``: the chosen (start, end) spans,
    most probable first; ``probability``: the proposed decision's, by name key; ``proposal_features``:
    the features of its candidates (:mod:`kg.extract.proposals`), by name key."""
    partners: dict[str, str] = {}
    for ls, le, ss, se in pairs:
        a, b = name_key(text[ls:le]), name_key(text[ss:se])
        if a and b and a != b:
            partners[a], partners[b] = b, a
    counts: dict[str, int] = {}
    title = set()
    roles: dict[str, set[str]] = {}
    for m in mentions:
        if m[2] != "method":
            continue
        key = name_key(text[m[0]:m[1]])
        counts[key] = counts.get(key, 0) + 1
        if m[0] < cut:
            title.add(key)
        if written := _role_words(text, m):
            roles.setdefault(key, set()).update(written)
    pooled = {key: n + (counts.get(partners[key], 0) if key in partners else 0) for key, n in counts.items()}
    groups: list[tuple[str, frozenset[str]]] = []
    seen: set[str] = set()
    for start, end in proposed:
        key = name_key(text[start:end])
        if not key or key in seen:
            continue
        keys = _with_partner(key, partners)
        seen |= keys
        groups.append((text[start:end], keys))
    probability = probability or {}
    pooled_probability = {}
    for key, p in probability.items():
        for k in (key, partners.get(key)):
            if k:
                pooled_probability[k] = max(p, pooled_probability.get(k, 0.0))
    described = {key: {k: f.get(k, 0.0) for k in PROPOSAL_FEATURES} for key, f in (proposal_features or {}).items()}
    return PaperNames(pooled, frozenset(title | {partners[k] for k in title if k in partners}), partners, tuple(groups),
                      pooled_probability, described, {key: frozenset(words) for key, words in roles.items()})


def _role_words(text: str, mention: tuple) -> set[str]:
    """The role words written right after or before one mention ('Turbo-VBI algorithm', 'a framework called X')."""
    found = (_ROLE_AFTER.match(text[mention[1]:mention[1] + 60]), _ROLE_BEFORE.search(text[max(0, mention[0] - 40):mention[0]]))
    return {match.group(1).lower() for match in found if match}


def subject_candidates(sentence: Sentence, kind: str, cue_at: int, mentions: list[tuple[int, int, str, str]],
                       names: PaperNames) -> list[SubjectCandidate]:
    """The candidates of one claim. ``mentions``: (start, end, label, text) inside the sentence (doc
    offsets); ``cue_at``: the claim cue's offset in the sentence."""
    text = sentence.text
    methods = [m for m in mentions if m[2] == "method" and not is_evaluative(m[3])]
    compare = _COMPARE_AT.search(text)
    limit = compare.start() if compare else cue_at
    proposed_keys = {k for _t, keys in names.proposed for k in keys}
    main = _main_proposed(names)
    lead = text[:limit]
    shared = {
        "we": bool(_WE.search(lead)), "this": bool(_THIS.search(lead)), "it": bool(_IT.search(lead)),
        "self": bool(_SELF_SUBJECT.search(text)), "we_show": bool(_WE_SHOW.search(text)),
        "compare": compare is not None,
        "our_method": bool(_OUR_METHOD.search(text)), "finding": bool(_FINDING.search(text)),
        "results": bool(_RESULTS.search(text)), "proposed_word": "propos" in text.lower(),
        "no_method": not methods,
        "n_proposed1": len(names.proposed) == 1, "n_proposed2": len(names.proposed) >= 2,
    }
    before = [m for m in methods if m[0] - sentence.start < limit]
    own_roles = {match.group(1).lower() for match in _OWN_ROLE.finditer(text)}
    first_key = name_key(methods[0][3]) if methods else None
    out: list[SubjectCandidate] = []
    seen: set[str] = set()
    for index, m in enumerate(methods):
        key = name_key(m[3])
        if not key or key in seen:
            continue
        keys = _with_partner(key, names.partners)
        seen |= keys
        at = m[0] - sentence.start
        window = text[max(0, at - 40):at]
        own = bool(keys & proposed_keys)
        count = names.counts.get(key, 1)
        words = m[3].split()
        f = {
            "proposed": own,
            "probability": max((names.probability.get(k, 0.0) for k in keys), default=0.0),
            **_described(names, keys),
            "main": own and main is not None and bool(keys & main),
            "before": at < limit,
            "after_compare": compare is not None and at >= compare.start(),
            "first": key == first_key,
            "last_before": bool(before) and m is before[-1],
            "start": not text[:at].strip() or len(text[:at].split()) <= 2,
            "that_comma": bool(_THAT_COMMA.search(text[:at])),
            "then_verb": bool(_THEN_VERB.match(text[m[1] - sentence.start:])),
            "near_limit": 0 <= limit - (m[1] - sentence.start) <= 25,
            "title": bool(keys & names.title),
            "log_count": math.log1p(count),
            "count1": count == 1,
            "most_named": count >= max(names.counts.values(), default=0),
            "generic_head": bool(words) and words[-1].lower() in GENERIC_METHOD_HEADS,
            "words1": len(words) == 1,
            "index0": index == 0,
            **{f"w_{name}": bool(p.search(window)) for name, p in _BEFORE_RES.items()},
        }
        f.update({f"{k}_x_before": v and f["before"] for k, v in shared.items() if k in ("we", "this", "it", "self")})
        out.append(SubjectCandidate(m[3], "mention", keys, _prefixed("m", f, kind, shared)))
    for written, keys in names.proposed:
        if keys & seen:
            continue
        count = max((names.counts.get(k, 0) for k in keys), default=0)
        probability = max((names.probability.get(k, 0.0) for k in keys), default=0.0)
        f = {
            "main": main is not None and keys == main,
            "probability": probability,
            "most_probable": bool(names.probability) and bool(names.proposed) and names.proposed[0][1] == keys,
            **_described(names, keys),
            "title": bool(keys & names.title),
            "log_count": math.log1p(count),
            "other_own": bool(seen & proposed_keys),
            "methods_before": bool(before),
            **_role_features(own_roles, keys, names),
        }
        out.append(SubjectCandidate(written, "absent", keys, _prefixed("a", f, kind, shared)))
    f = {"paper_has_proposed": bool(names.proposed), "methods_before": bool(before)}
    out.append(SubjectCandidate(None, "none", frozenset(), _prefixed("n", f, kind, shared)))
    return out


def _role_features(own_roles: set[str], keys: frozenset[str], names: PaperNames) -> dict[str, bool]:
    """Whether the role word of the sentence's 'our algorithm' is (or is not) one the paper writes with the name."""
    roles = set().union(*(names.roles.get(k, frozenset()) for k in keys))
    return {"role_match": bool(own_roles & roles), "role_other": bool(own_roles) and bool(roles) and not own_roles & roles}


def _with_partner(key: str, partners: dict[str, str]) -> frozenset[str]:
    """A name key with its acronym partner's, when it has one."""
    return frozenset((key, partners[key])) if key in partners else frozenset((key,))


def _described(names: PaperNames, keys: frozenset[str]) -> dict[str, float]:
    out = dict.fromkeys((f"p_{k}" for k in PROPOSAL_FEATURES), 0.0)
    for key in keys:
        for k, v in names.described.get(key, {}).items():
            out[f"p_{k}"] = max(out[f"p_{k}"], v)
    return out


def _main_proposed(names: PaperNames) -> frozenset[str] | None:
    """The proposed method the paper names most often (the first of ties)."""
    best, most = None, -1
    for _written, keys in names.proposed:
        count = max((names.counts.get(k, 0) for k in keys), default=0)
        if count > most:
            best, most = keys, count
    return best


def _prefixed(prefix: str, own: dict, kind: str, shared: dict) -> dict[str, float]:
    """The candidate's own features and, crossed with its kind, the sentence's (a linear model
    weighs 'we' before the cue differently for a named method, an unnamed proposed one and none)."""
    out = {f"{prefix}:{k}": float(v) for k, v in own.items()}
    out.update({f"{prefix}:s_{k}": float(v) for k, v in shared.items()})
    out[f"{prefix}:type_{kind}"] = 1.0
    out[f"{prefix}:bias"] = 1.0
    return out


def choose(candidates: list[SubjectCandidate], model: dict) -> SubjectCandidate:
    """The best scored candidate (the first of ties: named methods before unnamed ones, then none)."""
    return max(candidates, key=lambda c: linear_score(c.features, model))
