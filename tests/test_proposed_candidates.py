"""Candidates of the trained proposed-method decision beyond the method mentions, on real seed-gold
papers: the object of a contribution sentence, the title's segments and names typed task in the title
(kg.extract.proposing.candidates_of)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract.learn.gold import gold_text
from kg.extract.pipeline import Options, load_pipeline

TRAIN = Path(__file__).resolve().parents[1] / "data" / "gold" / "train.jsonl"


@pytest.fixture(scope="module")
def candidates() -> dict[str, dict[str, dict[str, float]]]:
    """Paper id -> candidate name -> its features, for a few training papers, from the rules' mentions
    (the shipped NER has seen these papers and finds most of their names itself)."""
    wanted = {"t113", "t187", "t188", "t044", "t183"}
    rows = [r for r in map(json.loads, TRAIN.read_text(encoding="utf-8").splitlines()) if r["id"] in wanted]
    nlp = load_pipeline(Options(keep_sentences=True))
    out = {}
    for row in rows:
        text = gold_text(row)
        doc = nlp(text)
        out[row["id"]] = {text[s:e]: f for s, e, f, _vector in doc._.kg["candidates"]}
    return out


def test_the_object_of_a_contribution_sentence_is_a_candidate(candidates):
    # 'To decide which neuron to branch, we design a new branching heuristic which leverages ...'
    assert candidates["t188"]["branching heuristic"]["contribution_phrase"] == 1.0
    # 'We propose Hawk, an RNN with gated linear recurrences, and Griffin, ...': the NER misses Hawk
    assert candidates["t113"]["Hawk"]["contribution_phrase"] == 1.0


def test_a_title_segment_is_a_candidate(candidates):
    # 'Neural Common Neighbor with Completion for Link Prediction': the NER cuts the name at 'with'
    features = candidates["t187"]["Neural Common Neighbor with Completion"]
    assert features["title_segment"] == 1.0 and features["title_start"] == 1.0


def test_a_name_typed_task_in_the_title_is_a_candidate(candidates):
    # 'Contextual Bandits with Online Neural Regression': a fold's NER types the proposal a task
    # (the retyping itself: test_only_names_in_the_title_or_a_contribution_are_retyped)
    assert "Online Neural Regression" in candidates["t044"]


def test_only_names_in_the_title_or_a_contribution_are_retyped():
    from kg.extract.proposing import retyped_names

    text = "Contextual Bandits with Online Neural Regression\n\nWe study online regression. It helps."
    cut = text.index("\n\n")
    title_task = (text.index("Online"), cut, "task", "ner")
    other_task = (text.index("online regression"), text.index(". It"), "task", "ner")
    mentions = [(0, 18, "method", "ner"), title_task, other_task]
    assert retyped_names(text, cut, mentions, regions=[]) == [(title_task[0], title_task[1], "method", "retyped")]
