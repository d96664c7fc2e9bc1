"""The learning side of extraction on the real seed gold: folds, mention spans from alias sets,
the features the trained parts weigh, and the trained components on real annotated sentences."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from kg.extract.claims import Sentence, classify, sentence_features
from kg.extract.learn.gold import GOLD_DIR, alias_spans, folds, gold_text, load_gold, training_rows
from kg.extract.pipeline import _Draft, canonicalise, display_form, name_without_head, paper_text
from kg.extract.proposals import proposal_candidates, score
from kg.records import Paper


@pytest.fixture(scope="module")
def gold():
    return load_gold()


def test_gold_ships_with_the_project(gold):
    assert (GOLD_DIR / "README.md").exists() and (GOLD_DIR / "LICENCE.md").exists()
    assert len(gold) == 310 and len({r["id"] for r in gold}) == 310


def test_folds_partition_papers_deterministically(gold):
    split = folds(gold, 5)
    ids = [r["id"] for fold in split for r in fold]
    assert sorted(ids) == sorted(r["id"] for r in gold)
    assert [len(f) for f in split] == [62] * 5
    assert [r["id"] for r in folds(list(reversed(gold)), 5)[0]] == [r["id"] for r in split[0]]
    assert [r["id"] for r in folds(gold, 5, seed=1)[0]] != [r["id"] for r in split[0]]


def test_a_refitted_ner_refits_the_decisions_stacked_on_it(monkeypatch):
    # the cached fold models are keyed by fingerprints: a decision learnt from the cross-fitting NERs'
    # spans must not be reused once those NERs are trained differently
    from kg.extract.learn import cv, fit

    before = {part: cv.part_fingerprint(part) for part in fit.PARTS}

    def fit_halves(rows, out):  # another way to train the cross-fitting NERs
        return [out]

    monkeypatch.setattr(fit, "fit_halves", fit_halves)
    after = {part: cv.part_fingerprint(part) for part in fit.PARTS}
    assert {part for part in fit.PARTS if before[part] != after[part]} == {"halves", "mentions", "proposed", "subject"}


def test_ners_trained_side_by_side_are_the_ners_trained_one_by_one(gold, tmp_path):
    # train_ners runs a NER per core: that must change how long a fit takes, never what it fits
    from kg.extract.learn.fit import ner_jobs, train_ners

    def fit(folder, workers):
        jobs = ner_jobs(gold[:6], tmp_path / folder / "a", {"training.max_steps": 10}) + \
            ner_jobs(gold[6:10], tmp_path / folder / "b", {"training.max_steps": 10})
        return train_ners(jobs, workers)

    alone, side_by_side = fit("alone", 1), fit("side-by-side", 2)
    assert [p.relative_to(tmp_path / "alone") for p in alone] == \
        [p.relative_to(tmp_path / "side-by-side") for p in side_by_side]
    for one, other in zip(alone, side_by_side):
        assert (one / "ner" / "model").read_bytes() == (other / "ner" / "model").read_bytes()
    weights = {(p / "ner" / "model").read_bytes() for p in alone}
    assert len(weights) == 4  # the two seeds and the two sets of papers each give another NER


def test_a_shipped_ner_carries_no_score_on_its_own_training_papers(tmp_path):
    # spaCy's meta.json "performance" scores a share of the papers the NER trained on (fit._inner_split)
    import json

    from kg.extract.learn.fit import _forget_training_scores
    from kg.extract.pipeline import TRAINED

    for name in ("ner", "ner_b"):
        assert "performance" not in json.loads((TRAINED / name / "meta.json").read_text())
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"lang": "en", "performance": {"ents_f": 0.92}, "labels": {"ner": ["method"]}}))
    _forget_training_scores(meta)
    assert json.loads(meta.read_text()) == {"lang": "en", "labels": {"ner": ["method"]}}


def test_a_training_share_is_a_fixed_draw_of_the_fold(gold):
    from kg.extract.learn.cv import cross_validate, training_share

    train = training_rows(folds(gold, 5), 0)
    half = training_share(train, 0.5, 0)
    ids = [r["id"] for r in half]
    assert len(half) == 124 and len(set(ids)) == 124 and set(ids) <= {r["id"] for r in train}
    assert [r["id"] for r in training_share(train, 0.5, 0)] == ids  # the same papers on every run
    assert [r["id"] for r in training_share(train, 0.5, 1)] != ids  # each fold its own draw
    assert {r["id"] for r in training_share(train, 0.25, 0)} < set(ids)  # nested: a curve adds papers
    assert training_share(train, 1.0, 0) is train
    with pytest.raises(ValueError, match="E-KG-CV"):
        cross_validate(2, rows=gold[:4], train_share=0)


@pytest.mark.parametrize("text", ["5/5", "0/1", "one/5", "0"])
def test_fit_hold_out_needs_a_fold_of_k(text, capsys):
    from kg.extract.learn.fit import main

    with pytest.raises(SystemExit):
        main(["--hold-out", text])  # refused before any fitting starts
    assert "--hold-out" in capsys.readouterr().err


def test_alias_spans_take_every_occurrence_longest_first(gold):
    s01 = next(r for r in gold if r["id"] == "s01")
    text = gold_text(s01)
    spans = alias_spans(s01, text)
    found = Counter((text[s:e], label) for s, e, label in spans)
    assert found[("HyperPAVE", "method")] == 4
    assert found[("MAVE dataset", "dataset")] == 1 and ("MAVE", "dataset") not in found
    # the long task name in the title wins over the shorter alias inside it
    assert ("Multi-Label Zero-Shot Product Attribute-Value Extraction", "task") in found
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in pairwise(spans))


def test_generic_head_names_share_the_node_of_the_name():
    assert name_without_head("ResNet18 model") == "ResNet18"
    assert name_without_head("MAVE dataset") == "MAVE"
    assert name_without_head("ColoredMNIST benchmark") == "ColoredMNIST"
    assert name_without_head("Transformer model") is None  # a capitalised word is no name shape
    assert name_without_head("the model") is None


def test_a_task_or_method_written_with_its_role_word_is_that_task_or_method():
    # real seed-gold names: t095's task is 'hypergraph reconstruction', t015's method 'Sharpness Aware Minimization'
    assert name_without_head("hypergraph reconstruction problem", "task") == "hypergraph reconstruction"
    assert name_without_head("node classification tasks", "task") == "node classification"
    assert name_without_head("Sharpness Aware Minimization method", "method") == "Sharpness Aware Minimization"
    assert name_without_head("distillation framework", "method") == "distillation"
    assert name_without_head("EM algorithm", "method") == "EM"
    # a capitalised role word is part of the name; vague or adjectival words before it name nothing
    assert name_without_head("Travelling Salesman Problem", "task") is None
    assert name_without_head("downstream tasks", "task") is None
    assert name_without_head("spectral methods", "method") is None
    assert name_without_head("gradient-based approach", "method") is None
    assert name_without_head("learning framework", "method") is None
    assert name_without_head("kernel method", "method") is None
    # the role words only for their own label: a dataset's or an unlabelled name's are not stripped
    assert name_without_head("hypergraph reconstruction problem") is None
    assert name_without_head("pruning methods", "task") is None


def test_a_role_worded_name_shares_the_node_of_the_name_and_shows_it():
    papers = [Paper(id="p1", title="Pruning at scale", abstract="We study the node classification task with a "
                    "pruning method."),
              Paper(id="p2", title="Node classification", abstract="Pruning helps node classification.")]
    drafts = []
    for paper in papers:
        text = paper_text(paper)
        draft = _Draft(paper)
        for name, label in (("node classification task", "task"), ("pruning method", "method"),
                            ("node classification", "task"), ("Pruning", "method")):
            start = text.find(name)
            if start >= 0:
                draft.mentions.append((start, start + len(name), label, name))
        drafts.append(draft)
    records = canonicalise(drafts)
    names = {(m.text, m.canonical) for r in records for m in r.mentions}
    assert ("node classification task", "node classification") in names
    assert {canonical.lower() for text, canonical in names if text in ("pruning method", "Pruning")} == {"pruning"}


def test_display_form_is_the_most_written_spelling():
    assert display_form(Counter({"Cifar10": 1, "CIFAR-10": 5, "CIFAR10": 1}), {}) == "CIFAR-10"
    assert display_form(Counter({"MNist": 1, "MNIST": 3}), {}) == "MNIST"
    assert display_form(Counter({"KAN": 5, "Kolmogorov-Arnold Networks": 2}), {}) == "Kolmogorov-Arnold Networks"
    assert display_form(Counter({"ColoredMNIST benchmark": 2, "ColoredMNIST": 2}), {}) == "ColoredMNIST"


def test_sentence_features_carry_the_rules_view():
    sentence = ("The results demonstrate that our proposed HyperPAVE model significantly outperforms existing "
                "classification-based, generation-based large language models for attribute value extraction.")
    feats = sentence_features(sentence, 8, 9, verdict=classify(sentence), candidate=True, mentions_proposed=True)
    assert feats == ["kgruleoutperforms", "kgcandidate", "kgown", "kglast"]
    first = "E-commerce platforms should provide detailed product descriptions."
    assert sentence_features(first, 0, 9, verdict=classify(first), candidate=False,
                             mentions_proposed=False) == ["kgrulenone", "kgfirst"]


def test_proposal_candidates_describe_each_method_name():
    title = "HyperPAVE: Zero-Shot Attribute-Value Extraction"
    abstract = ("We propose HyperPAVE, a zero-shot model. Unlike large language models, our HyperPAVE model "
                "uses hypergraphs.")
    text = title + "\n\n" + abstract
    cut = len(title)
    at = text.index
    mentions = [(0, 9, "method", "title"), (at("HyperPAVE,"), at("HyperPAVE,") + 9, "method", "shape"),
                (at("large"), at("large") + 21, "method", "head"),
                (at("HyperPAVE model"), at("HyperPAVE model") + 9, "method", "shape")]
    first = Sentence(cut + 2, cut + 2 + abstract.index(".") + 1, abstract[:abstract.index(".") + 1])
    regions = [(at("HyperPAVE,"), at("HyperPAVE,") + 20, False)]
    cands = {c.key: c.features for c in proposal_candidates(text, cut, mentions, [], regions, [(0, 9)], [first], (0, 9))}
    assert set(cands) == {"hyperpave", "large language model"}
    hyper, llm = cands["hyperpave"], cands["large language model"]
    assert hyper["title"] == hyper["title_name"] == hyper["region_first"] == hyper["rule"] == hyper["our"] == 1.0
    assert hyper["count3"] == 1.0 and hyper["shaped"] == 1.0
    assert llm["title"] == llm["rule"] == llm["region"] == llm["shaped"] == 0.0 and llm["lower"] == 1.0
    model = {"weights": {"title": 2.0, "lower": -1.0}, "bias": -1.0}
    assert score(hyper, model) > 0.7 and score(llm, model) < 0.2


def test_halves_tag_every_paper_with_an_ner_not_trained_on_it(gold):
    from kg.extract.learn.fit import halves_of

    halves = halves_of(gold)
    assert [len(half) for half, _ in halves] == [155, 155]
    for half, others in halves:
        assert {r["id"] for r in half}.isdisjoint(r["id"] for r in others)
        assert len(half) + len(others) == len(gold)
    assert sorted(r["id"] for half, _ in halves for r in half) == sorted(r["id"] for r in gold)


def test_proposal_candidates_read_the_words_before_a_name_and_its_place_in_the_title():
    # the title of t010 and two abstract sentences of t268 (R3GAN), verbatim
    title = "A Primal-Dual Method for Training Recurrent Neural Networks Constrained by the Echo-State Property"
    first = ("Using StyleGAN2 as an example, we present a roadmap of simplification and modernization that "
             "results in a new minimalist baseline -- R3GAN.")
    second = "Despite being simple, our approach surpasses StyleGAN2 on FFHQ, ImageNet, CIFAR, and Stacked MNIST datasets."
    text = title + "\n\n" + first + " " + second
    cut = len(title)
    at = text.index
    second_at = at(second)

    def mention(name: str, start: int = 0) -> tuple:
        begin = text.index(name, start)
        return (begin, begin + len(name), "method", "ner")

    mentions = [mention("Primal-Dual Method"), mention("Recurrent Neural Networks"), mention("StyleGAN2"),
                mention("R3GAN"), mention("StyleGAN2", second_at)]
    sentences = [Sentence(at(first), at(first) + len(first), first), Sentence(second_at, second_at + len(second), second)]
    cands = {c.key: c.features for c in proposal_candidates(text, cut, mentions, [], [], [], sentences, None)}
    assert cands["primal dual method"]["title_head"] == 1.0 and cands["primal dual method"]["title_for"] == 0.0
    assert cands["recurrent neural network"]["title_for"] == 1.0
    assert cands["stylegan2"]["before_based"] == cands["stylegan2"]["before_compared"] == 1.0
    assert cands["r3gan"]["before_new"] == 1.0 and cands["r3gan"]["before_compared"] == 0.0


def test_ner_spans_lose_dangling_words_and_keep_glued_ones():
    import spacy

    from kg.extract.entities import seed_ner_candidates

    nlp = spacy.blank("en")
    doc = nlp("Deep residual nets are foundations of our submissions to ILSVRC & COCO 2015 competitions, "
              "with gains on Tiny-ImageNet (up to 5.6%).")
    words = [t.text for t in doc]
    ilsvrc, tiny = words.index("ILSVRC"), words.index("Tiny")
    doc.ents = [doc.char_span(doc[ilsvrc].idx, doc[ilsvrc + 1].idx + 1, "dataset"),
                doc.char_span(doc[tiny].idx, doc[tiny + 1].idx + 1, "dataset")]
    assert [doc.text[c.start:c.end] for c in seed_ner_candidates(doc)] == ["ILSVRC", "Tiny-ImageNet"]


def test_a_title_that_is_a_name_is_a_candidate_with_its_place():
    # t176: the whole title names the proposal; the NER only found 'Deep Boltzmann machines' in it
    title = "Monotone deep Boltzmann machines"
    abstract = "Deep Boltzmann machines (DBMs) are multi-layered probabilistic models."
    text = title + "\n\n" + abstract
    cut = len(title)
    mentions = [(0, cut, "method", "title_phrase"), (text.index("Deep B"), text.index("Deep B") + 23, "method", "ner")]
    sentence = Sentence(cut + 2, len(text), abstract)
    cands = {c.key: c.features for c in proposal_candidates(text, cut, mentions, [], [], [], [sentence], None)}
    whole = cands["monotone deep boltzmann machine"]
    assert whole["title_whole"] == whole["title_start"] == whole["title_phrase"] == 1.0
    assert cands["deep boltzmann machine"]["title_whole"] == cands["deep boltzmann machine"]["title_start"] == 0.0


@pytest.mark.parametrize(("sentence", "ranked", "kind"), [
    # t192, t228: faster or cheaper than a baseline, nothing beaten: efficiency
    (("When compared to numerical solvers of the same accuracy, our method demonstrates a 10times increase in "
     "performance speed."), ["outperforms", "achieves"], "efficiency"),
    (("The IndRNN is an efficient recurrent unit, reducing inference time by 68\\% compared to CS, whereas "
     "maintaining performance."), ["outperforms", "achieves"], "efficiency"),
    # t223: a baseline beaten and a speed: outperforms
    (("On ImageNet, our model achieves 3.1\\% better top-1 accuracy than MobileNetV2, while being 1.2times faster "
     "with measured GPU latency."), ["outperforms", "efficiency"], "outperforms"),
    # t103: no baseline named at all: the next type
    (("GTN-NAS improves the NAS state of the art, finding higher performing architectures when controlling for the "
     "search proposal mechanism."), ["outperforms", "improves"], "improves"),
    # other types stay as the classifier ranked them
    ("We prove that the method converges at a linear rate.", ["theory", "other"], "theory"),
])
def test_outperforms_needs_a_beaten_baseline(sentence, ranked, kind):
    from kg.extract.claims import guideline_type

    assert guideline_type(sentence, ranked) == kind


def test_sentence_classifier_scores_as_scikit_learn_does(gold):
    """The weights written to claims.json give, in plain Python, the probabilities scikit-learn's
    regressions give over the words and the encoder state: fitted on 40 annotated papers'
    sentences, scored on 10 others."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from kg.extract.learn.claims import CONTEXT_SCALE, MIN_SENTENCES, C, fit_weights, sentence_rows
    from kg.extract.sentence_classifier import SentenceClassifier, ngrams

    train = list(sentence_rows(gold[:40]))
    held = list(sentence_rows(gold[40:50]))
    texts, vectors, cats = ([row[i] for row in train] for i in range(3))
    assert all(v is not None and abs(np.linalg.norm(v) - 1) < 1e-5 for v in vectors)
    weights = fit_weights(texts, cats, vectors=vectors)
    classifier = SentenceClassifier(tuple(weights["types"]), weights["features"], tuple(weights["bias"]),
                                    np.array(weights["context"]))
    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=MIN_SENTENCES)
    x = vectorizer.fit_transform(texts)

    def with_states(words, states, scale):
        return hstack([words, csr_matrix(np.array(states, dtype=np.float64) * scale)]).tocsr()

    x_held = vectorizer.transform([text for text, _v, _c in held])
    held_states = [v for _t, v, _c in held]
    claim = LogisticRegression(C=C, max_iter=5000).fit(with_states(x, vectors, CONTEXT_SCALE["claim"]),
                                                       [int(c["claim"]) for c in cats])
    expected = claim.predict_proba(with_states(x_held, held_states, CONTEXT_SCALE["claim"]))[:, 1]
    scores = [classifier.scores(text, vector) for text, vector, _c in held]
    assert max(abs(e - s["claim"]) for e, s in zip(expected, scores)) < 1e-4
    claims = [i for i, c in enumerate(cats) if c["claim"]]
    x_type = with_states(x, vectors, CONTEXT_SCALE["type"])
    theory = LogisticRegression(C=C, max_iter=5000).fit(x_type[claims], [int(cats[i]["theory"]) for i in claims])
    expected = theory.predict_proba(with_states(x_held, held_states, CONTEXT_SCALE["type"]))[:, 1]
    assert max(abs(e - s["theory"]) for e, s in zip(expected, scores)) < 1e-4
    assert set(classifier.types) == {"outperforms", "improves", "achieves", "efficiency", "theory", "other"}


