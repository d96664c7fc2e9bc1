"""Search: one box over papers, methods, datasets, metrics and tasks (aliases, typos)."""

from __future__ import annotations

import _ui
import streamlit as st

from kg import explore

loaded = _ui.setup("Search", ":material/search:")
if loaded is not None:
    graph, index = loaded
    st.title("papers-kg explorer")
    st.caption("Methods, datasets, metrics, tasks and result claims extracted from ML paper abstracts.")
    stats = explore.home_stats(index)
    cols = st.columns(6)
    for col, (name, value) in zip(cols, [(k, stats[k]) for k in ("papers", "methods", "datasets", "tasks", "metrics", "claims")]):
        col.metric(name.capitalize(), value)

    query = st.text_input("Search", value=_ui.param("q"), placeholder="Try KAN, CIFAR-10, accuracy, Kolmogorov-Arnold…",
                          key="search_box", label_visibility="collapsed")
    if query != _ui.param("q"):
        st.query_params["q"] = query  # the search is in the URL, so back/forward and sharing work
    if query.strip():
        groups = explore.search(index, query)
        total = sum(len(hits) for hits in groups.values())
        st.subheader(f"{total} result{'s' if total != 1 else ''} for “{_ui.inert(query.strip())}”")
        if not groups:
            st.info("Nothing matches. Check the spelling or try a shorter name.")
        kinds = [k for k in explore.KINDS if k in groups]
        for kind, col in zip(kinds, st.columns(max(1, len(kinds)))):
            with col:
                st.markdown(f"**{_ui.KIND_PLURAL[kind]}** · {len(groups[kind])}")
                for hit in groups[kind]:
                    if kind == "paper":
                        _ui.paper_link(hit.key, hit.title)
                    else:
                        alias = f" (as “{hit.matched}”)" if explore.title_key(hit.matched) != explore.title_key(hit.key) else ""
                        _ui.entity_link(kind, hit.key, suffix=f" — {hit.papers} paper{'s' if hit.papers != 1 else ''}{alias}")
    else:
        st.subheader("Most mentioned")
        for kind, col in zip(("method", "dataset", "task", "metric"), st.columns(4)):
            with col:
                st.markdown(f"**{_ui.KIND_PLURAL[kind]}**")
                for name, count in explore.top_entities(index, kind, 8):
                    _ui.entity_link(kind, name, suffix=f" — {count}")
        headlines = explore.headline_claims(index)
        if headlines:
            st.subheader("Results claimed")
            for row, col in zip(headlines, st.columns(2) * len(headlines)):
                with col.container(border=True):
                    st.markdown(f'<div class="kg-summary">{explore.claim_summary(row.claim, links=True)}</div>', unsafe_allow_html=True)
                    st.markdown(f'<div class="kg-quote">{_ui.inert(row.claim.sentence)}</div>', unsafe_allow_html=True)
                    _ui.paper_link(row.paper.id, row.paper.title)
        conflicts = stats["conflicts"]
        if conflicts:
            st.warning(f"{conflicts} conflict{'s' if conflicts != 1 else ''} between papers: opposite orderings of two "
                       "methods, or one method's scores that disagree.")
            _ui.link("conflicts", "Review the conflicts", icon=":material/error:")
