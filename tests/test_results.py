"""Leaderboards, gains, conflicts and SOTA over time (kg.results): one semantics, and the SPARQL named
query ``leaderboard`` gives the same rows as the Python function."""

from __future__ import annotations

from collections import Counter

import pytest

import kg
from kg.graph.store import write_store
from kg.records import Claim, Paper, PaperRecord
from kg.results import compare, conflicts, gains, leaderboard, sota_over_time
from kg.values import Measure


def paper(pid: str, published: str | None = None) -> Paper:
    return Paper(id=pid, title=f"Paper {pid}", abstract="...", published=published)


def claim(subject: str, measures: list[Measure], *, obj: str | None = None, kind: str = "achieves",
          sentence: str = "A sentence.", start: int = 0, dataset=(), metric=()) -> Claim:
    return Claim(sentence=sentence, field="abstract", start=start, end=start + len(sentence), type=kind,
                 subject=subject, object=obj, dataset=tuple(dataset), metric=tuple(metric), measures=tuple(measures))


def score(number: float, metric: str = "top-1 accuracy", dataset: str = "ImageNet", unit: str | None = "%",
          kind: str = "score", text: str | None = None) -> Measure:
    return Measure(text or f"{number}%", 0, kind, number, unit, metric=metric, dataset=dataset)


@pytest.fixture
def records() -> list[PaperRecord]:
    return [
        PaperRecord(paper("a", "2019-05-01"), claims=(
            claim("MEAL V2", [score(80.67)], sentence="MEAL V2 reaches 80.67% top-1 accuracy on ImageNet.", start=0),
            claim("MEAL V2", [score(79.1)], sentence="A smaller MEAL V2 reaches 79.1%.", start=60),
            claim("MEAL V2", [score(80.0, kind="bound", text="80%+")], sentence="It boosts ResNet-50 to 80%+.", start=100),
            claim("MEAL V2", [score(10.0, unit="x", kind="ratio", text="10times")], sentence="10times faster.", start=140),
        )),
        PaperRecord(paper("b", "2018-01-01"), claims=(
            claim("FBNet-B", [score(74.1)], sentence="FBNet-B achieves 74.1% top-1 accuracy on ImageNet."),
            claim("ProxylessNAS", [score(2.08, metric="test error", dataset="CIFAR-10"),
                                   Measure("5.7M", 30, "amount", 5.7e6, "count", metric="parameters", dataset="CIFAR-10")],
                  sentence="ProxylessNAS achieves 2.08% test error with only 5.7M parameters.", start=70),
        )),
        PaperRecord(paper("c"), claims=(
            claim("ProxylessNAS", [score(2.9, metric="test error", dataset="CIFAR-10")], sentence="2.9% test error.",),
            claim("DARTS", [score(2.76, metric="test error", dataset="CIFAR-10")], sentence="DARTS: 2.76% test error.", start=30),
        )),
    ]


def test_a_leaderboard_ranks_scores_only_best_per_method_and_paper(records):
    board = leaderboard(records, dataset="ImageNet", metric="top-1 accuracy")
    assert [(r.method, r.value, r.paper_id) for r in board] == [("MEAL V2", "80.67%", "a"), ("FBNet-B", "74.1%", "b")]
    assert board[0].sentence.startswith("MEAL V2 reaches 80.67%") and board[0].date == "2019-05-01"


def test_lower_is_better_where_the_metric_says_so(records):
    board = leaderboard(records, dataset="CIFAR-10", metric="test error")
    assert [(r.method, r.number) for r in board] == [("ProxylessNAS", 2.08), ("DARTS", 2.76), ("ProxylessNAS", 2.9)]
    assert {r.direction for r in board} == {"lower"}
    assert not leaderboard(records, metric="parameters")  # an amount is never a score


def test_gains_are_a_table_of_their_own(records):
    assert [(r.method, r.kind, r.value) for r in gains(records)] == [("MEAL V2", "ratio", "10times")]


def test_sota_over_time_marks_each_new_best(records):
    steps = sota_over_time(records, "ImageNet", "top-1 accuracy")
    assert [(s.date, s.method, s.number, s.is_record) for s in steps] == [
        ("2018-01-01", "FBNet-B", 74.1, True), ("2019-05-01", "MEAL V2", 80.67, True)]
    assert sota_over_time(records, "CIFAR-10", "test error")[0].method == "ProxylessNAS"  # only dated papers


def test_conflicts_of_order_and_of_score():
    a = PaperRecord(paper("a"), claims=(
        claim("KAN", [], obj="MLP", kind="outperforms", dataset=["MNIST"], metric=["accuracy"], sentence="KAN beats MLP."),
        claim("ResNet-50", [score(76.1)], sentence="ResNet-50 gets 76.1%.", start=20)))
    b = PaperRecord(paper("b"), claims=(
        claim("MLP", [], obj="KAN", kind="outperforms", dataset=["MNIST"], sentence="MLP beats KAN."),
        claim("ResNet-50", [score(78.3)], sentence="ResNet-50 gets 78.3%.", start=20),
        claim("DARTS", [], obj="KAN", kind="outperforms", dataset=["CIFAR-10"], metric=["accuracy"], sentence="x", start=50)))
    c = PaperRecord(paper("c"), claims=(claim("ResNet-50", [score(76.4)], sentence="ResNet-50: 76.4%."),))
    found = conflicts([a, b, c])
    assert [(x.kind, x.method_a, x.method_b, x.dataset, x.paper_a, x.paper_b) for x in found] == [
        ("order", "KAN", "MLP", "MNIST", "a", "b"),
        ("score", "ResNet-50", "ResNet-50", "ImageNet", "a", "b"),  # 76.1 vs 78.3: beyond half a point
        ("score", "ResNet-50", "ResNet-50", "ImageNet", "b", "c"),  # 76.4 agrees with 76.1, not with 78.3
    ]
    assert found[0].sentence_a == "KAN beats MLP." and found[0].sentence_b == "MLP beats KAN."
    assert [c.sentence for _r, c in compare([a, b, c], "MLP", "KAN")] == ["KAN beats MLP.", "MLP beats KAN."]


def _columns(rows):
    return Counter((r["method"], round(float(r["value_number"]), 6), r["unit"] or "", r["direction"] or "",
                    r["dataset"], r["metric"], r["paper_id"]) for r in rows)


def _sparql(store, **params):
    with kg.open(store) as graph:
        frame = graph.named("leaderboard", limit=None, **params)
    return _columns(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))


def _python(records, **params):
    return _columns({"method": r.method, "value_number": r.number, "unit": r.unit, "direction": r.direction,
                     "dataset": r.dataset, "metric": r.metric, "paper_id": r.paper_id}
                    for r in leaderboard(records, **params))


def test_the_sparql_leaderboard_is_the_python_one(records, tmp_path):
    write_store(records, tmp_path / "store")
    for params in ({"dataset": "", "metric": "", "task": ""}, {"dataset": "CIFAR-10", "metric": "", "task": ""}):
        assert _sparql(tmp_path / "store", **params) == _python(records, **params)


def test_the_sparql_leaderboard_is_the_python_one_on_the_seeds(seed_store):
    with kg.open(seed_store) as graph:
        records = graph.records()
    expected = _python(records, dataset="", metric="", task="")
    assert expected, "the seed graph has leaderboard rows"
    assert _sparql(seed_store, dataset="", metric="", task="") == expected
