"""Scoring extraction output against the two gold formats in shared/data/.

* Seed gold (``{"entities": {"method": [[alias, ...], ...], ...}, "proposed": ..., "claims": ...}``):
  per paper, alias-aware, with the matching rules of shared/data/seedgold/README.md.
* Mention spans (SciERC / TDMSci: ``{"text": ..., "entities": [{"start", "end", "label"}, ...]}``):
  exact and partial (overlapping) span matches per label; SciERC ``Material`` counts as dataset.

Predictions are rows of ``kg extract --out`` (see shared/specs/extraction-output.md).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KGError
from ..names import scorer_key as norm
from ..records import ENTITY_LABELS

SPAN_LABELS = {"method": "method", "task": "task", "metric": "metric", "material": "dataset", "dataset": "dataset"}


@dataclass
class PRF:
    """Counts for precision (tp_pred / n_pred) and recall (tp_gold / n_gold)."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    def add(self, other: PRF) -> None:
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "n_pred": self.n_pred, "n_gold": self.n_gold}


def match_sets(pred: list[set[str]], gold: list[set[str]]) -> PRF:
    """Each item is a set of normalised names; a prediction matches a gold item sharing a name."""
    tp_pred = sum(1 for p in pred if any(p & g for g in gold))
    tp_gold = sum(1 for g in gold if any(p & g for p in pred))
    return PRF(tp_pred, len(pred), tp_gold, len(gold))


# ---------------------------------------------------------------- reading


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    try:
        with Path(path).open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as error:
                        raise KGError(f"{path}:{number}: broken JSON ({error.msg}); fix or remove that line") from error
    except OSError as error:
        raise KGError(f"cannot read {path}: {error.strerror or error}") from error
    return rows


def gold_format(rows: list[dict[str, Any]]) -> str:
    """'seed' or 'spans'."""
    for row in rows:
        entities = row.get("entities")
        if isinstance(entities, dict):
            return "seed"
        if isinstance(entities, list):
            return "spans"
    raise KGError("gold file has neither seed-gold entities ({label: [[alias, ...]]}) nor span entities ([{start, end, label}])")


# ---------------------------------------------------------------- seed gold


def _pred_entities(row: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    """label -> canonical -> normalised names (canonical + every mention text)."""
    out: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for ent in row.get("entities") or ():
        names = out[ent["label"]].setdefault(ent["canonical"], set())
        names.update({norm(ent["canonical"]), norm(ent["text"])})
    return out


def _aliases(entities: dict[str, dict[str, set[str]]], label: str, name: str | None) -> set[str]:
    if not name:
        return set()
    return {norm(name)} | entities.get(label, {}).get(name, set())


def _sentence_match(a: str, b: str) -> bool:
    ta, tb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    if not ta or not tb:
        return False
    if a.strip() in b or b.strip() in a:
        return True
    return len(ta & tb) / len(ta | tb) >= 0.6


def _value_norm(value: str | None) -> str:
    return re.sub(r"[\s()]", "", value or "")


@dataclass
class SeedScores:
    entities: dict[str, PRF] = field(default_factory=lambda: {label: PRF() for label in ENTITY_LABELS})
    proposed: PRF = field(default_factory=PRF)
    claims: PRF = field(default_factory=PRF)
    attributes: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in (
        "type", "subject", "object", "value")})
    lists: dict[str, PRF] = field(default_factory=lambda: {k: PRF() for k in ("dataset", "metric", "task")})
    per_paper: list[dict[str, Any]] = field(default_factory=list)

    @property
    def entity_total(self) -> PRF:
        total = PRF()
        for prf in self.entities.values():
            total.add(prf)
        return total

    def summary(self) -> dict[str, Any]:
        return {
            "entities": {**{k: v.as_dict() for k, v in self.entities.items()}, "all": self.entity_total.as_dict()},
            "proposed": self.proposed.as_dict(),
            "claims": self.claims.as_dict(),
            "claim_attributes": {k: round(c / n, 4) if n else None for k, (c, n) in self.attributes.items()},
            "claim_lists": {k: v.as_dict() for k, v in self.lists.items()},
        }


def score_seed(gold_rows: list[dict[str, Any]], pred_rows: list[dict[str, Any]]) -> SeedScores:
    """Per-paper, alias-aware scores (papers missing from the predictions count as empty)."""
    preds = {str(row.get("id")): row for row in pred_rows}
    scores = SeedScores()
    for gold in gold_rows:
        pred = preds.get(str(gold["id"]), {})
        entities = _pred_entities(pred)
        paper = {"id": gold["id"]}
        for label in ENTITY_LABELS:
            gold_sets = [{norm(a) for a in aliases} for aliases in gold["entities"].get(label, [])]
            pred_sets = list(entities.get(label, {}).values())
            prf = match_sets(pred_sets, gold_sets)
            scores.entities[label].add(prf)
            paper[label] = prf
        gold_prop = [{norm(a) for a in aliases} for aliases in gold.get("proposed", [])]
        pred_prop = [_aliases(entities, "method", name) for name in pred.get("proposed") or ()]
        prf = match_sets(pred_prop, gold_prop)
        scores.proposed.add(prf)
        paper["proposed"] = prf
        paper["claims"] = _score_claims(gold.get("claims") or [], pred.get("claims") or [], entities, scores)
        scores.per_paper.append(paper)
    return scores


