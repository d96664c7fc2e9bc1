"""Claims browser: filter result claims (each row links to its paper and shows its evidence); the
leaderboards and gains of the chosen dataset and metric (kg.results)."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

loaded = _ui.setup("Claims", ":material/balance:")
if loaded is not None:
    graph, index = loaded
    st.title("Claims")
    options = explore.claim_filter_options(index)
    cols = st.columns([2, 2, 2, 2, 1.4])
    types = cols[0].multiselect("Type", options["type"], key="f_type")
    method = cols[1].selectbox("Method (subject or baseline)", ["", *options["method"]], key="f_method",
                               index=([""] + options["method"]).index(_ui.param("method")) if _ui.param("method") in options["method"] else 0)
    dataset = cols[2].selectbox("Dataset", ["", *options["dataset"]], key="f_dataset")
    metric = cols[3].selectbox("Metric", ["", *options["metric"]], key="f_metric")
    conflicts_only = cols[4].toggle("Conflicts only", value=_ui.param("conflicts") == "1", key="f_conflicts")
    rows = explore.select_claims(index, types=types, method=method, dataset=dataset, metric=metric, conflicts_only=conflicts_only)
    frame = explore.claims_frame(index, rows[:_ui.TABLE_ROWS])  # what the table shows; the CSV has every row
    flagged = sum(1 for row in rows if index.contradicted.get(row.key))
    st.caption(f"{len(rows)} of {len(index.claims)} claims" + (f" · ⚠ {flagged} contradicted by another paper" if flagged else ""))
    if len(rows) > _ui.TABLE_ROWS:
        st.caption(f"The table shows the first {_ui.TABLE_ROWS:,}; narrow the filters, or download the CSV for all {len(rows):,}.")
    _ui.claim_table(frame, key="claims_table", height=min(35 * (len(frame) + 1) + 3, 560))
    if not frame.empty:
        every = frame if len(rows) <= _ui.TABLE_ROWS else (lambda: explore.claims_frame(index, rows))
        _ui.download_csv(every, "claims.csv", key="claims_csv")
        with st.expander("Evidence, with links to the papers", expanded=len(frame) <= 20):
            for claim_row, row in zip(rows[:50], frame.itertuples()):
                flag = f" — ⚠ {_ui.inert(row.conflict)}" if row.conflict else ""
                st.markdown(f'<div class="kg-summary">{explore.claim_summary(claim_row.claim, links=True)}{flag}</div>',
                            unsafe_allow_html=True)
                st.markdown(f'<div class="kg-quote">{_ui.inert(row.sentence)}</div>', unsafe_allow_html=True)
                _ui.paper_link(row.paper_id, row.paper_title)
    st.divider()
    where = {k: v for k, v in (("dataset", dataset), ("metric", metric)) if v}
    gains = explore.gains_frame(index, method=method, **where)
    _ui.results_section(index, explore.boards(index, **where), gains, key="claims_board", by=metric)
