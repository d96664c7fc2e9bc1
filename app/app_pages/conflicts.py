"""Conflicts: papers that order two methods oppositely, or report one method's score differently
(kg.results.conflicts), with both evidence sentences side by side."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

loaded = _ui.setup("Conflicts", ":material/error:")
if loaded is not None:
    graph, index = loaded
    st.title("Conflicting claims")
    st.caption("Opposite orderings: one paper says A outperforms B, another that B outperforms A, on the same "
               "dataset and metric (one named by only one side counts as the same). Different scores: two papers "
               "report one method's score on the same dataset and metric more than half a point apart "
               "(percentages, points), else more than 2 % apart.")
    involved = explore.conflict_methods(index)
    wanted = _ui.param("method")
    if wanted and wanted not in involved:
        st.info(f"No conflicting claims involve “{_ui.inert(wanted)}”.")
    method = st.selectbox("Method", ["", *involved], key="conflict_method", format_func=lambda m: m or "every method",
                          index=1 + involved.index(wanted) if wanted in involved else 0) if involved else ""
    found = explore.conflicts_of(index, method)
    if not found:
        st.success("No conflicting claims: no two papers order a pair of methods oppositely or disagree on a "
                   "method's score, on the same dataset and metric.")
    else:
        st.caption(f"{len(found)} conflict{'s' if len(found) != 1 else ''}")
    for conflict in _ui.paged(found, "conflicts", key="conflicts_page", limit=_ui.CONFLICTS_PAGE):
        with st.container(border=True):
            st.markdown(f'<div class="kg-summary">{explore.conflict_heading(conflict, links=True)}</div>', unsafe_allow_html=True)
            sides = ((conflict.paper_a, conflict.method_a, conflict.value_a, conflict.sentence_a),
                     (conflict.paper_b, conflict.method_b, conflict.value_b, conflict.sentence_b))
            for col, (paper_id, subject, value, sentence) in zip(st.columns(2), sides):
                with col:
                    paper = index.papers.get(paper_id)
                    _ui.paper_link(paper_id, paper.title if paper else paper_id)
                    if value:
                        st.caption(_ui.inert(f"{subject}: {value}"))
                    st.markdown(f'<div class="kg-quote">{_ui.inert(sentence)}</div>', unsafe_allow_html=True)
