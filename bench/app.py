"""Server-side time per explorer page (Streamlit AppTest), against a bare one-line page.

    python bench/app.py                      # the seed graph: $KG_STORE or ./kg-store, built if missing
    python bench/app.py --store DIR          # any built store
    python bench/app.py --records FILE       # build a store from a records checkpoint first

Each page is rendered once (reported as "first": its cached query results are computed) and then
``--repeat`` times, each in a fresh AppTest session; the store is opened once per process and cached,
as in the running app (that cold first page is reported apart), and the benchmark reads the app's own
index rather than building a second one, so the process's peak RSS is the app's.
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


def pages(index, lists: bool = False) -> list[tuple[str, str, dict[str, str]]]:
    """(name, page file, query params) for every page, with the corpus's most mentioned entities selected;
    with ``lists``, also the pages that list everything of a kind (no selection) and the claims of the most
    mentioned method."""
    from kg import explore

    def top(label: str) -> str:
        ranked = explore.top_entities(index, label, 1)
        return ranked[0][0] if ranked else ""

    method = top("method")
    paper = _busiest_paper(index)
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
        *([("methods", "method", {}), ("entities", "entity", {}), ("papers", "paper", {}),
           ("claims-m", "claims", {"method": method})] if lists else []),
    ]


def _busiest_paper(index) -> str:
    """The paper with the most claims, then mentions (the records are read again, one at a time)."""
    from kg.graph.store import iter_records_file

    busiest, most = "", (-1, -1)
    records = iter_records_file(index_path(index)) if index_path(index) else map(index.record, index.papers)
    for record in records:
        if (len(record.claims), len(record.mentions)) > most:
            busiest, most = record.paper.id, (len(record.claims), len(record.mentions))
    return busiest


def index_path(index):
    """The records file an index reads its records from, when it is a store's."""
    source = getattr(index._record, "__self__", None)
    return getattr(source, "path", None)


def app_index(store: Path):
    """The (graph, index) the app holds for ``store``: its own cache_resource entry, filled by the first page
    (so the benchmark holds no second copy)."""
    sys.path.insert(0, str(ROOT / "app" / "app_pages"))
    import _ui

    return _ui.open_store(str(store))


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
    parser.add_argument("--lists", action="store_true",
                        help="also the pages listing every method, entity and paper, and the claims of the top method")
    args = parser.parse_args()
    if args.records or not (args.store / "meta.json").exists():
        build(args.store, args.records)
    os.environ["KG_STORE"] = str(args.store)

    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from kg import explore

    cold = time_page("search", {})  # opens the store and builds the index once (cache_resource)
    _, index = app_index(args.store)
    stats = explore.home_stats(index)
    print(f"store {args.store}: {stats['papers']} papers, {stats['methods']} methods, {stats['claims']} claims")
    bare = statistics.median(time_bare() for _ in range(args.repeat))
    print(f"cold first page (open store + index): {cold * 1000:8.1f} ms")
    print(f"baseline bare page (AppTest floor):   {bare * 1000:8.1f} ms")
    print(f"{'page':10} {'params':36} {'first ms':>9} {'median ms':>10} {'min ms':>8} {'x bare':>7}")
    for name, page, params in pages(index, args.lists):
        first = time_page(page, params)  # fills this page's st.cache_data entries
        runs = [time_page(page, params) for _ in range(args.repeat)]
        shown = ", ".join(f"{k}={v}" for k, v in params.items())[:36]
        print(f"{name:10} {shown:36} {first * 1000:9.1f} {statistics.median(runs) * 1000:10.1f} {min(runs) * 1000:8.1f} "
              f"{statistics.median(runs) / bare:7.1f}")


if __name__ == "__main__":
    main()
