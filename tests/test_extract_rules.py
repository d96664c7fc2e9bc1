"""The plain functions of kg.extract (no spaCy): acronyms, names, values, claim cues."""

from __future__ import annotations

import pytest

from kg.extract import claims
from kg.extract.entities import is_name_shaped, label_from_head, shaped_words
from kg.extract.text import find_acronyms
from kg.names import name_key, strip_plural_acronym
from kg.values import find_values, parse_value

KAN = ("Kolmogorov-Arnold Networks (KAN) are a new class of neural network architecture representing a promising "
       "alternative to the Multilayer Perceptron (MLP), demonstrating improved expressiveness and interpretability.")


def _pairs(text):
    return [(p.long, p.short) for p in find_acronyms(text)]


def test_acronym_long_forms_keep_hyphens_and_offsets_are_exact():
    pairs = find_acronyms(KAN)
    assert [(p.long, p.short) for p in pairs] == [("Kolmogorov-Arnold Networks", "KAN"), ("Multilayer Perceptron", "MLP")]
    for p in pairs:
        assert KAN[p.long_start:p.long_end] == p.long
        assert KAN[p.short_start:p.short_end] == p.short


@pytest.mark.parametrize(
    "text, expected",
    [
        ("we introduce a novel method called 'Gate and Obstruct Network' (GateON).", ("Gate and Obstruct Network", "GateON")),
        ("The objective of continual learning (CL) is to learn tasks sequentially", ("continual learning", "CL")),
        ("we propose learning energy decompositions for GFlowNets (LED-GFN).",
         ("learning energy decompositions for GFlowNets", "LED-GFN")),
        ("we design a series of Scalable and Transferable U-Net (STU-Net) models",
         ("Scalable and Transferable U-Net", "STU-Net")),
        ("Graph neural networks (GNNs) are one of the most popular research topics", ("Graph neural networks", "GNNs")),
        # words whose initials spell it win over the shortest Schwartz & Hearst match ('Subspace Variational Inference')
        ("we propose Sparse Subspace Variational Inference (SSVI), the first fully sparse BNN framework",
         ("Sparse Subspace Variational Inference", "SSVI")),
        ("we propose a new approach to generate oriented object proposals (OOPs) to reduce the detection error",
         ("oriented object proposals", "OOPs")),
        ("we fit a mixture of experts (MoE) in context", ("mixture of experts", "MoE")),
        ("we use in-context learning (ICL) to", ("in-context learning", "ICL")),
        ("the vision transformer (ViT) splits an image", ("vision transformer", "ViT")),
    ],
)
def test_acronym_definitions_from_seed_sentences(text, expected):
    assert expected in _pairs(text)


def test_no_acronym_for_ordinary_parentheses():
    assert _pairs("accuracy (93.2%) on the test set (see Appendix)") == []


def test_name_key_unifies_plural_hyphen_and_case():
    assert name_key("Kolmogorov-Arnold Networks") == name_key("kolmogorov arnold network")
    assert name_key("KANs") == name_key("KAN") == "kan"
    assert name_key("Spearman's {\\rho}") == "spearmans rho"
    assert strip_plural_acronym("DNNs") == "DNN" and strip_plural_acronym("class") == "class"


@pytest.mark.parametrize(
    "sentence, value, number, unit",
    [
        ("We report improved results using a 1001-layer ResNet on CIFAR-10 (4.62% error)", "4.62%", 4.62, "%"),
        ("AutoSparse achieves (2x, 7x) reduction in (training,inference) FLOPS", "2x, 7x", 7.0, "x"),
        ("our distillation framework consistently improves from 69.76% to 73.19%, which", "from 69.76% to 73.19%", 73.19, "%"),
        ("improving the accuracies of best-discovered networks by up to 0.3%, 1.1%, and 1.0% on three",
         "up to 0.3%, 1.1%, and 1.0%", 1.0, "%"),
        # values as the seed gold writes them: qualifiers, comparisons and LaTeX kept (data/gold train)
        ("The results show that DiskGNN can speed up the baselines by over 8x while matching their best model accuracy.",
         "over 8x", 8.0, "x"),
        ("On CIFAR-10, our model achieves 2.08\\% test error with only 5.7M parameters", "2.08\\%", 2.08, "%"),
        ("VFN outperforms the previous SoTA model, PiFold (54.7% vs. 51.66%), on sequence recovery rate.",
         "54.7% vs. 51.66%", 54.7, "%"),
        ("proposed augmentation improves test error by 23% on average.", "23% on average", 23.0, "%"),
        ("yields up to two orders of magnitude speedup over FIGS", "up to two orders of magnitude", None, None),
        ("Notably, the 1.4B STU-Net is the largest medical image segmentation model to date.", "1.4B", 1.4, "B"),
    ],
)
def test_values_as_written_and_parsed(sentence, value, number, unit):
    found = find_values(sentence)
    assert found and found[0].text == value
    assert sentence[found[0].start:found[0].start + len(value)] == value
    assert (found[0].number, found[0].unit) == (number, unit)


