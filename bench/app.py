"""Server-side time per explorer page (Streamlit AppTest), against a bare one-line page.

    python bench/app.py                      # the seed graph: $KG_STORE or ./kg-store, built if missing
    python bench/app.py --store DIR          # any built store
    python bench/app.py --records FILE       # build a store from a records checkpoint first

Each page is rendered once (reported as "first": its cached query results are computed) and then
``--repeat`` times, each in a fresh AppTest session; the store is opened once per process and cached,
as in the running app (that cold first page is reported apart).
Baseline: a bare page (``st.title`` only) in the same harness, i.e. AppTest's own floor;
"x bare" is how many times that floor a page costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(store: Path, records: Path | None) -> None:
    command = [sys.executable, "-m", "kg", "build", "--store", str(store)]
    command += ["--records", str(records)] if records else ["data/seeds", "--if-missing"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: could not build {store}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")


def pages(index) -> list[tuple[str, str, dict[str, str]]]:
    """(name, page file, query params) for every page, with the corpus's most mentioned entities selected."""
    from kg import explore

    def top(label: str) -> str:
        ranked = explore.top_entities(index, label, 1)
        return ranked[0][0] if ranked else ""

    method = top("method")
    paper = max(index.records.values(), key=lambda r: (len(r.claims), len(r.mentions))).paper.id
    return [
        ("home", "search", {}),
        ("search", "search", {"q": method}),
        ("paper", "paper", {"paper": paper}),
        ("method", "method", {"method": method}),
        ("dataset", "entity", {"dataset": top("dataset")}),
        ("metric", "entity", {"metric": top("metric")}),
        ("claims", "claims", {}),
        ("compare", "compare", {"a": next(iter(explore.compared_methods(index)), "")}),
        ("conflicts", "conflicts", {}),
        ("query", "query", {}),
        ("export", "export", {}),
    ]


def time_page(page: str, params: dict[str, str]) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "search":
        at.switch_page(f"app_pages/{page}.py")
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception or at.error:
        problems = [e.value for e in at.exception] + [e.value for e in at.error]
        sys.exit(f"bench: page {page} {params} failed: {problems[0][:300]}")
    return elapsed


def time_bare() -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("import streamlit as st\nst.title('bare')", default_timeout=60)
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path(os.environ.get("KG_STORE") or ROOT / "kg-store"))
    parser.add_argument("--records", type=Path, help="build --store from this records checkpoint first")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.records or not (args.store / "meta.json").exists():
        build(args.store, args.records)
    os.environ["KG_STORE"] = str(args.store)

    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import kg
    from kg import explore

    graph = kg.open(args.store)
    index = explore.build_index(graph.records(), graph.entities())
    stats = explore.home_stats(index)
    graph.close()
    print(f"store {args.store}: {stats['papers']} papers, {stats['methods']} methods, {stats['claims']} claims")

    cold = time_page("search", {})  # opens the store and builds the index once (cache_resource)
    bare = statistics.median(time_bare() for _ in range(args.repeat))
    print(f"cold first page (open store + index): {cold * 1000:8.1f} ms")
    print(f"baseline bare page (AppTest floor):   {bare * 1000:8.1f} ms")
    print(f"{'page':10} {'params':36} {'first ms':>9} {'median ms':>10} {'min ms':>8} {'x bare':>7}")
    for name, page, params in pages(index):
        first = time_page(page, params)  # fills this page's st.cache_data entries
        runs = [time_page(page, params) for _ in range(args.repeat)]
        shown = ", ".join(f"{k}={v}" for k, v in params.items())[:36]
        print(f"{name:10} {shown:36} {first * 1000:9.1f} {statistics.median(runs) * 1000:10.1f} {min(runs) * 1000:8.1f} "
              f"{statistics.median(runs) / bare:7.1f}")


if __name__ == "__main__":
    main()
