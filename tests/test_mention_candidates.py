"""The trained mention decision's candidates beyond the rules' and the NER's names, on real seed-gold
papers: noun phrases no rule typed, names without their role word, and the words around each occurrence of a name
(kg.extract.components.untyped_phrases, mention_context; kg.extract.mention_features.group_features)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.extract.entities import resolve
from kg.extract.learn.gold import gold_text, load_gold
from kg.extract.pipeline import Options, default_options, load_pipeline


@pytest.fixture(scope="module")
def papers() -> dict[str, tuple[str, dict]]:
    """Paper id -> (text, the pipeline's state) for five training papers, extracted with the shipped
    components and their candidates and sentences kept."""
    rows = {r["id"]: r for r in load_gold() if r["id"] in ("t022", "t232", "t018", "t005", "t002")}
    options = default_options()
    if options.trained is None:
        pytest.skip("the shipped trained components are not installed")
    nlp = load_pipeline(replace(options, keep_sentences=True))
    return {pid: (gold_text(row), nlp(gold_text(row))._.kg) for pid, row in rows.items()}


def _names(text: str, spans, source: str) -> dict[str, str]:
    return {text[s:e]: label for s, e, label, src in spans if src == source}


def test_a_noun_phrase_no_rule_typed_is_a_candidate_with_its_context(papers):
    from kg.names import name_key

    text, state = papers["t232"]
    # '... under Lipschitz conditions ...': no rule types it, the decision sees it
    assert _names(text, state["entity_candidates"], "phrase")["Lipschitz conditions"] == "phrase"
    features = state["entity_features"][name_key("Lipschitz conditions")]
    for prefix in ("prev=", "prev2=", "next=", "dep=", "dephead=", "pos="):
        assert any(key.startswith(prefix) for key in features), prefix
    assert features["src=phrase"] == 1.0


def test_the_decision_types_a_noun_phrase_no_rule_typed(papers):
    # t022 (AdANNS): 'adaptive representations' is a gold method, t018 'speed' a gold metric; neither is
    # a name the rules or the NER offer
    text, state = papers["t022"]
    assert _names(text, state["mentions"], "phrase").get("adaptive representations") == "method"
    text, state = papers["t018"]
    assert _names(text, state["mentions"], "phrase").get("speed") == "metric"


def test_a_name_ending_in_a_role_word_is_a_candidate_without_it():
    from kg.extract.components import headless_phrases
    from kg.extract.entities import Candidate

    # t008: gold task 'robot imitation task', alias 'robot imitation'
    text = ("We demonstrate better prediction performance on a robot imitation task with our model using error "
            "regression compared to a standard variational Bayes model lacking such a procedure")

    def span(phrase: str, label: str = "phrase") -> Candidate:
        start = text.index(phrase)
        return Candidate(start, start + len(phrase), label, "phrase", 0)

    found = headless_phrases(text, [span("robot imitation task"), span("standard variational Bayes model"),
                                    span("prediction performance", "metric")])
    assert [(text[c.start:c.end], c.label, c.source) for c in found] == [("robot imitation", "phrase", "headless")]
    # a span some rule already offers is not offered twice
    assert headless_phrases(text, [span("robot imitation task"), span("robot imitation", "task")]) == []


def test_the_decision_types_a_name_offered_without_its_role_word(papers):
    # t002: 'We specifically create a model calibration dataset ...': 'calibration' (gold task, an alias of
    # 'model calibration') is no name any rule or the NER offers by itself
    text, state = papers["t002"]
    assert "calibration" in _names(text, state["entity_candidates"], "headless")
    assert _names(text, state["mentions"], "headless").get("calibration") == "task"


def test_untyped_phrases_never_reach_the_mentions_without_the_decision():
    row = next(r for r in load_gold() if r["id"] == "t232")
    state = load_pipeline(Options(keep_sentences=True))(gold_text(row))._.kg  # the rules alone
    assert {label for _s, _e, label, _src in state["mentions"]} <= {"method", "dataset", "metric", "task"}
    assert any(src == "phrase" for *_x, src in state["entity_candidates"])


def test_claim_sentences_carry_the_parse_words(papers):
    """Extractor 0.15's words for the claim classifier (kg.extract.components.sentence_shape), on real
    training papers: a result with a percentage reads kgnum and kgpct; 'The acquisition of labels ...
    can be expensive' (t005, background, no claim) reads a modal on its main verb and no number."""
    sentences = {pid: {s: f for s, f, _vector in papers[pid][1]["sentences"]} for pid in ("t018", "t005")}
    result = next(f for s, f in sentences["t018"].items() if "increases generation speed by 22.4%" in s)
    assert {"kgnum", "kgpct"} <= set(result)
    background = next(f for s, f in sentences["t005"].items() if s.startswith("The acquisition of labels"))
    assert "kgmodal" in background and "kgnum" not in background and "kgpct" not in background


def test_the_mention_decision_scores_each_class_over_the_features_it_knows():
    import math

    from kg.extract.mention_features import decide_label, label_model

    model = label_model({"classes": ["method", "none"], "bias": {"method": 0.5, "none": 0.0},
                         "weights": {"method": {"src=title": 2.0}, "none": {"generic": 3.0}}})
    assert model.by_feature == {"src=title": (2.0, 0.0), "generic": (0.0, 3.0)}
    label, probability = decide_label({"src=title": 1.0, "unseen": 5.0}, model)
    assert label == "method" and probability == pytest.approx(1 / (1 + math.exp(-2.5)))
    assert decide_label({"generic": 1.0}, model)[0] == "none"
    assert decide_label({"generic": 1.0}, model, none_threshold=0.99)[0] == "method"


def test_the_mention_decision_reads_both_layers_of_the_state_as_its_training_features():
    """The ctx weights (fourth layer's 384 then the last layer's) applied as one matrix give the same
    scores as the features the decision was fitted on (kg.extract.mention_features.context_features)."""
    import math

    import numpy as np

    from kg.extract.mention_features import CONTEXT_SCALE, context_features, decide_label, label_model

    vector = np.linspace(-1.0, 1.0, 768)
    model = label_model({"classes": ["method", "none"], "bias": {"method": 0.0, "none": 0.0},
                         "weights": {"method": {"ctx3": 1.5, "ctx700": -2.0, "src=ner": 0.5}, "none": {}}})
    features = context_features(vector)
    assert len(features) == 768 and features["ctx700"] == pytest.approx(CONTEXT_SCALE * vector[700])
    expected = 0.5 + 1.5 * features["ctx3"] - 2.0 * features["ctx700"]
    label, probability = decide_label({"src=ner": 1.0}, model, vector=vector)
    assert probability == pytest.approx(1 / (1 + math.exp(-expected)))
    assert label == ("method" if expected > 0 else "none")


def test_a_kept_short_form_brings_its_long_form_over_the_names_inside_it():
    from kg.extract.components import with_defined_long_forms
    from kg.extract.entities import Candidate
    from kg.extract.text import find_acronyms

    # t252 (SMEAR): the decision kept 'Soft Merging' and 'Adaptive Routing' over the definition's long form
    title = "Soft Merging of Experts with Adaptive Routing"
    text = (f"{title}\n\nTo address this issue, we introduce Soft Merging of Experts with Adaptive Routing "
            "(SMEAR), which avoids discrete routing.")
    pairs = find_acronyms(text)
    assert [(p.long, p.short) for p in pairs] == [(title, "SMEAR")]

    def at(phrase: str, nth: int, label: str, priority: int) -> Candidate:
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        return Candidate(start, start + len(phrase), label, "phrase", priority)

    pieces = [at("Soft Merging", n, "method", 900) for n in (0, 1)] + [at("Adaptive Routing", n, "method", 800)
                                                                      for n in (0, 1)]
    short = Candidate(pairs[0].short_start, pairs[0].short_end, "method", "acronym", 700)
    resolved = resolve(with_defined_long_forms([*pieces, short], pairs, text))
    assert [text[c.start:c.end] for c in resolved] == [title, title, "SMEAR"]
    assert {c.label for c in resolved} == {"method"}
    # a short form the decision dropped brings nothing
    assert resolve(with_defined_long_forms(pieces, pairs, text)) == resolve(pieces)


def test_an_acronym_and_its_long_form_name_one_entity_in_the_output():
    from kg.extract.evaluate import gold_papers
    from kg.extract.pipeline import extract_papers, output_row

    options = default_options()
    if options.trained is None:
        pytest.skip("the shipped trained components are not installed")
    row = next(r for r in load_gold() if r["id"] == "t252")
    (record,) = extract_papers(gold_papers([row]), options=options)
    methods = {}
    for entity in output_row(record)["entities"]:
        if entity["label"] == "method":
            methods.setdefault(entity["canonical"], set()).add(entity["text"])
    assert methods["Soft Merging of Experts with Adaptive Routing"] == {
        "Soft Merging of Experts with Adaptive Routing", "SMEAR"}
    assert "Soft Merging" not in methods and "Adaptive Routing" not in methods


@pytest.mark.parametrize("pid, kept, label, trimmed", [
    ("t251", "16.2ms latency", "metric", "latency"),      # 'on ImageNet-1K with 16.2ms latency'
    ("t246", "top-5) error", "metric", "error"),          # 'at 25.1% top-1 (7.8% top-5) error'
])
def test_a_kept_name_loses_a_stray_lead(pid, kept, label, trimmed):
    from kg.extract.components import without_stray_lead
    from kg.extract.entities import Candidate

    text = gold_text(next(r for r in load_gold() if r["id"] == pid))
    start = text.index(kept)
    c = without_stray_lead(Candidate(start, start + len(kept), label, "ner", 500), text)
    assert text[c.start:c.end] == trimmed and (c.end, c.label, c.priority) == (start + len(kept), label, 500)
    gold_metrics = {a for aliases in next(r for r in load_gold() if r["id"] == pid)["entities"]["metric"] for a in aliases}
    assert trimmed in gold_metrics


def test_a_number_and_unit_are_stray_only_before_a_metric():
    from kg.extract.components import without_stray_lead
    from kg.extract.entities import Candidate

    text = "A 3D U-Net and 2x speedup with 32GB memory cost."
    for name, label, expected in (("3D U-Net", "method", "3D U-Net"), ("2x speedup", "metric", "speedup"),
                                  ("32GB memory cost", "metric", "memory cost"), ("2x speedup", "method", "2x speedup")):
        start = text.index(name)
        c = without_stray_lead(Candidate(start, start + len(name), label, "ner", 1), text)
        assert text[c.start:c.end] == expected


def test_two_seed_ners_propose_names_and_the_decision_sees_which_agree(papers):
    from thinc.api import Config

    from kg.extract.pipeline import TRAINED
    from kg.names import name_key

    seeds = [Config().from_disk(TRAINED / ner / "config.cfg")["training"]["seed"] for ner in ("ner", "ner_b")]
    assert seeds[0] != seeds[1]  # the same papers, another start: they err in different places
    assert (TRAINED / "ner" / "ner" / "model").read_bytes() != (TRAINED / "ner_b" / "ner" / "model").read_bytes()
    text, state = papers["t022"]
    first, second = (_names(text, state["entity_candidates"], source) for source in ("ner", "ner_b"))
    assert first and second
    both = set(first) & set(second)
    assert both
    for name in both:
        features = state["entity_features"][name_key(name)]
        assert features["src=ner"] == features["src=ner_b"] == 1.0
