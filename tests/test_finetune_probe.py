"""The fine-tuning probe's data side (training/finetune_probe.py), which needs no PyTorch: word labels from the
gold spans and the decoding back to spans must be exact, or the probe's scores would measure the
plumbing instead of the model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from kg.extract.encoder import load_tokenizer
from kg.extract.evaluate import read_jsonl, score_seed
from kg.extract.learn.gold import GOLD_DIR, alias_spans, gold_text
from kg.names import verbatim_occurrences

PROBE = Path(__file__).resolve().parents[1] / "training" / "finetune_probe.py"


@pytest.fixture(scope="module")
def probe():
    spec = importlib.util.spec_from_file_location("finetune_probe", PROBE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev_papers():
    papers = []
    for row in read_jsonl(GOLD_DIR / "dev.jsonl"):
        text = gold_text(row)
        proposed = sorted({occ for aliases in row["proposed"] for alias in aliases
                           for occ in verbatim_occurrences(text, alias)})
        papers.append(({"id": row["id"], "fold": 0, "text": text, "spans": alias_spans(row, text),
                        "proposed": proposed, "sentences": []}, row))
    return papers


def _gold_tags(probe, paper):
    words, windows = probe.paper_windows(load_tokenizer(), paper)
    tags = np.zeros((len(words), len(probe.TAGS)))
    flags = np.zeros(len(words))
    for window in windows:
        tags[window["word_index"], window["tags"]] = 1
        flags[window["word_index"]] = window["proposed"]
    return words, tags, flags


def test_gold_spans_survive_word_labels_and_decoding(probe, dev_papers):
    for paper, _row in dev_papers:
        words, tags, flags = _gold_tags(probe, paper)
        decoded = [(s, e, label) for s, e, label, _p, _name in probe.decode(words, tags, flags, paper["text"])]
        assert decoded == [tuple(span) for span in paper["spans"]], paper["id"]


def test_gold_labels_score_as_gold_through_the_seed_scorer(probe, dev_papers):
    predictions = []
    for paper, _row in dev_papers:
        words, tags, flags = _gold_tags(probe, paper)
        predictions.append({"id": paper["id"], "fold": 0, "sentences": [],
                            "entities": probe.decode(words, tags, flags, paper["text"])})
    rows = probe.prediction_rows([paper for paper, _row in dev_papers], predictions)
    summary = score_seed([row for _paper, row in dev_papers], rows).summary()
    assert summary["entities"]["all"]["precision"] == 1.0
    assert summary["proposed"]["precision"] == 1.0
    # a gold entity or proposal none of whose aliases is written verbatim in the text cannot be found
    assert summary["entities"]["all"]["recall"] > 0.9
    assert summary["proposed"]["recall"] > 0.9


def test_a_tag_run_broken_by_an_outside_word_is_two_names(probe):
    words = [(0, 0, 0, 3), (1, 1, 4, 7), (2, 2, 8, 11)]
    tags = np.zeros((3, len(probe.TAGS)))
    tags[0, probe.TAGS.index("B-method")] = 1
    tags[1, 0] = 1
    tags[2, probe.TAGS.index("I-method")] = 1
    spans = probe.decode(words, tags, np.array([0.9, 0.0, 0.2]), "abc def ghi")
    assert [(s, e, label, name) for s, e, label, _p, name in spans] == [(0, 3, "method", "abc"), (8, 11, "method", "ghi")]
    assert spans[0][3] == pytest.approx(0.9)
