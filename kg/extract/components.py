"""spaCy pipeline components (thin wrappers around the functions of entities.py / claims.py); the
proposals' component, ``kg_proposals``, is :mod:`kg.extract.proposing`.

A document is one paper: ``title + "\\n\\n" + abstract`` (see :func:`kg.extract.pipeline.paper_text`).
Each component adds to ``doc._.kg``, a plain dict that survives multiprocessing:
``gazetteer`` [(start, end, label)], ``mentions`` [(start, end, label, source)],
``pairs`` [(long_start, long_end, short_start, short_end)], ``proposed`` [(start, end)],
``claims`` [dict]. All offsets are character offsets into ``doc.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

import numpy as np
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..names import compact_key, name_key, verbatim_occurrences
from . import claims as claim_rules
from .encoder import encode, span_vector, unit
from .entities import (
    FIRST_NER_SPANS,
    TASK_ROLE_WORDS,
    Candidate,
    acronym_candidates,
    dataset_list_items,
    head_candidates,
    ner_candidate,
    resolve,
    seed_ner_candidates,
    shaped_words,
    trim_chunk,
)
from .gazetteer import load_gazetteers, lookup
from .mention_features import decide_label, group_features, label_model
from .sentence_classifier import SentenceClassifier, classifier_text
from .subjects import PaperNames, choose as choose_subject, paper_names, subject_candidates
from .text import AcronymPair, _match_long_form

if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)

TITLE_SEPARATOR = "\n\n"


def kg_state(doc: Doc) -> dict:
    """The paper's ``doc._.kg`` (see the module's docstring), made empty on first use."""
    if doc._.kg is None:
        doc._.kg = {"gazetteer": [], "mentions": [], "pairs": [], "proposed": [], "claims": []}
    return doc._.kg


def noun_chunks(doc: Doc) -> tuple:
    """The doc's noun chunks, found once per doc (spaCy finds all of them on every access) and
    kept until the last component drops them (the spans refer to the doc); a tuple, so every reader
    shares it without a copy."""
    state = kg_state(doc)
    if "_chunks" not in state:
        state["_chunks"] = tuple(doc.noun_chunks)
    return state["_chunks"]


def trimmed(doc: Doc, chunk) -> tuple[int, int] | None:
    """:func:`kg.extract.entities.trim_chunk` of one of the doc's noun chunks, worked out once per doc
    (the mention candidates, the untyped phrases and the proposal candidates all read them)."""
    cache = kg_state(doc).setdefault("_trimmed", {})
    key = (chunk.start, chunk.end)
    if key not in cache:
        cache[key] = trim_chunk(chunk)
    return cache[key]


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document (spaCy joins the tokens on every access); the copy
    is dropped by the last component so it never travels between processes."""
    state = kg_state(doc)
    if "_text" not in state:
        state["_text"] = doc.text
    return state["_text"]


def title_end(doc: Doc) -> int:
    found = doc_text(doc).find(TITLE_SEPARATOR)
    return max(found, 0)


# a full stop glued to one of these ends no sentence when a lower-case word follows: the parser cut
# 'results w.r.t. | training LoGAH', 'render 4k res. | at 60FPS', 'COCO val. | mAP' (13 cuts in the seeds)
ABBREVIATIONS = frozenset({"w.r.t", "wrt", "res", "resp", "val", "approx", "cf", "vs", "viz", "fig", "figs",
                           "eq", "eqs", "eqn", "sec", "tab", "al", "incl", "e.g", "i.e"})


@Language.component("kg_title_boundary")
def title_boundary(doc: Doc) -> Doc:
    """The abstract starts a new sentence, and an abbreviation's full stop before a lower-case word
    starts none (runs before the parser, which respects both)."""
    end = title_end(doc)
    for token in doc:
        if token.idx >= end + len(TITLE_SEPARATOR) and not token.is_space:
            if token.i > 0:
                token.is_sent_start = True
            break
    for token in doc[2:]:
        stop, word = doc[token.i - 1], doc[token.i - 2]
        if stop.text == "." and not word.whitespace_ and word.lower_ in ABBREVIATIONS and token.text[:1].islower():
            token.is_sent_start = False
    return doc