@pytest.mark.parametrize("sentence, kind", [
    (("In our experiments with 9 datasets and 28 baselines, our method, called GREAD, outperforms them in a majority "
     "of cases."), "outperforms"),
    (("Theoretically, we show that both the network's training and true population losses are proportionally "
     "upper-bounded by {\\Psi} under reasonable assumptions."), "theory"),
])
def test_the_shipped_classifier_reads_annotated_result_sentences(sentence, kind):
    """Two result sentences of dev papers (s06, s09) and a background one of s07, each encoded alone."""
    from kg.extract.encoder import encode, span_vector, unit
    from kg.extract.pipeline import TRAINED
    from kg.extract.sentence_classifier import SentenceClassifier, classifier_text

    def state(text):
        return unit(span_vector(encode(text), [(0, len(text))]))

    classifier = SentenceClassifier.load(TRAINED / "claims.json")
    assert len(classifier.context) == 1 + len(classifier.types)
    features = sentence_features(sentence, 3, 6, verdict=classify(sentence), candidate=True, mentions_proposed=True)
    scores = classifier.scores(classifier_text(sentence, features), state(sentence))
    assert scores["claim"] >= 0.5
    assert max(classifier.types, key=scores.get) == kind
    background = "Deep residual networks have emerged as a family of extremely deep architectures showing compelling accuracy and nice convergence behaviors."
    features = sentence_features(background, 0, 6, verdict=classify(background), candidate=False, mentions_proposed=False)
    assert classifier.scores(classifier_text(background, features), state(background))["claim"] < 0.4