def test_no_values_in_plain_text_years_and_names():
    assert find_values("In 2023 we studied nine datasets.") == []
    assert [v.text for v in find_values("ResNet50 and MobileNetV1 on ImageNet-1K: AutoSparse achieves (2x, 7x)")] == ["2x, 7x"]
    assert parse_value("40x") == (40.0, "x")


@pytest.mark.parametrize("word", ["GradSign", "nnU-Net", "ResNet-50", "BERT", "MEST", "DeepONet", "ImageNet-1K"])
def test_name_shaped(word):
    assert is_name_shaped(word)


@pytest.mark.parametrize("word", ["GPU", "OOD", "PDEs", "Physics-Informed", "However", "II", "A"])
def test_not_name_shaped(word):
    assert not is_name_shaped(word)


def test_shaped_words_skip_urls_and_modifiers():
    text = "Code: https://github.com/KaimingHe/resnet-1k-layers and GradSign-assisted NAS with VanillaNet."
    words = [text[s:e] for s, e in shaped_words(text)]
    assert "VanillaNet" in words and "NAS" in words
    assert not any("Kaiming" in w or "assisted" in w for w in words)


def test_shaped_words_skip_mail_addresses_and_read_a_huge_token():
    text = "Write to (KaimingHe@fb.com) about VanillaNet; " + "aB" * 50_000 + " ends here."
    words = [text[s:e] for s, e in shaped_words(text)]
    assert "VanillaNet" in words and not any("Kaiming" in w for w in words)
    assert len(words) == 2  # the 100,000-character word is one shaped word, found in linear time


@pytest.mark.parametrize(
    "phrase, label",
    [("inductive link prediction mechanism", "method"), ("generalization error", "metric"),
     ("medical image segmentation", "task"), ("continual learning", "task"), ("MAVE dataset", "dataset"),
     ("deep learning", None), ("partial differential equations", "task")],
)
def test_label_from_head(phrase, label):
    assert label_from_head(phrase) == label


@pytest.mark.parametrize(
    "sentence, kind",
    [
        (("The results demonstrate that our proposed HyperPAVE model significantly outperforms existing "
         "classification-based, generation-based large language models for attribute value extraction."), "outperforms"),
        (("Theoretically, we show that both the network's training and true population losses are proportionally "
         "upper-bounded by {\\Psi} under reasonable assumptions."), "theory"),
        ("Also, we find that DyNNs can be used to generate adversarial samples more efficiently than SDNNs.", "efficiency"),
        ("Experimental results show the competitive performance of our model across various PDEs.", "achieves"),
        ("On smaller ResNet-18, our distillation framework consistently improves from 69.76% to 73.19%.", "improves"),
        ("This observation reveals that a large model is promising in medical image segmentation.", "other"),
    ],
)
def test_claim_types_on_seed_sentences(sentence, kind):
    assert claims.classify(sentence)[0] == kind


def test_background_code_and_motivation_are_not_claims():
    assert not claims.is_claim_candidate("The code and pre-trained models are available at https://github.com/x/y.",
                                         after_proposal=True, mentions_proposed=False)
    assert not claims.is_claim_candidate("In particular, we focus on improving GFlowNet with partial inference.",
                                         after_proposal=True, mentions_proposed=False)
    assert not claims.is_claim_candidate("Large-scale models pre-trained on large-scale datasets have profoundly "
                                         "advanced the development of deep learning.",
                                         after_proposal=False, mentions_proposed=False)


def test_title_names():
    assert claims.title_name("GateON: an unsupervised method for large scale continual learning") == (0, 6)
    assert claims.title_name("MEAL V2: Boosting Vanilla ResNet-50 to 80%+ Top-1 Accuracy") == (0, 7)
    assert claims.title_name("Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach") is None
    assert claims.title_name("Straightening Out the Straight-Through Estimator: Overcoming Optimization") is None


