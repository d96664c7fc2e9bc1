"""Build the curated gazetteers shipped in kg/extract/resources/ from the raw lists.

Reproducible: ``python training/build_gazetteers.py [RAW_DIR]`` (default ../shared/data/gazetteers).
Sources and licences of every input list are written to resources/SOURCES.md by hand; this
script only cleans: it drops noisy strings (symbols, numbers, spam), over-long names and
generic words that would match everywhere ("model", "classification", "network").
Nothing here is taken from the seed papers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RAW = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data" / "gazetteers"
OUT = Path(__file__).resolve().parents[1] / "kg" / "extract" / "resources"

BAD_CHARS = re.compile(r"[<>=#@!?*|{}\[\]~^$\\;%\"“”]|https?:|\.com|\s{2,}")
# Generic words and phrases that name no particular entity (checked lower-cased).
GENERIC = set(
    """
    model models method methods framework network networks neural network neural networks deep learning
    machine learning algorithm algorithms approach data dataset datasets benchmark benchmarks task tasks
    learning training inference prediction classification regression detection generation optimization
    search segmentation recognition representation representations analysis estimation evaluation
    retrieval ranking parsing tracking matching modeling modelling clustering planning control reasoning
    translation synthesis compression transfer adaptation alignment extraction understanding
    attention convolution normalization pooling embedding embeddings loss layer layers module block
    architecture architectures system systems performance accuracy error score time speed size cost
    memory energy quality precision recall average mean total other none all general default baseline
    baselines test train validation val dev image images video text speech audio language graph graphs
    point cloud mix mixing sampling pruning scaling dropout augmentation policy agent agents environment
    function functions feature features linear nonlinear sparse dense deep large small base tiny medium
    simple novel new standard vanilla random fixed global local online offline single multi multiple
    human humans people person user users object objects scene scenes word words sentence sentences
    document documents question questions answer answers knowledge memory robot robots game games
    loss function objective objectives gradient gradients weights weight parameters parameter
    ai ml nlp cv dl rl gpu cpu tpu sota ood iid api fp16 fp32 int8 int16 bf16
    """.split()
) | {
    "neural network", "neural networks", "deep neural network", "deep neural networks", "deep learning",
    "machine learning", "artificial intelligence", "language model", "language models", "large model",
    "deep model", "deep models", "transformer model", "pre-trained model", "pretrained model", "base model",
    "loss function", "activation function", "hidden layer", "fully connected layer", "linear layer",
    "feature extraction", "data augmentation strategy", "computer science", "other", "overall",
}
TOO_GENERIC_TASK_WORDS = {"learning", "prediction", "classification", "generation", "optimization", "inference"}


METRIC_WORDS = {"accuracy", "error", "precision", "recall", "energy", "memory", "speed", "cost", "time"}


def clean(name: str, label: str = "") -> str | None:
    name = " ".join(name.replace("_", " ").split()).strip(" .,:;-")
    if not (2 <= len(name) <= 60) or BAD_CHARS.search(name):
        return None
    if not re.search(r"[A-Za-z]{2}", name) or len(name.split()) > 6:
        return None
    generic = name.lower() in GENERIC and not (label == "metric" and name.lower() in METRIC_WORDS)
    if generic or re.fullmatch(r"[\d.\-\s]+\w?", name):
        return None
    return name


def read_list(name: str, tsv: bool = False) -> list[str]:
    lines = (RAW / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines] if tsv else lines


DATA = RAW.parent
METRIC_SINGLE_WORDS = {"accuracy", "error", "precision", "recall", "perplexity", "sparsity", "robustness", "latency",
                       "throughput", "complexity", "energy", "bleu", "rouge", "f1", "auc", "flops", "runtime"}
TASK_SUFFIXES = ("tion", "sion", "ing", "sis", "ogue", "ization")
# both a PwC method and a PwC task: techniques stay methods, problem settings become tasks
TECHNIQUE_HEADS = ("distillation", "pruning", "training", "tuning", "quantization", "augmentation", "regularization",
                   "dropout", "normalization", "attention", "sampling", "embedding", "descent")


def common_words(min_docs: int = 3) -> set[str]:
    """Lower-case words used in at least 3 SciERC/TDMSci training texts: ordinary vocabulary."""
    import json
    from collections import Counter

    counts: Counter = Counter()
    for path in (DATA / "scierc" / "train.jsonl", DATA / "tdmsci" / "train.jsonl"):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            counts.update(set(re.findall(r"(?<![\w-])[a-z][a-z-]+(?![\w-])", json.loads(line)["text"])))
    return {word for word, n in counts.items() if n >= min_docs}


def build() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"method": set(), "dataset": set(), "metric": set(), "task": set()}
    for raw in read_list("pwc_methods_2022.txt"):
        name = clean(raw)
        if name and not re.search(r"\d{4}", name):
            out["method"].add(name)
    for raw in read_list("pwc_datasets_from_task_tables.txt") + read_list("nlptdms_datasets.txt") + read_list(
        "tdmsci_train_dataset.tsv", tsv=True
    ):
        for part in raw.split(" / "):
            name = clean(part)
            # Named datasets are proper names: a capital letter or a digit, at most five words.
            if name and re.search(r"[A-Z0-9]", name) and len(name.split()) <= 5 and not name.endswith((" -", "(")):
                out["dataset"].add(name)
    for raw in read_list("pwc_metrics_from_task_tables.txt") + read_list("nlptdms_metrics.txt") + read_list(
        "tdmsci_train_metric.tsv", tsv=True
    ):
        name = clean(raw, "metric")
        if name and len(name.split()) <= 4 and not re.search(r"\d\.\d|\d{3,}|(^|\s)\d", name) \
                and " on " not in name and "(" not in name:
            out["metric"].add(name)
            if name.lower() in METRIC_SINGLE_WORDS:
                out["metric"].add(name.lower())
    for raw in read_list("pwc_tasks.txt") + read_list("nlptdms_tasks.txt") + read_list("tdmsci_train_task.tsv", tsv=True):
        name = clean(raw)
        if name and name.lower() not in TOO_GENERIC_TASK_WORDS and not re.search(r"\d", name) and "(" not in name:
            out["task"].add(name)
    # A name listed under several labels keeps the most specific one: dataset > metric > method > task.
    common = common_words()
    out["metric"] = {n for n in out["metric"] if " " in n or n.lower() in METRIC_SINGLE_WORDS
                     or (re.search(r"[A-Z0-9]", n[1:]) and n.lower() not in common)}
    out["task"] = {n for n in out["task"] if " " in n or (n.lower().endswith(TASK_SUFFIXES) and n.lower() not in GENERIC)
                   or (n.lower() not in common and re.search(r"[A-Z]", n[1:]))}
    out["dataset"] = {n for n in out["dataset"] if " " in n or "-" in n[1:] and n.lower() not in common
                      or re.search(r"[A-Z0-9]", n[1:]) or n.lower() not in common}
    out["dataset"] -= {"E-commerce", "E-Commerce", "CNN", "RNN", "LSTM", "GAN", "MLP"}
    # single-token method names win over the same token as a dataset/metric ("CNN", "BERT")
    single_methods = {n for n in out["method"] if " " not in n}
    for other in ("dataset", "metric"):
        out[other] -= single_methods
    method_lower = {n.lower() for n in out["method"]}
    task_lower = {n.lower() for n in out["task"]}
    both = method_lower & task_lower
    techniques = {n for n in both if n.split()[-1].split("-")[-1] in TECHNIQUE_HEADS}
    out["method"] = {n for n in out["method"] if n.lower() not in both or n.lower() in techniques}
    out["task"] = {n for n in out["task"] if n.lower() not in techniques}
    rare_too = common_words(1)
    # lower-case matching is safe for one-token method names that are not ordinary words
    (OUT / "gazetteer_method_nocase.txt").write_text(
        "\n".join(sorted({n for n in single_methods if n.lower() not in rare_too and len(n) > 4
                          and n.lower() not in GENERIC}, key=str.lower)) + "\n", encoding="utf-8")
    for label, weaker in (("dataset", ("metric", "method", "task")), ("metric", ("method", "task")), ("method", ("task",))):
        # single words match case-sensitively (ADAM the dataset is not Adam the optimiser)
        keys = {n if " " not in n else n.lower() for n in out[label]}
        for other in weaker:
            out[other] = {n for n in out[other] if (n if " " not in n else n.lower()) not in keys}
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for label, names in build().items():
        path = OUT / f"gazetteer_{label}.txt"
        path.write_text("\n".join(sorted(names, key=str.lower)) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(names)} names")


if __name__ == "__main__":
    main()
