"""Values that mean one thing (kg.values, kg.metrics), on verbatim sentences of the annotated papers
(data/gold/train.jsonl; the paper id is given with each)."""

from __future__ import annotations

import pytest

from kg.metrics import direction, metric_info, metric_table
from kg.names import verbatim_occurrences
from kg.values import KINDS, UNITS, clean_latex, find_values, measures, normalise


def spans(sentence: str, names: list[str]) -> list[tuple[int, int, str]]:
    return [(s, e, n) for n in names for s, e in verbatim_occurrences(sentence, n)]


def read(sentence: str, metrics=(), datasets=()):
    return [(m.text, m.kind, m.number, m.unit, m.metric, m.dataset)
            for m in measures(sentence, spans(sentence, list(metrics)), spans(sentence, list(datasets)))]


def test_score_amount_and_ratio_in_one_sentence():  # t223
    sentence = ("On CIFAR-10, our model achieves 2.08\\% test error with only 5.7M parameters, better than the "
                "previous state-of-the-art architecture AmoebaNet-B, while using 6times fewer parameters.")
    assert read(sentence, ["test error", "parameters"], ["CIFAR-10"]) == [
        ("2.08\\%", "score", 2.08, "%", "test error", "CIFAR-10"),
        ("5.7M", "amount", 5.7e6, "count", "parameters", "CIFAR-10"),
        ("6times", "ratio", 6.0, "x", "parameters", "CIFAR-10"),
    ]


def test_from_to_is_a_score_with_its_baseline():  # t105
    sentence = ("For ResNet50-D, the average linear transfer accuracy across 6 datasets improves from 77.98% to "
                "79.70% compared to the strong baseline of vanilla softmax.")
    (measure,) = measures(sentence, spans(sentence, ["linear transfer accuracy"]))
    assert (measure.kind, measure.number, measure.baseline, measure.metric) == (
        "score", 79.70, 77.98, "linear transfer accuracy")


def test_vs_gives_ours_first_and_the_baseline_second():  # t048
    sentence = ("In inverse folding (frame and atom modeling), VFN outperforms the previous SoTA model, PiFold "
                "(54.7% vs. 51.66%), on sequence recovery rate.")
    (measure,) = measures(sentence, spans(sentence, ["sequence recovery rate"]))
    assert (measure.text, measure.kind, measure.number, measure.baseline) == ("54.7% vs. 51.66%", "score", 54.7, 51.66)


def test_each_value_takes_the_metric_and_dataset_written_beside_it():  # t246
    sentence = ("Our best single model run has 1.93% (1.98+/-0.07) validation error on CIFAR-10 and 5.5% error "
                "(5.8+/-0.3) on the recently released CIFAR-10.1 test set.")
    assert read(sentence, ["validation error", "error"], ["CIFAR-10", "CIFAR-10.1"]) == [
        ("1.93%", "score", 1.93, "%", "validation error", "CIFAR-10"),
        ("5.5%", "score", 5.5, "%", "error", "CIFAR-10.1"),
    ]


def test_a_gain_is_a_delta_not_a_score():  # t159, t063
    assert read("The V-MoE-Base model trained using m2mKD also achieves 3.5% higher accuracy than end-to-end "
                "training on ImageNet.", ["accuracy"], ["ImageNet"]) == [
        ("3.5%", "delta", 3.5, "%", "accuracy", "ImageNet")]
    sentence = ("Notably, on a real-world, large-scale recommender system, DSelect-k achieves over 22% improvement "
                "in predictive performance compared to Top-k.")
    (measure,) = measures(sentence, spans(sentence, ["predictive performance"]))
    assert (measure.kind, measure.qualifier, measure.metric) == ("delta", "at least", "predictive performance")


def test_a_level_written_as_an_inequality_is_a_bound():  # s14: '80%+' must not outrank '80.67%'
    sentence = ("We introduce a simple yet effective distillation framework that is able to boost the vanilla "
                "ResNet-50 to 80%+ Top-1 accuracy on ImageNet without tricks.")
    (measure,) = measures(sentence, spans(sentence, ["Top-1 accuracy"]), spans(sentence, ["ImageNet"]))
    assert (measure.kind, measure.number, measure.qualifier, measure.metric) == ("bound", 80.0, "at least", "Top-1 accuracy")