def test_proposal_regions_follow_the_verb():
    sentence = claims.Sentence(100, 190, "We propose HyperPAVE, a multi-label zero-shot attribute value extraction model.")
    (start, end, naming), = claims.proposal_regions(sentence)
    assert sentence.text[start - 100:end - 100].strip() == "HyperPAVE"
    assert not naming
    passive = claims.Sentence(0, 60, "A variational Bayesian learning setting is thus proposed, where")
    assert claims.proposal_regions(passive)[0][:2] == (0, len("A variational Bayesian learning setting"))


# ---------------------------------------------------------------- generalisation rules (extractor 0.5)

MATRIXKAN_SPEEDUP = ("Further, our experiments demonstrate speedups of approximately 40x relative to KAN, with "
                     "significant additional speedup potential for larger datasets or higher spline degrees.")
MATRIXKAN_SCALING = ("In this paper, we demonstrate the superior scaling of MatrixKAN's computation time relative to "
                     "B-spline degree.")


def _mentions(sentence, start, *spans):
    """(start, end, label, text) of each (text, label) in the sentence, offsets as in a document."""
    out = []
    for text, label in spans:
        at = sentence.index(text)
        out.append((start + at, start + at + len(text), label, text))
    return out


@pytest.mark.parametrize(
    "sentence, baseline",
    [
        (MATRIXKAN_SPEEDUP, "KAN"),  # 'relative to X'
        (("In particular , our algorithm requires , on average , 3-10 times fewer samples than standard RANSAC , "
         "which is in close agreement with theoretical predictions ."), "RANSAC"),  # 'than X' (SciERC dev)
        (("The combination of these two strategies results in a robust estimation procedure that provides a "
         "significant speed-up over existing RANSAC techniques , while requiring no prior information to guide "
         "the sampling process ."), "RANSAC"),  # 'over X' (SciERC dev)
    ],
)
def test_baseline_cues_give_the_object(sentence, baseline):
    kind, confidence, cue = claims.classify(sentence)
    assert kind == "efficiency"
    sent = claims.Sentence(1000, 1000 + len(sentence), sentence)
    draft = claims.build_claim(sent, kind, confidence, cue, _mentions(sentence, 1000, (baseline, "method")),
                               {"matrixkan"}, [])
    assert draft.object == baseline and draft.object_is_mention


def test_over_and_than_before_a_number_are_amounts_not_baselines():
    sentence = ("The system runs on a single Linux PC with reasonable size memory ( less than 4GB ) and disk space "
                "( less than 400GB ) .")  # SciERC dev
    assert claims._COMPARE_AT.search(sentence) is None
    assert claims._COMPARE_AT.search("accuracy improves by over 3% over BERT").group(0) == "over"


def test_value_ranges_are_kept_whole():
    (value,) = find_values("our algorithm requires , on average , 3-10 times fewer samples than standard RANSAC")
    assert (value.text, value.number, value.unit) == ("3-10 times", 10.0, "x")


@pytest.mark.parametrize("phrase", ["superior scaling", "the improved performance", "speedups",
                                    "significant additional speedup potential", "remarkable improvement"])
def test_evaluative_phrases(phrase):
    from kg.extract.entities import is_evaluative

    assert is_evaluative(phrase)


@pytest.mark.parametrize("phrase", ["linear scaling", "square root scaling", "temperature scaling",
                                    "knowledge distillation", "affine re-parameterization", "KAN"])
def test_names_are_not_evaluative(phrase):
    from kg.extract.entities import is_evaluative

    assert not is_evaluative(phrase)


def test_superior_without_a_comparison_is_no_outperforms_claim():
    assert claims.classify(MATRIXKAN_SCALING)[0] == "efficiency"
    sent = claims.Sentence(0, len(MATRIXKAN_SCALING), MATRIXKAN_SCALING)
    mentions = _mentions(MATRIXKAN_SCALING, 0, ("superior scaling", "method"), ("MatrixKAN", "method"))
    draft = claims.build_claim(sent, *claims.classify(MATRIXKAN_SCALING), mentions, {"matrixkan"}, [])
    assert draft.object is None and draft.subject == ("MatrixKAN", "method")
    # 'superiority of X' (seed dev s13) and 'superior to X' still compare with baselines
    assert claims.classify("We empirically verify the superiority of LED-GFN in five problems including the "
                           "generation of unstructured and maximum independent sets.")[0] == "outperforms"
    assert claims.classify("Our model is superior to BERT on all tasks.")[0] == "outperforms"