@Language.component("kg_stash_ents")
def stash_ents(doc: Doc) -> Doc:
    """The first seed NER's spans set aside in ``doc.spans[FIRST_NER_SPANS]``, so that the second tags
    the doc afresh (a spaCy NER keeps the entities it finds already set)."""
    doc.spans[FIRST_NER_SPANS] = list(doc.ents)
    doc.ents = ()
    return doc


@Language.factory("kg_tag_pos", default_config={"mapping": {}})
def make_tag_pos(nlp: Language, name: str, mapping: dict[str, str]) -> TagToPos:
    return TagToPos(nlp, mapping)


class TagToPos:
    """Coarse POS from the tagger's fine tags by table lookup: the stock attribute_ruler does the
    same with ~180 token patterns and costs more than all the kg_* components together."""

    def __init__(self, nlp: Language, mapping: dict[str, str]):
        import numpy

        self.numpy = numpy
        self.table = {nlp.vocab.strings.add(tag): nlp.vocab.strings.add(pos) for tag, pos in mapping.items()}

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import POS, TAG

        if len(doc):
            tags = doc.to_array([TAG])
            pos = self.numpy.array([self.table.get(int(t), 0) for t in tags.ravel()], dtype="uint64").reshape(-1, 1)
            doc.from_array([POS], pos)
        return doc


def tag_pos_mapping(nlp: Language) -> dict[str, str]:
    """TAG -> POS pairs of the loaded model's attribute_ruler (its tag-only patterns)."""
    ruler = nlp.get_pipe("attribute_ruler")
    mapping = {}
    for pattern in ruler.patterns:
        tokens = pattern["patterns"][0]
        if len(tokens) == 1 and set(tokens[0]) == {"TAG"} and "POS" in pattern["attrs"]:
            mapping[tokens[0]["TAG"]] = pattern["attrs"]["POS"]
    return mapping


@Language.factory("kg_gazetteer", default_config={"labels": ["method", "dataset", "metric", "task"]})
def make_gazetteer(nlp: Language, name: str, labels: list[str]) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, labels)


class GazetteerMatcher:
    """Curated names as phrase patterns: multi-token names case-insensitively (attr LOWER),
    one-token names case-sensitively (ORTH), so 'Adam' is not 'adam' and 'ADAM'."""

    def __init__(self, nlp: Language, labels: list[str]):
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        gaz = load_gazetteers()
        for label in labels:
            multi, single = [], []
            names = list(gaz.get(label, ()))
            if label in ("method", "metric"):  # plurals of one-word names: 'Transformers', 'GANs', 'accuracies'
                names += [n[:-1] + "ies" if n.endswith("y") and n.islower() else n + "s"
                          for n in names if " " not in n and n[-1:].isalpha() and not n.endswith("s")]
            for doc in nlp.tokenizer.pipe(names):
                (multi if len(doc) > 1 else single).append(doc)
            if label == "method":
                nocase = list(gaz.get("method_nocase", ()))
                nocase += [n + "s" for n in nocase if not n.endswith("s")]
                multi.extend(nlp.tokenizer.pipe(nocase))
            if multi:
                self.lower.add(label, multi)
            if single:
                self.orth.add(label, single)

    def __call__(self, doc: Doc) -> Doc:
        state = kg_state(doc)
        hits = []
        for matcher in (self.lower, self.orth):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                hits.append((span.start_char, span.end_char, doc.vocab.strings[match_id]))
        state["gazetteer"] = sorted(set(hits))
        return doc


@Language.factory("kg_context")
def make_context(nlp: Language, name: str) -> ContextStates:
    return ContextStates()


class ContextStates:
    """The sentence encoder's state of every word piece of the paper (:func:`kg.extract.encoder.encode`),
    kept until the last component drops it: the mention, proposed and claim decisions read the mean
    state of a name's occurrences or of a sentence."""

    def __call__(self, doc: Doc) -> Doc:
        kg_state(doc)["_context"] = encode(doc_text(doc))
        return doc


