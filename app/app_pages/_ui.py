"""Shared frame for the explorer's pages: store loading, caching, links, styles.

Every page imports this first (``import _ui``, then lays out after ``_ui.setup``); it works both under
``st.navigation`` (the entry ``app/streamlit_app.py`` puts this folder on the path) and when a page
file is run on its own (Streamlit puts the page's folder on the path). ``kg`` is the installed package
(``make setup`` installs the checkout in editable mode).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

import kg
from kg import explore, settings

inert = explore.inert  # every piece of data or user text a page shows as Markdown or HTML goes through this

PAGE_FILES = {  # url path -> file, relative to app/
    "search": "app_pages/search.py",
    "paper": "app_pages/paper.py",
    "method": "app_pages/method.py",
    "entity": "app_pages/entity.py",
    "claims": "app_pages/claims.py",
    "compare": "app_pages/compare.py",
    "conflicts": "app_pages/conflicts.py",
    "query": "app_pages/query.py",
    "export": "app_pages/export.py",
}
KIND_ICONS = {"method": ":material/extension:", "dataset": ":material/dataset:", "task": ":material/target:",
              "metric": ":material/straighten:", "paper": ":material/article:"}
KIND_PLURAL = {"method": "Methods", "dataset": "Datasets", "task": "Tasks", "metric": "Metrics", "paper": "Papers"}

CSS = """
<style>
.kg-ent { border-radius: 4px; padding: 0 3px; border-bottom: 2px solid; }
.kg-summary { font-weight: 600; margin-bottom: .3rem; }
a.kg-link { color: #1f5fa8 !important; text-decoration: none; }
a.kg-link:hover { text-decoration: underline; }
a.kg-ent { color: inherit !important; text-decoration: none; }
a.kg-ent:hover { filter: brightness(0.93); }
.kg-method { background: #e8f0fe; border-color: #4c78a8; }
.kg-dataset { background: #e6f4ea; border-color: #54a24b; }
.kg-metric { background: #fef3e2; border-color: #f58518; }
.kg-task { background: #f3e8fd; border-color: #b279a2; }
.kg-title { font-size: 2.1rem; font-weight: 700; line-height: 1.25; margin: 0.4rem 0 0.6rem 0; }
mark.kg-claim { background: #fff6bf; padding: 1px 0; border-radius: 2px; box-shadow: inset 0 -2px 0 #f2d24b; }
.kg-abstract { line-height: 1.75; font-size: 1.02rem; }
.kg-legend span { margin-right: .8rem; font-size: .85rem; }
.kg-quote { border-left: 3px solid #d0d7de; padding: .2rem .8rem; color: #444; margin: .2rem 0 .6rem 0; }
[data-testid="stMain"] a[data-testid="stPageLink-NavLink"] { background: transparent !important; padding: 0.1rem 0.25rem; }
[data-testid="stMain"] a[data-testid="stPageLink-NavLink"] * { font-weight: 400 !important; color: #1f5fa8 !important; }
[data-testid="stMain"] a[data-testid="stPageLink-NavLink"]:hover span { text-decoration: underline; }
</style>
"""


def default_store() -> str:
    return str(settings.store())


sparql_endpoint = settings.sparql_endpoint


def _stamp(store: str) -> float:
    """Changes when the store is rebuilt, so the cache reloads it."""
    path = Path(store)
    stamps = [p.stat().st_mtime for p in (path / "meta.json", path / "records.jsonl") if p.exists()]
    return max(stamps, default=0.0)


@st.cache_resource(show_spinner="Opening the knowledge graph…", max_entries=4)
def _open(store: str, stamp: float):
    import gc

    graph = kg.open(store)
    index = explore.index_store(graph)
    # The index is millions of long-lived objects (1.3 M containers at 100,000 papers) that hold no reference
    # cycles: taken out of the cyclic collector's sight, a full collection no longer walks them (1.5 s each
    # at 100,000 papers, falling on whichever page visit triggers one). Reference counting still frees them.
    gc.freeze()
    return graph, index


def open_store(store: str):
    """(graph, index) of a store, cached until the store is rebuilt."""
    return _open(store, _stamp(store))


def current_store() -> str:
    return st.session_state.get("kg_store") or default_store()


def store_stamp() -> float:
    return _stamp(current_store())


store_root = settings.store_root  # the folder the sidebar may open stores under


def pick_store() -> str:
    """The store chosen in the sidebar; a path outside :func:`store_root` is refused, so the
    picker cannot open (or probe) arbitrary folders of the server."""
    # the choice lives in a plain session key: widget state does not survive a page switch
    store = st.session_state.get("kg_store") or default_store()
    root = store_root()
    with st.sidebar:
        chosen = st.text_input("Graph store", value=store,
                               help=inert(f"A directory built by `kg build`, under {root} (set KG_STORE_ROOT to change)."))
        chosen = chosen.strip()
        if chosen and chosen != store:
            resolved = explore.store_under(chosen, root)
            if resolved is None:
                st.error(f"Only stores under {inert(root)} can be opened.")
            else:
                store = str(resolved)
    st.session_state["kg_store"] = store
    return store


def setup(title: str, icon: str = ":material/search:") -> tuple[object, explore.Index] | None:
    """Page config, styles, store picker; returns (graph, index) or None when no store is usable."""
    if not st.session_state.get("_kg_nav"):
        st.set_page_config(page_title=f"{title} · papers-kg", page_icon=icon, layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)  # static stylesheet, no user data
    store = pick_store()
    try:
        graph, index = open_store(store)
    except Exception as error:  # a missing or broken store: say how to fix it, keep the app up
        st.error(f"Cannot open the graph store {inert(store)}: {inert(error)}")
        st.info("Build one with `kg build data/seeds --store kg-store`, or pick another store in the sidebar.")
        return None
    with st.sidebar:
        stats = explore.home_stats(index)
        st.caption(f"{stats['papers']} papers · {stats['methods']} methods · {stats['claims']} claims")
        meta = graph.meta() if hasattr(graph, "meta") else {}
        if meta.get("built_at"):
            extractors = ", ".join(meta.get("extractors") or []) or "unknown extractor"
            st.caption(inert(f"Built {meta['built_at'][:16].replace('T', ' ')} UTC · {meta.get('triples', '?')} triples · "
                             f"{extractors}"))
    return graph, index


# ------------------------------------------------------------------ links


url = explore.page_url
entity_url = explore.entity_url


def link(page: str, label: str, *, icon: str | None = None, help: str | None = None, **params: str) -> None:
    """A link to an explorer page; the selection lives in the URL so the back button works."""
    text = inert(label)
    if st.session_state.get("_kg_nav"):
        st.page_link(PAGE_FILES[page], label=text, icon=icon, help=help, query_params=params or None)
    else:  # page run on its own: other pages are not routed, show the name only
        st.markdown(f"{icon + ' ' if icon else ''}**{text}**")


def entity_link(kind: str, name: str, *, suffix: str = "") -> None:
    label = f"{name}{suffix}"
    if kind == "paper":
        link("paper", label, icon=KIND_ICONS["paper"], paper=name)
    elif kind == "method":
        link("method", label, icon=KIND_ICONS["method"], method=name)
    else:
        link("entity", label, icon=KIND_ICONS[kind], **{kind: name})


def paper_link(paper_id: str, title: str) -> None:
    link("paper", title, icon=KIND_ICONS["paper"], paper=paper_id)


TABLE_ROWS = 1000  # a claims table shows at most this many rows (the CSV download holds them all)
CLAIMS_PAGE = 200  # rows the claims page's table shows at a time (a page box for the others; the CSV has them all)
LIST_LINKS = 50  # a page of paper links or evidence sentences (each link costs ~0.3 ms of server time)
CONFLICTS_PAGE = 25  # conflicts shown at a time: each is a box of two papers, two sentences and links
FILTER_CHOICES = explore.FILTER_CHOICES  # values a claims filter's select box lists; any other is typed


KIND_HELP = ("score: a level of a metric · delta: a gain or drop · ratio: a factor · range: two bounds · "
             "bound: a level given as an inequality · amount: a count, duration or size")


def claim_view(frame, columns: list[str] | None = None):
    """The columns a claims table shows of ``frame`` (its first TABLE_ROWS rows), method, baseline and paper
    cells as links: what :func:`claim_table` lays out, made apart so a page can keep it (``Index.recent``)."""
    view = frame.head(TABLE_ROWS).copy()
    view["method_link"] = [entity_url("method", m) if m else None for m in view["method"]]
    view["baseline_link"] = [entity_url("method", b) if b else None for b in view["baseline"]]
    view["paper_link"] = [entity_url("paper", p) for p in view["paper_id"]]
    columns = columns or ["type", "method_link", "baseline_link", "dataset", "metric", "value", "kind", "paper_link", "sentence"]
    if "conflict" in view and view["conflict"].astype(bool).any():
        view["flag"] = ["⚠" if c else "" for c in view["conflict"]]
        columns = ["flag", *columns, *(["conflict"] if "conflict" not in columns else [])]
    return view[columns]


def arrow(view):
    """``view`` (a DataFrame) as the Arrow table ``st.dataframe`` sends: what a page keeps between reruns,
    so that a rerun lays the table out without converting it again."""
    import pyarrow as pa

    return pa.Table.from_pandas(view, preserve_index=False)


def kept_claims(index, rows, columns: list[str] | None = None):
    """(frame, view as Arrow) of the first TABLE_ROWS of ``rows``: the claims table a page keeps between
    reruns (``Index.recent``) and hands to :func:`claim_table`."""
    frame = explore.claims_frame(index, rows[:TABLE_ROWS])
    return frame, arrow(claim_view(frame, columns))


CLAIM_CONFIG = {
    "method_link": st.column_config.LinkColumn("method", display_text=r"method=([^&]*)", width="medium"),
    "baseline_link": st.column_config.LinkColumn("baseline", display_text=r"method=([^&]*)", width="medium"),
    "paper_link": st.column_config.LinkColumn("paper", display_text=r"paper=([^&]*)", width="medium"),
    "sentence": st.column_config.TextColumn("evidence sentence", width="large"),
    "value_number": st.column_config.NumberColumn("value (number)"),
    "kind": st.column_config.TextColumn("kind", help=KIND_HELP),
    "values": st.column_config.TextColumn("every value (kind, metric, dataset)", width="large"),
    "conflict": st.column_config.TextColumn("conflict", width="medium"),
    "flag": st.column_config.TextColumn("⚠", width=28, help="contradicted by another paper"),
}


def claim_table(frame, *, key: str, columns: list[str] | None = None, height: int | None = None,
                total: int | None = None, rest: str = "", view=None) -> None:
    """A sortable claims table whose method, baseline and paper cells link to their pages: the first
    TABLE_ROWS rows of ``frame``, which may itself be the first rows of ``total``; when rows are left
    out a caption says how many and ``rest`` where to find them. ``view``: :func:`claim_view` of ``frame``
    when the page keeps it."""
    if frame.empty:
        st.caption("No claims.")
        return
    total = max(total or 0, len(frame))
    if total > min(len(frame), TABLE_ROWS):
        st.caption(f"The first {min(len(frame), TABLE_ROWS):,} of {total:,} claims" + (f"; {rest}" if rest else "."))
    st.dataframe(claim_view(frame, columns) if view is None else view, column_config=CLAIM_CONFIG, hide_index=True,
                 width="stretch", key=key, height=height or "auto")


TITLE_TEXT = r"#(.*)$"  # a LinkColumn's display_text: the title a titled_paper_url carries


@lru_cache(maxsize=16384)  # a table's rerun links the same papers again
def titled_paper_url(paper_id: str, title: str) -> str:
    """The paper page's URL with the title as its fragment, for a LinkColumn that shows the title."""
    from urllib.parse import quote

    return f"{entity_url('paper', paper_id)}#{quote(title, safe='')}"


def _result_links(frame):
    """A results table with its method, baseline and paper cells as links."""
    view = frame.assign(method_link=[entity_url("method", m) for m in frame["method"]],
                        paper=[titled_paper_url(p, t) for p, t in zip(frame["paper_id"], frame["paper_title"])])
    if "baseline" in view:
        view["baseline_link"] = [entity_url("method", b) if b else None for b in view["baseline"]]
    return view


RESULT_CONFIG = {
    "rank": st.column_config.NumberColumn("rank", width=56),
    "method_link": st.column_config.LinkColumn("method", display_text=r"method=([^&]*)", width="medium"),
    "baseline_link": st.column_config.LinkColumn("baseline", display_text=r"method=([^&]*)", width="medium"),
    "paper": st.column_config.LinkColumn("paper", display_text=TITLE_TEXT, width="medium"),
    "kind": st.column_config.TextColumn("kind", help=KIND_HELP),
    "sentence": st.column_config.TextColumn("evidence sentence", width="large"),
}


BOARD_SHOWN = ["rank", "method_link", "value", "dataset", "metric", "task", "paper", "date", "sentence"]
GAINS_SHOWN = ["method_link", "baseline_link", "kind", "value", "metric", "dataset", "paper", "sentence"]


def board_view(frame):
    """The first TABLE_ROWS rows of a leaderboard frame as :func:`board_table` shows them (links)."""
    return _result_links(frame.head(TABLE_ROWS))[BOARD_SHOWN]


def gains_view(rows):
    """The first TABLE_ROWS gains as :func:`gains_table` shows them (links)."""
    return _result_links(explore.gains_table(rows[:TABLE_ROWS]))[GAINS_SHOWN]


def board_table(frame, *, key: str, view=None) -> None:
    """A leaderboard (explore.board_frame): rank, method, value, where, paper title, date, evidence (the first
    TABLE_ROWS rows; the board's CSV download holds them all). ``view``: those rows as shown (links), when
    the page keeps them."""
    if len(frame) > TABLE_ROWS:
        st.caption(f"The first {TABLE_ROWS:,} of {len(frame):,} rows; the CSV download below holds them all.")
    if view is None:
        view = board_view(frame)
    st.dataframe(view, column_config=RESULT_CONFIG, hide_index=True, width="stretch", key=key,
                 height=min(35 * (len(view) + 1) + 3, 560))


def gains_table(rows, *, key: str, view=None) -> None:
    """Gains over a baseline (explore.select_gains rows), never ranked: the first TABLE_ROWS, with a CSV
    download of them all when there are more. ``view``: those rows as shown (links), when the page keeps them."""
    if not rows:
        st.caption("No gains over a baseline.")
        return
    if view is None:
        view = gains_view(rows)
    if len(rows) > TABLE_ROWS:
        st.caption(f"The first {TABLE_ROWS:,} of {len(rows):,} gains; narrow them by a dataset or metric, "
                   "or download the CSV of them all.")
        download_csv(lambda: explore.gains_table(rows), "gains.csv", key=f"{key}_csv")
    st.dataframe(view, column_config=RESULT_CONFIG, hide_index=True, width="stretch", key=key,
                 height=min(35 * (len(view) + 1) + 3, 420))


NO_TIME = "Only papers with a publication date can be placed in time; listing dates have no year."


def sota_chart(frame, board) -> None:
    """Every dated score of a board as a point, and a step line for the best so far (explore.sota_frame)."""
    if len(frame) < 2:
        shown = "one dated score" if len(frame) == 1 else "no dated scores"
        st.info(f"{inert(board.title)} has {shown}: a chart over time needs two. {NO_TIME}")
        return
    import altair as alt
    import pandas as pd

    data = frame.assign(date=pd.to_datetime(frame["date"]),
                        status=["new best" if record else "not a new best" for record in frame["record"]])
    x = alt.X("date:T", title="publication date")
    y_title = board.metric + (f" ({board.unit})" if board.unit else "")
    line = alt.Chart(data).mark_line(interpolate="step-after", color="#d62728").encode(
        x=x, y=alt.Y("best:Q", title=y_title, scale=alt.Scale(zero=False)))
    points = alt.Chart(data).mark_circle(size=90, opacity=0.9).encode(
        x=x, y=alt.Y("number:Q", title=y_title),
        color=alt.Color("status:N", title="", scale=alt.Scale(domain=["new best", "not a new best"], range=["#d62728", "#4c78a8"])),
        tooltip=[alt.Tooltip("method:N"), alt.Tooltip("value:N"), alt.Tooltip("date:T", title="published"),
                 alt.Tooltip("paper_title:N", title="paper")])
    st.altair_chart(alt.layer(line, points).properties(height=300), width="stretch")
    undated = len(board.rows) - len(frame)
    st.caption(f"{len(frame)} dated scores; the line is the best so far ({explore.direction_text(board.metric)})."
               + (f" Not shown: {undated} of the board's scores, from papers without a publication date. {NO_TIME}"
                  if undated else ""))


def pick_board(boards, *, key: str, by: str = ""):
    """The board to show: a choice when there are several, ``by`` (a metric or dataset) first. The choice
    lists the FILTER_CHOICES boards with the most rows (and the one ``by`` prefers); its help says how to
    reach the others (a dataset or metric chosen narrows the boards)."""
    if len(boards) == 1:
        return boards[0]
    every = len(boards)
    if every > FILTER_CHOICES:
        preferred = next((b for b in boards if by in (b.metric, b.dataset)), None)
        listed = boards[:FILTER_CHOICES]
        boards = listed + ([preferred] if preferred is not None and all(b is not preferred for b in listed) else [])
    by_title = {board.title: board for board in boards}  # a title left over from another page is not an option
    help = (f"Lists the {len(boards):,} boards with the most results, of {every:,}; choose a dataset or metric to "
            "reach the others." if every > len(boards) else None)

    def label(title: str) -> str:
        rows = len(by_title[title].rows) if title in by_title else 0
        return f"{title} · {rows} result{'s' if rows != 1 else ''}"

    preferred = next((i for i, b in enumerate(boards) if by in (b.metric, b.dataset)), 0)
    return by_title[st.selectbox("Board", list(by_title), index=preferred, key=key, format_func=label, help=help)]


def results_section(index, boards, gains, *, key: str, by: str = "", kept: tuple | None = None) -> None:
    """Leaderboards (scores only, one unit per board), the best over time, and gains over a baseline
    (``gains``: the rows of explore.select_gains). ``kept``: what selects ``boards`` and ``gains`` (hashable),
    when the tables as shown are to be kept between reruns (``Index.recent``)."""
    def keep(name, make):  # a table as shown, as Arrow, kept (or made as a DataFrame each time)
        return make(lambda view: view) if kept is None else index.recent((name, *kept), lambda: make(arrow))

    st.subheader("Leaderboard")
    if not boards:
        st.caption("No scores here. A leaderboard ranks score values only (a level of a metric, such as "
                   "“80.67% top-1 accuracy”), never gains, ratios, ranges, bounds or amounts.")
    else:
        board = pick_board(boards, key=f"{key}_pick", by=by)
        st.caption(inert(f"{board.title}: {explore.direction_text(board.metric)}. Scores only, one unit per board, "
                         "the best row per method and paper; equal values share a rank."))

        def board_and_view(form):
            frame = explore.board_frame(board)
            return frame, form(board_view(frame))

        frame, view = keep(("board", board.title), board_and_view)
        board_table(frame, key=f"{key}_table", view=view)
        download_csv(lambda: frame, f"leaderboard-{explore.slug(board.title)}.csv", key=f"{key}_csv")  # made when clicked
        st.subheader("Best so far over time")
        sota_chart(explore.sota_frame(index, board), board)
    st.subheader(f"Gains over a baseline ({len(gains)})")
    st.caption("By how much a method improves on a baseline (deltas, ratios, ranges), as written; "
               "not ranked: a gain depends on its baseline.")
    gains_table(gains, key=f"{key}_gains",
                view=keep("gains", lambda form: form(gains_view(gains)))
                if gains else None)


def entity_index(label: str, index, *, key: str) -> None:
    """A sortable, filterable table of the entities of a type, names linking to their pages: the first
    TABLE_ROWS, most mentioned first, of those the filter keeps (every one in its CSV download)."""
    frame = explore.entity_table(index, label)
    needle = st.text_input(f"Filter {KIND_PLURAL[label].lower()}", key=f"{key}_filter", placeholder="part of a name")
    if needle.strip():
        frame = frame[frame["name"].str.contains(needle.strip(), case=False, regex=False)]
    if len(frame) > TABLE_ROWS:
        plural = KIND_PLURAL[label].lower()
        st.caption(f"The first {TABLE_ROWS:,} of {len(frame):,} {plural}, most mentioned first (a click on a header "
                   f"sorts these); type part of a name above to narrow them, or download the CSV of them all.")
        download_csv(lambda frame=frame: frame, f"{plural}.csv", key=f"{key}_csv")
        frame = frame.head(TABLE_ROWS)
    frame = frame.assign(name=[entity_url(label, n) for n in frame["name"]])
    st.dataframe(frame, hide_index=True, width="stretch", key=key, height=min(35 * (len(frame) + 1) + 3, 600),
                 column_config={"name": st.column_config.LinkColumn(label, display_text=rf"{label}=([^&]*)", width="large"),
                                "proposed_in": st.column_config.NumberColumn("proposed in")})


GRAPH_COLOURS = {"method": "#4c78a8", "dataset": "#54a24b", "metric": "#f58518", "task": "#b279a2", "paper": "#9d9d9d"}


def neighbourhood_graph(index, label: str, name: str):
    """The nodes and edges (streamlit_agraph) of :func:`explore.neighbourhood` around an entity, as drawn:
    papers small and unlabelled (their titles on hover), claims as red arrows from the winner to the
    baseline. Kept a while per entity (``Index.recent``): a rerun draws the same graph without making it again."""
    def make():
        from streamlit_agraph import Edge, Node

        g, centre, quiet = explore.neighbourhood(index, label, name), explore.node_id(label, name), ("mentions", "co-mentioned")
        nodes = [Node(id=n, label="" if d["kind"] == "paper" else d["label"], title=d["label"],
                      color=GRAPH_COLOURS.get(d["kind"], "#999"), size=30 if n == centre else 12 if d["kind"] == "paper" else 20,
                      shape="dot") for n, d in g.nodes(data=True)]
        edges = [Edge(source=a, target=b, label=d["relation"] if d["relation"] not in quiet else "",
                      title=" ".join(x for x in (d["relation"], d.get("value", ""),
                                                  f"({d['claims']} claims)" if d.get("claims", 1) > 1 else "") if x),
                      color="#c9c9c9" if d["relation"] in quiet else "#d62728")
                 for a, b, d in g.edges(data=True)]
        return nodes, edges

    return index.recent(("neighbourhood graph", label, name), make)


LINKABLE = {"winner": "method", "baseline": "method", "method": "method", "method_a": "method", "method_b": "method",
            "dataset": "dataset", "metric": "metric", "task": "task", "paper_id": "paper", "paper_a": "paper", "paper_b": "paper"}
_PARAM_OF = {"method": "method", "dataset": "dataset", "metric": "metric", "task": "task", "paper": "paper"}


def result_table(frame, *, key: str) -> None:
    """A query result; columns that hold entity names or paper ids (by the named queries' column
    names) link to their pages."""
    import pandas as pd

    view, config = frame.copy(), {}
    for column, kind in LINKABLE.items():
        if column in view and view[column].map(lambda v: isinstance(v, str) or pd.isna(v)).all():
            view[column] = [entity_url(kind, v) if isinstance(v, str) and v else None for v in view[column]]
            config[column] = st.column_config.LinkColumn(column, display_text=rf"{_PARAM_OF[kind]}=([^&]*)")
    st.dataframe(view, hide_index=True, width="stretch", key=key, column_config=config)


def download_csv(frame, name: str, *, key: str) -> None:
    """A CSV download of ``frame`` (a DataFrame, or a function making it when the button is clicked)."""
    data = (lambda: frame().to_csv(index=False).encode()) if callable(frame) else frame.to_csv(index=False).encode()
    st.download_button("Download CSV", data, file_name=name, mime="text/csv", key=key)


def paged(items, what: str, *, key: str, limit: int | None = None):
    """The part of a list (a sequence) to show one by one: all of it when short, else ``limit`` (LIST_LINKS)
    at a time, the page chosen in a number box, with a caption saying which and how many there are."""
    limit = limit or LIST_LINKS
    if len(items) <= limit:
        return items
    pages = -(-len(items) // limit)
    page = st.number_input(f"Page (of {pages:,}, {limit} {what} each)", min_value=1, max_value=pages, value=1, step=1,
                           key=key)
    start = (int(page) - 1) * limit
    st.caption(f"{what.capitalize()} {start + 1:,}–{min(start + limit, len(items)):,} of {len(items):,}.")
    return items[start:start + limit]


def param(name: str) -> str:
    return st.query_params.get(name, "") or ""
