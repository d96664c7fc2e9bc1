"""Compare two methods: every claim relating them, both ways, with its evidence (kg.results.compare)."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore


def choose(label: str, options: list[str], wanted: str, key: str) -> str:
    """A selectbox over ``options`` starting at the URL's choice, which it writes back to the URL."""
    chosen = st.selectbox(label, options, index=options.index(wanted) if wanted in options else 0, key=key)
    st.query_params[key] = chosen  # the pair is in the URL, so links and the back button work
    return chosen


loaded = _ui.setup("Compare", ":material/compare_arrows:")
if loaded is not None:
    graph, index = loaded
    st.title("Compare two methods")
    methods = explore.compared_methods(index)
    if not methods:
        st.info("No claim in this graph relates two methods.")
    else:
        if _ui.param("a") and _ui.param("a") not in methods:
            st.warning(f"No claim relates “{_ui.inert(_ui.param('a'))}” to another method.")
        left, right = st.columns(2)
        with left:
            a = choose("Method", methods, _ui.param("a"), "a")
        with right:
            b = choose("Compared with (methods a claim relates to it)", explore.opponents(index, a), _ui.param("b"), "b")
        rows = explore.compare_claims(index, a, b)
        frame = explore.claims_frame(index, rows)
        cols = st.columns(2)
        cols[0].metric(_ui.inert(f"{a} on {b}"), int((frame["method"] == a).sum()), help="claims with the first as the subject")
        cols[1].metric(_ui.inert(f"{b} on {a}"), int((frame["method"] == b).sum()), help="claims with the second as the subject")
        _ui.claim_table(frame, key="compare_table",
                        columns=["type", "method_link", "baseline_link", "dataset", "metric", "value", "kind", "values",
                                 "paper_link", "sentence"])
        for claim_row, row in zip(rows, frame.itertuples()):
            flag = f" — ⚠ {_ui.inert(row.conflict)}" if row.conflict else ""
            st.markdown(f'<div class="kg-summary">{explore.claim_summary(claim_row.claim, links=True)}{flag}</div>',
                        unsafe_allow_html=True)
            st.markdown(f'<div class="kg-quote">{_ui.inert(row.sentence)}</div>', unsafe_allow_html=True)
            _ui.paper_link(row.paper_id, row.paper_title)
