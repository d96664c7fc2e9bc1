"""Claims browser: filter result claims (each row links to its paper and shows its evidence); the
leaderboards and gains of the chosen dataset and metric (kg.results)."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore


def filter_box(column, label: str, name: str, choices: list[str], every: list[str]) -> str:
    """A select box over ``choices``, starting at the URL's ``name`` parameter when it is one of ``every``.
    When ``choices`` leaves values of ``every`` out (those named by the fewest claims), any of them can be
    typed in the box, and its help says so."""
    wanted = _ui.param(name)
    options = ["", *choices]
    cut = len(choices) < len(every)
    if wanted and wanted not in choices and cut and wanted in every:
        options.insert(1, wanted)
    help = (f"Lists the {len(choices):,} {name}s named by the most claims, of {len(every):,}; type the name of "
            "any other." if cut else None)
    return column.selectbox(label, options, index=options.index(wanted) if wanted in options else 0, key=f"f_{name}",
                            accept_new_options=cut, help=help) or ""


EVIDENCE = 20  # evidence sentences shown under the table

loaded = _ui.setup("Claims", ":material/balance:")
if loaded is not None:
    graph, index = loaded
    st.title("Claims")
    every = explore.claim_filter_options(index)
    options = explore.claim_filter_choices(index, _ui.FILTER_CHOICES)  # not a select box of 87,000 methods
    cols = st.columns([2, 2, 2, 2, 1.4])
    types = cols[0].multiselect("Type", options["type"], key="f_type")
    method = filter_box(cols[1], "Method (subject or baseline)", "method", options["method"], every["method"])
    dataset = filter_box(cols[2], "Dataset", "dataset", options["dataset"], every["dataset"])
    metric = filter_box(cols[3], "Metric", "metric", options["metric"], every["metric"])
    conflicts_only = cols[4].toggle("Conflicts only", value=_ui.param("conflicts") == "1", key="f_conflicts")
    rows = explore.select_claims(index, types=types, method=method, dataset=dataset, metric=metric, conflicts_only=conflicts_only)
    flagged = explore.contradicted_count(index, rows)
    st.caption(f"{len(rows):,} of {len(index.claims):,} claims" + (f" · ⚠ {flagged} contradicted by another paper" if flagged else ""))
    if len(rows) > _ui.CLAIMS_PAGE:
        st.caption(f"The table shows {_ui.CLAIMS_PAGE:,} at a time (choose the page below); narrow the filters, or "
                   f"download the CSV for all {len(rows):,}.")
    shown = _ui.paged(rows, "claims", key="claims_page", limit=_ui.CLAIMS_PAGE)
    selected = (tuple(sorted(types)), method, dataset, metric, conflicts_only)

    # kept while the filters and page are asked for again; the rows are the index's own (one object per claim
    # for its life): the first one names the page
    frame, view = index.recent(("claims page", selected, id(shown[0]) if shown else None, len(shown)),
                               lambda: _ui.kept_claims(index, shown))
    _ui.claim_table(frame, key="claims_table", height=min(35 * (len(frame) + 1) + 3, 560), view=view)
    if not frame.empty:
        every_row = frame if len(rows) == len(shown) else (lambda: explore.claims_frame(index, rows))
        _ui.download_csv(every_row, "claims.csv", key="claims_csv")
        with st.expander("Evidence, with links to the papers", expanded=len(frame) <= 20):
            if len(shown) > EVIDENCE:
                st.caption(f"The first {EVIDENCE} of the {len(shown):,} claims in the table; the table's pages and its "
                           "CSV download hold every claim.")
            for claim_row, row in zip(shown[:EVIDENCE], frame.itertuples()):
                flag = f" — ⚠ {_ui.inert(row.conflict)}" if row.conflict else ""
                st.markdown(f'<div class="kg-summary">{explore.claim_summary(claim_row.claim, links=True)}{flag}</div>',
                            unsafe_allow_html=True)
                st.markdown(f'<div class="kg-quote">{_ui.inert(row.sentence)}</div>', unsafe_allow_html=True)
                _ui.paper_link(row.paper_id, row.paper_title)
    st.divider()
    where = {k: v for k, v in (("dataset", dataset), ("metric", metric)) if v}
    gains = explore.select_gains(index, method=method, **where)
    _ui.results_section(index, explore.boards(index, **where), gains, key="claims_board", by=metric,
                        kept=("claims", dataset, metric, method))
