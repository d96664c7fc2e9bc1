"""Paper page: metadata, code links, annotated abstract, proposed methods, claims."""

from __future__ import annotations

from pathlib import Path

import _ui
import streamlit as st

from kg import explore

loaded = _ui.setup("Paper", ":material/article:")
if loaded is not None:
    graph, index = loaded
    paper_id = _ui.param("paper")
    view = explore.paper_view(index, paper_id) if paper_id else None
    if view is None:
        if paper_id:
            st.warning(f"No paper with id “{_ui.inert(paper_id)}” in this graph.")
        st.title("Papers")
        needle = st.text_input("Filter titles", key="paper_filter", placeholder="words from the title")
        shown = explore.papers_matching(index, needle)
        st.caption(f"{len(shown):,} of {len(index.papers):,} papers, newest first"
                   + ("; words from a title narrow them." if len(shown) > _ui.LIST_LINKS else "."))
        for paper in _ui.paged(shown, "papers", key="papers_page"):
            _ui.paper_link(paper.id, paper.title)
    else:
        paper = view.paper
        st.markdown(f'<div class="kg-title">{view.title_html}</div>', unsafe_allow_html=True)  # built from escaped text
        meta = [f"id {paper.id}"]
        if paper.published:
            meta.append(f"published {paper.published}")
        if paper.author_count:
            meta.append(f"{paper.author_count} authors")
        if paper.upvotes is not None:
            meta.append(f"▲ {paper.upvotes}")
        dates = sorted({s.listing_date for s in paper.sources if s.listing_date})
        if dates:
            meta.append("listed " + ", ".join(dates))
        if paper.sources:
            first = paper.sources[0]
            meta.append(f"from {Path(first.file).name} line {first.line}"
                        + (f" (+{len(paper.sources) - 1} more listing{'s' if len(paper.sources) > 2 else ''})" if len(paper.sources) > 1 else ""))
        st.caption(_ui.inert(" · ".join(meta)))
        if paper.code_urls:
            cols = st.columns(min(4, len(paper.code_urls)))
            for col, code_url in zip(cols * len(paper.code_urls), paper.code_urls):
                col.link_button(_ui.inert(f"Code: {code_url.split('://', 1)[-1][:60]}"), code_url, icon=":material/code:")
        left, right = st.columns([3, 1])
        with left:
            st.markdown(
                '<div class="kg-legend"><span class="kg-ent kg-method">method</span><span class="kg-ent kg-dataset">dataset</span>'
                '<span class="kg-ent kg-metric">metric</span><span class="kg-ent kg-task">task</span>'
                '<span><mark class="kg-claim">claim sentence</mark></span></div>',
                unsafe_allow_html=True,
            )
            st.markdown(f'<div class="kg-abstract">{view.abstract_html}</div>', unsafe_allow_html=True)  # escaped
        with right:
            if view.proposed:
                st.markdown("**Proposes**")
                for name in view.proposed:
                    _ui.entity_link("method", name)
            for label in ("method", "dataset", "task", "metric"):
                names = [n for n in view.entities.get(label, []) if not (label == "method" and n in view.proposed)]
                if names:
                    st.markdown(f"**{_ui.KIND_PLURAL[label]}**")
                    for name in names:
                        _ui.entity_link(label, name)
        st.subheader(f"Claims ({len(view.claims)})")
        _ui.claim_table(view.claims, key="paper_claims",
                        columns=["type", "method_link", "baseline_link", "dataset", "metric", "value", "sentence"])
