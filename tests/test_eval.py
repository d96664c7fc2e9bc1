"""kg eval: seed-gold and mention-span scoring, and the command's tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.extract.evaluate import (
    PRF,
    format_seed,
    format_spans,
    gold_format,
    match_sets,
    norm,
    read_jsonl,
    score_seed,
    score_spans,
)

FIXTURES = Path(__file__).parent / "fixtures"

GOLD = {
    "id": "s01", "title": "T", "abstract": "A",
    "entities": {"method": [["Kolmogorov-Arnold Networks", "KANs"], ["MLP"]], "dataset": [["MAVE dataset", "MAVE"]],
                 "metric": [], "task": [["image classification"]]},
    "proposed": [["Kolmogorov-Arnold Networks", "KANs"]],
    "claims": [
        {"sentence": "KANs outperform MLPs on MAVE by 4.62%.", "type": "outperforms", "subject": ["KANs"],
         "object": ["MLP"], "dataset": ["MAVE"], "metric": [], "task": [], "value": "4.62%"},
        {"sentence": "We prove a bound.", "type": "theory", "subject": None, "object": None, "dataset": [],
         "metric": [], "task": [], "value": None},
    ],
}


def _entity(text, label, canonical):
    return {"text": text, "label": label, "canonical": canonical, "field": "abstract", "start": 0, "end": len(text)}


PRED = {
    "id": "s01",
    "entities": [_entity("KAN", "method", "Kolmogorov-Arnold Network"), _entity("MLPs", "method", "MLP"),
                 _entity("transformer", "method", "transformer"), _entity("MAVE", "dataset", "MAVE")],
    "proposed": ["Kolmogorov-Arnold Network"],
    "claims": [{"sentence": "KANs outperform MLPs on MAVE by 4.62%.", "type": "outperforms",
                "subject": "Kolmogorov-Arnold Network", "object": "MLP", "dataset": ["MAVE"], "metric": [],
                "task": [], "value": "4.62%"}],
}


def test_norm_follows_the_readme():
    assert norm("Kolmogorov–Arnold Networks") == norm("kolmogorov arnold network") == "kolmogorov arnold network"
    assert norm("MLPs") == "mlp" and norm("MAVE dataset.") == "mave dataset"


def test_match_sets_counts_each_side():
    prf = match_sets([{"a"}, {"b"}, {"x"}], [{"a", "a2"}, {"b"}, {"c"}, {"d"}])
    assert (prf.tp_pred, prf.n_pred, prf.tp_gold, prf.n_gold) == (2, 3, 2, 4)
    assert prf.precision == pytest.approx(2 / 3) and prf.recall == 0.5
    assert PRF().f1 == 0.0


def test_seed_scores_are_alias_aware():
    scores = score_seed([GOLD], [PRED]).summary()
    assert scores["entities"]["method"] == {"precision": pytest.approx(2 / 3, abs=1e-4), "recall": 1.0,
                                            "f1": pytest.approx(0.8), "n_pred": 3, "n_gold": 2}
    assert scores["entities"]["task"]["recall"] == 0.0
    assert scores["proposed"]["f1"] == 1.0
    assert scores["claims"]["precision"] == 1.0 and scores["claims"]["recall"] == 0.5
    assert scores["claim_attributes"] == {"type": 1.0, "subject": 1.0, "object": 1.0, "value": 1.0}


def test_missing_prediction_counts_as_empty():
    scores = score_seed([GOLD], []).summary()
    assert scores["entities"]["all"]["recall"] == 0.0 and scores["claims"]["n_gold"] == 2
    assert "entity:method" in format_seed(score_seed([GOLD], []))


def test_claim_sentences_match_by_overlap_not_identity():
    pred = dict(PRED, claims=[dict(PRED["claims"][0], sentence="Finally, KANs outperform MLPs on MAVE by 4.62%.",
                                   type="achieves", subject="transformer")])
    scores = score_seed([GOLD], [pred]).summary()
    assert scores["claims"]["recall"] == 0.5
    assert scores["claim_attributes"]["type"] == 0.0 and scores["claim_attributes"]["subject"] == 0.0


def test_span_scores_exact_and_partial_with_material_as_dataset():
    gold = read_jsonl(FIXTURES / "spans_gold.jsonl")
    assert gold_format(gold) == "spans"
    pred = [{"id": "d1", "entities": [
        {"text": "BLEU", "label": "metric", "canonical": "BLEU", "field": "abstract", "start": 12, "end": 16},
        {"text": "translation", "label": "task", "canonical": "translation", "field": "abstract", "start": 28, "end": 39},
        {"text": "WMT14", "label": "dataset", "canonical": "WMT14", "field": "abstract", "start": 50, "end": 55},
        {"text": "We", "label": "method", "canonical": "We", "field": "abstract", "start": 0, "end": 2}]},
        {"id": "d2", "entities": []}]
    summary = score_spans(gold, pred).summary()
    assert summary["exact"]["metric"]["f1"] == 1.0 and summary["exact"]["task"]["f1"] == 0.0
    assert summary["partial"]["task"]["f1"] == 1.0 and summary["partial"]["dataset"]["f1"] == 1.0
    assert summary["exact"]["method"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n_pred": 1, "n_gold": 1}
    assert "exact:all" in format_spans(score_spans(gold, pred))


def test_unknown_gold_format_is_an_error(tmp_path):
    with pytest.raises(KGError):
        gold_format([{"id": "x"}])
    broken = tmp_path / "g.jsonl"
    broken.write_text("{nope\n")
    with pytest.raises(KGError, match="g.jsonl:1"):
        read_jsonl(broken)


def test_cli_eval_with_predictions_file(tmp_path):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text(json.dumps(GOLD) + "\n")
    pred.write_text(json.dumps(PRED) + "\n")
    result = CliRunner().invoke(app, ["eval", str(gold), str(pred)])
    assert result.exit_code == 0, result.output
    assert "proposed" in result.output and "1.000" in result.output
    result = CliRunner().invoke(app, ["eval", str(gold), str(pred), "--json"])
    assert json.loads(result.output)["proposed"]["f1"] == 1.0


def test_cli_eval_extracts_when_no_predictions_given():
    result = CliRunner().invoke(app, ["eval", str(FIXTURES / "spans_gold.jsonl")])
    assert result.exit_code == 0, result.output
    assert "exact:metric" in result.output and "partial:all" in result.output


def test_cli_eval_cross_validates_the_rules_by_paper_folds():
    """`kg eval --cv K --rules` on the 20 dev papers: K folds by paper, every fold scored, mean ± sd
    printed (nothing to fit for the rules, so this runs in seconds)."""
    from kg.extract.learn.cv import aggregate, cross_validate
    from kg.extract.learn.gold import GOLD_DIR
    from kg.extract.pipeline import Options

    dev = GOLD_DIR / "dev.jsonl"
    result = CliRunner().invoke(app, ["eval", str(dev), "--cv", "2", "--rules"])
    assert result.exit_code == 0, result.output
    assert "2-fold cross-validation by paper" in result.output and "rules alone: 20 papers" in result.output
    folds = cross_validate(2, options=Options(), rows=read_jsonl(dev))
    assert sorted(len(f.rows) for f in folds) == [10, 10]
    stats = aggregate(folds)
    mean, sd = stats["entity:all F1"]
    assert 0.3 < mean < 1.0 and sd >= 0.0
    assert f"{mean:>8.3f} ±{sd:.2f}" in result.output


def test_cli_eval_cv_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(app, ["eval", "--cv", "1"])
    assert result.exit_code == 1 and "K >= 2" in result.output
    spans = CliRunner().invoke(app, ["eval", str(FIXTURES / "spans_gold.jsonl"), "--cv", "2"])
    assert spans.exit_code == 1 and "needs seed gold" in spans.output
    assert CliRunner().invoke(app, ["eval"]).exit_code == 1
