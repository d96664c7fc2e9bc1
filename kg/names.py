"""The normal forms of names and titles: one module, used by ingest, extraction, ids, search and
evaluation alike.

* :func:`name_key` is the identity of an entity name: two names with one key are one graph node
  (extraction merges them, :func:`kg.ids.entity_iri` mints one IRI from the key, search matches on it).
* :func:`compact_key` also ignores spaces, to merge spelling variants ('Multi-Layer Perceptron').
* :func:`title_key` is the identity of a title: duplicate papers across listings share it.
* :func:`search_key` is what the explorer's search compares, word by word, for names and titles.
* :func:`scorer_key` is the seed gold's own rule (``data/gold/README.md``, "Scoring"): the
  evaluation follows the annotators' definition, not the product's; it is kept apart on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212_/-]+")
_NON_WORD = re.compile(r"[^\w\s]+")
_NON_WORD_OR_SPACE = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Compatibility forms and accents folded, lower case: 'Café' -> 'cafe', 'ﬁne' -> 'fine'."""
    for _ in range(2):  # lower case can leave marks to fold ('İ'), folding can leave capitals ('㎒' -> 'MHz')
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).lower()
    return text


@lru_cache(maxsize=1 << 16)  # extraction asks for the same names' keys over and over
def name_key(name: str) -> str:
    """The key of an entity name: folded (:func:`fold`), hyphens/dashes/spaces unified, punctuation
    dropped, the last word singular ("ies" -> "y", a trailing "s"):
    'Kolmogorov-Arnold Networks' == 'kolmogorov arnold network', 'C4.5' == 'c45', 'KANs' == 'kan'."""
    words = _NON_WORD.sub("", _DASHES.sub(" ", fold(name))).split()
    if words:
        words[-1] = _singular(words[-1])
    return " ".join(words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies") and word not in ("series", "species"):
        return word[:-3] + "y"  # 'top-1 accuracies' == 'top-1 accuracy'
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def compact_key(name: str) -> str:
    """:func:`name_key` without spaces: 'Multi-Layer Perceptrons' == 'multilayer perceptron' ==
    'MultiLayer Perceptron'; used to merge spelling variants of one name."""
    return name_key(name).replace(" ", "")


def strip_plural_acronym(short: str) -> str:
    """'KANs' -> 'KAN', 'DNNs' -> 'DNN'; other strings unchanged."""
    if len(short) > 2 and short.endswith("s") and short[:-1].isupper():
        return short[:-1]
    return short


def title_key(title: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a title, used to merge duplicates.
    Letters of any script are kept; a title of symbols alone (emoji) is its own form."""
    return " ".join(_NON_WORD_OR_SPACE.sub(" ", fold(title)).split()) or " ".join(title.split())


def search_key(text: str) -> str:
    """What search compares: :func:`title_key` with every word singular, so that a query matches
    names and titles word by word ("KANs:" ~ "kan", "graph neural networks" ~ "Graph Neural Network")."""
    return " ".join(_singular(word) for word in title_key(text).split())


def scorer_key(name: str) -> str:
    """The seed gold's normalisation (its README, "Scoring"): lower case, hyphens/dashes/spaces
    unified, punctuation and a trailing plural "s" stripped."""
    text = re.sub(r"[\u2010-\u2015\u2212\-_/\s]+", " ", name.lower())
    text = re.sub(r"[^\w\s]", "", text).strip()
    if len(text) > 3 and text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]
    return text.strip()


def verbatim_occurrences(text: str, name: str) -> list[tuple[int, int]]:
    """(start, end) of every case-sensitive occurrence of ``name`` in ``text`` that does not sit
    inside a longer word ('GAN' is not found in 'GANs' or 'ORGAN')."""
    out = []
    if not name.strip():
        return out
    for match in re.finditer(re.escape(name), text):
        s, e = match.span()
        if (s > 0 and text[s - 1].isalnum() and name[0].isalnum()) or (
                e < len(text) and text[e].isalnum() and name[-1].isalnum()):
            continue
        out.append((s, e))
    return out
