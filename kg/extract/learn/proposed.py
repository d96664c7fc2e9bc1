"""The trained proposed-method decision: a logistic regression (scikit-learn) over the candidate
methods of a paper and their features (:mod:`kg.extract.proposals`), stored as plain weights in
``proposed.json``. A candidate is positive when its name, or its acronym partner, is an alias of a
gold proposed method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...names import scorer_key as norm
from .gold import gold_text


def candidate_rows(rows: list[dict[str, Any]], trained_dir: Path):
    """(paper id, features, encoder state, label) for every candidate of every gold paper, from the
    pipeline that will use the decision: the NER and mention decision of ``trained_dir``."""
    from ..pipeline import Options, load_pipeline

    options = Options(trained=str(trained_dir), entities="decided", claims="rules", proposed="rules",
                      keep_sentences=True)
    nlp = load_pipeline(options)
    texts = [gold_text(r) for r in rows]
    for row, text, doc in zip(rows, texts, nlp.pipe(texts, batch_size=32)):
        gold = {norm(a) for aliases in row.get("proposed") or () for a in aliases}
        partner = {}
        for ls, le, ss, se in doc._.kg["pairs"]:
            partner[norm(text[ls:le])], partner[norm(text[ss:se])] = norm(text[ss:se]), norm(text[ls:le])
        for start, end, features, vector in doc._.kg.get("candidates", ()):
            name = norm(text[start:end])
            yield str(row["id"]), features, vector, float(name in gold or partner.get(name) in gold)


def cross_fitted_rows(rows: list[dict[str, Any]], trained_dir: Path, halves: Path):
    """Candidate rows of every paper from the NER of ``halves`` not trained on it, its names kept
    and typed by the mention decision of ``trained_dir``: the candidates the decision will see on
    new papers, not the near-perfect ones of an NER on its own training papers."""
    import shutil

    from .fit import cross_fitted

    for half, half_dir in cross_fitted(rows, halves):
        shutil.copyfile(trained_dir / "mentions.json", half_dir / "mentions.json")
        yield from candidate_rows(half, half_dir)


# chosen by `kg eval --cv 5` (extractor 0.21) over C = 1 / 0.3 / 0.1: proposed 0.662 / 0.670 / 0.677,
# subject 0.653 / 0.653 / 0.644 (0.3: no figure lower than with 1)
C = 0.3
PROBE_FOLDS = 5


def fit_probe(vectors: list, labels: list[float], papers: list[str]) -> tuple[list[float], dict]:
    """The context probe: a logistic regression over each candidate's encoder state (C = 0.3). Returns
    each row's log-odds from a probe not trained on its paper (:data:`PROBE_FOLDS` groups of papers:
    the feature the decision learns from, as it will meet it on new papers) and the probe trained on
    every row, as {"weights", "bias"} (what extraction applies)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from ..encoder import WIDTH
    from ..proposals import context_logit

    x = np.array([v if v is not None else np.zeros(WIDTH) for v in vectors], dtype=np.float64)
    y = np.array(labels)
    order = sorted(set(papers))
    rank = {paper: index for index, paper in enumerate(order)}
    group = np.array([rank[p] % PROBE_FOLDS for p in papers])
    logits = np.zeros(len(y))
    for g in range(PROBE_FOLDS):
        held = group == g
        if held.any() and len(set(y[~held])) == 2:
            probe = LogisticRegression(C=C, max_iter=3000).fit(x[~held], y[~held])
            weights = {"weights": probe.coef_[0].tolist(), "bias": float(probe.intercept_[0])}
            logits[held] = [context_logit(weights, row) for row in x[held]]
    probe = LogisticRegression(C=C, max_iter=3000).fit(x, y)
    final = {"weights": [round(float(w), 6) for w in probe.coef_[0]], "bias": round(float(probe.intercept_[0]), 6)}
    return logits.tolist(), final


def fit_proposed(rows: list[dict[str, Any]], out: Path, trained_dir: Path, halves: Path) -> Path:
    from .fit import binary_logistic

    data = list(cross_fitted_rows(rows, trained_dir, halves))
    papers, features, vectors, y = ([row[i] for row in data] for i in range(4))
    logits, probe = fit_probe(vectors, y, papers)
    features = [{**f, "context": z} for f, z in zip(features, logits)]
    weights, bias = binary_logistic(features, y, c=C, max_iter=2000)
    out.write_text(json.dumps({"weights": weights, "bias": bias, "context_probe": probe, "candidates": len(data),
                               "positives": int(sum(y))}, indent=1, sort_keys=True) + "\n")
    return out
