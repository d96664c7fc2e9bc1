"""The trained claim-sentence classifier at extraction time: is a sentence a result of the paper, and
of which type.

Logistic regressions (scikit-learn, fitted by :mod:`kg.extract.learn.claims`) over the tf-idf of
the sentence's lower-cased word uni- and bigrams, the rules' view of it written as pseudo-words
(:func:`classifier_text`): one for "claim" and one per claim type (that type against the other
types of claim sentences), stored as plain weights in ``claims.json``. Plain functions and dicts, no spaCy objects.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from .proposals import sigmoid

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def classifier_text(sentence: str, features: list[str]) -> str:
    """The sentence followed by the rules' pseudo-words (``kgrule…``, ``kgcontribution``, …)."""
    return sentence + " " + " ".join(features)


def ngrams(text: str) -> list[str]:
    """Lower-cased words of two or more characters and each pair of neighbours."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class SentenceClassifier:
    types: tuple[str, ...]
    features: dict[str, list[float]]  # n-gram -> [idf, claim weight, one weight per type]
    bias: tuple[float, ...]  # claim bias, then one per type
    context: np.ndarray | None = None  # (regressions, WIDTH): the weights of the sentence's encoder state

    @classmethod
    def load(cls, path: str | Path) -> SentenceClassifier:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        context = np.array(data["context"]) if data.get("context") else None
        return cls(tuple(data["types"]), data["features"], tuple(data["bias"]), context)

    def scores(self, text: str, vector=None) -> dict[str, float]:
        """{"claim": probability, type: probability of that type were it a claim} of one
        :func:`classifier_text` and the sentence's mean encoder state of unit length (``vector``;
        :func:`kg.extract.encoder.unit`)."""
        counts = Counter(g for g in ngrams(text) if g in self.features)
        weights = {g: (1.0 + math.log(n)) * self.features[g][0] for g, n in counts.items()}  # sublinear tf-idf
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        sums = list(self.bias)
        for g, w in weights.items():
            row = self.features[g]
            for i in range(len(sums)):
                sums[i] += row[i + 1] * w / norm
        if vector is not None and self.context is not None:
            for i, value in enumerate(self.context @ vector):
                sums[i] += float(value)
        out = {"claim": sigmoid(sums[0])}
        out.update({t: sigmoid(z) for t, z in zip(self.types, sums[1:])})
        return out
