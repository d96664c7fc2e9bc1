"""Which method is best where, by how much, says which paper: leaderboards, gains, conflicts, SOTA over time.

One answer per question, computed here from the records; the explorer, the CLI and the exports call
these functions, and the named queries ``leaderboard`` and ``conflicting_claims`` (SPARQL and Cypher)
are their query-language twins, kept equal by the agreement tests.

- A **leaderboard** is (dataset, metric, unit) -> the ``score`` values of claims (never deltas,
  ratios, bounds or amounts), best row per method and paper, ranked by the metric's direction
  (:mod:`kg.metrics`; higher first when unknown).
- **Gains** are the ``delta``, ``ratio`` and ``range`` values: by how much a method beats a baseline.
- A **conflict** is two papers ordering the same pair of methods oppositely on the same dataset and
  metric, or giving one method scores on the same dataset and metric that differ beyond a tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .metrics import direction as metric_direction
from .records import Claim, PaperRecord
from .values import Measure

GAIN_KINDS = ("delta", "ratio", "range")


@dataclass(frozen=True)
class Result:
    """One value of one claim, with where it comes from."""

    method: str
    kind: str
    value: str  # as written, LaTeX cleaned
    number: float | None
    unit: str | None
    metric: str | None
    dataset: str | None
    direction: str | None  # better when 'higher' / 'lower' for the metric, when known
    baseline: str | None  # the compared method or generic phrase
    baseline_number: float | None
    qualifier: str | None
    tasks: tuple[str, ...]
    claim_type: str
    paper_id: str
    paper_title: str
    date: str | None  # the paper's publication date (ISO), when known
    sentence: str

    @property
    def signed(self) -> float:
        """The number oriented so that larger is better."""
        return -self.number if self.direction == "lower" else self.number


def results(records: Iterable[PaperRecord]) -> list[Result]:
    """Every value of every claim whose subject is known, in record order."""
    out = []
    for record in records:
        for claim in record.claims:
            if not claim.subject:
                continue
            out.extend(_result(record, claim, m) for m in claim.measures)
    return out


def _result(record: PaperRecord, claim: Claim, measure: Measure) -> Result:
    paper = record.paper
    return Result(claim.subject, measure.kind, measure.display, measure.number, measure.unit, measure.metric,
                  measure.dataset, metric_direction(measure.metric), claim.object, measure.baseline,
                  measure.qualifier, claim.task, claim.type, paper.id, paper.title, paper.published, claim.sentence)


def _wanted(result: Result, dataset: str, metric: str, task: str) -> bool:
    return ((not dataset or result.dataset == dataset) and (not metric or result.metric == metric)
            and (not task or task in result.tasks))


def leaderboard(records: Iterable[PaperRecord], dataset: str = "", metric: str = "", task: str = "") -> list[Result]:
    """Score rows ranked per (dataset, metric, unit): the best of each method in each paper, best first.

    Boards come in order of dataset, metric and unit; an empty filter means any.
    """
    return leaderboard_of(results(records), dataset, metric, task)


def leaderboard_of(rows: Iterable[Result], dataset: str = "", metric: str = "", task: str = "") -> list[Result]:
    """:func:`leaderboard` of rows already made by :func:`results` (in their order), e.g. computed once
    and kept, or the part of them that names a dataset: the same boards as from the records."""
    best: dict[tuple, Result] = {}
    for row in rows:
        if row.kind != "score" or row.number is None or not row.dataset or not row.metric:
            continue
        if not _wanted(row, dataset, metric, task):
            continue
        key = (row.dataset, row.metric, row.unit or "", row.method, row.paper_id)
        if key not in best or row.signed > best[key].signed:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.dataset, r.metric, r.unit or "", -r.signed, r.method, r.paper_id))


def gains(records: Iterable[PaperRecord], dataset: str = "", metric: str = "", task: str = "",
          method: str = "") -> list[Result]:
    """Deltas, ratios and ranges: by how much a method improves on a baseline, never ranked with scores."""
    return gains_of(results(records), dataset, metric, task, method)


def gains_of(rows: Iterable[Result], dataset: str = "", metric: str = "", task: str = "",
             method: str = "") -> list[Result]:
    """:func:`gains` of rows already made by :func:`results` (see :func:`leaderboard_of`)."""
    return [r for r in rows if r.kind in GAIN_KINDS and _wanted(r, dataset, metric, task)
            and (not method or method in (r.method, r.baseline))]


def compare(records: Iterable[PaperRecord], method_a: str, method_b: str) -> list[tuple[PaperRecord, Claim]]:
    """Every claim relating two methods, in both directions (A about B and B about A)."""
    pair = {method_a, method_b}
    return [(record, claim) for record in records for claim in record.claims
            if {claim.subject, claim.object} == pair]


@dataclass(frozen=True)
class SotaStep:
    date: str
    method: str
    number: float
    value: str
    paper_id: str
    paper_title: str
    is_record: bool  # the best so far on that date


def sota_over_time(records: Iterable[PaperRecord], dataset: str, metric: str, unit: str | None = None) -> list[SotaStep]:
    """Dated scores on one (dataset, metric) in date order, each marked when it was the best so far.

    Only papers with a publication date take part: listing dates have no year.
    """
    return sota_of(results(records), dataset, metric, unit)


def sota_of(rows: Iterable[Result], dataset: str, metric: str, unit: str | None = None) -> list[SotaStep]:
    """:func:`sota_over_time` of rows already made by :func:`results` (see :func:`leaderboard_of`)."""
    rows = [r for r in leaderboard_of(rows, dataset, metric) if r.date and (unit is None or r.unit == unit)]
    if unit is None and rows:  # one unit per chart: the most used
        units = [r.unit for r in rows]
        common = max(set(units), key=lambda u: (units.count(u), u or ""))
        rows = [r for r in rows if r.unit == common]
    steps, best = [], None
    for row in sorted(rows, key=lambda r: (r.date, -r.signed, r.method)):
        record = best is None or row.signed > best
        best = row.signed if record else best
        steps.append(SotaStep(row.date, row.method, row.number, row.value, row.paper_id, row.paper_title, record))
    return steps


@dataclass(frozen=True)
class Conflict:
    kind: str  # 'order': opposite orderings; 'score': different scores for one method
    method_a: str
    method_b: str  # the other method ('order'), the same method ('score')
    dataset: str
    metric: str
    paper_a: str
    paper_b: str
    value_a: str
    value_b: str
    sentence_a: str
    sentence_b: str


def score_tolerance(number: float, unit: str | None) -> float:
    """How far two reports of one score may differ and still agree: half a point for percentages and
    points (rounding, reruns), else 2 % of the value."""
    return 0.5 if unit in ("%", "points") else abs(number) * 0.02


def conflicts(records: Iterable[PaperRecord]) -> list[Conflict]:
    """Opposite orderings of a pair of methods, and one method's scores that disagree, across papers."""
    records = list(records)
    return _order_conflicts(records) + _score_conflicts(records)


