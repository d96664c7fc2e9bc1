"""bench/corpus.py (the synthetic corpus) and bench/scale.py (the scale benchmark) on tiny N."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus, scale
from kg.extract.text import find_acronyms
from kg.ingest import ingest
from kg.names import verbatim_occurrences


@pytest.fixture(scope="module")
def seeds():
    return corpus.load_seeds()


@pytest.fixture(scope="module")
def papers(seeds):
    return list(corpus.generate(300, 0, seeds))


def test_generator_is_deterministic_and_a_prefix_of_larger_corpora(seeds, papers):
    assert list(corpus.generate(300, 0, seeds)) == papers
    assert list(corpus.generate(40, 0, seeds)) == papers[:40]
    assert list(corpus.generate(40, 1, seeds)) != papers[:40]


def test_ids_and_titles_are_unique(papers):
    assert len({p["id"] for p in papers}) == len({p["title"] for p in papers}) == len(papers)
    assert all(p["abstract"].strip() and p["title"].strip() for p in papers)


def test_own_acronyms_are_distinct():
    acronyms = [corpus.own_acronym(i) for i in range(30_000)]
    assert len(set(acronyms)) == len(acronyms)
    assert len(corpus.own_acronym(26 ** 4 - 1)) == 4 and len(corpus.own_acronym(26 ** 4)) == 5


def test_gazetteer_names_repeat_across_papers(seeds, papers):
    for label in ("method", "dataset"):
        top = seeds.names[label].names[:10]
        in_papers = Counter(name for p in papers for name in top if verbatim_occurrences(p["abstract"], name))
        assert in_papers.most_common(1)[0][1] >= 5, (label, in_papers)


def test_acronym_definitions_are_consistent(papers):
    shorts = defaultdict(set)
    defined_in = Counter()
    for paper in papers:
        for pair in find_acronyms(paper["abstract"]):
            shorts[pair.long].add(pair.short)
            defined_in[pair.long] += 1
    assert {long: s for long, s in shorts.items() if len(s) > 1} == {}
    assert defined_in.most_common(1)[0][1] >= 3  # known pairs recur


def test_kg_ingest_reads_the_corpus(tmp_path, seeds):
    path = tmp_path / "corpus.jsonl"
    assert corpus.write_corpus(path, 30, seed=3, seeds=seeds) == 30
    result = ingest([path])
    assert not result.problems
    assert [p.id for p in result.papers] == [f"syn3-{i:07d}" for i in range(30)]


def test_growth_exponent():
    assert scale.exponent(1000, 10.0, 10000, 100.0) == pytest.approx(1.0)
    assert scale.exponent(1000, 10.0, 1000, 20.0) is None


def _scale(tmp_path, n: int, stages: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    done = subprocess.run([sys.executable, "bench/scale.py", str(n), "--stages", stages, "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=scale.child_env())
    assert done.returncode == 0, done.stderr
    return done, json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))


def test_scale_runs_the_cheap_stages(tmp_path):
    done, results = _scale(tmp_path, 20, "corpus,ingest")
    assert [(r["stage"], r["n"]) for r in results] == [("corpus", 20), ("ingest", 20)]
    assert all(r["seconds"] > 0 and r["cpu_s"] > 0 and r["rss_mb"] > 0 for r in results)
    assert "CPUs" in done.stdout and "kg-extract" in done.stdout
    assert len((tmp_path / "n20" / "papers.jsonl").read_text(encoding="utf-8").splitlines()) == 20


def test_scale_asks_for_a_missing_stage(tmp_path):
    done = subprocess.run([sys.executable, "bench/scale.py", "5", "--stages", "build", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=scale.child_env())
    assert done.returncode == 1 and "run the extract stage first" in done.stderr


@pytest.mark.slow
def test_scale_extracts_and_builds(tmp_path):
    _, results = _scale(tmp_path, 10, "ingest,extract,build")
    build = next(r for r in results if r["stage"] == "build")
    assert build["extra"]["meta"]["papers"] == 10 and build["disk_mb"] > 0


def test_a_stage_does_not_inherit_the_benchmark_peak_rss(tmp_path):
    ballast = bytearray(200 * 2 ** 20)  # the benchmark process, grown large
    usage = scale.run_child([sys.executable, "-c", "pass"], tmp_path / "pass.log")
    assert ballast and usage.seconds > 0 and usage.cpu_s > 0 and usage.rss_mb < 60
