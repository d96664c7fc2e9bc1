"""K-fold cross-validation by paper over the seed gold (train + dev, 310 papers).

Everything trained is fitted on K-1 folds (:func:`kg.extract.learn.fit.fit_all`) and scored on the
held-out fold with the seed-gold scorer (:func:`kg.extract.evaluate.score_seed`). Fitted fold models
are cached under ``training/cv-work/`` by a hash of their training papers and of the training code
and configs, so re-scoring a change in the rules does not retrain.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..encoder import remembering
from ..evaluate import gold_papers, score_seed
from .fit import PARTS
from .gold import ROOT, folds, load_gold, training_rows

WORK_DIR = ROOT / "training" / "cv-work"


def _digest(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()[:12]


_STACKED_ON_HALVES = ("mentions", "proposed", "subject")


def part_fingerprint(part: str) -> str:
    """A hash of what fitting ``part`` depends on: its config, the code that makes its training
    data and, for parts fitted on the rules' output, the extraction code."""
    import inspect

    from ... import names
    from ..pipeline import NER_MODEL
    from . import claims, fit, gold, mentions, proposed, subjects, vectors

    learn = Path(__file__).parent
    shared = [inspect.getsource(f) for f in (fit._inner_split, fit._spacy_train, fit.fit_ner, fit.ner_jobs)] + \
        [str(fit.SECOND_NER_SEED)]
    if part in _STACKED_ON_HALVES:
        # learnt from the cross-fitting NERs' spans: a refitted NER makes them stale
        shared.append(part_fingerprint("halves"))
    if part == "halves":
        shared += [inspect.getsource(f) for f in (fit.halves_of, fit.fit_halves)]
    if part in ("ner", "halves"):
        code = [inspect.getsource(f) for f in (gold.alias_spans, gold.ner_docs, gold.gold_text,
                                                names.verbatim_occurrences)]
        # built before hashing: a table the fit would build only afterwards would change the next fingerprint
        files = [ROOT / "training" / "seed_ner.cfg", NER_MODEL / "ner" / "model", vectors.built() / vectors.TABLE]
    elif part == "claims":
        code = [inspect.getsource(claims)]
        files = sorted(learn.parent.glob("*.py"))
    elif part == "subject":  # stacked on every other decision: refitted when any of their training code changes
        code = [inspect.getsource(m) for m in (subjects, proposed, mentions, claims)]
        files = sorted(learn.parent.glob("*.py")) + [ROOT / "training" / "seed_ner.cfg"]
    else:
        code = [inspect.getsource(proposed if part == "proposed" else mentions)]
        files = sorted(learn.parent.glob("*.py")) + [ROOT / "training" / "seed_ner.cfg"]
    return _digest(*(c.encode() for c in shared + code), *(p.read_bytes() for p in files if p.exists()))


def fold_models(train_rows: list[dict[str, Any]], parts: tuple[str, ...] = PARTS,
                work_dir: Path = WORK_DIR) -> Path:
    """The trained components of one fold, each fitted once and cached until its code changes."""
    from .fit import fit_all

    out = work_dir / _digest(json.dumps(sorted(str(r["id"]) for r in train_rows)).encode())
    for part in parts:
        stamp = out / f"{part}.fingerprint"
        fingerprint = part_fingerprint(part)
        if not stamp.exists() or stamp.read_text() != fingerprint:
            fit_all(train_rows, out, (part,))
            stamp.write_text(fingerprint)
    return out


@dataclass
class FoldScores:
    fold: int
    rows: list[dict[str, Any]]
    summary: dict[str, Any]


def _metrics(summary: dict[str, Any]) -> dict[str, float]:
    flat = {}
    short = {"precision": "P", "recall": "R", "f1": "F1"}
    for label, prf in summary["entities"].items():
        for key, name in short.items():
            flat[f"entity:{label} {name}"] = prf[key]
    for part in ("proposed", "claims"):
        for key, name in short.items():
            flat[f"{part} {name}"] = summary[part][key]
    for key, value in summary["claim_attributes"].items():
        if value is not None:
            flat[f"matched-claim {key}"] = value
    for key, prf in summary["claim_lists"].items():
        flat[f"claim {key} F1"] = prf["f1"]
    return flat