@pytest.mark.parametrize(
    "sentence",
    [  # SciERC dev: how something is done, or a tool used, is no result
        ("Global registration is achieved by combining a graph-based technique -- that exploits the topological "
        "structure of the sequence induced by the spatial overlap -- with a bundle adjustment which uses only the "
        "homographies computed in the previous steps ."),
        "For the generation of synthesized speech we used a state of the art HMM-based speech synthesis system .",
    ],
)
def test_descriptive_cue_phrases_are_no_claims(sentence):
    assert claims.classify(sentence) is None


def test_this_paper_proposes_is_a_contribution():
    assert claims.is_contribution("This paper proposes a new methodology to improve the accuracy of a term "
                                  "aggregation system using each author 's text as a coherent corpus .")


@pytest.mark.parametrize("phrase, technique", [
    ("affine re-parameterization", True), ("residual unit", True), ("alternating optimization", True),
    ("variational Bayesian learning", True), ("dependency parser", True), ("bundle adjustment", True),
    ("Evaluation test results", False), ("perceptual groups", False), ("estimation stage", False),
    ("restricted-domain parsing", False), ("Representative samples", False), ("superior scaling", False),
])
def test_descriptive_proposals_must_name_a_technique(phrase, technique):
    from kg.extract.proposing import describes_technique

    assert describes_technique(phrase) is technique


def test_title_description_is_no_method_unless_the_abstract_names_it():
    from kg.extract.components import _unreferenced_description
    from kg.extract.entities import Candidate

    title = "MatrixKAN: Parallelized Kolmogorov-Arnold Network"
    named = claims.title_name(title)
    start = title.index("Parallelized")
    cand = Candidate(start, len(title), "method", "head", 3)
    assert _unreferenced_description(cand, title, named, "We propose MatrixKAN, a novel optimization.")
    title = "ResMLP: Feedforward networks for image classification with data-efficient training"  # seed dev s10
    named = claims.title_name(title)
    cand = Candidate(title.index("Feedforward"), title.index(" for"), "method", "head", 3)
    abstract = "We present ResMLP, an architecture built entirely upon multi-layer perceptrons ... a feed-forward network"
    assert not _unreferenced_description(cand, title, named, abstract)
    assert _unreferenced_description(cand, title, named, "We present ResMLP.")


def test_fewer_in_number_is_no_efficiency_claim():
    sentence = ("Results show that these Chinese punctuation marks , though fewer in number than cue phrases , are easy "
                "to identify , have strong correlation with certain relations .")  # SciERC dev
    assert claims.classify(sentence)[0] != "efficiency"


def test_efficient_as_a_plain_adjective_is_no_efficiency_claim():
    # SciERC dev: how the method is built, not a result
    assert claims.classify("The nonlinear scale space is built using efficient Additive Operator Splitting ( AOS ) "
                           "techniques and variable con-ductance diffusion .") is None


def test_a_limitation_of_prior_work_after_the_proposal_is_no_claim():
    sentence = ("However , Gaussian blurring does not respect the natural boundaries of objects and smoothes to the "
                "same degree both details and noise , reducing localization accuracy and distinctiveness .")  # SciERC
    assert not claims.is_claim_candidate(sentence, after_proposal=True, mentions_proposed=False)
    # a contrast about the paper's own work stays a claim (SciERC dev)
    assert claims.is_claim_candidate("However , we show that by designing rules that are execution-contingent , we "
                                     "can reduce IR violations .", after_proposal=True, mentions_proposed=False)


@pytest.mark.parametrize("sentence, names", [
    ("We validate our claims on the VGG/WideResNet architectures on the CIFAR-100 and ImageNet datasets.",  # dev s02
     ["CIFAR-100", "ImageNet"]),
    (("Experimental results on two challenging datasets , MSRII and UCF 101 , validate the superior performance of "
     "our action proposals ."), ["MSRII", "UCF 101"]),  # SciERC dev
    (("Further, our experiments demonstrate speedups of approximately 40x relative to KAN, with significant "
     "additional speedup potential for larger datasets or higher spline degrees."), []),
    (("In our experiments with 9 datasets and 28 baselines, our method, called GREAD, outperforms them in a "
     "majority of cases."), []),  # dev s06
])
def test_names_listed_with_a_dataset_head_are_datasets(sentence, names):
    from kg.extract.entities import dataset_list_items

    assert [sentence[s:e] for s, e in dataset_list_items(sentence)] == names


