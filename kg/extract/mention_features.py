"""What is known about each candidate name of a paper: the features of the trained mention
decision (:mod:`kg.extract.learn.mentions`), which keeps or drops each name the rules and the NER
propose and gives it its type.

Plain functions over the document text and (start, end, label, source) candidates.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..names import name_key
from .encoder import WIDTH
from .entities import is_name_shaped
from .gazetteer import lookup

_WORD = re.compile(r"[\w-]+")


def group_features(text: str, cut: int, candidates: Iterable[tuple[int, int, str, str]],
                   contexts: Iterable[tuple[str, ...]] = ()) -> dict[str, dict[str, float]]:
    """name key -> features, over every candidate span of that name (sources and labels that
    proposed it, its words, its shape, how often and where it occurs) and, where ``contexts`` gives
    one per candidate (:func:`kg.extract.components.mention_context`), the words around each
    occurrence and its place in the parse."""
    groups: dict[str, list[tuple[int, int, str, str]]] = {}
    around: dict[str, list[tuple[str, ...]]] = {}
    for cand, context in itertools.zip_longest(candidates, contexts, fillvalue=()):
        key = name_key(text[cand[0]:cand[1]])
        groups.setdefault(key, []).append(cand)
        if context:
            around.setdefault(key, []).append(context)
    out = {}
    for key, cands in groups.items():
        name = text[cands[0][0]:cands[0][1]]
        words = _WORD.findall(name.lower())
        f: dict[str, float] = {f"src={c[3]}": 1.0 for c in cands}
        f.update({f"label={c[2]}": 1.0 for c in cands})
        f.update({f"src_label={c[3]}:{c[2]}": 1.0 for c in cands})
        known = lookup(name)
        f[f"gazetteer={known}"] = 1.0
        if words:
            f[f"head={words[-1]}"] = 1.0
            f[f"first={words[0]}"] = 1.0
            f[f"name={' '.join(words)}"] = 1.0
        f[f"words={min(len(words), 5)}"] = 1.0
        f["shaped"] = float(any(is_name_shaped(w) for w in name.split()))
        f["lower"] = float(name.islower())
        f["upper"] = float(name.replace("-", "").isupper())
        f["capitalised"] = float(all(w[:1].isupper() for w in name.split()))
        f["digit"] = float(any(ch.isdigit() for ch in name))
        f["title"] = float(any(c[0] < cut for c in cands))
        f["log_count"] = math.log1p(len({c[0] for c in cands}))
        for before, before2, after, dep, head, pos in around.get(key, ()):
            f.update({f"prev={before}": 1.0, f"prev2={before2}_{before}": 1.0, f"next={after}": 1.0,
                      f"dep={dep}": 1.0, f"dephead={dep}:{head}": 1.0, f"pos={pos}": 1.0})
        out[key] = f
    return out


# out of fold (the mention decision refitted on the folds' candidates), the last layer's state times 0.1 / 0.3 / 1:
# entity F1 0.703 / 0.709 / 0.691 against 0.696 without the encoder; the fourth and the last layer's (768
# features) times 0.2 / 0.3: 0.714 / 0.712 against 0.705 for the last layer's times 0.3 on the same replica
CONTEXT_SCALE = 0.2
# the state the decision reads: the encoder's fourth layer, then its last (components._mention_vectors)
CONTEXT_WIDTH = 2 * WIDTH


_CONTEXT_FEATURE = re.compile(r"ctx(\d+)$")


def context_features(vector) -> dict[str, float]:
    """The encoder's mean state over a name's occurrences (:func:`kg.extract.encoder.span_vector`) as
    features ``ctx0`` … ``ctx767`` (fourth layer, then last), each value times :data:`CONTEXT_SCALE`: what the decision is fitted on
    (:mod:`kg.extract.learn.mentions`); at extraction :func:`decide_label` reads the state itself."""
    if vector is None:
        return {}
    return {f"ctx{index}": CONTEXT_SCALE * float(value) for index, value in enumerate(vector)}


@dataclass(frozen=True)
class LabelModel:
    """A multinomial logistic regression stored as {"classes": [...], "weights": {class: {feature: w}},
    "bias": {class: b}}, turned around once: each feature's weights for all classes together, so a
    name's scores take one look-up per feature instead of one per feature and class. The weights of the
    encoder-state features (:func:`context_features`) form one matrix instead, applied to the state in
    one product."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    by_feature: dict[str, tuple[float, ...]]
    context: np.ndarray | None = None  # (classes, CONTEXT_WIDTH), times CONTEXT_SCALE; None: a decision without them


def label_model(model: dict) -> LabelModel:
    classes = tuple(model["classes"])
    names = {name for label in classes for name in model["weights"][label]}
    by_feature = {name: tuple(model["weights"][label].get(name, 0.0) for label in classes) for name in names}
    dims = {int(found.group(1)): name for name in names if (found := _CONTEXT_FEATURE.match(name))}
    context = None
    if dims:
        context = np.zeros((len(classes), CONTEXT_WIDTH))
        for index, name in dims.items():
            context[:, index] = by_feature.pop(name)
        context *= CONTEXT_SCALE
    return LabelModel(classes, tuple(model["bias"][label] for label in classes), by_feature, context)


def decide_label(features: dict[str, float], model: LabelModel, none_threshold: float = 0.5,
                 vector=None) -> tuple[str, float]:
    """(label, probability that the name is an entity at all, 1 - P(none)) of the mention decision
    (:func:`label_model`) over the name's features and its encoder state (``vector``): the most probable
    type, or ``none`` when the probability of ``none`` reaches ``none_threshold``."""
    sums = [0.0] * len(model.classes)
    for name, value in features.items():
        weights = model.by_feature.get(name)
        if weights is not None:
            for index, weight in enumerate(weights):
                sums[index] += weight * value
    if vector is not None and model.context is not None:
        for index, value in enumerate(model.context @ vector):
            sums[index] += float(value)
    scores = {label: bias + total for label, bias, total in zip(model.classes, model.bias, sums)}
    top = max(scores.values())
    total = sum(math.exp(v - top) for v in scores.values())
    probability = {label: math.exp(v - top) / total for label, v in scores.items()}
    none = probability.get("none", 0.0)
    if none >= none_threshold:
        return "none", 1.0 - none
    label = max((k for k in probability if k != "none"), key=probability.get)
    return label, 1.0 - none
