"""Fit the trained components on seed-gold rows and write them to one folder.

    python -m kg.extract.learn.fit [--out kg/extract/resources/trained] [--hold-out K/N [--seed 13]]

Writes ``ner/`` and ``ner_b/`` (two spaCy NERs, alike but for their seed: mentions), ``mentions.json``
(logistic regression keeping, dropping and typing candidate names), ``claims.json`` (logistic regressions over a sentence's word n-grams: result sentence and its type),
``proposed.json`` (logistic regression over candidate methods) and ``subject.json`` (logistic
regression over the candidate subjects of each claim), with fixed seeds. The mention, proposed and
subject decisions are stacked on NERs cross-fitted over two halves of the papers (``halves/``, kept
in a work folder: nothing at extraction time reads them).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..encoder import remembering
from .gold import ROOT, folds, load_gold, training_rows

TRAINING_DIR = ROOT / "training"
TRAINED_DIR = ROOT / "kg" / "extract" / "resources" / "trained"


def _config(name: str) -> Path:
    path = TRAINING_DIR / name
    if not path.exists():
        from ...errors import KGError

        raise KGError(f"training config {path} not found: training runs from a source checkout of papers-kg")
    return path


def _inner_split(rows: list[dict[str, Any]], share: int = 8) -> tuple[list, list]:
    """(every training paper, every ``share``-th of them) ordered by id: the NER trains on every paper
    and keeps its last weights; spaCy's training log scores the share. `kg eval --cv 5` preferred that
    to holding the share out to choose a checkpoint on (see README, extractor 0.33)."""
    ordered = sorted(rows, key=lambda r: str(r["id"]))
    return ordered, ordered[::share]


def binary_logistic(features: list[dict[str, float]], labels: list[float], c: float,
                    max_iter: int) -> tuple[dict[str, float], float]:
    """(weights by feature name, bias) of a logistic regression over feature dicts, rounded to six
    places: the plain weights a decision ships as JSON (:func:`kg.extract.proposals.score`)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=False)
    model = LogisticRegression(C=c, max_iter=max_iter).fit(vectorizer.fit_transform(features), labels)
    weights = {name: round(float(w), 6) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])}
    return weights, round(float(model.intercept_[0]), 6)


def _spacy_train(config: str, train_docs, dev_docs, out: Path, overrides: dict | None = None) -> Path:
    from spacy.cli.train import train
    from spacy.tokens import DocBin

    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        tmp_path = Path(tmp)
        DocBin(docs=list(train_docs)).to_disk(tmp_path / "train.spacy")
        DocBin(docs=list(dev_docs)).to_disk(tmp_path / "dev.spacy")
        log = io.StringIO()
        with contextlib.redirect_stdout(log):  # spaCy's training table would bury the command's own output
            train(_config(config), tmp_path / "model", overrides={
                "paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy"),
                **(overrides or {})}, use_gpu=-1)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp_path / "model" / "model-last", out)
    return out


def _forget_paths(config_file: Path) -> None:
    """Training paths (temporary files, this machine's checkout) mean nothing to a loaded model."""
    from thinc.api import Config

    config = Config().from_disk(config_file, interpolate=False)
    config["paths"] = {key: None for key in config["paths"]}
    config.to_disk(config_file)


def _forget_training_scores(meta_file: Path) -> None:
    """spaCy's meta.json scores the NER on a share of the papers it trained on (:func:`_inner_split`): a
    figure about nothing but that fit, which a reader of the shipped model would take for its quality."""
    import srsly

    meta = srsly.read_json(meta_file)
    if meta.pop("performance", None) is not None:
        srsly.write_json(meta_file, meta)


def fit_ner(rows: list[dict[str, Any]], out: Path, overrides: dict | None = None) -> Path:
    import spacy

    from ..pipeline import NER_MODEL
    from .gold import ner_docs

    nlp = spacy.blank("en")
    train_rows, dev_rows = _inner_split(rows)
    from .vectors import built

    # the NER's static vectors: deterministic, about a minute to build the first time
    overrides = {"paths.ner_init": str(NER_MODEL), "paths.vectors": str(built()), **(overrides or {})}
    return _spacy_train("seed_ner.cfg", ner_docs(nlp, train_rows), ner_docs(nlp, dev_rows), out, overrides)


SECOND_NER_SEED = 1  # the second seed NER: the same papers, another initialisation and order of batches


@dataclass(frozen=True)
class NerJob:
    """One seed NER to train: its papers, its folder and its config overrides (:func:`fit_ner`)."""
    rows: list[dict[str, Any]]
    out: Path
    overrides: dict[str, Any]


def ner_jobs(rows: list[dict[str, Any]], out: Path, overrides: dict | None = None) -> list[NerJob]:
    """The two seed NERs, ``out/ner`` and ``out/ner_b``, alike but for their seed: the mention decision
    weighs where they agree and where only one finds a name."""
    return [NerJob(rows, out / "ner", dict(overrides or {})),
            NerJob(rows, out / "ner_b", {**(overrides or {}), "training.seed": SECOND_NER_SEED})]