@pytest.mark.parametrize("sentence, done", [
    # SciERC dev: what the paper does
    (("In this paper , we use the information redundancy in multilingual input to correct errors in machine "
     "translation and thus improve the quality of multilingual summaries ."), True),
    (("Finally , we briefly describe an experiment which we have done in extending the n-best speech/language "
     "integration architecture to improving OCR accuracy ."), True),
    # seed dev s07 and the MatrixKAN abstract: what it found
    (("In this paper, we analyze the propagation formulations behind the residual building blocks, which suggest "
     "that the forward and backward signals can be directly propagated from one block to any other block."), False),
    (MATRIXKAN_SCALING, False),
])
def test_statements_of_what_the_paper_does(sentence, done):
    assert claims.states_what_is_done(sentence) is done


def test_show_how_and_obtained_from_are_descriptions():
    # SciERC dev
    assert claims.classify("We show how to build a joint model of argument frames , incorporating novel features "
                           "that model these interactions into discriminative log-linear models .") is None
    assert claims.classify("The rotation-invariant features can be obtained from the parameters of the ACGMRF model "
                           "by the one-dimensional ( 1-D ) discrete Fourier transform ( DFT ) .") is None


def test_opinions_are_no_claims():
    # SciERC train: 'we argue' states an opinion, not a result of the paper's work
    assert not claims.is_claim_candidate(
        "We argue that a more sophisticated and fine-grained annotation in the tree-bank would have very positve "
        "effects on stochastic parsers trained on the tree-bank .", after_proposal=True, mentions_proposed=False)


@pytest.mark.parametrize("sentence", [
    # modal capability statements without evidence (SciERC dev)
    "By inferring per-vertex normals at sub-voxel precision on the fly , we can achieve interpolative shading .",
    ("The method can exploit image correspondences obtained by various alignment techniques , and we show examples "
    "based on matching local region features ."),
    "Some of our proof techniques are non-standard and may be of independent interest .",
    ("In this way , we can make blurring locally adaptive to the image data , reducing noise but retaining object "
    "boundaries , obtaining superior localization accuracy and distinctiviness ."),
])
def test_modal_capability_without_evidence_is_no_claim(sentence):
    assert claims.is_capability_statement(sentence)
    assert not claims.is_claim_candidate(sentence, after_proposal=True, mentions_proposed=True)


@pytest.mark.parametrize("sentence", [
    # comparative, quantified or evidenced modal sentences stay claims (seed dev gold, SciERC)
    ("We show that much smaller KANs can achieve comparable or better accuracy than much larger MLPs in data fitting "
    "and PDE solving."),
    ("Significantly improved accuracy can be achieved by applying the rotation-invariant features to classify SAR "
    "( synthetic aperture radar ) sea ice and Brodatz imagery ."),
    "It is also noteworthy that training GFlowNet with our learned potential can preserve the optimal policy.",
    ("We show how sampling can be used to reduce the retrieval time by orders of magnitude with no loss in "
    "translation quality ."),
    ("Layers in the input images will be mapped in the subspace , where it is proven that they form well-defined "
    "clusters and can be reliably identified by a simple mean-shift based clustering algorithm ."),
    ("Since these missing details can be recovered at the current level of detail , our result is not upper bounded "
    "by the scanning resolution ."),
])
def test_modal_sentences_with_evidence_or_comparison_stay_claims(sentence):
    assert not claims.is_capability_statement(sentence)
    assert claims.is_claim_candidate(sentence, after_proposal=True, mentions_proposed=True)


@pytest.mark.parametrize("sentence", [
    # the only cue sits in a purpose or side clause: what the method is for / how it works
    ("The framework is composed of a novel algorithm to efficiently compute the co-occurrence distribution between "
    "pairs of terms , an independence model , and a parametric affinity model ."),
    ("Third , it avoids massive window sampling , and thereby reducing the number of proposals while maintaining a "
    "high recall ."),
    "We also investigate combining various segmentations to improve the performance of the recognizer .",
    ("This generation system also uses disjunctive feature structures to reduce the number of copies of the "
    "derivation tree ."),
])
def test_cue_only_in_a_purpose_clause_is_no_claim(sentence):
    assert claims.cue_only_in_purpose(sentence)
    assert not claims.is_claim_candidate(sentence, after_proposal=True, mentions_proposed=True)


def test_purpose_clause_with_a_result_stays_a_claim():
    sentence = ("We implement several techniques to estimate the confidence of both extracted fields and entire "
                "multi-field records , obtaining an average precision of 98 % for retrieving correct fields .")
    assert not claims.cue_only_in_purpose(sentence)
    assert claims.is_claim_candidate(sentence, after_proposal=True, mentions_proposed=False)
