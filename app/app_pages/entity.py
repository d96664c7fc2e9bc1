"""Dataset / task / metric page: its leaderboards (kg.results), the best over time, gains over a baseline, its claims."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

LABELS = ("dataset", "task", "metric")

loaded = _ui.setup("Datasets, tasks, metrics", ":material/dataset:")
if loaded is not None:
    graph, index = loaded
    label = next((lab for lab in LABELS if _ui.param(lab)), "")
    view = explore.entity_view(index, label, _ui.param(label)) if label else None
    if view is None:
        if label:
            st.warning(f"No {label} called “{_ui.inert(_ui.param(label))}” in this graph.")
        st.title("Datasets, tasks and metrics")
        tabs = st.tabs([f"{_ui.KIND_PLURAL[lab]} ({explore.entity_count(index, lab)})" for lab in LABELS])
        for lab, tab in zip(LABELS, tabs):
            with tab:
                _ui.entity_index(lab, index, key=f"index_{lab}")
    else:
        st.title(_ui.inert(view.name))
        st.caption(_ui.inert(view.label.capitalize() + (f" · also written as: {' · '.join(view.aliases)}" if view.aliases else "")))
        claims = view.claim_rows
        cols = st.columns(3)
        cols[0].metric("Papers", view.paper_count)
        cols[1].metric("Claims", len(claims))
        if view.label == "metric":
            cols[2].metric("Better is", {"higher": "higher ↑", "lower": "lower ↓"}.get(view.direction, "unknown"),
                           help="From kg/resources/metrics.tsv, each entry with the source of the metric's definition.")
        else:
            cols[2].metric("Leaderboards", len(view.boards))
        _ui.results_section(index, view.boards, view.gain_rows, key="board", by=_ui.param("by"),
                            kept=("entity", view.label, view.name))
        with st.expander(f"Every claim naming {_ui.inert(view.name)} ({len(claims)})"):
            rest = "download the CSV for them all" + (
                f", or narrow them on the Claims page for this {view.label}." if view.label != "task" else ".")
            columns = ["type", "method_link", "baseline_link", "dataset", "metric", "value", "kind", "paper_link", "sentence"]
            # kept while the entity is asked for again
            frame, shown = index.recent(("entity claims", view.label, view.name),
                                        lambda: _ui.kept_claims(index, claims, columns))
            _ui.claim_table(frame, key="entity_claims", total=len(claims), rest=rest, columns=columns, view=shown)
            if len(claims) > _ui.TABLE_ROWS:
                _ui.download_csv(lambda: explore.claims_frame(index, claims), f"claims-{explore.slug(view.name)}.csv",
                                 key="entity_claims_csv")
                if view.label != "task":
                    _ui.link("claims", f"Claims naming {view.name}", icon=":material/balance:", **{view.label: view.name})
        left, right = st.columns(2)
        with left:
            st.subheader("Papers")
            for paper_id, title, _, _ in _ui.paged(view.paper_rows, "papers", key="papers_page"):
                _ui.paper_link(paper_id, title)
        with right:
            if view.related:
                st.subheader("Often mentioned with")
                for other, lab, count in view.related[:12]:
                    _ui.entity_link(lab, other, suffix=f" — {count}")
            _ui.link("export", f"Export the neighbourhood of {view.name}", icon=":material/download:", **{view.label: view.name})
