"""The ``kg_proposals`` component: which methods a paper proposes.

The rules find proposals in the title and in contribution sentences ('we propose X'); with the trained
proposed decision (``proposed.json``) every candidate method is scored instead, the rules' pick one
feature among others (:mod:`kg.extract.proposals`). The component reads ``mentions`` and ``pairs`` of
``doc._.kg`` and writes ``proposed`` [(start, end)] and ``mentions`` again (a chosen phrase becomes a
method mention), plus, for the claims component after it, the decision's probabilities and candidate
features by name key (``_proposal_probability``, ``_proposal_features``). The algorithm is the plain
functions below; the component only holds the trained weights.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from ..names import name_key
from . import claims as claim_rules
from .components import (
    dedupe_spans,
    description_start,
    doc_text,
    kg_state,
    load_weights,
    name_vectors,
    noun_chunks,
    pair_aliases,
    paper_sentences,
    sentence_start,
    starting_in,
    title_end,
    trimmed,
)
from .entities import GENERIC_METHOD_HEADS, GENERIC_WORDS, is_evaluative, label_from_head
from .gazetteer import lookup
from .proposals import context_logit, proposal_candidates, score as proposal_score

Mention = tuple[int, int, str, str]  # (start, end, label, source), doc offsets
Region = tuple[int, int, bool]  # a contribution's object (start, end, naming: 'called X')


@Language.factory("kg_proposals", default_config={"model": None, "keep_candidates": False, "thresholds": [0.5, 0.5]})
def make_proposals(nlp: Language, name: str, model: str | None, keep_candidates: bool,
                   thresholds: list[float]) -> Proposals:
    return Proposals(model, keep_candidates, tuple(thresholds))


class Proposals:
    """``model``: the trained proposed-method decision (JSON; ``None``: the rules decide);
    ``keep_candidates``: leave each candidate with its features in ``doc._.kg["candidates"]`` (what the
    decision learns from); ``thresholds``: (probability a candidate needs, probability the paper's most
    probable candidate needs)."""

    def __init__(self, model: str | None = None, keep_candidates: bool = False,
                 thresholds: tuple[float, float] = (0.5, 0.5)):
        self.model = load_weights(model)
        self.keep_candidates = keep_candidates
        self.threshold, self.first_threshold = thresholds

    def __call__(self, doc: Doc) -> Doc:
        state = kg_state(doc)
        text = doc_text(doc)
        cut = title_end(doc)
        sentences = paper_sentences(doc)
        regions = [region for sent in sentences for region in claim_rules.proposal_regions(sent)]
        mentions, proposed = rule_proposals(doc, [tuple(m) for m in state["mentions"]], sentences, regions,
                                            defined_at(state["pairs"], text))
        probability: dict[str, float] = {}
        features: dict[str, dict[str, float]] = {}
        if self.model is not None or self.keep_candidates:
            weighed = candidates_of(doc, state, mentions, proposed, sentences, regions)
            if self.keep_candidates:
                state["candidates"] = [(c.start, c.end, c.features, weighed.vectors.get(c.key))
                                       for c in weighed.candidates]
            if self.model is not None:
                mentions, proposed, probability, features = decide(
                    self.model, (self.threshold, self.first_threshold), text, cut, mentions, state["pairs"], weighed)
        state["mentions"] = [list(m) for m in mentions]
        state["proposed"] = [list(p) for p in proposed]
        state["_proposal_probability"] = probability
        state["_proposal_features"] = features
        return doc


def defined_at(pairs, text: str) -> dict[str, int]:
    """Name key of each defined short and long form -> where its definition starts."""
    out: dict[str, int] = {}
    for ls, le, ss, se in pairs:
        for key in (name_key(text[ss:se]), name_key(text[ls:le])):
            out.setdefault(key, ls)
    return out


def rule_proposals(doc: Doc, mentions: list[Mention], sentences, regions: list[Region],
                   defined: dict[str, int]) -> tuple[list[Mention], list[tuple[int, int]]]:
    """(mentions, the rules' proposals): the title's method and the first new method each contribution
    names; failing those, a contribution's descriptive object ('we propose to address this issue via
    affine re-parameterization'), which becomes a method mention."""
    text = doc_text(doc)
    cut = title_end(doc)
    out: list[tuple[int, int]] = [(m[0], m[1]) for m in mentions if m[3] == "title" and m[2] == "method"]
    first_seen: dict[str, int] = {}
    for m in mentions:
        if m[0] >= cut:
            first_seen.setdefault(name_key(text[m[0]:m[1]]), m[0])
    mentions = sorted(mentions)
    mention_starts = [m[0] for m in mentions]
    sentence_starts = [s.start for s in sentences]
    for start, end, naming in regions:
        inside = starting_in(mentions, mention_starts, start, end + 1)
        named = [m for m in inside if m[2] == "method" and (naming or m[3] in ("acronym", "shape", "title"))
                 and first_seen.get(name_key(text[m[0]:m[1]]), m[0]) >= sentence_start(sentences, sentence_starts, m[0])
                 and not _known_alias(text, defined, m, start)]
        if named:
            # "Long Form (ACRO)": both are one proposal; otherwise the first name
            out.append((named[0][0], named[0][1]))
    if out:
        return mentions, dedupe_spans(out, text)
    for start, end, _naming in regions:
        found = _descriptive_object(doc, start, end)
        if found is not None:
            s, e = found
            mentions = sorted([m for m in mentions if not (m[0] < e and s < m[1])] + [(s, e, "method", "proposed")])
            out.append((s, e))
    return mentions, dedupe_spans(out, text)


def _descriptive_object(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The first noun phrase of a contribution's object [start, end] when it names a technique in words
    ('affine re-parameterization'): not generic, no verb, not ending in a role word."""
    chunks = noun_chunks(doc)
    chunk_starts = [c.start_char for c in chunks]
    for chunk in chunks[bisect_left(chunk_starts, start):bisect_left(chunk_starts, end)]:
        if chunk.end_char > end + 1:
            continue
        bounds = trimmed(doc, chunk)
        if not bounds:
            return None  # 'a novel architecture': generic words only
        # only the object itself: in 'a method utilizing the perceptual groups' or 'a novel
        # architecture with an attention mechanism' the later phrases are parts, not the proposal
        phrase = doc[bounds[0]:bounds[1]]
        words = [t for t in phrase if not t.is_punct]
        if len(words) < 2 or phrase[-1].lower_ in GENERIC_METHOD_HEADS or phrase[-1].lower_ in GENERIC_WORDS:
            return None
        if any(t.pos_ == "VERB" and t.dep_ not in ("amod", "compound") for t in phrase):
            return None
        while len(words) > 2 and phrase[-1].lower_ in ("setting", "framework", "scheme", "approach", "method",
                                                       "strategy", "model"):
            phrase = phrase[:-1]
            words = words[:-1]
        if not describes_technique(phrase.text):
            return None  # 'Evaluation test results are presented', 'an estimation stage'
        return phrase.start_char, phrase.end_char
    return None


def _known_alias(text: str, defined: dict[str, int], mention: Mention, region_start: int) -> bool:
    """A name defined before the proposal sentence ('GNN' after 'Graph neural networks (GNNs)')."""
    defined_from = defined.get(name_key(text[mention[0]:mention[1]]))
    return mention[3] == "shape" and defined_from is not None and defined_from < region_start


@dataclass(frozen=True)
class Weighed:
    """What the proposed decision weighs in one paper: its candidates (:mod:`kg.extract.proposals`), their
    encoder states by name key, and the phrases and retyped names among them that no mention was."""

    candidates: list
    vectors: dict
    phrases: list[Mention]
    retyped: list[Mention]


def candidates_of(doc: Doc, state: dict, mentions: list[Mention], rule_proposed, sentences,
                  regions: list[Region]) -> Weighed:
    """Every name the decision weighs (``rule_proposed`` is one feature): the method mentions, plus the
    title's noun phrases and segments and the objects of contribution sentences that no mention covers
    ('Pointer Networks', 'Neural Common Neighbor with Completion', 'branching heuristic'), which become
    method mentions when chosen, and the names typed task or dataset in the title or a contribution,
    typed method when chosen."""
    text = doc_text(doc)
    cut = title_end(doc)
    phrases = title_phrases(doc, mentions)
    phrases += contribution_phrases(doc, mentions, regions)
    phrases += title_segments(text, cut, mentions, phrases)
    retyped = retyped_names(text, cut, mentions, regions)
    candidates = proposal_candidates(text, cut, mentions + phrases + retyped, state["pairs"], regions,
                                     rule_proposed, sentences, claim_rules.title_name(text[:cut]))
    vectors = name_vectors(state["_context"], text, mentions + phrases + retyped) \
        if state.get("_context") is not None else {}
    return Weighed(candidates, vectors, phrases, retyped)


def decide(model: dict, thresholds: tuple[float, float], text: str, cut: int, mentions: list[Mention], pairs,
           weighed: Weighed) -> tuple[list[Mention], list[tuple[int, int]], dict[str, float], dict[str, dict]]:
    """(mentions, proposals, probability by name key, features by name key) of the trained decision over
    :func:`candidates_of`: the paper's most probable candidate is proposed from the second threshold, every
    other from the first. A chosen phrase replaces the mentions inside it; a chosen name typed task or
    dataset is typed method, with its acronym partner."""
    candidates = weighed.candidates
    if "context_probe" in model:
        candidates = [replace(c, features={**c.features, "context": context_logit(model["context_probe"],
                                                                                   weighed.vectors.get(c.key))})
                      for c in candidates]
    scored = sorted(((proposal_score(c.features, model), c.start, c) for c in candidates), key=lambda x: (-x[0], x[1]))
    probability = {c.key: p for p, _start, c in scored}
    features = {c.key: c.features for c in candidates}
    threshold, first = thresholds
    chosen = dedupe_spans([(c.start, c.end) for rank, (p, _s, c) in enumerate(scored)
                      if p >= (first if rank == 0 else threshold)], text)
    chosen = _without_title_description(chosen, text, cut)
    for start, end, label, source in weighed.phrases:
        if (start, end) in chosen:  # the chosen phrase replaces the names inside it
            mentions = [m for m in mentions if not (m[0] < end and start < m[1])]
            mentions.append((start, end, label, source))
    chosen_keys = {name_key(text[s:e]) for s, e in chosen}
    if weighed.retyped and chosen_keys:
        keys = chosen_keys | pair_aliases(pairs, chosen_keys, text)
        mentions = [(m[0], m[1], "method", m[3]) if m[2] != "method" and name_key(text[m[0]:m[1]]) in keys
                    else m for m in mentions]
    return sorted(mentions), chosen, probability, features


def title_phrases(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Noun phrases of the title (trimmed like mentions) that overlap no mention."""
    cut = title_end(doc)
    out = []
    for chunk in noun_chunks(doc):
        if chunk.start_char >= cut:
            break
        bounds = trimmed(doc, chunk)
        if not bounds:
            continue
        span = doc[bounds[0]:bounds[1]]
        inside = [m for m in mentions if m[0] < span.end_char and span.start_char < m[1]]
        if span.end_char > cut or any(not (span.start_char <= m[0] and m[1] <= span.end_char)
                                      or (m[0], m[1]) == (span.start_char, span.end_char) for m in inside):
            continue  # a phrase that crosses a mention, or is one; one that holds mentions is a wider name
        if len(span) > 6 or span.text.lower() in GENERIC_WORDS or ":" in span.text:
            continue
        out.append((span.start_char, span.end_char, "method", "title_phrase"))
    return out


def contribution_phrases(doc: Doc, mentions: list[Mention], regions: list[Region]) -> list[Mention]:
    """The object of each contribution ('we propose a novel activation dense-to-sparse gate',
    'we introduce Hawk, ...'): its first noun phrase, trimmed, when no mention is that phrase
    and none crosses it."""
    out = []
    chunks = noun_chunks(doc)
    starts = [c.start_char for c in chunks]
    for start, end, _naming in regions:
        for chunk in chunks[bisect_left(starts, start):bisect_left(starts, end)]:
            if chunk.end_char > end + 1:
                break
            bounds = trimmed(doc, chunk)
            if not bounds:
                continue
            span = doc[bounds[0]:bounds[1]]
            words = [t for t in span if not t.is_punct]
            s, e = span.start_char, span.end_char
            if not words or len(words) > 6 or span.text.lower() in GENERIC_WORDS \
                    or all(t.lower_ in GENERIC_WORDS or t.lower_ in GENERIC_METHOD_HEADS for t in words):
                break
            if not named_or_crossed(mentions, s, e):
                out.append((s, e, "method", "contribution_phrase"))
            break
    return out


def title_segments(text: str, cut: int, mentions: list[Mention], phrases: list[Mention]) -> list[Mention]:
    """Parts of the title between ':' and linking words ('Neural Common Neighbor with Completion'
    in '... for Link Prediction', 'Parameterized Decomposition & Filtering' after 'with')."""
    title = text[:cut]
    out, seen = [], {(p[0], p[1]) for p in phrases}
    for splitter in (_TITLE_SPLIT, _TITLE_SPLIT_WITH):
        begin = 0
        for cut_at in [*splitter.finditer(title), None]:
            stop = cut_at.start() if cut_at else len(title.rstrip())
            piece = title[begin:stop]
            begin = cut_at.end() if cut_at else len(title)
            lead = re.match(r"\s*(?:(?:a|an|the|towards?|on|better)\s+)*", piece, re.IGNORECASE).end()
            s, e = stop - len(piece) + lead, stop
            words = title[s:e].split()
            if not words or len(words) > 6 or title[s:e].lower() in GENERIC_WORDS or (s, e) in seen:
                continue
            if named_or_crossed(mentions, s, e):
                continue
            seen.add((s, e))
            out.append((s, e, "method", "title_segment"))
    return out


def named_or_crossed(mentions: list[Mention], start: int, end: int) -> bool:
    """Whether a mention is exactly [start, end) or crosses its edges (a phrase that only holds
    whole mentions is a candidate of its own)."""
    return any(m[0] < end and start < m[1] and (not (start <= m[0] and m[1] <= end) or (m[0], m[1]) == (start, end))
               for m in mentions)


def retyped_names(text: str, cut: int, mentions: list[Mention], regions: list[Region]) -> list[Mention]:
    """Names typed task or dataset that the title or a contribution holds ('Contextual Bandits
    with Online Neural Regression'): candidates too, typed method when chosen."""
    keys = set()
    for m in mentions:
        if m[2] != "method" and (m[0] < cut or any(s <= m[0] < e + 1 for s, e, _n in regions)):
            keys.add(name_key(text[m[0]:m[1]]))
    return [(m[0], m[1], "method", "retyped") for m in mentions
            if m[2] != "method" and name_key(text[m[0]:m[1]]) in keys]


def _without_title_description(chosen: list[tuple[int, int]], text: str, cut: int) -> list[tuple[int, int]]:
    """In 'MatrixKAN: Parallelized Kolmogorov-Arnold Network', once the named system is proposed the
    description after the colon is no second proposal: of the 83 annotated papers whose title names a
    proposed system so, none lists the description as a proposal of its own (7 as an alias)."""
    named = claim_rules.title_name(text[:cut])
    if not named or not any(s < named[1] and named[0] < e for s, e in chosen):
        return chosen
    start = description_start(text[:cut], named)
    return [(s, e) for s, e in chosen if not (s == start and e <= cut)]


# Heads of phrases that name results, data, parts or study designs, never a proposed technique.
NON_TECHNIQUE_HEADS = set(
    """
    result results example examples sample samples sentence sentences group groups stage stages phase phases
    experiment experiments comparison comparisons study studies research analysis analyses evaluation
    evaluations attention way ways marker markers context contexts variable variables data corpus corpora
    set sets problem problems issue issues question questions task tasks feature features structure
    structures criteria criterion insight insights finding findings observation observations view
    perspective notion concept idea formalism account
    """.split()
)


def describes_technique(phrase: str) -> bool:
    """A descriptive proposal must be headed like a technique ('affine re-parameterization',
    'residual unit', 'alternating optimization', 'variational Bayesian learning', 'dependency
    parser', 'bundle adjustment'), not like results, examples, data, a part or a task
    ('Evaluation test results', 'perceptual groups', 'estimation stage', 'restricted-domain parsing')."""
    words = phrase.split()
    last = words[-1].lower() if words else ""
    if not last or is_evaluative(phrase) or last in NON_TECHNIQUE_HEADS:
        return False
    known = lookup(phrase)
    head = label_from_head(phrase)
    if known in ("dataset", "metric", "task") or head in ("dataset", "metric", "task"):
        return False
    if known == "method" or head == "method" or last in ("learning", "training"):
        return True
    # an agent or action noun ('parser', 'vocoder', 'adjustment', 'voting', 'correction')
    return bool(re.search(r"(?:er|or|ment|ing|tion|sion|ure|ism)s?$", last))


_TITLE_SPLIT = re.compile(r"\s*[:?]\s*|\s+(?:for|as|via|using|through|towards?|under|on|in|of|to|from|by|is|are)\s+",
                          re.IGNORECASE)
_TITLE_SPLIT_WITH = re.compile(_TITLE_SPLIT.pattern[:-4] + r"|with|and)\s+", re.IGNORECASE)
