"""Seed gold rows -> folds, mention spans and claim sentences.

Gold entities are sets of aliases per paper; the NER learns from every verbatim (case-sensitive)
occurrence of every alias in the paper's text, longer spans winning overlaps.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...names import verbatim_occurrences
from ..evaluate import read_jsonl

ROOT = Path(__file__).resolve().parents[3]
GOLD_DIR = ROOT / "data" / "gold"
LABEL_ORDER = ("method", "dataset", "metric", "task")


def load_gold(directory: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """train + dev of the seed gold (310 papers), in file order."""
    rows: list[dict[str, Any]] = []
    for name in ("train.jsonl", "dev.jsonl"):
        rows.extend(read_jsonl(directory / name))
    return rows


def folds(rows: list[dict[str, Any]], k: int, seed: int = 13) -> list[list[dict[str, Any]]]:
    """``k`` folds by paper, shuffled with a fixed seed (the same rows always give the same folds)."""
    order = sorted(rows, key=lambda r: str(r["id"]))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def training_rows(split: list[list[dict[str, Any]]], held: int) -> list[dict[str, Any]]:
    """The rows of every fold of ``split`` but ``held``, in fold order: what that fold's models are fitted
    on (`kg eval --cv`, `fit --hold-out` and the tests' held-out fold all fit on this, so on the same rows
    in the same order)."""
    return [row for index, fold in enumerate(split) if index != held for row in fold]


def gold_text(row: dict[str, Any]) -> str:
    """The extractor's document text of a gold paper."""
    from ..evaluate import gold_papers
    from ..pipeline import paper_text

    return paper_text(gold_papers([row])[0])


def alias_spans(row: dict[str, Any], text: str) -> list[tuple[int, int, str]]:
    """Every verbatim occurrence of every alias as (start, end, label), not inside a longer word;
    overlaps resolved longest first (then by label order)."""
    found = []
    for rank, label in enumerate(LABEL_ORDER):
        for aliases in row["entities"].get(label, ()):
            for alias in aliases:
                found.extend((s, e, label, rank) for s, e in verbatim_occurrences(text, alias))
    found.sort(key=lambda x: (-(x[1] - x[0]), x[3], x[0]))
    taken: list[tuple[int, int, str]] = []
    for s, e, label, _rank in found:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, label))
    return sorted(taken)


def ner_docs(nlp, rows: Iterable[dict[str, Any]]):
    """spaCy Docs with gold entity spans (spans that do not fall on token boundaries are dropped)."""
    for row in rows:
        text = gold_text(row)
        doc = nlp.make_doc(text)
        spans = []
        for s, e, label in alias_spans(row, text):
            span = doc.char_span(s, e, label=label, alignment_mode="strict")
            if span is not None:
                spans.append(span)
        doc.ents = spans
        yield doc