def name_vectors(context, text: str, spans: list[tuple]) -> dict:
    """name key -> the encoder's mean state over the spans (start, end, ...) with that name."""
    return {key: span_vector(context, places) for key, places in _places_by_name(text, spans).items()}


def _mention_vectors(context, text: str, spans: list[tuple]) -> dict:
    """name key -> the encoder's fourth and last layer's mean states over the spans with that name, end
    to end (what the mention decision reads)."""
    out = {}
    for key, places in _places_by_name(text, spans).items():
        last = span_vector(context, places)
        out[key] = None if last is None else np.concatenate([span_vector(context, places, middle=True), last])
    return out


def _places_by_name(text: str, spans: list[tuple]) -> dict[str, list[tuple[int, int]]]:
    by_key: dict[str, list[tuple[int, int]]] = {}
    for span in spans:
        by_key.setdefault(name_key(text[span[0]:span[1]]), []).append((span[0], span[1]))
    return by_key


ENTITY_MODES = ("rules", "trained", "union", "decided")


@Language.factory("kg_entities", default_config={"mode": "rules", "decision": None, "keep_candidates": False,
                                                  "none_threshold": 0.5})
def make_entities(nlp: Language, name: str, mode: str, decision: str | None, keep_candidates: bool,
                  none_threshold: float) -> EntityRules:
    if mode not in ENTITY_MODES:
        raise ValueError(f"[E-KG-ENT] unknown entity mode {mode!r}: use one of {', '.join(ENTITY_MODES)}")
    if mode == "decided" and not decision:
        raise ValueError("[E-KG-ENT] entity mode 'decided' needs the trained mention decision (mentions.json): "
                         "train it with `python -m kg.extract.learn.fit`")
    return EntityRules(mode, decision, keep_candidates, none_threshold)


