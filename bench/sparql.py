"""Benchmark: the named queries on Oxigraph (the default store) vs rdflib's in-memory Graph.

THE DATA IS SYNTHETIC: random PaperRecords with the same shape as the real ones (papers with
mentions, proposed methods and n-ary claims over Zipf-distributed entity pools), mapped to RDF by
the project's own ``kg.graph.rdf`` so the triples have exactly the graph's shape. Nothing here is read
from the seeds. Sizes are scaled to about ``--triples`` triples (default one million).

Prints load throughput (triples/s), the median time per named query on each backend (Oxigraph on
disk -- the store ``kg build`` writes --, the same loaded into an in-memory Oxigraph store, and
rdflib's Memory store), and the ratio rdflib / Oxigraph. The method parameter is the 10th most
often beaten synthetic method (``--rank`` to change; rank 1, the head of the Zipf distribution, is
the worst case: several thousand papers). Run from the repository root:

    python bench/sparql.py                    # ~1M triples
    python bench/sparql.py --triples 200000   # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph
from rdflib import __version__ as rdflib_version

from kg.graph.queries import load_named, named_queries
from kg.graph.rdf import records_to_triples
from kg.graph.store import OxigraphBackend, RdflibBackend, _rdflib_term
from kg.records import Claim, Mention, Paper, PaperRecord, Source

RANK = 10  # method parameter: the 10th most often beaten method (popular, not the extreme head)
TRIPLES_PER_PAPER = 59  # measured on the generator's output; used only to size the corpus
EXTRACTOR = "synthetic-bench"


def _zipf_pool(rng: random.Random, prefix: str, size: int):
    names = [f"{prefix}-{i:05d}" for i in range(size)]
    weights = [1.0 / (i + 1) for i in range(size)]
    return lambda k=1: rng.choices(names, weights, k=k)


def synthetic_records(n_papers: int, seed: int = 7) -> list[PaperRecord]:
    """SYNTHETIC records: random names, template sentences with exact offsets."""
    rng = random.Random(seed)
    method = _zipf_pool(rng, "SynMethod", max(50, n_papers // 5))
    dataset = _zipf_pool(rng, "SynData", max(20, n_papers // 40))
    metric = _zipf_pool(rng, "syn-metric", 40)
    task = _zipf_pool(rng, "syn-task", max(20, n_papers // 60))
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    records = []
    for i in range(n_papers):
        proposed = f"SynProposed-{i:06d}"
        baselines = method(3)
        data, met, tsk = dataset()[0], metric()[0], task()[0]
        parts: list[str] = []
        mentions: list[Mention] = []
        claims: list[Claim] = []

        def sentence(template: str, names: list[tuple[str, str]], claim: dict | None = None) -> None:
            start = sum(len(p) + 1 for p in parts)  # noqa: B023  (called in this iteration)
            text = template.format(*[n for n, _ in names])
            cursor = 0
            for name, label in names:
                at = text.index(name, cursor)
                mentions.append(Mention(name, label, name, "abstract", start + at, start + at + len(name)))  # noqa: B023  (called in this iteration)
                cursor = at + len(name)
            if claim is not None:
                claims.append(Claim(sentence=text, field="abstract", start=start, end=start + len(text),  # noqa: B023  (called in this iteration)
                                    extractor=EXTRACTOR, **claim))
            parts.append(text)  # noqa: B023  (called in this iteration)

        sentence("We propose {}, a synthetic method for {}.", [(proposed, "method"), (tsk, "task")])
        sentence("It builds on {} and {}.", [(baselines[0], "method"), (baselines[1], "method")])
        value = round(rng.uniform(50, 99), 2)
        sentence("{} reaches " + f"{value}%" + " {} on {}.", [(proposed, "method"), (met, "metric"), (data, "dataset")],
                 dict(type="achieves", subject=proposed, dataset=(data,), metric=(met,), task=(tsk,), value=f"{value}%",
                      value_number=value, value_unit="%", direction="higher", confidence=0.8))
        sentence("{} outperforms {}.", [(proposed, "method"), (baselines[1], "method")],
                 dict(type="outperforms", subject=proposed, object=baselines[1], confidence=0.7))
        if rng.random() < 0.2 and baselines[0] != baselines[2]:  # a comparison between two known methods
            winner, loser = (baselines[0], baselines[2]) if rng.random() < 0.5 else (baselines[2], baselines[0])
            sentence("{} outperforms {} on {}.", [(winner, "method"), (loser, "method"), (data, "dataset")],
                     dict(type="outperforms", subject=winner, object=loser, dataset=(data,), metric=(met,), confidence=0.6))
        abstract = " ".join(parts)
        day = rng.randint(1, 28)
        paper = Paper(
            id=f"synthetic-{i:06d}", title=f"Synthetic paper {i}", abstract=abstract, author_count=rng.randint(1, 12),
            published=f"2024-{rng.randint(1, 12):02d}-{day:02d}", upvotes=rng.randint(0, 200),
            code_urls=(f"https://github.com/synthetic/repo-{i}",) if rng.random() < 0.3 else (),
            sources=(Source(f"synthetic-{i % 20}.txt", i, i, f"{rng.choice(months)} {day}"),),
        )
        records.append(PaperRecord(paper, tuple(mentions), (proposed,), tuple(claims), EXTRACTOR))
    return records


def _params(records: list[PaperRecord], rank: int = RANK) -> dict[str, dict[str, str]]:
    from collections import Counter

    beaten = Counter(c.object for r in records for c in r.claims if c.type == "outperforms" and c.object)
    top = beaten.most_common(rank)[-1][0]
    first = next(c for c in records[0].claims if c.type == "achieves")
    return {
        "methods_outperforming": {"method": top},
        "method_results": {"method": top},
        "leaderboard": {"dataset": first.dataset[0], "metric": first.metric[0], "task": ""},
        "papers_of_method": {"method": top},
        "cooccurring_entities": {"name": top, "label": "method"},
        "mentions_per_listing_date": {"method": top},
        "conflicting_claims": {},
    }


def _time(backend, name: str, params: dict[str, str], repeat: int, timeout: float) -> tuple[float | None, int]:
    query = load_named(name)
    bindings = query.bindings(params)
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = backend.query(query.text, bindings, timeout=timeout)
        except Exception as error:  # a timeout on the slow backend is a result, not a crash
            print(f"    {backend.name} {name}: {error}", file=sys.stderr)
            return None, rows
        times.append(time.perf_counter() - start)
        rows = len(result.rows)
    return statistics.median(times) * 1000, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000, help="approximate graph size")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query on Oxigraph (median)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="runs per query on rdflib (median)")
    parser.add_argument("--rank", type=int, default=RANK, help="method parameter: the RANK-th most beaten method")
    parser.add_argument("--rdflib-timeout", type=float, default=300.0, help="seconds per rdflib query run")
    args = parser.parse_args()

    n_papers = max(50, args.triples // TRIPLES_PER_PAPER)
    t0 = time.perf_counter()
    records = synthetic_records(n_papers)
    triples = list(records_to_triples(records))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib_version}")
    print(f"SYNTHETIC corpus: {n_papers} papers, {sum(len(r.claims) for r in records)} claims, "
          f"{len(triples)} triples generated in {time.perf_counter() - t0:.1f} s")

    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        disk = OxigraphBackend(workdir / "oxigraph", writable=True)
        start = time.perf_counter()
        disk.store.bulk_extend(triples)  # kg.graph.rdf yields pyoxigraph Quads: loaded as they are
        disk.store.flush()
        disk_load = time.perf_counter() - start
        count = len(disk)

        memory = OxigraphBackend()
        start = time.perf_counter()
        memory.store.bulk_extend(triples)
        memory_load = time.perf_counter() - start

        rdf_terms = [(_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)) for t in triples]
        rdflib = RdflibBackend()
        start = time.perf_counter()
        rdflib.graph.addN((s, p, o, rdflib.graph) for s, p, o in rdf_terms)
        rdflib_load = time.perf_counter() - start
        del rdf_terms, triples
        assert len(rdflib) == count == len(memory), (len(rdflib), count, len(memory))

        print(f"store triples: {count}")
        print(f"load  oxigraph on disk (bulk_extend):   {count / disk_load:>12,.0f} triples/s ({disk_load:.1f} s)")
        print(f"load  oxigraph in memory (bulk_extend): {count / memory_load:>12,.0f} triples/s ({memory_load:.1f} s)")
        print(f"load  rdflib Memory (addN):             {count / rdflib_load:>12,.0f} triples/s ({rdflib_load:.1f} s)")
        params_for = _params(records, args.rank)
        chosen = params_for["method_results"]["method"]
        papers_with = sum(1 for r in records if any(m.canonical == chosen for m in r.mentions))
        print(f"parameters: method={chosen!r} (rank {args.rank} by times beaten, mentioned in {papers_with} papers), "
              f"leaderboard {params_for['leaderboard']}")
        print()
        print("median ms per query; ratio = rdflib time / oxigraph time")
        print(f"{'query':<27}{'rows':>6}{'ox disk':>10}{'ox mem':>10}{'rdflib':>11}{'rdf/disk':>10}{'rdf/mem':>9}")
        summary: dict[str, list[float]] = {"disk": [], "mem": [], "ratio_disk": [], "ratio_mem": []}
        for name in named_queries():
            params = params_for[name]
            disk_ms, rows = _time(disk, name, params, args.repeat, timeout=600)
            mem_ms, mem_rows = _time(memory, name, params, args.repeat, timeout=600)
            rd_ms, rd_rows = _time(rdflib, name, params, args.rdflib_repeat, timeout=args.rdflib_timeout)
            if mem_rows != rows or (rd_ms is not None and rd_rows != rows):
                print(f"    row counts differ for {name}: disk {rows}, memory {mem_rows}, rdflib {rd_rows}", file=sys.stderr)
            summary["disk"].append(disk_ms)
            summary["mem"].append(mem_ms)
            if rd_ms is None:
                rd_text, r_disk, r_mem = f"{'>' + format(args.rdflib_timeout, '.0f') + ' s':>11}", f"{'n/a':>10}", f"{'n/a':>9}"
            else:
                summary["ratio_disk"].append(rd_ms / disk_ms)
                summary["ratio_mem"].append(rd_ms / mem_ms)
                rd_text, r_disk, r_mem = f"{rd_ms:>11.1f}", f"{rd_ms / disk_ms:>9.1f}x", f"{rd_ms / mem_ms:>8.1f}x"
            print(f"{name:<27}{rows:>6}{disk_ms:>10.1f}{mem_ms:>10.1f}{rd_text}{r_disk}{r_mem}")
        median = statistics.median
        print()
        print(f"median over the {len(summary['disk'])} named queries: oxigraph on disk {median(summary['disk']):.1f} ms, "
              f"in memory {median(summary['mem']):.1f} ms")
        if summary["ratio_disk"]:
            print(f"rdflib / oxigraph on disk: median {median(summary['ratio_disk']):.1f}x "
                  f"(min {min(summary['ratio_disk']):.1f}x, max {max(summary['ratio_disk']):.1f}x); "
                  f"rdflib / oxigraph in memory: median {median(summary['ratio_mem']):.1f}x "
                  f"(min {min(summary['ratio_mem']):.1f}x, max {max(summary['ratio_mem']):.1f}x)")
        disk.close()
        memory.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
