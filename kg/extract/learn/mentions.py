"""The trained mention decision: a multinomial logistic regression (scikit-learn) that keeps,
drops and types each name the rules propose in a paper, from the features of
:func:`kg.extract.mention_features.group_features`; stored as plain weights in ``mentions.json``.

A name's gold class is the type of the gold entity one of whose aliases it equals under the
scorer's normalisation, else ``none``. Candidates are the rules' names and the NER's spans, the
latter cross-fitted (:func:`cross_fitted_rows`) so that no NER tags papers it was trained on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...names import scorer_key as norm
from ..mention_features import context_features
from .gold import LABEL_ORDER, gold_text


def candidate_rows(rows: list[dict[str, Any]], ner_dir: Path):
    """(features, class) for every candidate name of every gold paper: the rules' names and the
    spans of the NER in ``ner_dir`` (which must not have been trained on ``rows``)."""
    from ...names import name_key
    from ..pipeline import Options, load_pipeline

    options = Options(trained=str(ner_dir), entities="union", claims="rules", proposed="rules", keep_sentences=True)
    nlp = load_pipeline(options)
    texts = [gold_text(r) for r in rows]
    for row, text, doc in zip(rows, texts, nlp.pipe(texts, batch_size=32)):
        gold = {label: {norm(a) for aliases in row["entities"].get(label, ()) for a in aliases} for label in LABEL_ORDER}
        names = {}
        for start, end, _label, _source in doc._.kg["entity_candidates"]:
            names.setdefault(name_key(text[start:end]), text[start:end])
        vectors = doc._.kg["entity_vectors"]
        for key, features in doc._.kg["entity_features"].items():
            name = norm(names[key])
            cls = next((label for label in LABEL_ORDER if name in gold[label]), "none")
            yield {**features, **context_features(vectors.get(key))}, cls


def cross_fitted_rows(rows: list[dict[str, Any]], halves: Path):
    """Candidate rows in which the NER spans of every paper come from the NER of ``halves`` not
    trained on it (:func:`kg.extract.learn.fit.fit_halves`)."""
    from .fit import cross_fitted

    for half, ner_dir in cross_fitted(rows, halves):
        yield from candidate_rows(half, ner_dir)


def fit_mentions(rows: list[dict[str, Any]], out: Path, halves: Path, c: float = 1.0) -> Path:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    data = list(cross_fitted_rows(rows, halves))
    vectorizer = DictVectorizer(sparse=True)
    x = vectorizer.fit_transform([f for f, _ in data])
    y = [cls for _, cls in data]
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    names = vectorizer.get_feature_names_out()
    weights = {}
    for cls, row in zip(model.classes_, model.coef_):
        weights[str(cls)] = {str(n): round(float(w), 5) for n, w in zip(names, row) if abs(w) >= 1e-4}
    out.write_text(json.dumps({"classes": [str(c) for c in model.classes_], "weights": weights,
                               "bias": {str(c): round(float(b), 5) for c, b in zip(model.classes_, model.intercept_)},
                               "names": len(data)}, sort_keys=True) + "\n")
    return out