def cross_validate(k: int = 5, *, seed: int = 13, options=None, parts: tuple[str, ...] = PARTS,
                   rows: list[dict[str, Any]] | None = None, work_dir: Path = WORK_DIR,
                   on_fold: Callable[[int, dict], None] | None = None, train_share: float = 1.0) -> list[FoldScores]:
    """Scores of each held-out fold. ``options`` (a :class:`kg.extract.pipeline.Options`) picks the
    components; its ``trained`` folder is replaced by each fold's own fitted models (``None``: the
    rules alone, nothing fitted). ``train_share`` < 1 fits each fold on that share of its training
    papers (:func:`training_share`): a learning curve, scored on the same held-out folds."""
    if not 0 < train_share <= 1:
        raise ValueError(f"[E-KG-CV] train_share must lie in (0, 1], not {train_share}")
    from ..pipeline import Options, extract_papers, output_row

    options = options or Options(trained="fold")
    rows = rows if rows is not None else load_gold()
    split = folds(rows, k, seed)
    out = []
    with remembering():  # each paper is encoded once, not again for every fold and part
        for index, held in enumerate(split):
            train_rows = training_share(training_rows(split, index), train_share, index)
            fold_options = options
            if options.trained is not None:
                fold_options = replace(options, trained=str(fold_models(train_rows, parts, work_dir)))
            records = extract_papers(gold_papers(held), options=fold_options)
            summary = score_seed(held, [output_row(r) for r in records]).summary()
            out.append(FoldScores(index, held, summary))
            if on_fold:
                on_fold(index, summary)
    return out


def training_share(train_rows: list[dict[str, Any]], share: float, fold: int) -> list[dict[str, Any]]:
    """A random ``share`` of a fold's training papers (all of them at 1), drawn with the fold's index as the
    seed: the same papers on every run, and a smaller share's papers are among a larger one's (the draw's
    first picks), so the points of a learning curve differ by the papers added, not by a new draw."""
    if share >= 1:
        return train_rows
    return random.Random(fold).sample(train_rows, max(1, round(share * len(train_rows))))


def aggregate(scores: list[FoldScores]) -> dict[str, tuple[float, float]]:
    """metric -> (mean, standard deviation) over folds."""
    table: dict[str, list[float]] = {}
    for fold in scores:
        for key, value in _metrics(fold.summary).items():
            table.setdefault(key, []).append(value)
    return {key: (statistics.fmean(v), statistics.stdev(v) if len(v) > 1 else 0.0) for key, v in table.items()}


def format_cv(stats: dict[str, tuple[float, float]], k: int) -> str:
    lines = [f"{k}-fold cross-validation by paper (mean ± sd over folds)",
             f"{'':<16}{'P':>14}{'R':>14}{'F1':>14}"]
    rows = [f"entity:{label}" for label in ("method", "dataset", "metric", "task", "all")] + ["proposed", "claims"]
    for row in rows:
        cells = "".join(f"{stats[f'{row} {m}'][0]:>8.3f} ±{stats[f'{row} {m}'][1]:.2f}" for m in ("P", "R", "F1"))
        lines.append(f"{row:<16}{cells}")
    for key in ("claim dataset F1", "claim metric F1", "claim task F1"):
        lines.append(f"{key:<30}{stats[key][0]:>8.3f} ±{stats[key][1]:.2f}")
    attrs = ", ".join(f"{k.split()[1]} {m:.2f} ±{s:.2f}" for k, (m, s) in stats.items() if k.startswith("matched-claim"))
    lines.append(f"matched-claim accuracy: {attrs}")
    return "\n".join(lines)