class EntityRules:
    """Acronym definitions, gazetteer hits, name-shaped words and typed noun phrases -> mentions.

    ``mode``: ``rules`` (the hand-written candidates), ``trained`` (the seed-gold NER's spans, their
    acronym partners and every repetition of a found name), ``union`` (the NER's spans first, then
    the rules fill what is left), ``decided`` (as ``union``, but the trained mention decision keeps,
    drops and types each name the NER or the rules propose). ``keep_candidates`` leaves the rules' candidates
    and their features in ``doc._.kg["entity_candidates"]`` (what the decision learns from)."""

    def __init__(self, mode: str = "rules", decision: str | None = None, keep_candidates: bool = False,
                 none_threshold: float = 0.5):
        self.mode = mode
        self.none_threshold = none_threshold
        self.keep_candidates = keep_candidates
        weights = load_weights(decision)
        self.decision = label_model(weights) if weights is not None else None

    def __call__(self, doc: Doc) -> Doc:
        if self.mode == "trained":
            return self._trained(doc)
        return self._rules(doc)

    def _decide(self, candidates: list[Candidate], features: dict, vectors: dict, text: str) -> list[Candidate]:
        """Each name the rules propose, kept with the type the decision gives it, or dropped. Of two
        overlapping names kept, the one the decision is surer of wins (its priority: `kg eval --cv 5`
        preferred it to the rules' source priorities, see README)."""
        verdicts = {key: decide_label(f, self.decision, self.none_threshold, vectors.get(key))
                    for key, f in features.items()}
        out = []
        for c in candidates:
            label, probability = verdicts[name_key(text[c.start:c.end])]
            if label != "none":
                out.append(Candidate(c.start, c.end, label, c.source, round(probability * 1000)))
        return out

    def _trained(self, doc: Doc) -> Doc:
        state = kg_state(doc)
        text = doc_text(doc)
        candidates = seed_ner_candidates(doc)
        found = {text[c.start:c.end]: c.label for c in candidates}
        _candidates, pairs, _labels = acronym_candidates(text, lookup)
        kept_pairs = []
        for pair in pairs:
            long_label, short_label = found.get(pair.long), found.get(pair.short)
            label = long_label or short_label
            if label:
                kept_pairs.append(pair)
                candidates.append(Candidate(pair.long_start, pair.long_end, label, "acronym", 5))
                candidates.append(Candidate(pair.short_start, pair.short_end, label, "acronym", 5))
                found.setdefault(pair.long, label)
                found.setdefault(pair.short, label)
        for start, end, label in repeated_names(text, found):
            candidates.append(Candidate(start, end, label, "repeat", 1))
        state["mentions"] = [(c.start, c.end, c.label, c.source) for c in resolve(candidates)]
        state["pairs"] = [(p.long_start, p.long_end, p.short_start, p.short_end) for p in kept_pairs]
        return doc

    def _rules(self, doc: Doc) -> Doc:
        state = kg_state(doc)
        text = doc_text(doc)
        candidates, pairs, acro_labels = acronym_candidates(text, lookup)
        ner = seed_ner_candidates(doc) if self.mode != "rules" else []
        candidates.extend(ner)
        defined = {name_key(text[p.short_start:p.short_end]): p for p in pairs}
        defined_pairs = list(pairs)  # written 'Long Form (SHORT)'; not the title's guessed pair below
        cut = title_end(doc)
        title = text[:cut]
        named = claim_rules.title_name(title)
        if named:
            label = lookup(title[named[0]:named[1]]) or "method"
            label = "method" if label == "task" else label
            candidates.append(Candidate(named[0], named[1], label, "title", 6))
            pair = _title_pair(title, named)
            if pair:
                candidates.append(Candidate(pair[0], pair[1], label, "acronym", 5))
                pairs.append(AcronymPair(text[pair[0]:pair[1]], pair[0], text[named[0]:named[1]], named[0]))
        for start, end, label in state["gazetteer"]:
            priority = 3 if " " in text[start:end] or "-" in text[start:end] else 2
            candidates.append(Candidate(start, end, label, "gazetteer", priority))
        for start, end in shaped_words(text):
            word = text[start:end]
            key = name_key(word)
            label = acro_labels.get(key) or lookup(word) or "method"
            if key in defined:
                priority = 4
            else:
                priority = 2
            candidates.append(Candidate(start, end, label, "shape", priority))
        for start, end in dataset_list_items(text):  # 'on the CIFAR-100 and ImageNet datasets'
            if lookup(text[start:end]) in (None, "dataset") and acro_labels.get(name_key(text[start:end])) in (None, "dataset"):
                candidates.append(Candidate(start, end, "dataset", "list", 4))
        for ent in doc.ents if self.mode == "rules" else ():  # the SciERC NER (kg_ner), when the pipeline has it
            ner = ner_candidate(ent)
            if ner:
                candidates.append(ner)
        protected = [(c.start, c.end) for c in candidates if c.priority >= 2]
        known = {name_key(text[c.start:c.end]): c.label for c in candidates}
        heads = head_candidates(doc, protected, known, text, noun_chunks(doc),
                                lambda chunk: trimmed(doc, chunk))
        if named:
            heads = [c for c in heads if not _unreferenced_description(c, title, named, text[cut:])]
        candidates.extend(heads)
        if self.keep_candidates or self.decision is not None:
            candidates.extend(untyped_phrases(doc, candidates))
            candidates.extend(headless_phrases(text, candidates))
            features = group_features(text, cut, [(c.start, c.end, c.label, c.source) for c in candidates],
                                      _contexts(doc, candidates))
            vectors = _mention_vectors(state["_context"], text, [(c.start, c.end) for c in candidates]) \
                if state.get("_context") is not None else {}
            if self.keep_candidates:
                state["entity_candidates"] = [(c.start, c.end, c.label, c.source) for c in candidates]
                state["entity_features"] = features
                state["entity_vectors"] = vectors
            if self.decision is not None:
                candidates = with_defined_long_forms(self._decide(candidates, features, vectors, text), defined_pairs, text)
                candidates = [without_stray_lead(c, text) for c in candidates]
            candidates = [c for c in candidates if c.label != UNTYPED]
        state["mentions"] = [(c.start, c.end, c.label, c.source) for c in resolve(candidates)]
        state["pairs"] = [(p.long_start, p.long_end, p.short_start, p.short_end) for p in pairs]
        return doc


