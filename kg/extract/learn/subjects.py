"""The trained subject decision: a logistic regression (scikit-learn) over the candidate subjects of
each claim sentence (:mod:`kg.extract.subjects`), stored as plain weights in ``subject.json``; the
best scored candidate of a claim is its subject.

Training claims are the predicted claims whose sentence matches a gold claim (as the scorer matches
them, :func:`kg.extract.evaluate._sentence_match`); a candidate is positive when one of its names is
an alias of the gold subject, *none* when the gold claim has no subject. Claims whose gold subject
is none of the candidates teach nothing and are left out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ...names import name_key, scorer_key as norm
from .gold import gold_text


def claim_rows(rows: list[dict[str, Any]], trained_dir: Path):
    """(candidates, labels) for every predicted claim of the gold papers that matches a gold claim,
    from the pipeline of ``trained_dir`` (its NER, mention, claim and proposed decisions)."""
    from ..evaluate import _sentence_match
    from ..pipeline import Options, load_pipeline

    options = Options(trained=str(trained_dir), subject="rules", keep_sentences=True)
    nlp = load_pipeline(options)
    texts = [gold_text(r) for r in rows]
    for row, text, doc in zip(rows, texts, nlp.pipe(texts, batch_size=32)):
        gold_claims = row.get("claims") or []
        used: set[int] = set()
        for claim in doc._.kg["claims"]:
            sentence = text[claim["start"]:claim["end"]]
            match = next((i for i, g in enumerate(gold_claims) if i not in used and _sentence_match(sentence, g["sentence"])),
                         None)
            if match is None:
                continue
            used.add(match)
            gold = gold_claims[match].get("subject") or []
            normed, keyed = {norm(a) for a in gold}, {name_key(a) for a in gold}
            candidates = claim.get("subject_candidates") or []
            labels = [float(not gold) if written is None else
                      float(bool(gold) and (norm(written) in normed or bool(set(keys) & keyed)))
                      for written, _kind, keys, _features in candidates]
            if any(labels):
                yield [features for *_rest, features in candidates], labels


def cross_fitted_rows(rows: list[dict[str, Any]], trained_dir: Path, halves: Path):
    """Claim rows of every paper from the NER of ``halves`` not trained on it, with the mention,
    claim and proposed decisions of ``trained_dir``: the mentions the decision will see on new papers."""
    from .fit import cross_fitted

    for half, half_dir in cross_fitted(rows, halves):
        for name in ("mentions.json", "proposed.json", "claims.json"):
            shutil.copyfile(trained_dir / name, half_dir / name)
        yield from claim_rows(half, half_dir)


# chosen by the held-out folds of `kg eval --cv 5` over C 0.3 / 1 / 3 / 10: subject 0.618 / 0.623 / 0.629 / 0.628
C = 3.0


def fit_weights(data: list[tuple[list[dict], list[float]]], c: float = C) -> dict:
    """Logistic regression over every candidate of every claim (one candidate per row); zero weights
    are left out."""
    from .fit import binary_logistic

    features = [f for candidates, _labels in data for f in candidates]
    y = [label for _candidates, labels in data for label in labels]
    weights, bias = binary_logistic(features, y, c=c, max_iter=3000)
    return {"weights": {name: w for name, w in weights.items() if w}, "bias": bias, "claims": len(data),
            "candidates": len(y)}


def fit_subject(rows: list[dict[str, Any]], out: Path, trained_dir: Path, halves: Path) -> Path:
    data = list(cross_fitted_rows(rows, trained_dir, halves))
    out.write_text(json.dumps(fit_weights(data), indent=1, sort_keys=True) + "\n")
    return out