def _order_conflicts(records: list[PaperRecord]) -> list[Conflict]:
    """'A outperforms B' in one paper, 'B outperforms A' in another, on the same dataset and metric
    (a dataset or metric stated by one side only is taken as compatible)."""
    beats = [(r, c) for r in records for c in r.claims if c.type == "outperforms" and c.subject and c.object]
    by_pair: dict[tuple[str, str], list] = {}
    for rb, cb in beats:
        by_pair.setdefault((cb.object, cb.subject), []).append((rb, cb))
    out = []
    for ra, ca in beats:
        for rb, cb in by_pair.get((ca.subject, ca.object), ()):  # claims of the reverse order only: linear, not N²
            if ra.paper.id == rb.paper.id or ca.subject >= cb.subject:
                continue
            dataset = _compatible(ca.dataset, cb.dataset)
            metric = _compatible(ca.metric, cb.metric)
            if dataset is None or metric is None:
                continue
            out.append(Conflict("order", ca.subject, cb.subject, dataset, metric, ra.paper.id, rb.paper.id,
                                ca.value or "", cb.value or "", ca.sentence, cb.sentence))
    return sorted(set(out), key=lambda c: (c.method_a, c.method_b, c.dataset, c.metric, c.paper_a, c.paper_b))


def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """The shared name of two claims' datasets (or metrics); '' when one side names none; None when they differ."""
    if not a or not b:
        return (a or b or ("",))[0]
    shared = sorted(set(a) & set(b))
    return shared[0] if shared else None


def _score_conflicts(records: list[PaperRecord]) -> list[Conflict]:
    by_key: dict[tuple, list[Result]] = {}
    for row in leaderboard(records):
        by_key.setdefault((row.dataset, row.metric, row.unit or "", row.method), []).append(row)
    out = []
    for (dataset, metric, _unit, method), rows in sorted(by_key.items()):
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a.paper_id != b.paper_id and abs(a.number - b.number) > score_tolerance(max(a.number, b.number), a.unit):
                    first, second = sorted((a, b), key=lambda r: r.paper_id)
                    out.append(Conflict("score", method, method, dataset, metric, first.paper_id, second.paper_id,
                                        first.value, second.value, first.sentence, second.sentence))
    return sorted(out, key=lambda c: (c.method_a, c.dataset, c.metric, c.paper_a, c.paper_b))
