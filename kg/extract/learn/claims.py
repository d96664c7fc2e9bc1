"""The trained claim classifier: is an abstract sentence a result of the paper, and of what type.

Logistic regressions (scikit-learn) over the tf-idf of the sentence's word uni- and bigrams plus
the rules' view of it as pseudo-words (:func:`kg.extract.claims.sentence_features`) and the parse's
(:func:`kg.extract.components.sentence_shape`: a modal on the main verb, a number, a percentage):
"claim" against every other sentence, and each claim type against the other types of the gold claim
sentences. Stored as
plain weights in ``claims.json`` and read by :class:`kg.extract.sentence_classifier.SentenceClassifier`.
Training sentences come from the extraction pipeline's own sentence split of each gold paper, so
training and extraction see the same sentences.

Measured against the spaCy ``textcat_multilabel`` (bag of uni- and bigrams) it replaces, on the folds'
sentences (see the README): claim F1 0.810 against 0.792, type accuracy over gold claims 0.667 against 0.637 (multinomial types).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..claims import CLAIM_TYPES
from ..evaluate import _sentence_match
from ..sentence_classifier import classifier_text, ngrams
from .gold import gold_text

LABELS = ("claim",) + CLAIM_TYPES
C = 10.0  # inverse regularisation of every regression
# the sentence's encoder state (unit length) enters each regression times this: on the folds' gold sentences,
# 0.1 / 0.3 / 0.5 gave claim F1 0.811 / 0.825 / 0.817 and type accuracy 0.663 / 0.686 / 0.696 (0.808 / 0.658 without)
CONTEXT_SCALE = {"claim": 0.3, "type": 0.5}
MIN_SENTENCES = 2  # an n-gram is a feature when at least this many training sentences hold it


def sentence_rows(rows: list[dict[str, Any]]):
    """(classifier text, encoder state of unit length, {label: 0/1}) for every abstract sentence of
    the gold papers."""
    from ..pipeline import Options, load_pipeline

    nlp = load_pipeline(Options(keep_sentences=True))
    texts = [gold_text(r) for r in rows]
    for row, doc in zip(rows, nlp.pipe(texts, batch_size=32)):
        gold_claims = list(row.get("claims") or ())
        for sentence, features, vector in doc._.kg["sentences"]:
            cats = {label: 0.0 for label in LABELS}
            for index, claim in enumerate(gold_claims):
                if _sentence_match(sentence, claim["sentence"]):
                    cats["claim"] = 1.0
                    cats[claim["type"]] = 1.0
                    del gold_claims[index]
                    break
            yield classifier_text(sentence, features), vector, cats


def _with_context(x, vectors, scale: float):
    """The tf-idf rows followed by each sentence's encoder state times ``scale`` (zeros where none)."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    from ..encoder import WIDTH

    dense = np.array([v if v is not None else np.zeros(WIDTH) for v in vectors], dtype=np.float64) * scale
    return hstack([x, csr_matrix(dense)]).tocsr()


def fit_weights(texts: list[str], cats: list[dict[str, float]], c: float = C, vectors: list | None = None) -> dict:
    """The regressions as {"types", "features": {n-gram: [idf, claim w, type ws...]}, "bias", "context":
    [per regression, the weights of the encoder state]}: one for "claim" over every sentence, one per
    type over the claim sentences (one against the rest: type accuracy 0.700 by `kg eval --cv 5`
    against 0.693 for one multinomial regression). Without ``vectors``, no encoder state."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=MIN_SENTENCES)
    x = vectorizer.fit_transform(texts)
    words = x.shape[1]
    x_claim = _with_context(x, vectors, CONTEXT_SCALE["claim"]) if vectors is not None else x
    x_type = _with_context(x, vectors, CONTEXT_SCALE["type"]) if vectors is not None else x
    is_claim = [int(cat["claim"]) for cat in cats]
    claim = LogisticRegression(C=c, max_iter=5000).fit(x_claim, is_claim)
    claim_rows = [i for i, flag in enumerate(is_claim) if flag]
    kinds = [next(t for t in CLAIM_TYPES if cats[i][t]) for i in claim_rows]
    types = sorted(set(kinds))
    kind_coef, kind_bias = [], []
    for t in types:
        one = LogisticRegression(C=c, max_iter=5000).fit(x_type[claim_rows], [int(k == t) for k in kinds])
        kind_coef.append(one.coef_[0])
        kind_bias.append(one.intercept_[0])
    features = {}
    for name, column in vectorizer.vocabulary_.items():
        row = [vectorizer.idf_[column], claim.coef_[0][column]] + [coef[column] for coef in kind_coef]
        features[name] = [round(float(v), 6) for v in row]
    bias = [round(float(v), 6) for v in [claim.intercept_[0], *kind_bias]]
    out = {"types": [str(t) for t in types], "features": dict(sorted(features.items())), "bias": bias,
           "sentences": len(texts), "claims": len(claim_rows)}
    if vectors is not None:  # stored times the scale: extraction multiplies them by the unit state itself
        out["context"] = [[round(float(w) * scale, 6) for w in coef[words:]] for coef, scale in
                          [(claim.coef_[0], CONTEXT_SCALE["claim"])] + [(coef, CONTEXT_SCALE["type"]) for coef in kind_coef]]
    return out


def fit_claims(rows: list[dict[str, Any]], out: Path) -> Path:
    texts, vectors, cats = [], [], []
    for text, vector, cat in sentence_rows(rows):
        texts.append(text)
        vectors.append(vector)
        cats.append(cat)
    weights = fit_weights(texts, cats, vectors=vectors)
    out.write_text(json.dumps(weights, separators=(",", ":")) + "\n", encoding="utf-8")
    return out
