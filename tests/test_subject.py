"""The trained claim-subject decision (kg.extract.subjects, kg.extract.learn.subjects) on sentences of
the annotated seed gold: the mentions are the gold method aliases (no NER), the proposed method the
gold's, the weights the shipped ``subject.json``."""

from __future__ import annotations

import json
import re

import pytest

from kg.extract import claims
from kg.extract.learn.gold import gold_text, load_gold
from kg.extract.pipeline import TRAINED
from kg.extract.subjects import paper_names, subject_candidates


@pytest.fixture(scope="module")
def gold():
    return {row["id"]: row for row in load_gold()}


@pytest.fixture(scope="module")
def model():
    path = TRAINED / "subject.json"
    if not path.exists():
        pytest.skip("no shipped subject decision")
    return json.loads(path.read_text())


def _claim(row, opening: str):
    """The claim sentence of ``row`` that starts with ``opening``: its Sentence, type, cue, mentions
    inside and the paper's names, with every gold method alias as a mention."""
    text = gold_text(row)
    mentions: list[tuple[int, int, str, str]] = []
    for alias in sorted({a for aliases in row["entities"]["method"] for a in aliases}, key=len, reverse=True):
        for found in re.finditer(re.escape(alias), text):
            if not any(s < found.end() and found.start() < e for s, e, *_ in mentions):
                mentions.append((found.start(), found.end(), "method", "ner"))
    mentions.sort()
    first_forms = {aliases[0] for aliases in row["proposed"]}
    proposed = [next((s, e) for s, e, *_ in mentions if text[s:e] in first_forms)] if first_forms else []
    start = text.index(opening)
    end = text.index(". ", start) + 1 if ". " in text[start:] else len(text)
    sent = claims.Sentence(start, end, text[start:end])
    kind, confidence, cue = claims.classify(sent.text)
    inside = [(s, e, label, text[s:e]) for s, e, label, _ in mentions if start <= s and e <= end]
    names = paper_names(text, len(row["title"]), mentions, [], proposed)
    return sent, kind, confidence, cue, inside, names


def _choice(row, opening: str, model) -> str | None:
    from kg.extract.subjects import choose

    sent, kind, _confidence, cue, inside, names = _claim(row, opening)
    return choose(subject_candidates(sent, kind, cue, inside, names), model).text


def test_candidates_are_the_sentence_methods_the_unnamed_proposed_method_and_none(gold):
    sent, kind, _c, cue, inside, names = _claim(gold["t133"], "When applied to the MNIST")
    candidates = subject_candidates(sent, kind, cue, inside, names)
    assert [(c.text, c.kind) for c in candidates] == [
        ("denoising autoencoders", "mention"), ("dropout", "mention"), ("RBMs", "mention"),
        ("k-Sparse Autoencoders", "absent"), (None, "none")]
    baseline = candidates[0].features
    assert baseline["m:after_compare"] == 1.0 and baseline["m:w_compared"] == 1.0 and baseline["m:proposed"] == 0.0
    own = candidates[3].features
    assert own["a:main"] == 1.0 and own["a:s_this"] == 1.0  # 'this method achieves better ... than ...'


def test_our_method_is_the_papers_proposed_method(gold, model):
    # t219: no method is named; 'Our method' and 'it' are Norm Loss
    assert _choice(gold["t219"], "Our method introduces negligible", model) == "Norm Loss"


def test_this_method_beats_the_baselines_named_after_than(gold, model):
    # t133: '... we find that this method achieves better classification results than denoising
    # autoencoders, networks trained with dropout, and RBMs' (out of fold, extractor 0.10 named the first baseline)
    assert _choice(gold["t133"], "When applied to the MNIST", model) == "k-Sparse Autoencoders"


def test_a_named_proposed_method_before_the_cue_is_the_subject(gold, model):
    # t085: 'FBNets, a family of models discovered by DNAS surpass state-of-the-art models ...'
    assert _choice(gold["t085"], "FBNets, a family", model) == "FBNets"


def test_fit_weights_learns_which_candidate_is_right():
    from kg.extract.learn.subjects import fit_weights
    from kg.extract.proposals import linear_score as score

    pytest.importorskip("sklearn")
    claim = ([{"m:before": 1.0, "m:bias": 1.0}, {"m:after_compare": 1.0, "m:bias": 1.0}, {"n:bias": 1.0}],
             [1.0, 0.0, 0.0])
    model = fit_weights([claim] * 20)
    scores = [score(f, model) for f in claim[0]]
    assert scores[0] == max(scores)


def test_subject_is_a_trained_part_fitted_inside_each_fold():
    from kg.extract.learn.cv import part_fingerprint
    from kg.extract.learn.fit import PARTS

    assert PARTS[-1] == "subject" and PARTS.index("subject") > PARTS.index("proposed")
    assert part_fingerprint("subject") != part_fingerprint("proposed")


def test_the_role_word_of_our_algorithm_points_to_the_proposed_method_written_with_it(gold):
    # t262 proposes a prior, a compression scheme and 'an efficient Turbo-variational Bayesian inferencing
    # (Turbo-VBI) algorithm'; 'our proposed algorithm' in a result sentence that names none of them is the last
    row = gold["t262"]
    text = gold_text(row)
    forms = ["Structured Bayesian Compression", "three-layer hierarchical prior", "Turbo-variational Bayesian inferencing"]
    mentions = sorted((m.start(), m.end(), "method", "ner") for form in [*forms, "Turbo-VBI"]
                      for m in re.finditer(re.escape(form), text))
    proposed = [(text.index(form), text.index(form) + len(form)) for form in forms]
    pairs = [(text.index(forms[2]), text.index(forms[2]) + len(forms[2]), text.index("Turbo-VBI)"),
              text.index("Turbo-VBI)") + len("Turbo-VBI"))]
    names = paper_names(text, len(row["title"]), mentions, pairs, proposed)
    start = text.index("Simulation results show")
    end = text.index(".", text.index("compression rate", start)) + 1
    sent = claims.Sentence(start, end, text[start:end])
    kind, _confidence, cue = claims.classify(sent.text)
    absent = {c.text: c.features for c in subject_candidates(sent, kind, cue, [], names) if c.kind == "absent"}
    assert absent[forms[2]]["a:role_match"] == 1.0
    assert absent[forms[0]]["a:role_match"] == absent[forms[1]]["a:role_match"] == 0.0  # no role word written with them