def test_the_context_probe_gives_each_row_log_odds_from_a_probe_not_trained_on_its_paper():
    """kg.extract.learn.proposed.fit_probe on synthetic encoder states whose label is the sign of one
    dimension: the out-of-paper log-odds follow the label, and the probe trained on every row, applied
    in plain Python (kg.extract.proposals.context_logit), gives its linear score, bounded."""
    import numpy as np

    from kg.extract.encoder import WIDTH
    from kg.extract.learn.proposed import fit_probe
    from kg.extract.proposals import CONTEXT_LOGIT_BOUND, context_logit

    rng = np.random.default_rng(0)
    papers = [f"p{i // 10}" for i in range(400)]
    vectors = rng.normal(size=(400, WIDTH)).astype(np.float32)
    vectors[:, 0] *= 4
    labels = [float(v[0] > 0) for v in vectors]
    logits, probe = fit_probe(list(vectors), labels, papers)
    assert len(logits) == 400 and len(probe["weights"]) == WIDTH
    agree = np.mean([(z > 0) == bool(y) for z, y in zip(logits, labels)])
    assert agree > 0.8
    assert all(abs(z) <= CONTEXT_LOGIT_BOUND for z in logits)
    z = probe["bias"] + float(np.dot(probe["weights"], vectors[0]))
    assert abs(context_logit(probe, vectors[0]) - max(min(z, CONTEXT_LOGIT_BOUND), -CONTEXT_LOGIT_BOUND)) < 1e-6
    assert context_logit(probe, None) == max(min(probe["bias"], CONTEXT_LOGIT_BOUND), -CONTEXT_LOGIT_BOUND)
