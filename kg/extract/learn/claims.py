"""The trained claim classifier: is an abstract sentence a result of the paper, and of what type.

A spaCy ``textcat_multilabel`` (config ``training/seed_claims.cfg``) over the sentence's words plus
the rules' view of it as pseudo-words (:func:`kg.extract.claims.sentence_features`) and the parse's
(:func:`kg.extract.components.sentence_shape`: a modal on the main verb, a number, a percentage). Labels: ``claim``
and one label per claim type. Training sentences come from the extraction pipeline's own sentence
split of each gold paper, so training and extraction see the same sentences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..claims import CLAIM_TYPES
from ..evaluate import _sentence_match
from .gold import gold_text

LABELS = ("claim",) + CLAIM_TYPES


def classifier_text(sentence: str, features: list[str]) -> str:
    return sentence + " " + " ".join(features)


def sentence_rows(rows: list[dict[str, Any]]):
    """(classifier text, {label: 0/1}) for every abstract sentence of the gold papers."""
    from ..pipeline import Options, load_pipeline

    nlp = load_pipeline(Options(keep_sentences=True))
    texts = [gold_text(r) for r in rows]
    for row, doc in zip(rows, nlp.pipe(texts, batch_size=32)):
        gold_claims = list(row.get("claims") or ())
        for sentence, features in doc._.kg["sentences"]:
            cats = {label: 0.0 for label in LABELS}
            for index, claim in enumerate(gold_claims):
                if _sentence_match(sentence, claim["sentence"]):
                    cats["claim"] = 1.0
                    cats[claim["type"]] = 1.0
                    del gold_claims[index]
                    break
            yield classifier_text(sentence, features), cats


def fit_claims(rows: list[dict[str, Any]], out: Path) -> Path:
    import spacy

    from .fit import _inner_split, _spacy_train

    nlp = spacy.blank("en")

    def docs(subset):
        for text, cats in sentence_rows(subset):
            doc = nlp.make_doc(text)
            doc.cats = cats
            yield doc

    train_rows, dev_rows = _inner_split(rows)
    return _spacy_train("seed_claims.cfg", docs(train_rows), docs(dev_rows), out)