def _score_claims(gold_claims, pred_claims, entities, scores: SeedScores) -> PRF:
    used: set[int] = set()
    matched = []
    for pc in pred_claims:
        for index, gc in enumerate(gold_claims):
            if index not in used and _sentence_match(pc.get("sentence", ""), gc["sentence"]):
                used.add(index)
                matched.append((pc, gc))
                break
    prf = PRF(len(matched), len(pred_claims), len(matched), len(gold_claims))
    scores.claims.add(prf)
    for pc, gc in matched:
        attr = scores.attributes
        attr["type"][0] += pc.get("type") == gc["type"]
        attr["type"][1] += 1
        for key in ("subject", "object"):
            gold_names = {norm(x) for x in gc.get(key) or ()}
            pred_names = _aliases(entities, "method", pc.get(key))
            attr[key][0] += (bool(gold_names & pred_names) if gold_names else not pred_names)
            attr[key][1] += 1
        if gc.get("value") or pc.get("value"):
            attr["value"][0] += _value_norm(gc.get("value")) == _value_norm(pc.get("value"))
            attr["value"][1] += 1
        for key in ("dataset", "metric", "task"):
            gold_sets = [{norm(x)} for x in gc.get(key) or ()]
            pred_sets = [_aliases(entities, key, x) for x in pc.get(key) or ()]
            scores.lists[key].add(match_sets(pred_sets, gold_sets))
    return prf


def format_seed(scores: SeedScores) -> str:
    lines = [f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]

    def row(name: str, prf: PRF) -> None:
        lines.append(f"{name:<14}{prf.precision:>7.3f}{prf.recall:>7.3f}{prf.f1:>7.3f}{prf.n_pred:>7}{prf.n_gold:>7}")

    for label, prf in scores.entities.items():
        row(f"entity:{label}", prf)
    row("entities", scores.entity_total)
    row("proposed", scores.proposed)
    row("claims", scores.claims)
    for key, prf in scores.lists.items():
        row(f"claim {key}", prf)
    attrs = ", ".join(f"{k} {c}/{n} ({c / n:.2f})" if n else f"{k} -" for k, (c, n) in scores.attributes.items())
    lines.append(f"matched-claim accuracy: {attrs}")
    return "\n".join(lines)


# ---------------------------------------------------------------- mention spans


@dataclass
class SpanScores:
    exact: dict[str, PRF] = field(default_factory=lambda: {label: PRF() for label in ENTITY_LABELS})
    partial: dict[str, PRF] = field(default_factory=lambda: {label: PRF() for label in ENTITY_LABELS})

    @staticmethod
    def _total(table: dict[str, PRF], labels: Iterable[str]) -> PRF:
        total = PRF()
        for label in labels:
            total.add(table[label])
        return total

    def labels(self) -> list[str]:
        return [label for label in ENTITY_LABELS if self.exact[label].n_gold]

    def summary(self) -> dict[str, Any]:
        labels = self.labels()
        return {kind: {**{k: table[k].as_dict() for k in labels}, "all": self._total(table, labels).as_dict()}
                for kind, table in (("exact", self.exact), ("partial", self.partial))}


def score_spans(gold_rows: list[dict[str, Any]], pred_rows: list[dict[str, Any]]) -> SpanScores:
    """Exact and partial span P/R/F1 per label; labels absent from the gold are not scored."""
    preds = {str(row.get("id")): row for row in pred_rows}
    scores = SpanScores()
    gold_labels = {SPAN_LABELS[e["label"].lower()] for row in gold_rows for e in row.get("entities") or ()
                   if e["label"].lower() in SPAN_LABELS}
    for gold in gold_rows:
        pred = preds.get(str(gold["id"]), {})
        gold_spans = defaultdict(set)
        for ent in gold.get("entities") or ():
            label = SPAN_LABELS.get(ent["label"].lower())
            if label:
                gold_spans[label].add((ent["start"], ent["end"]))
        pred_spans = defaultdict(set)
        for ent in pred.get("entities") or ():
            if ent.get("field") == "abstract" and ent["label"] in gold_labels:
                pred_spans[ent["label"]].add((ent["start"], ent["end"]))
        for label in gold_labels:
            g, p = gold_spans[label], pred_spans[label]
            exact = len(g & p)
            scores.exact[label].add(PRF(exact, len(p), exact, len(g)))
            overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]
            scores.partial[label].add(PRF(sum(any(overlap(x, y) for y in g) for x in p), len(p),
                                          sum(any(overlap(x, y) for y in p) for x in g), len(g)))
    return scores


def format_spans(scores: SpanScores) -> str:
    lines = [f"{'':<16}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}"]
    labels = scores.labels()
    for kind, table in (("exact", scores.exact), ("partial", scores.partial)):
        for label in labels + ["all"]:
            prf = table[label] if label != "all" else SpanScores._total(table, labels)
            lines.append(f"{kind + ':' + label:<16}{prf.precision:>7.3f}{prf.recall:>7.3f}{prf.f1:>7.3f}"
                         f"{prf.n_pred:>7}{prf.n_gold:>7}")
    return "\n".join(lines)


def gold_papers(rows: list[dict[str, Any]]):
    """Papers to extract from a gold file (id, title, abstract or text)."""
    from ..records import Paper

    return [Paper(id=str(r["id"]), title=r.get("title") or "", abstract=r.get("abstract") or r.get("text") or "")
            for r in rows]