def fit_ners(rows: list[dict[str, Any]], out: Path, overrides: dict | None = None) -> list[Path]:
    return train_ners(ner_jobs(rows, out, overrides))


def halves_of(rows: list[dict[str, Any]], n: int = 2) -> list[tuple[list, list]]:
    """(half, the other papers) for each of ``n`` interleaved parts of the papers ordered by id."""
    ordered = sorted(rows, key=lambda r: str(r["id"]))
    parts = [ordered[i::n] for i in range(n)]
    return [(part, [r for j, p in enumerate(parts) if j != i for r in p]) for i, part in enumerate(parts)]


def fit_halves(rows: list[dict[str, Any]], out: Path) -> list[Path]:
    """Cross-fitting NERs: ``out/half{i}/ner`` and ``ner_b`` are trained on every paper outside half ``i``,
    so a decision stacked on the NERs learns how they err on papers they never saw."""
    jobs, dirs = [], []
    for index, (_half, others) in enumerate(halves_of(rows)):
        jobs += ner_jobs(others, out / f"half{index}", {"training.max_steps": 1000})
        dirs.append(out / f"half{index}")
    train_ners(jobs)
    return dirs


def train_ners(jobs: list[NerJob], workers: int | None = None) -> list[Path]:
    """Train the NERs of ``jobs``, up to ``workers`` at once (default: one per core), each in a process
    of its own. spaCy trains a NER on one core and each job fixes its own seeds, so a NER is the same
    file for file however many train beside it (tests/test_learn.py); on 2 cores the NERs of a fit train in half the time."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        return [fit_ner(job.rows, job.out, job.overrides) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .vectors import built

    built()  # the shared word-vector table, built once before the workers read it
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(fit_ner, [j.rows for j in jobs], [j.out for j in jobs], [j.overrides for j in jobs]))


def cross_fitted(rows: list[dict[str, Any]], halves: Path) -> list[tuple[list, Path]]:
    """Each half of ``rows`` with the folder :func:`fit_halves` wrote its NER to (trained on the
    other half): what the stacked decisions learn from."""
    return [(half, halves / f"half{index}") for index, (half, _others) in enumerate(halves_of(rows))]


PARTS = ("ner", "halves", "mentions", "claims", "proposed", "subject")


def fit_all(rows: list[dict[str, Any]], out: Path, parts: tuple[str, ...] = PARTS, work: Path | None = None) -> Path:
    """Fit ``parts`` on ``rows`` into ``out``; the cross-fitting NERs go to ``work/halves`` (default
    ``out/halves``)."""
    out.mkdir(parents=True, exist_ok=True)
    halves = (work or out) / "halves"
    if "ner" in parts:
        fit_ners(rows, out)
    if "halves" in parts:
        fit_halves(rows, halves)
    with remembering():  # the decisions' training data encodes each paper once, not four times
        if "mentions" in parts:
            from .mentions import fit_mentions

            fit_mentions(rows, out / "mentions.json", halves)
        if "claims" in parts:
            from .claims import fit_claims

            fit_claims(rows, out / "claims.json")
        if "proposed" in parts:
            from .proposed import fit_proposed

            fit_proposed(rows, out / "proposed.json", out, halves)
        if "subject" in parts:
            from .subjects import fit_subject

            fit_subject(rows, out / "subject.json", out, halves)
    for ner_dir in [*out.glob("ner*"), *halves.glob("half*/ner*")]:
        if (ner_dir / "config.cfg").exists():  # a NER's folder, not a cache's ner.fingerprint
            _forget_paths(ner_dir / "config.cfg")
            _forget_training_scores(ner_dir / "meta.json")
    (out / "trained-on.json").write_text(json.dumps({"papers": sorted(str(r["id"]) for r in rows)}) + "\n")
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TRAINED_DIR)
    parser.add_argument("--work", type=Path, default=TRAINING_DIR / "fit-work",
                        help="where the cross-fitting NERs go (not shipped)")
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--hold-out", metavar="K/N", type=_fold_of,
                        help="leave out fold K of N (folds by paper, as `kg eval --cv N` draws them): "
                             "the models one fold of the cross-validation scores")
    parser.add_argument("--seed", type=int, default=13, help="with --hold-out: the seed that shuffles the folds")
    args = parser.parse_args(argv)
    rows = load_gold()
    if args.hold_out:
        held, k = args.hold_out
        rows = training_rows(folds(rows, k, args.seed), held)
    fit_all(rows, args.out, tuple(args.parts.split(",")), args.work)
    print(f"trained on {len(rows)} seed-gold papers -> {args.out}")


def _fold_of(text: str) -> tuple[int, int]:
    """'0/5' -> (0, 5): fold 0 of 5."""
    import argparse

    try:
        held, k = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the fold as K/N, e.g. 0/5") from None
    if not 0 <= held < k or k < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: K/N needs N >= 2 and 0 <= K < N")
    return held, k


if __name__ == "__main__":
    main()