def test_ranges_factors_and_orders_of_magnitude():  # t085, t279, t249
    assert read("Searched for different resolutions and channel sizes, FBNets achieve 1.5% to 6.4% higher accuracy "
                "than MobileNetV2.", ["accuracy"]) == [("1.5% to 6.4%", "range", 6.4, "%", "accuracy", None)]
    sentence = ("We demonstrate that PFNs can near-perfectly mimic Gaussian processes and also enable efficient "
                "Bayesian inference for intractable problems, with over 200-fold speedups in multiple setups "
                "compared to current methods.")
    assert read(sentence, ["speedups"]) == [("over 200-fold", "ratio", 200.0, "x", "speedups", None)]
    sentence = ("Moreover, the resulting model scales to larger datasets, is naturally interpretable, and yields up "
                "to two orders of magnitude speedup over FastGCN.")
    assert read(sentence, ["speedup"]) == [("up to two orders of magnitude", "ratio", 100.0, "x", "speedup", None)]


def test_a_metric_with_a_bare_number_and_amounts_of_time():  # t085
    sentence = ("The smallest FBNet achieves 50.2% accuracy and 2.9 ms latency (345 frames per second) on a "
                "Samsung S8.")
    assert read(sentence, ["accuracy", "latency"]) == [
        ("50.2%", "score", 50.2, "%", "accuracy", None),
        ("2.9 ms", "amount", pytest.approx(0.0029), "s", "latency", None),
    ]
    sentence = "Our model obtains a BLEU of 28.4 on the WMT 2014 English-to-German translation task."
    assert read(sentence, ["BLEU"], ["WMT 2014 English-to-German"]) == [
        ("28.4", "score", 28.4, None, "BLEU", "WMT 2014 English-to-German")]


def test_lists_and_slashes_are_no_single_score():  # seed sentences
    sentence = "In particular, PN outperforms LN by 0.4/0.6 BLEU on IWSLT14/WMT14 and 5.6/3.0 PPL on PTB/WikiText-103."
    assert read(sentence, ["BLEU", "PPL"]) == []
    sentence = ("For example, experiments show that plugging in local augmentation to GCN and GAT improves by an "
                "average of 3.4\\% and 1.6\\% in terms of test accuracy on Cora, Citeseer, and Pubmed.")
    (measure,) = measures(sentence)
    assert (measure.kind, measure.number) == ("delta", None)


def test_a_value_tied_to_no_metric_keeps_none():  # 'any metric in the sentence' was the old bug
    sentence = ("FBNet-B achieves 74.1% top-1 accuracy on ImageNet with 295M FLOPs and 23.1 ms latency on a "
                "Samsung S8 phone, 2.4x smaller and 1.5x faster than MobileNetV2-1.3 with similar accuracy.")
    found = read(sentence, ["top-1 accuracy", "FLOPs", "latency", "accuracy"], ["ImageNet"])
    assert [(t, k, m) for t, k, _n, _u, m, _d in found] == [
        ("74.1%", "score", "top-1 accuracy"), ("295M", "amount", "FLOPs"), ("23.1 ms", "amount", "latency"),
        ("2.4x", "ratio", None), ("1.5x", "ratio", None)]


def test_units_and_latex():
    assert normalise(16.2, "ms") == (pytest.approx(0.0162), "s")
    assert normalise(1.4, "B") == (1.4e9, "count")
    assert normalise(3.0, "pp") == (3.0, "points")
    assert clean_latex("2.08\\%") == "2.08%" and clean_latex("$3\\times$") == "3×"
    for sentence in ("It runs 40x faster.", "Error drops by 1.2 points.", "It uses 12 GB of memory."):
        for measure in measures(sentence):
            assert measure.kind in KINDS and measure.unit in UNITS