UNTYPED = "phrase"  # the label of a noun phrase no rule typed: only the mention decision gives it one


def with_defined_long_forms(kept: list[Candidate], pairs: list[AcronymPair], text: str) -> list[Candidate]:
    """Where the decision keeps a defined short form, its definition's long form is kept too, wherever it
    is written and no longer kept name holds it, with the short form's type and over the names inside it
    ('Soft Merging' and 'Adaptive Routing' give way to 'Soft Merging of Experts with Adaptive Routing'
    (SMEAR)): the pair names one entity."""
    at = {(c.start, c.end): c for c in kept}
    out = list(kept)
    for pair in pairs:
        short = at.get((pair.short_start, pair.short_end))
        if short is None:
            continue
        for start, end in verbatim_occurrences(text, pair.long):
            if any(c.start <= start and end <= c.end and c.end - c.start > end - start for c in kept):
                continue
            inside = [c.priority for c in out if start <= c.start and c.end <= end]
            out = [c for c in out if (c.start, c.end) != (start, end)]
            out.append(Candidate(start, end, short.label, "acronym", max([short.priority, *inside]) + 1))
    return out


# what a kept name can drag in before its first word: the end of a parenthesis ('(7.8% top-5) error') or, before a
# metric, the number and unit of a measurement ('16.2ms latency', '32GB memory cost')
_CLOSED_LEAD = re.compile(r"^[^()\s]*\)\s+")
_UNIT_LEAD = re.compile(r"^(?:\d[\d.,]*\s*)?(?:ms|sec|GB|MB|KB|TB|x|×)\s+")


def without_stray_lead(c: Candidate, text: str) -> Candidate:
    """A kept name without a stray lead (:data:`_CLOSED_LEAD`, and :data:`_UNIT_LEAD` for a metric): 'error' of
    '(7.8% top-5) error', 'latency' of '16.2ms latency'."""
    name = text[c.start:c.end]
    found = _CLOSED_LEAD.match(name) or (_UNIT_LEAD.match(name) if c.label == "metric" else None)
    if found is None or found.end() >= len(name):
        return c
    return replace(c, start=c.start + found.end())


