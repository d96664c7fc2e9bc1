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
MIN_SENTENCES = 2  # an n-gram is a feature when at least this many training sentences hold it


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


def fit_weights(texts: list[str], cats: list[dict[str, float]], c: float = C) -> dict:
    """The regressions as {"types", "features": {n-gram: [idf, claim w, type ws...]}, "bias"}: one for
    "claim" over every sentence, one per type over the claim sentences (one against the rest: type
    accuracy 0.700 by `kg eval --cv 5` against 0.693 for one multinomial regression)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=MIN_SENTENCES)
    x = vectorizer.fit_transform(texts)
    is_claim = [int(cat["claim"]) for cat in cats]
    claim = LogisticRegression(C=c, max_iter=5000).fit(x, is_claim)
    claim_rows = [i for i, flag in enumerate(is_claim) if flag]
    kinds = [next(t for t in CLAIM_TYPES if cats[i][t]) for i in claim_rows]
    types = sorted(set(kinds))
    kind_coef, kind_bias = [], []
    for t in types:
        one = LogisticRegression(C=c, max_iter=5000).fit(x[claim_rows], [int(k == t) for k in kinds])
        kind_coef.append(one.coef_[0])
        kind_bias.append(one.intercept_[0])
    features = {}
    for name, column in vectorizer.vocabulary_.items():
        row = [vectorizer.idf_[column], claim.coef_[0][column]] + [coef[column] for coef in kind_coef]
        features[name] = [round(float(v), 6) for v in row]
    bias = [round(float(v), 6) for v in [claim.intercept_[0], *kind_bias]]
    return {"types": [str(t) for t in types], "features": dict(sorted(features.items())), "bias": bias,
            "sentences": len(texts), "claims": len(claim_rows)}


def fit_claims(rows: list[dict[str, Any]], out: Path) -> Path:
    texts, cats = [], []
    for text, cat in sentence_rows(rows):
        texts.append(text)
        cats.append(cat)
    out.write_text(json.dumps(fit_weights(texts, cats), separators=(",", ":")) + "\n", encoding="utf-8")
    return out
