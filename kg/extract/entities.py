"""Entity candidates: gazetteer hits, acronym definitions, name-shaped words and noun phrases
with telling head nouns, resolved into non-overlapping typed mentions.

The functions take a parsed spaCy ``Doc`` (or plain strings) and return plain tuples, so the
pipeline components in :mod:`kg.extract.components` stay thin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names import name_key, strip_plural_acronym
from .text import AcronymPair, find_acronyms


@dataclass(frozen=True)
class Candidate:
    start: int  # character offsets into doc.text
    end: int
    label: str
    source: str  # "acronym", "gazetteer", "shape", "head", "title", "proposed"
    priority: int

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end


# Acronyms and capitalised words that are not methods (hardware, formats, field names, ...).
NOT_ENTITY = {
    key.lower()
    for key in """
    GPU GPUs CPU CPUs TPU TPUs OOD IID PDE PDEs ODE ODEs AI ML DL NLP CV RL SOTA API APIs FP16 FP32 FP8 BF16 INT8 INT4
    INT16 RAM HBM US USA UK EU II III IV VI VII VIII IX XI XII PhD LaTeX GitHub HTTP HTTPS URL URLs PDF JSON
    CUDA NVIDIA OpenAI Google Meta Microsoft DeepMind arXiv IEEE ACM ACL CVPR ICML NeurIPS ICLR AAAI IJCAI
    COVID COVID-19 DNA RNA MRI CT IoT AR VR XR QA ID IDs OK TV FPS KPI KPIs DoF AUC ROC E2E
    DNN DNNs NN NNs ANN ANNs LLM-based GenAI ReLU ReLUs
    """.split()
}
# Generic words that never name an entity on their own, or as the only modifier of a generic head.
GENERIC_WORDS = set(
    """
    model models method methods framework frameworks approach approaches technique techniques algorithm algorithms
    network networks architecture architectures system systems module modules scheme schemes strategy strategies
    pipeline pipelines solution solutions tool tools procedure paradigm design designs
    novel new proposed existing previous prior current standard simple effective efficient general generic
    various several different other many multiple single our their its this these that such same
    deep neural large small modern traditional conventional popular common typical classic classical
    state-of-the-art sota strong weak baseline baselines powerful robust scalable lightweight
    learning-based data-driven end-to-end unified flexible practical principled first second third key main
    """.split()
)
# Evaluative or vague leading words dropped from noun phrases ("latest learnable pruning methods").
LEADING_ADJECTIVES = set(
    """
    additional latest renowned available sufficient sufficiently accurate heavy good better best remarkable straightforward
    straight-forward highly easy extensive challenging comprehensive specific particular important significant
    improved stronger well-known famous widely widely-used commonly-used commonly recent emerging advanced
    sophisticated elegant intricate complex compact expensive real-world discovered best-discovered downstream
    labelled labeled given whole entire overall full smooth non-convex low high lower higher optimal
    efficient effective accurate core fundamental basic mathematical numerous diverse specialized dedicated
    underlying corresponding respective original resulting final potential possible traditional vanilla
    pre-trained pretrained trained hidden
    """.split()
)
# Evaluative words: a phrase made of these says how good something is ('superior scaling',
# 'improved performance', 'significant speedups'); it never names a method or a baseline.
EVALUATIVE_ADJECTIVES = set(
    """
    superior inferior better worse best improved excellent favorable favourable impressive remarkable outstanding
    competitive considerable substantial significant strong stronger good great poor promising notable
    unprecedented exceptional faster slower
    """.split()
)
EVALUATIVE_NOUNS = set(
    """
    performance performances efficiency efficiencies improvement improvements superiority effectiveness
    robustness scalability speedup speedups speed-up speed-ups gain gains advantage advantages benefit benefits
    capability capabilities quality interpretability expressiveness expressivity results result outcome outcomes
    behavior behaviour behaviors behaviours potential properties property
    """.split()
)


# the words that say a name is a task by its role ('the hypergraph reconstruction problem', 'node classification tasks')
TASK_ROLE_WORDS = frozenset({"problem", "task", "challenge", "setting"})


def only_vague_words(words: list[str]) -> bool:
    """Every word generic ('novel', 'deep', 'model') or vague ('downstream', 'challenging'): the words
    name nothing on their own."""
    return all(w.lower() in GENERIC_WORDS or w.lower() in LEADING_ADJECTIVES for w in words)


def is_evaluative(phrase: str) -> bool:
    """'superior scaling', 'the improved performance', 'speedups': an evaluation, not a name.
    True when the head is an evaluative noun, or when every word before the head is an
    evaluative adjective (or a generic word) and the phrase has no name-shaped word."""
    words = [w for w in re.split(r"\s+", phrase.lower().strip(" .,;:()")) if w]
    if not words:
        return False
    if words[-1] in EVALUATIVE_NOUNS:
        return True
    mods = [w for w in words[:-1] if w not in ("the", "a", "an", "its", "their", "our")]
    if not mods or any(is_name_shaped(w) for w in phrase.split()):
        return False
    return any(w in EVALUATIVE_ADJECTIVES for w in mods) and all(
        w in EVALUATIVE_ADJECTIVES or w in GENERIC_WORDS or w in LEADING_ADJECTIVES for w in mods)


# Amount words before a noun say how much, not which ('more training FLOPS', 'increasing model size').
QUANTITY_WORDS = {"more", "less", "fewer", "much", "increasing", "decreasing", "increased", "decreased", "reduced",
                  "larger", "smaller", "greater"}
METHOD_HEADS = set(
    """
    network networks net nets estimator estimators mechanism mechanisms layer layers loss regularization
    regularizer quadrature approximation perceptron perceptrons transformer transformers unit units
    connection connections decomposition decompositions re-parameterization reparameterization
    reparameterisation distillation pruning encoder encoders decoder decoders autoencoder autoencoders
    gating attention embedding embeddings descent optimizer optimizers optimiser optimisers scaling
    augmentation normalization normalisation dropout initialization kernel kernels sampler sampling
    machine machines tree trees forest forests gan gans vae vaes rnn rnns cnn cnns lstm lstms
    """.split()
)
GENERIC_METHOD_HEADS = {"model", "models", "method", "methods", "framework", "frameworks", "approach",
                        "approaches", "algorithm", "algorithms", "architecture", "architectures", "technique",
                        "techniques"}
TASK_HEADS = set(
    """
    classification segmentation detection recognition translation extraction captioning synthesis retrieval
    summarization parsing tagging tracking forecasting answering search modeling modelling generation
    prediction analysis learning optimization optimisation discovery inference estimation reconstruction
    completion localization localisation recommendation
    """.split()
) - {"inference", "estimation", "optimization", "optimisation", "search", "discovery"}
# heads that name a task only when the gazetteer says so; otherwise a technique
METHOD_IF_UNKNOWN = {"optimization", "optimisation", "search", "estimation", "inference"}
TASK_LEARNING_MODIFIERS = {"continual", "lifelong", "multi-task", "multitask", "reinforcement", "active", "few-shot",
                           "zero-shot", "one-shot", "transfer", "federated", "sequence", "operator", "meta",
                           "incremental", "online", "curriculum", "imitation", "representation", "metric",
                           "contrastive", "semi-supervised", "unsupervised", "self-supervised", "multi-label"}
METRIC_HEADS = {"accuracy", "accuracies", "error", "errors", "complexity", "consumption", "latency", "throughput",
                "score", "scores", "gap", "flops", "perplexity", "precision", "recall", "auc", "bleu", "rouge",
                "fid", "psnr", "ssim", "transferability"}
METRIC_HEAD_PHRASES = {"response time", "inference time", "training time", "run time", "running time",
                       "computational cost", "time steps", "energy consumption", "memory footprint",
                       "memory usage", "sample complexity", "computational complexity"}
DATASET_HEADS = {"dataset", "datasets", "benchmark", "corpus", "corpora", "data set"}
_LEADING_DROP = {"det", "poss", "nummod", "predet", "case", "punct", "cc", "prep"}
_SHAPE_WORD = re.compile(r"[^\s()\[\]{},;:\"“”/]+")


def is_name_shaped(word: str) -> bool:
    """A word written like a name: 'GradSign', 'nnU-Net', 'ResNet-50', 'BERT', 'MEST', 'V2'."""
    if word.islower() or word.isdigit():
        return False
    if len(word) < 2 or not re.search(r"[A-Za-z]", word) or word.lower() in NOT_ENTITY:
        return False
    if strip_plural_acronym(word).lower() in NOT_ENTITY:
        return False
    letters = [c for c in word if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    if uppers == 0:
        return False
    if re.fullmatch(r"[A-Z][a-z]+(?:-[a-z]+)*", word):  # Capitalised ordinary word
        return False
    if re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+", word):  # "Physics-Informed", "Gauss-Newton": a phrase part
        return False
    if re.fullmatch(r"(?:[A-Z]\.)+", word) or re.fullmatch(r"[IVX]+", word):
        return False
    if re.fullmatch(r"[A-Z][a-z]*\d+[a-z]*", word) and len(word) <= 3:  # "A1", "T5" ambiguous, keep if >3
        return False
    return uppers >= 2 or bool(re.search(r"[a-z][A-Z]", word)) or bool(re.search(r"[A-Za-z]-?\d", word))


def shaped_words(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of every name-shaped word of ``text`` (trailing '.', "'s" and plural 's' kept out)."""
    spans = []
    urls = [(m.start(), m.end()) for m in re.finditer(r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@\S+", text)]
    for match in _SHAPE_WORD.finditer(text):
        word, start = match.group(0), match.start()
        if any(s <= start < e for s, e in urls):
            continue
        modifier = re.search(r"-(?:based|assisted|like|style|free|aware|driven|guided|specific|level|wise|only|"
                             r"enhanced|inspired|powered|augmented|type|scale|sized?)$", word)
        if modifier:
            continue
        word = word.rstrip(".'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        lead = len(word) - len(word.lstrip("'‘`-"))
        word, start = word[lead:], start + lead
        if is_name_shaped(word):
            spans.append((offset + start, offset + start + len(word)))
    return spans


def label_from_head(phrase: str) -> str | None:
    """Entity type suggested by the last word(s) of a phrase, None when it says nothing."""
    words = phrase.lower().split()
    if not words:
        return None
    last = words[-1]
    if " ".join(words[-2:]) in METRIC_HEAD_PHRASES or (last in METRIC_HEADS and len(words) >= 1):
        return "metric"
    if last in DATASET_HEADS or " ".join(words[-2:]) in DATASET_HEADS:
        return "dataset"
    if last == "learning":
        return "task" if len(words) >= 2 and words[-2] in TASK_LEARNING_MODIFIERS else None
    if last in TASK_HEADS:
        return "task"
    if last in METHOD_HEADS or last.split("-")[-1] in METHOD_HEADS or last in GENERIC_METHOD_HEADS:
        return "method"
    if last in METHOD_IF_UNKNOWN and len(words) >= 2:
        return "method"
    if last in ("equations", "equation") and len(words) >= 2 and words[-2] == "differential":
        return "task"
    return None


def acronym_label(pair: AcronymPair, lookup) -> str:
    """Type of an acronym definition: gazetteer first (long, then short form), then the head noun."""
    for name in (pair.long, pair.short, strip_plural_acronym(pair.short)):
        label = lookup(name)
        if label:
            return label
    if pair.long.lower().split()[-1] in ("inference", "estimation"):
        return "task"
    return label_from_head(pair.long) or "method"


def _glued_start(doc, i: int) -> int:
    """Start of the whitespace-delimited word holding token i ('re-parameterization' -> 're')."""
    while i > 0 and not doc[i - 1].whitespace_ and doc[i - 1].text not in "([{\"'“‘/,;:" and not doc[i - 1].is_space:
        i -= 1
    return i


def trim_chunk(chunk) -> tuple[int, int] | None:
    """Token range (start, end) of a noun chunk without determiners, possessives, numbers and
    generic leading adjectives ('our proposed HyperPAVE model' -> 'HyperPAVE model').
    Hyphenated words stay whole; only the part after the last comma is kept."""
    doc = chunk.doc
    tokens = list(chunk)
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].text in (",", ";", "(", ")") or tokens[index].lower_ in ("and", "or"):
            tokens = tokens[index + 1:]
            break
    if tokens:
        start = _glued_start(doc, tokens[0].i)
        tokens = list(doc[start: tokens[-1].i + 1])

    def droppable(index: int) -> bool:
        token = tokens[index]
        if token.dep_ in _LEADING_DROP or token.pos_ in ("DET", "PRON", "NUM", "ADV", "PUNCT", "CCONJ"):
            return True
        if token.like_num or token.lower_ in ("both", "two", "three", "up") or token.text in ("%", "+", "x", "×"):
            return True
        low = whole = token.lower_
        if not token.whitespace_ and index + 1 < len(tokens) and (tokens[index + 1].text == "-" or low == "-"):
            # a hyphenated word is also judged whole ('real-world', 'non-convex', 'pre-trained')
            end = index
            while end + 1 < len(tokens) and not tokens[end].whitespace_:
                end += 1
            whole = "".join(t.text for t in tokens[index:end + 1]).lower()
        if any(w in GENERIC_WORDS or w in LEADING_ADJECTIVES or w in QUANTITY_WORDS for w in (low, whole)):
            # keep 'Deep' in a title-cased name ('Deep Residual Networks')
            nxt = tokens[index + 1] if index + 1 < len(tokens) else None
            if token.text[:1].isupper() and not token.is_sent_start and nxt is not None and nxt.text[:1].isupper():  # noqa: SIM103
                return False
            return True
        return False

    while tokens and droppable(0):
        # drop a whole hyphenated word ('two-layer', 'large-scale')
        first = tokens[0]
        tokens = tokens[1:]
        while tokens and not first.whitespace_ and (tokens[0].text == "-" or first.text == "-"):
            first = tokens[0]
            tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ == "PUNCT" or tokens[-1].text in "%+"):
        tokens = tokens[:-1]
    while tokens and tokens[0].text in "%+-":
        tokens = tokens[1:]
    if not tokens:
        return None
    end = tokens[-1].i + 1
    while end < len(doc) and not doc[end - 1].whitespace_ and (doc[end].text == "-" or doc[end - 1].text == "-") \
            and end < chunk.end + 3:
        end += 1
    return tokens[0].i, end


_GENERIC_MODIFIERS = {"search", "learning", "optimization", "distillation", "base", "training", "inference",
                      "connectionist", "baseline", "classification", "prediction", "generation", "language", "vision"}
METRIC_ADJECTIVES = {"computational", "top-1", "top-5", "mean", "average", "relative", "absolute", "expected",
                     "empirical", "generalization", "approximation", "classification", "test", "training", "sample"}


def head_candidates(doc, protected: list[tuple[int, int]], labels: dict | None = None,
                    text_of_doc: str | None = None, chunks=None, trim=trim_chunk) -> list[Candidate]:
    """Noun phrases (``chunks``, default the doc's, cut by ``trim``) typed by their head noun
    ('inductive link prediction mechanism' -> method)."""
    from .gazetteer import lookup

    labels = labels or {}
    full = text_of_doc if text_of_doc is not None else doc.text
    out = []
    for chunk in doc.noun_chunks if chunks is None else chunks:
        bounds = trim(chunk)
        if not bounds:
            continue
        span = doc[bounds[0]:bounds[1]]
        words = [t.lower_ for t in span if not t.is_punct or t.text == "-"]
        text = span.text
        if len(span) < 2 and "-" not in text:
            continue
        label = label_from_head(text.replace(" - ", "-"))
        for n in range(min(4, len(words)), 1, -1):  # 'automatic hyperparameter optimization' -> task
            known = lookup(" ".join(text.split()[-n:]))
            if known:
                label = known
                break
        if not label:
            continue
        head = span[-1].lower_
        if label == "method" and head in ("search", "optimization", "optimisation") and len(span) >= 2 and span[-2].pos_ in ("NOUN", "PROPN") \
                and not lookup(text):
            label = "task"  # 'product search', 'portfolio optimization'; 'random search' stays a method
        if label == "metric" and len(span) >= 2:
            mods = [t for t in span[:-1] if t.text != "-"]
            if all(t.pos_ == "ADJ" and t.lower_ not in METRIC_ADJECTIVES for t in mods):
                span = span[-1:]
                text = span.text
        if label == "dataset" and head not in ("dataset", "benchmark", "corpus"):
            continue
        if head in ("framework", "frameworks", "technique", "techniques", "approach", "approaches"):
            continue
        if head in GENERIC_METHOD_HEADS and len(span) == 2 and span[0].lower_ in _GENERIC_MODIFIERS:
            continue
        if head in GENERIC_METHOD_HEADS:
            # "gradient-based methods", "pruning methods": keep only with one specific modifier
            mods = [t for t in span[:-1] if t.lower_ not in GENERIC_WORDS]
            named = [t for t in mods if t.pos_ == "PROPN" or is_name_shaped(t.text)]
            if named and not (head.endswith("s") and all(labels.get(name_key(t.text)) == "task" for t in named)):
                continue  # 'HyperPAVE model' is HyperPAVE; 'NAS algorithms' is a method family
            if not mods:
                continue
            if all(t.pos_ == "ADJ" and "-" not in t.text for t in mods):
                continue
        if label == "method" and all(w in GENERIC_WORDS or w in ("neural", "deep", "-") for w in words[:-1]):
            continue
        if label == "method" and is_evaluative(text):
            continue
        if label == "task" and words[-1] in ("learning", "search", "optimization", "analysis", "inference",
                                             "generation", "prediction", "modeling", "estimation") and len(words) < 2:
            continue
        if text.lower() in {"neural network", "neural networks", "deep neural networks", "deep learning",
                            "machine learning", "computer vision", "training data", "real-world applications"} \
                and text.lower() not in ("computer vision",):
            continue
        if label == "dataset":  # noqa: SIM102  (the comment belongs to the inner test)
            # '9 datasets', 'training datasets' are not entities; 'MAVE dataset' is
            if not any(t.pos_ == "PROPN" or is_name_shaped(t.text) for t in span[:-1]):
                continue
        start, end = span.start_char, span.end_char
        if any(s <= start and end <= e for s, e in protected):
            continue
        priority = 1
        inner = [(s, e) for s, e in protected if start <= s and e <= end]
        if label == "dataset":
            priority = 4
        elif inner and "," not in text:
            extra = len(text.split()) - max(len(full[s:e].split()) for s, e in inner)
            if extra <= (2 if head not in GENERIC_METHOD_HEADS else 1):
                priority = 3
        out.append(Candidate(start, end, label, "head", priority))
    return out


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping mentions: higher priority first, then longer spans, then earlier."""
    chosen: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
        if cand.end <= cand.start:
            continue
        if any(cand.overlaps(other) for other in chosen):
            continue
        chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def acronym_candidates(text: str, lookup) -> tuple[list[Candidate], list[AcronymPair], dict[str, str]]:
    """Mentions for each 'Long Form (SHORT)' definition plus the map short key -> label."""
    out, pairs, labels = [], [], {}
    for pair in find_acronyms(text):
        if strip_plural_acronym(pair.short).lower() in NOT_ENTITY and name_key(pair.long) in {
            "deep neural network", "neural network", "artificial neural network"}:
            continue
        label = acronym_label(pair, lookup)
        if name_key(pair.long) in {"deep neural network", "neural network", "artificial intelligence",
                                   "machine learning", "deep learning", "large language model"} and label == "method":
            continue
        pairs.append(pair)
        labels[name_key(pair.short)] = label
        out.append(Candidate(pair.long_start, pair.long_end, label, "acronym", 5))
        out.append(Candidate(pair.short_start, pair.short_end, label, "acronym", 5))
    return out, pairs, labels


NER_LABELS = {"method", "task", "metric", "dataset"}


def ner_candidate(ent) -> Candidate | None:
    """A span of the trained NER as a lowest-priority candidate, trimmed like a noun phrase and
    kept only when it is specific: not generic words only, not one lower-case word, at most 6 words."""
    if ent.label_ not in NER_LABELS:
        return None
    bounds = trim_chunk(ent)
    if not bounds:
        return None
    span = ent.doc[bounds[0]:bounds[1]]
    words = [t for t in span if not t.is_punct]
    if not words or len(words) > 6:
        return None
    if only_vague_words([t.text for t in words]):
        return None
    if len(span) == 1 and span.text.islower() and "-" not in span.text:
        return None
    if span.text.lower() in {"neural network", "neural networks", "deep learning", "machine learning"}:
        return None
    if ent.label_ == "method" and is_evaluative(span.text):
        return None
    return Candidate(span.start_char, span.end_char, ent.label_, "ner", 0)


_DANGLING = {"&", "-", "/", ",", ";", ":", "and", "or", "of", "for", "the"}


FIRST_NER_SPANS = "kg_seed_ner"  # doc.spans key of the first seed NER's spans once a second NER runs (kg_stash_ents)


def seed_ner_candidates(doc) -> list[Candidate]:
    """Every span of the seed NERs (``kg_seed_ner``, source ``ner``, and ``kg_seed_ner_b``, source
    ``ner_b``, where the pipeline has both; unlike :func:`ner_candidate`, nothing is filtered: the
    mention decision judges them), without a dangling '&', 'and' or comma at either end ('ILSVRC &')
    and with a word glued on after a trailing hyphen ('Tiny-' -> 'Tiny-ImageNet')."""
    out = []
    if FIRST_NER_SPANS in doc.spans:
        tagged = [(ent, "ner") for ent in doc.spans[FIRST_NER_SPANS]] + [(ent, "ner_b") for ent in doc.ents]
    else:
        tagged = [(ent, "ner") for ent in doc.ents]
    for ent, source in tagged:
        start, end = ent.start, ent.end
        if doc[end - 1].text in ("-", "/") and end < len(doc) and not doc[end - 1].whitespace_ \
                and not (doc[end].is_punct or doc[end].is_space):
            end += 1
        while end > start and doc[end - 1].lower_ in _DANGLING:
            end -= 1
        while start < end and doc[start].lower_ in _DANGLING:
            start += 1
        if end > start:
            out.append(Candidate(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), ent.label_, source, 4))
    return out


# ---------------------------------------------------------------- names listed as datasets

_PLURAL_DATA_HEAD = re.compile(r"\b(?:datasets|benchmarks|corpora|data sets)\b", re.IGNORECASE)
_LIST_BOUNDARY = re.compile(r"[.;:()\[\]]|\b(?:on|in|of|from|using|with|across|over|for|to|by|at|and on)\b")
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and|or)\b|,|\band\b|\bor\b)\s*")
_LIST_INTRO = re.compile(r"\s*(?:,|:|\(|such as|including|namely|like|e\.g\.,?)\s*", re.IGNORECASE)
_LIST_STOP = re.compile(r"[.;:()]")


def _name_like(item: str) -> bool:
    """'CIFAR-100', 'Tiny ImageNet', 'UCF 101', 'PASCAL VOC 2007': capitalised words or numbers,
    at least one written like a name."""
    words = item.split()
    if not words or len(words) > 4:
        return False
    if not all(w[:1].isupper() or w.isdigit() for w in words):
        return False
    return any(is_name_shaped(w) for w in words) or (len(words) > 1 and words[0][:1].isupper())


def dataset_list_items(text: str) -> list[tuple[int, int]]:
    """(start, end) of every name that a list attaches to a plural dataset head:
    'on the CIFAR-100 and ImageNet datasets', 'two challenging datasets , MSRII and UCF 101 ,'."""
    out: list[tuple[int, int]] = []

    def items(segment: str, offset: int, need: int) -> list[tuple[int, int]]:
        found, position = [], 0
        for part in _LIST_SPLIT.split(segment) + [""]:
            at = segment.find(part, position) if part else position  # '' also opens ' and BLAST ...'
            raw = part.strip()
            if raw.lower().startswith("the "):
                raw = raw[4:]
            if not raw:
                position = at + len(part)
                continue
            if not _name_like(raw):
                break
            start = offset + segment.index(raw, at)
            found.append((start, start + len(raw)))
            position = at + len(part)
        return found if len(found) >= need else []

    for head in _PLURAL_DATA_HEAD.finditer(text):
        before = text[max(0, head.start() - 200):head.start()]
        cut = max((m.end() for m in _LIST_BOUNDARY.finditer(before)), default=0)
        segment = before[cut:]
        got = items(segment, head.start() - len(before) + cut, 2)
        if got and text[got[-1][1]:head.start()].strip() == "" and text[cut + head.start() - len(before):got[0][0]].strip(
                ).lower() in ("", "the"):
            out.extend(got)  # the whole segment is the list: no other word before or after it
        intro = _LIST_INTRO.match(text, head.end())
        if intro:
            rest = text[intro.end():intro.end() + 200]
            stop = _LIST_STOP.search(rest)
            rest = rest[:stop.start()] if stop else rest
            out.extend(items(rest, intro.end(), 1 if intro.group(0).strip(" ,").lower() in (
                "such as", "including", "namely", "like", "e.g.") else 2))
    return out