def untyped_phrases(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """Every trimmed noun chunk that is not already a candidate span ('activation functions',
    'quantization', 'splines'), lowest priority: the mention decision keeps and types them or drops
    them (`kg eval --cv 5`: entities 0.661 -> see README)."""
    taken = {(c.start, c.end) for c in candidates}
    out = []
    for chunk in noun_chunks(doc):
        bounds = trimmed(doc, chunk)
        if not bounds:
            continue
        span = doc[bounds[0]:bounds[1]]
        if span.end_char > span.start_char and (span.start_char, span.end_char) not in taken:
            taken.add((span.start_char, span.end_char))
            out.append(Candidate(span.start_char, span.end_char, UNTYPED, UNTYPED, 0))
    return out


# last words that say what role a name plays rather than name it: 'the conditional sampling problem' holds the
# task 'conditional sampling', 'the TIMIT benchmark' the dataset 'TIMIT' (matched singular: a final 's' is dropped)
ROLE_HEADS = TASK_ROLE_WORDS | {"dataset", "benchmark", "suite"}
_LAST_WORD = re.compile(r"[\s-]+([A-Za-z]+)$")


def headless_phrases(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Each candidate of two or more words ending in a role word (:data:`ROLE_HEADS`, singular or plural)
    without that word, when no candidate is that span: the mention decision keeps and types it or drops it."""
    taken = {(c.start, c.end) for c in candidates}
    out = []
    for c in candidates:
        found = _LAST_WORD.search(text[c.start:c.end])
        if not found or found.group(1).lower().removesuffix("s") not in ROLE_HEADS:
            continue
        end = c.start + found.start()
        if end > c.start and (c.start, end) not in taken and " " in text[c.start:c.end].strip():
            taken.add((c.start, end))
            out.append(Candidate(c.start, end, UNTYPED, "headless", 0))
    return out


def _contexts(doc: Doc, candidates: list[Candidate]) -> list[tuple[str, ...]]:
    """:func:`mention_context` of each candidate, once per span (several rules often find the same span)."""
    spans: dict[tuple[int, int], tuple[str, ...]] = {}
    for c in candidates:
        if (c.start, c.end) not in spans:
            spans[(c.start, c.end)] = mention_context(doc, c.start, c.end)
    return [spans[(c.start, c.end)] for c in candidates]


def mention_context(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    """(word before, two words before, word after, dependency of the phrase's root, the word it
    hangs on, the phrase's part-of-speech pattern) of one occurrence: what the mention decision
    learns from besides the name itself ('on X', 'X dataset', 'in terms of X')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return ()
    before = doc[span.start - 1].lower_ if span.start > 0 else "<s>"
    before2 = doc[span.start - 2].lower_ if span.start > 1 else "<s>"
    after = doc[span.end].lower_ if span.end < len(doc) else "</s>"
    root = span.root
    return before, before2, after, root.dep_, root.head.lower_, " ".join(t.pos_ for t in span)[:40]


def repeated_names(text: str, found: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every verbatim occurrence (on word boundaries) of a name found once in the paper."""
    return [(s, e, label) for name, label in found.items() for s, e in verbatim_occurrences(text, name)]


def description_start(title: str, named: tuple[int, int]) -> int:
    """Offset where the description after 'Name:' starts (articles and 'towards' skipped)."""
    colon = title.find(":", named[1])
    if colon < 0:
        return -1
    found = re.match(r"\s*(?:(?:a|an|the|towards?)\s+)*", title[colon + 1:], re.IGNORECASE)
    return colon + 1 + found.end()


def _unreferenced_description(cand: Candidate, title: str, named: tuple[int, int], abstract: str) -> bool:
    """In 'MatrixKAN: Parallelized Kolmogorov-Arnold Network' the phrase after the colon describes
    the named system; it is no method of its own unless the abstract names it again
    ('ResMLP: Feedforward networks ...' with 'feed-forward network' in the abstract)."""
    if cand.label != "method" or cand.end > len(title) or cand.start != description_start(title, named):
        return False
    key = compact_key(title[cand.start:cand.end])
    return not key or key not in re.sub(r"[\W_]+", "", abstract.lower())


def _title_pair(title: str, named: tuple[int, int]) -> tuple[int, int] | None:
    """'GREAD: Graph Neural Reaction-Diffusion Networks' -> span of the long form after the colon."""
    rest_start = title.index(":", named[1]) + 1
    rest = title[rest_start:]
    phrase = re.split(r"\s+(?:for|as|with|of|in|via|on|by|and|to|is|are)\s+|[:,;.!?]", rest, maxsplit=1)[0]
    lead = len(phrase) - len(phrase.lstrip())
    words = phrase.split()
    offset, dropped_other = 0, False
    while words and words[0].lower() in ("a", "an", "the", "towards", "toward"):
        dropped_other = dropped_other or words[0].lower().startswith("toward")
        offset += len(words[0]) + 1
        words = words[1:]
    if not words or len(words) > 6:
        return None
    short = title[named[0]:named[1]]
    if _match_long_form(short, words) != 0 or len(short.split()) > 1 or dropped_other:
        return None
    parts = sum(len(w.split("-")) for w in words)
    if sum(c.isalnum() for c in short) > 2 * parts + 1:
        return None
    start = rest_start + lead + offset
    return start, start + len(" ".join(words))


@Language.factory("kg_claims", default_config={"classifier": None, "keep_sentences": False, "threshold": 0.5,
                                                "subject_model": None})
def make_claims(nlp: Language, name: str, classifier: str | None, keep_sentences: bool, threshold: float,
                subject_model: str | None) -> ClaimRules:
    return ClaimRules(classifier, keep_sentences, threshold, subject_model)


def pair_aliases(pairs, keys: set[str], text: str) -> set[str]:
    """Name keys of both forms of every defined pair one of whose forms is in ``keys``."""
    extra = set()
    for ls, le, ss, se in pairs:
        a, b = name_key(text[ls:le]), name_key(text[ss:se])
        if a in keys or b in keys:
            extra |= {a, b}
    return extra


def paper_sentences(doc: Doc) -> tuple[claim_rules.Sentence, ...]:
    """The abstract's sentences (those after the title's end), without white space at either end; found
    once per doc for the proposals and the claims (kept until the claims drop them, like :func:`noun_chunks`)."""
    state = kg_state(doc)
    if "_sentences" not in state:
        cut = title_end(doc)
        state["_sentences"] = tuple(_strip(claim_rules.Sentence(s.start_char, s.end_char, s.text)) for s in doc.sents
                                    if s.start_char >= cut and s.text.strip())
    return state["_sentences"]


class ClaimRules:
    """Result claims of one paper, after ``kg_proposals`` (which says what the paper proposes).
    ``classifier``: the folder of the trained claim-sentence classifier (``None``: the rules' cues
    decide), a sentence is a claim when its score reaches ``threshold``; ``keep_sentences``: leave each
    sentence with its rule features in ``doc._.kg["sentences"]`` (what the classifier learns from);
    ``subject_model``: the trained subject decision (JSON; ``None``: the rules of
    :func:`kg.extract.claims.build_claim` decide). With ``keep_sentences`` each claim keeps its
    candidate subjects and their features in ``subject_candidates``."""

    def __init__(self, classifier: str | None = None, keep_sentences: bool = False, threshold: float = 0.5,
                 subject_model: str | None = None):
        self.keep_sentences = keep_sentences
        self.claim_threshold = threshold
        self.classifier = SentenceClassifier.load(classifier) if classifier else None
        self.subject_model = load_weights(subject_model)

    def __call__(self, doc: Doc) -> Doc:
        state = kg_state(doc)
        text = doc_text(doc)
        cut = title_end(doc)
        mentions = [tuple(m) for m in state["mentions"]]
        proposed = [tuple(p) for p in state.get("proposed", ())]
        keys = {name_key(text[s:e]) for s, e in proposed}
        keys |= pair_aliases(state["pairs"], keys, text)
        names = paper_names(text, cut, mentions, state["pairs"], proposed, state.get("_proposal_probability", {}),
                            state.get("_proposal_features", {})) \
            if self.subject_model is not None or self.keep_sentences else None
        state["claims"] = self._claims(doc, paper_sentences(doc), mentions, keys, text, state, names)
        for private in ("_text", "_chunks", "_trimmed", "_context", "_sentences", "_proposal_probability",
                        "_proposal_features"):
            state.pop(private, None)
        return doc

    def _claims(self, doc: Doc, sentences, mentions, keys: set[str], text: str, state: dict,
                names: PaperNames | None) -> list[dict]:
        first_contribution = next((i for i, s in enumerate(sentences) if claim_rules.is_contribution(s.text)), None)
        mentions = sorted(mentions)
        mention_starts = [m[0] for m in mentions]
        views = []
        for index, sent in enumerate(sentences):
            inside = [(m[0], m[1], m[2], text[m[0]:m[1]]) for m in starting_in(mentions, mention_starts, sent.start, sent.end)
                      if m[1] <= sent.end]
            own = any(name_key(m[3]) in keys for m in inside)
            after = first_contribution is not None and index > first_contribution
            verdict = claim_rules.classify(sent.text)
            candidate = verdict is not None and claim_rules.is_claim_candidate(
                sent.text, after_proposal=after, mentions_proposed=own)
            views.append((sent, inside, verdict, candidate, own, after))
        if self.keep_sentences or self.classifier is not None:
            spans = [doc.char_span(v[0].start, v[0].end, alignment_mode="expand") for v in views]
            features = [claim_rules.sentence_features(v[0].text, i, len(views), verdict=v[2], candidate=v[3],
                                                      mentions_proposed=v[4]) + sentence_shape(span)
                        for i, (v, span) in enumerate(zip(views, spans))]
            vectors = self._sentence_vectors(state.get("_context"), views)
            if self.keep_sentences:
                state["sentences"] = [(v[0].text, f, vector) for v, f, vector in zip(views, features, vectors)]
        if self.classifier is not None:
            return self._classified(views, features, vectors, keys, names)
        out, previous = [], []
        for sent, inside, verdict, candidate, _own, _after in views:
            if verdict and candidate and claim_rules.states_what_is_done(sent.text) \
                    and not claim_rules.contribution_with_result(sent.text):
                verdict = None
            if verdict and candidate:
                draft = claim_rules.build_claim(sent, *verdict, inside, keys, previous)
                out.append(self._subject(draft.__dict__, sent, verdict[0], verdict[2], inside, names))
            previous = inside
        return out

    @staticmethod
    def _sentence_vectors(context, views) -> list:
        """Each sentence's mean encoder state, of unit length (``None`` without the encoder)."""
        if context is None:
            return [None] * len(views)
        return [unit(span_vector(context, [(v[0].start, v[0].end)])) for v in views]

    def _classified(self, views, features, vectors, keys: set[str], names: PaperNames | None) -> list[dict]:
        """Claims decided and typed by the trained classifier; the rules fill their parts. The
        classifier reads each sentence's words plus its rule features as extra words
        (:func:`kg.extract.sentence_classifier.classifier_text`) and its mean encoder state."""
        texts = (self.classifier.scores(classifier_text(v[0].text, f), vector)
                 for v, f, vector in zip(views, features, vectors))
        out, previous = [], []
        for (sent, inside, verdict, _candidate, _own, _after), cats in zip(views, texts):
            if cats.get("claim", 0.0) >= self.claim_threshold:
                kind = claim_rules.guideline_type(sent.text, sorted(claim_rules.CLAIM_TYPES, key=lambda t: -cats.get(t, 0.0)))
                cue_at = verdict[2] if verdict else 0
                draft = claim_rules.build_claim(sent, kind, cats["claim"], cue_at, inside, keys, previous)
                out.append(self._subject(draft.__dict__, sent, kind, cue_at, inside, names))
            previous = inside
        return out

    def _subject(self, draft: dict, sent, kind: str, cue_at: int, inside, names: PaperNames | None) -> dict:
        """The trained decision's subject among the claim's candidates (replacing the rules' choice)."""
        if names is None:
            return draft
        candidates = subject_candidates(sent, kind, cue_at, inside, names)
        if self.keep_sentences:
            draft["subject_candidates"] = [(c.text, c.kind, sorted(c.keys), c.features) for c in candidates]
        if self.subject_model is not None:
            best = choose_subject(candidates, self.subject_model)
            draft["subject"] = (best.text, "method") if best.text is not None else None
        return draft


def sentence_shape(span) -> list[str]:
    """What a sentence (its span of the parsed doc, or None) holds beyond its words, as pseudo-words for
    the claim classifier: a modal on its main verb ('can achieve': a capability, not a result), a number,
    a percentage."""
    if span is None or not len(span):
        return []
    feats = []
    if any(child.dep_ == "aux" and child.tag_ == "MD" for child in span.root.children):
        feats.append("kgmodal")
    if any(t.like_num for t in span):
        feats.append("kgnum")
    if any(t.text == "%" for t in span):
        feats.append("kgpct")
    return feats


def load_weights(path: str | None) -> dict | None:
    """A trained decision's weights (a JSON file), or None without one (the rules decide)."""
    if not path:
        return None
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def starting_in(mentions, starts: list[int], start: int, end: int) -> list:
    """Mentions (sorted by start, ``starts`` their start offsets) that start in [start, end)."""
    return mentions[bisect_left(starts, start):bisect_left(starts, end)]


def sentence_start(sentences, starts: list[int], offset: int) -> int:
    index = bisect_right(starts, offset) - 1
    if index >= 0 and sentences[index].start <= offset < sentences[index].end:
        return sentences[index].start
    return offset


def _strip(sent: claim_rules.Sentence) -> claim_rules.Sentence:
    raw = sent.text
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return claim_rules.Sentence(sent.start + lead, sent.start + lead + len(body), body)


def dedupe_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The spans in order, each name (:func:`kg.names.name_key`) once, at its first span."""
    seen, out = set(), []
    for s, e in spans:
        key = name_key(text[s:e])
        if key and key not in seen:
            seen.add(key)
            out.append((s, e))
    return out