def test_metric_directions_come_from_the_sourced_table():
    assert all(info.direction in ("higher", "lower") and info.source for info in metric_table())
    assert direction("top-1 accuracies") == direction("Top-1 Accuracy") == "higher"
    assert direction("top-5 test error") == "lower"  # by its tail, 'test error'
    assert direction("FID") == "lower" and direction("BLEU") == "higher" and direction("perplexity") == "lower"
    assert direction("designability") is None and metric_info("") is None


def test_a_value_in_brackets_belongs_to_the_dataset_before_them():  # seed paper 'Identity Mappings ...'
    sentence = ("We report improved results using a 1001-layer ResNet on CIFAR-10 (4.62% error) and CIFAR-100, "
                "and a 200-layer ResNet on ImageNet.")
    assert read(sentence, ["error"], ["CIFAR-10", "CIFAR-100", "ImageNet"]) == [
        ("4.62%", "score", 4.62, "%", "error", "CIFAR-10")]


def test_a_previous_record_is_not_this_papers_score():  # seed paper 'Analyzing and Improving ... Diffusion Models'
    sentence = ("Our modifications improve the previous record FID of 2.41 in ImageNet-512 synthesis to 1.81, "
                "achieved using fast deterministic sampling.")
    assert read(sentence, ["FID"], ["ImageNet-512"]) == []


def test_each_gain_takes_the_dataset_it_is_written_with():  # t247
    sentence = ("For collaborative filtering, the approach is evaluated on the MovieLens 100K with a 5.1% improvement, "
                "on MovieLens 1M with a 5.4% improvement and on Book-Crossing with a 2.8% improvement, while for link "
                "prediction on the ogbl-ddi dataset with a 1.6% refinement with respect to the respective baselines.")
    datasets = ["MovieLens 100K", "MovieLens 1M", "Book-Crossing", "ogbl-ddi dataset"]
    assert [(t, k, d) for t, k, _n, _u, _m, d in read(sentence, [], datasets)] == [  # '1M' in a name is no amount
        ("5.1%", "delta", "MovieLens 100K"), ("5.4%", "delta", "MovieLens 1M"), ("2.8%", "delta", "Book-Crossing"),
        ("1.6%", "delta", "ogbl-ddi dataset")]


def test_ranges_with_units_on_both_sides_and_numbers_without_any():  # seed sentences
    assert read("The experimental results suggest that AP improves the performance by 3% - 4%.") == [
        ("3% - 4%", "range", 4.0, "%", None, None)]
    assert read("We find that AdvMoE achieves 1% ~ 4% adversarial robustness improvement over the dense CNN.",
                ["adversarial robustness"]) == [("1% ~ 4%", "range", 4.0, "%", "adversarial robustness", None)]
    assert read("We show a change of regime phenomenon of the norms when the width increases from 3 to 4.") == []


@pytest.mark.parametrize(("sentence", "rate"), [
    ("Based on such a perturbed prediction, we show a {O}(log T) regret for online regression.", "{O}(log T)"),  # t044
    ("we construct an aggregator of O(log V) depth, yielding exponential improvements", "O(log V)"),
    ("the convergence rate is O(1/log(n)) in the worst case", "O(1/log(n))"),
    ("GPT-4O (a model) and NO(3) are not rates", None),
])
def test_asymptotic_rates_are_values_of_theory_claims(sentence, rate):
    from kg.values import find_asymptotic

    assert find_asymptotic(sentence) == rate


def test_slash_lists_and_percent_written_out():  # t267, t127
    sentence = "On EnWik8, TCNCA outperforms MEGA, reaching a lower loss with 1.37times/1.24times faster forward/backward pass."
    assert [v.text for v in find_values(sentence)] == ["1.37times/1.24times"]
    (measure,) = measures(sentence)
    assert (measure.kind, measure.number, measure.unit) == ("ratio", None, "x")
    sentence = "With an ensemble of three residual and one Inception-v4, we achieve 3.08 percent top-5 error on the test set."
    (value,) = find_values(sentence)
    assert (value.text, value.number, value.unit) == ("3.08 percent", 3.08, "%")
