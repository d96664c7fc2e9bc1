"""A synthetic corpus of N abstracts recombined from the bundled seed listings, for scale runs.

    python bench/corpus.py N [--seed 0] [--out corpus.jsonl]

Writes JSON Lines ``{id, title, abstract}`` that ``kg ingest`` / ``kg build`` read, streaming (one paper
in memory at a time); 100,000 papers take seconds. How a paper is made:

* a seed paper is drawn as its template: its title (with its names swapped) and its sentence count;
* each sentence is drawn from the pool of all seed abstract sentences at the same relative place
  (opening, middle, closing third), so results sentences stay near the end;
* names in the seed text become slots, found with the extractor's own plain-text helpers
  (``kg.extract.text.find_acronyms``, ``kg.names.verbatim_occurrences``, ``kg.extract.gazetteer.lookup``):
  - method and dataset names of the gazetteers are swapped for names drawn from the gazetteers with
    a Zipf law (rank r with weight 1/r), the names the seeds use most ranked first, so that names
    repeat across papers as real ones do; one seed name keeps one replacement within a paper;
  - acronym definitions "Long Form (LF)" of known names are swapped for a drawn (long form, acronym)
    pair: a long form always comes with the same acronym, defined at its first use in a paper and
    written short afterwards;
  - the seed paper's own method (an acronym it defines after "we propose ... / called", or that its
    title names) becomes this paper's own method: an acronym unique to the paper (4 letters, 5 past
    456,976 papers) with a long form whose initials spell it, so titles are unique;
* the id is ``syn<seed>-<index>``. Everything is drawn from one ``random.Random(seed)`` in order, so
  a corpus is a function of (N, seed) and the first N papers of a larger corpus are the N-paper corpus.
"""

from __future__ import annotations

import argparse
import bisect
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.extract.gazetteer import load_gazetteers, lookup  # plain text, no spaCy
from kg.extract.text import AcronymPair, find_acronyms
from kg.ingest import ingest
from kg.jsonl import write_jsonl
from kg.names import name_key, strip_plural_acronym, verbatim_occurrences

SEEDS = ROOT / "data" / "seeds"
BUCKETS = 3  # sentence places: opening, middle, closing third of an abstract
MAX_NGRAM = 6  # longest gazetteer name looked up, in words
SWAPPED = ("method", "dataset")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
_WORD = re.compile(r"[^\s()\[\]{},;:\"]+")
_NOT_NAME_WORDS = {"your", "with", "from", "only", "once", "that", "this", "into", "over", "what", "when", "where",
                   "which", "more", "less", "than", "they", "their", "have", "about", "all", "also", "just", "look",
                   "need", "does", "like", "very", "without", "using"}
