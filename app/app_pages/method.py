"""Method page: aliases, papers, what it beats and what beats it, neighbourhood, interest over time."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

loaded = _ui.setup("Method", ":material/extension:")
if loaded is not None:
    graph, index = loaded
    name = _ui.param("method")
    view = explore.entity_view(index, "method", name) if name else None
    if view is None:
        if name:
            st.warning(f"No method called “{_ui.inert(name)}” in this graph.")
        st.title("Methods")
        st.caption(f"{explore.entity_count(index, 'method')} methods, most mentioned first; click a header to sort.")
        _ui.entity_index("method", index, key="methods")
    else:
        st.title(_ui.inert(view.name))
        st.caption(_ui.inert("Method" + (" · also written as: " + " · ".join(view.aliases) if view.aliases else "")))
        beats, beaten = view.beats_rows, view.beaten_rows
        cols = st.columns(4)
        cols[0].metric("Papers", view.paper_count)
        cols[1].metric("Proposed in", view.proposed_in)
        cols[2].metric("Beats", sum(1 for row in beats if row.claim.object))
        cols[3].metric("Beaten by", len(beaten))
        rest = f"every one is on the Claims page for {_ui.inert(view.name)}, with a CSV download."

        st.subheader(f"Beaten by ({len(beaten)})")
        st.caption(f"Claims that another method outperforms {_ui.inert(view.name)}.")
        values = ["dataset", "metric", "value", "kind", "values", "paper_link", "sentence"]
        (beaten_frame, beaten_view), (beats_frame, beats_view) = index.recent(  # kept while the method is asked for
            ("method claims", view.name), lambda: (_ui.kept_claims(index, beaten, ["type", "method_link", *values]),
                                                   _ui.kept_claims(index, beats, ["type", "baseline_link", *values])))
        _ui.claim_table(beaten_frame, key="beaten_by", total=len(beaten), rest=rest, view=beaten_view)
        st.subheader(f"Its results: what it beats, improves, achieves ({len(beats)})")
        st.caption(f"Claims with {_ui.inert(view.name)} as the subject. “kind” is the kind of the claim's value "
                   "(a score, or a gain over the baseline: delta, ratio, range); “every value” lists each value "
                   "of the sentence with its kind, metric and dataset.")
        _ui.claim_table(beats_frame, key="beats", total=len(beats), rest=rest, view=beats_view)
        if len(beats) + len(beaten) > _ui.TABLE_ROWS:
            _ui.link("claims", f"Every claim naming {view.name}", icon=":material/balance:", method=view.name)
        rivals = explore.opponents(index, view.name)
        if rivals:
            st.markdown("**Compare with**")
            for col, rival in zip(st.columns(min(4, len(rivals))) * len(rivals), rivals[:12]):
                with col:
                    _ui.link("compare", rival, icon=":material/compare_arrows:", a=view.name, b=rival)

        claims = [*beats, *beaten]
        if claims:
            with st.expander(f"Evidence ({len(claims)} sentences)", expanded=True):
                for row in _ui.paged(claims, "sentences", key="evidence_page"):
                    flag = " ⚠ contradicted" if row.key in index.contradicted else ""
                    st.markdown(f'<div class="kg-quote">{_ui.inert(row.claim.sentence)}</div>', unsafe_allow_html=True)
                    _ui.paper_link(row.paper.id, f"{row.paper.title}{flag}")

        left, right = st.columns([3, 2])
        with left:
            st.subheader("Neighbourhood")
            from streamlit_agraph import Config, agraph

            nodes, edges = _ui.neighbourhood_graph(index, "method", view.name)  # kept while the method is asked for
            clicked = agraph(nodes=nodes, edges=edges, config=Config(width=760, height=460, directed=True, physics=True, hierarchical=False))
            st.caption("Blue: methods · green: datasets · orange: metrics · purple: tasks · grey: papers (hover for titles). "
                       "Red arrows: claims, from the winner to the baseline, one per pair and claim type (the 50 most "
                       "claimed; the Claims page lists every claim).")
            _ui.link("export", f"Export the neighbourhood of {view.name} (GEXF, GraphML, Turtle, JSON-LD)",
                     icon=":material/download:", method=view.name)
            if clicked and ":" in clicked:
                kind, key = clicked.split(":", 1)
                _ui.entity_link(kind, key, suffix=" — open")
        with right:
            st.subheader("Papers")
            for paper_id, title, relation, _ in _ui.paged(view.paper_rows, "papers", key="papers_page"):
                _ui.paper_link(paper_id, f"{'★ ' if relation == 'proposes' else ''}{title}")
            st.subheader("Mentions over listing dates")
            if view.timeline.empty:
                st.caption("No listing dates known for these papers.")
            else:  # explore.timeline: in calendar order, as the named query mentions_per_listing_date
                st.bar_chart(view.timeline, x="listing_date", y="papers", height=220, x_label="listing date",
                             y_label="papers", sort=False)
            if view.related:
                st.subheader("Often mentioned with")
                for other, label, count in view.related[:10]:
                    _ui.entity_link(label, other, suffix=f" — {count}")