_OWN_CUE = re.compile(r"\b(?:we (?:propose|introduce|present|develop|design|call|name|term|dub)|called|dubbed|named|"
                      r"termed|coined|namely)\b[^.]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """A name in a template: ``kind`` own / pair / method / dataset, ``key`` the seed name's key
    (one replacement per key in a paper), ``form`` def / short / shorts / long / name."""

    kind: str
    key: str
    form: str


Template = tuple  # of str | Slot


# ---------------------------------------------------------------- seed text -> templates


def name_shaped(name: str) -> bool:
    """A name worth swapping: a capital after the first letter or a digit ('CIFAR-10', 'ResNet',
    'Gaussian Process' is not), at least three characters."""
    return len(name) >= 3 and (any(c.isupper() for c in name[1:]) or any(c.isdigit() for c in name))


def _swappable(name: str, label: str | None) -> bool:
    if label not in SWAPPED or not name_shaped(name):
        return False
    return not (label == "dataset" and len(name) <= 3)  # 'AP', 'CS', 'NCD': metric-like junk of the list


def gazetteer_spans(text: str) -> list[tuple[int, int, Slot]]:
    """Longest gazetteer method/dataset names in ``text`` (greedy, left to right)."""
    words = [(m.start(), m.end() - (m.group(0)[-1] in ".!?")) for m in _WORD.finditer(text)]
    spans, i = [], 0
    while i < len(words):
        for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            name = text[start:end]
            label = lookup(name)
            if _swappable(name, label):
                spans.append((start, end, Slot(label, name_key(name), "name")))
                i += n - 1
                break
        i += 1
    return spans


def _is_own(pair: AcronymPair, text: str, title: str, shared: Counter) -> bool:
    """The paper's own method: named in its title or after a proposal cue, and no known name."""
    if lookup(pair.long) or lookup(pair.short) or shared[name_key(pair.long)] > 1:
        return False
    in_title = bool(verbatim_occurrences(title, pair.short) or verbatim_occurrences(title, pair.long))
    return in_title or bool(_OWN_CUE.search(text[max(0, min(pair.long_start, pair.short_start) - 80):pair.long_start]))


def _definition(pair: AcronymPair, text: str, slot_kind: str, key: str) -> tuple[int, int, Slot]:
    start = min(pair.long_start, pair.short_start)
    end = max(pair.long_end, pair.short_end)
    if end < len(text) and text[end] == ")":
        end += 1
    return start, end, Slot(slot_kind, key, "def")


def _name_spans(text: str, name: str, slot: Slot) -> list[tuple[int, int, Slot]]:
    return [(s, e, slot) for s, e in verbatim_occurrences(text, name)]


def _pair_spans(text: str, short: str, long: str, kind: str, key: str) -> list[tuple[int, int, Slot]]:
    bare = strip_plural_acronym(short)
    spans = _name_spans(text, bare, Slot(kind, key, "short"))
    spans += _name_spans(text, bare + "s", Slot(kind, key, "shorts"))
    return spans + _name_spans(text, long, Slot(kind, key, "long"))


def _title_name(title: str) -> str | None:
    """'DiffusionNAG: ...' -> 'DiffusionNAG': a one-word title name that the gazetteers do not know."""
    head, colon, _ = title.partition(":")
    head = head.strip()
    if colon and " " not in head and name_shaped(head) and lookup(head) is None:
        return head
    return None


def _no_overlaps(spans: list[tuple[int, int, Slot]]) -> list[tuple[int, int, Slot]]:
    """Earlier entries win (definitions, then own and pair names, then gazetteer names)."""
    kept: list[tuple[int, int, Slot]] = []
    for span in spans:
        if all(span[1] <= s or span[0] >= e for s, e, _ in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span[0])


def paper_spans(title: str, abstract: str, shared: Counter) -> tuple[list, list, dict[str, tuple[str, str]]]:
    """Slots of a seed paper's title and abstract, and the (long form, acronym) of each known pair it defines."""
    definitions, names, pairs = [], [], {}
    for pair in find_acronyms(abstract):
        own = _is_own(pair, abstract, title, shared)
        if not own and lookup(pair.long) not in (None, *SWAPPED):
            continue  # a task or metric defined: left as written
        kind, key = ("own", "") if own else ("pair", name_key(pair.long))
        definitions.append(_definition(pair, abstract, kind, key))
        names.append((pair.short, pair.long, kind, key))
        if not own:
            pairs.setdefault(key, (pair.long, strip_plural_acronym(pair.short)))
    title_name = _title_name(title)
    if title_name and title_name not in {short for short, *_ in names}:
        names.append((title_name, title_name, "own", ""))
    result = []
    for text, spans in ((title, []), (abstract, list(definitions))):
        for short, long, kind, key in names:
            spans += _pair_spans(text, short, long, kind, key)
        result.append(_no_overlaps(spans + gazetteer_spans(text)))
    return result[0], result[1], pairs


def template(text: str, spans: list[tuple[int, int, Slot]], start: int = 0, end: int | None = None) -> Template:
    """``text[start:end]`` as literal pieces and slots."""
    end = len(text) if end is None else end
    parts: list = []
    at = start
    for s, e, slot in spans:
        if s >= start and e <= end:
            parts += [text[at:s], slot]
            at = e
    parts.append(text[at:end])
    return tuple(p for p in parts if p != "")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of an abstract (a plain splitter: good enough to recombine)."""
    bounds, at = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((at, match.start()))
        at = match.end()
    bounds.append((at, len(text.rstrip())))
    return [(s, e) for s, e in bounds if e > s]


# ---------------------------------------------------------------- drawing names


class Zipf:
    """Draws ``names[r]`` with weight 1/(r+1)**s."""

    def __init__(self, names: list, s: float = 1.0):
        self.names = names
        self.cumulative, total = [], 0.0
        for rank in range(len(names)):
            total += 1.0 / (rank + 1) ** s
            self.cumulative.append(total)

    def draw(self, rng: random.Random):
        index = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.names[min(index, len(self.names) - 1)]


def initials(long: str) -> str:
    """'Long Short-Term Memory' -> 'LSTM'."""
    return "".join(part[0].upper() for part in re.split(r"[\s-]+", long) if part)


def _title_case_names(names: tuple[str, ...]) -> list[str]:
    """Multi-word names whose every word starts with a capital letter: long forms worth an acronym."""
    out = []
    for name in names:
        parts = re.split(r"[\s-]+", name)
        if 2 <= len(parts) <= 5 and all(p[:1].isupper() and p.isalpha() for p in parts):
            out.append(name)
    return out


def ranked(seed_counts: Counter, names: list[str], rng: random.Random) -> list[str]:
    """The names the seeds use, most used first, then the others in a seeded random order."""
    first = [name for name, _ in seed_counts.most_common()]
    seen = set(first)
    rest = sorted(set(names) - seen)
    rng.shuffle(rest)
    return first + rest


# ---------------------------------------------------------------- the corpus


@dataclass
class Seeds:
    """What the generator draws from: templates, sentence pools and ranked name lists."""

    titles: list[Template]
    lengths: list[int]  # sentence count of each seed abstract
    pools: list[list[Template]]  # sentence templates per bucket
    names: dict[str, Zipf]  # method / dataset
    pairs: Zipf  # (long form, acronym)
    words: dict[str, list[str]]  # initial letter -> capitalised words for own long forms
    heads: dict[str, list[str]]  # initial letter -> head words (last words of method names)


def load_seeds(seed_dir: Path = SEEDS, seed: int = 0) -> Seeds:
    papers = ingest([seed_dir]).papers
    shared = Counter(name_key(p.long) for paper in papers for p in {a.long: a for a in find_acronyms(paper.abstract)}.values())
    titles, lengths, pools = [], [], [[] for _ in range(BUCKETS)]
    counts = {label: Counter() for label in (*SWAPPED, "pair")}
    pair_names: dict[str, tuple[str, str]] = {}
    for paper in papers:
        title_spans, spans, pairs = paper_spans(paper.title, paper.abstract, shared)
        titles.append(template(paper.title, title_spans))
        bounds = sentences(paper.abstract)
        lengths.append(len(bounds))
        for index, (start, end) in enumerate(bounds):
            pools[index * BUCKETS // len(bounds)].append(template(paper.abstract, spans, start, end))
        for key, pair in pairs.items():
            pair_names.setdefault(key, pair)
        _count_names(paper.abstract, spans, counts)
    rng = random.Random(seed)
    gazetteer = load_gazetteers()
    methods = [n for n in gazetteer["method"] + gazetteer["method_nocase"] if _swappable(n, "method")]
    datasets = [n for n in gazetteer["dataset"] if _swappable(n, "dataset")]
    names = {"method": Zipf(ranked(counts["method"], methods, rng)),
             "dataset": Zipf(ranked(counts["dataset"], datasets, rng))}
    return Seeds(titles, lengths, pools, names, _pairs(counts["pair"], pair_names, rng), *_vocabulary(gazetteer["method"]))


def _count_names(text: str, spans: list, counts: dict[str, Counter]) -> None:
    """How often the seeds write each swapped name and define each known pair."""
    for start, end, slot in spans:
        if slot.kind in SWAPPED:
            counts[slot.kind][text[start:end]] += 1
        elif slot.kind == "pair" and slot.form == "def":
            counts["pair"][slot.key] += 1


def _pairs(seed_counts: Counter, pair_names: dict, rng: random.Random) -> Zipf:
    """(long form, acronym) pairs: those the seeds define, most used first, then the gazetteer's
    title-case method names with their initials. A long form has one acronym."""
    pairs = {key: pair_names[key] for key, _ in seed_counts.most_common()}
    rest = sorted(_title_case_names(load_gazetteers()["method"]))
    rng.shuffle(rest)
    for long in rest:
        pairs.setdefault(name_key(long), (long, initials(long)))
    return Zipf(list(pairs.values()))


def _vocabulary(methods: tuple[str, ...]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    words: dict[str, set[str]] = {}
    heads: dict[str, set[str]] = {}
    for name in _title_case_names(methods):
        parts = name.split()
        for index, word in enumerate(parts):
            if len(word) >= 4 and word[1:].islower() and word.lower() not in _NOT_NAME_WORDS:
                (heads if index == len(parts) - 1 else words).setdefault(word[0], set()).add(word)
    for letter in map(chr, range(ord("A"), ord("Z") + 1)):
        words.setdefault(letter, {letter + "-Net"})  # a letter no method name starts with
    return {k: sorted(v) for k, v in words.items()}, {k: sorted(v) for k, v in heads.items()}


_SPACES = [(4, 26 ** 4), (5, 26 ** 5), (6, 26 ** 6)]
_STEP = 7_919_983  # coprime with 26: spreads consecutive indices over the acronym space


def own_acronym(index: int) -> str:
    """A distinct upper-case acronym for every paper index (4 letters first, then 5, then 6)."""
    for length, size in _SPACES:
        if index < size:
            code = (index * _STEP + 12_345) % size
            letters = []
            for _ in range(length):
                code, digit = divmod(code, 26)
                letters.append(chr(ord("A") + digit))
            return "".join(letters)
        index -= size
    raise ValueError("more papers than own acronyms")


def own_method(index: int, seeds: Seeds, rng: random.Random) -> tuple[str, str]:
    """(long form, acronym) of a paper's own method; the long form's initials spell the acronym."""
    short = own_acronym(index)
    words = [rng.choice(seeds.words[c]) for c in short[:-1]]
    words.append(rng.choice(seeds.heads.get(short[-1]) or seeds.words[short[-1]]))
    return " ".join(words), short


class Paper:
    """Renders one synthetic paper's slots: a seed name keeps its replacement within the paper."""

    def __init__(self, seeds: Seeds, rng: random.Random, own: tuple[str, str]):
        self.seeds, self.rng, self.own = seeds, rng, own
        self.chosen: dict[tuple[str, str], object] = {}
        self.defined: set[tuple[str, str]] = set()
        self.own_used = False

    def render(self, parts: Template) -> str:
        return "".join(p if isinstance(p, str) else self.fill(p) for p in parts)

    def fill(self, slot: Slot) -> str:
        if slot.kind in SWAPPED:
            return self._choose(slot, lambda: self.seeds.names[slot.kind].draw(self.rng))
        long, short = self.own if slot.kind == "own" else self._choose(slot, lambda: self.seeds.pairs.draw(self.rng))
        self.own_used |= slot.kind == "own"
        if slot.form == "def":
            first = (slot.kind, slot.key) not in self.defined
            self.defined.add((slot.kind, slot.key))
            return f"{long} ({short})" if first else short
        return {"short": short, "shorts": short + "s", "long": long}[slot.form]

    def _choose(self, slot: Slot, draw):
        key = (slot.kind, slot.key)
        if key not in self.chosen:
            self.chosen[key] = draw()
        return self.chosen[key]


def generate(n: int, seed: int = 0, seeds: Seeds | None = None) -> Iterator[dict[str, str]]:
    """``n`` papers ``{id, title, abstract}``, one at a time."""
    seeds = seeds or load_seeds(seed=seed)
    rng = random.Random(seed)
    for index in range(n):
        yield make_paper(index, seed, seeds, rng)


def make_paper(index: int, seed: int, seeds: Seeds, rng: random.Random) -> dict[str, str]:
    shape = rng.randrange(len(seeds.titles))
    own = own_method(index, seeds, rng)
    paper = Paper(seeds, rng, own)
    title = paper.render(seeds.titles[shape])
    if not paper.own_used:  # every title names its own (unique) method: titles are unique
        title = f"{own[1]}: {title}"
    count = seeds.lengths[shape]
    abstract = " ".join(paper.render(rng.choice(seeds.pools[i * BUCKETS // count])) for i in range(count))
    return {"id": f"syn{seed}-{index:07d}", "title": title, "abstract": abstract}


def write_corpus(path: str | Path, n: int, seed: int = 0, seeds: Seeds | None = None) -> int:
    """Write ``n`` papers to ``path`` (JSON Lines, atomically, streaming); returns the count."""
    return write_jsonl(path, generate(n, seed, seeds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("corpus.jsonl"))
    args = parser.parse_args()
    began = time.perf_counter()
    written = write_corpus(args.out, args.n, args.seed)
    print(f"{written} papers -> {args.out} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
