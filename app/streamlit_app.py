"""papers-kg explorer: the entry point (`streamlit run app/streamlit_app.py`).

A router over the pages in ``app_pages/``; the graph store comes from $KG_STORE
or the sidebar. Every page also runs on its own.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="papers-kg explorer", page_icon="🔎", layout="wide")
st.session_state["_kg_nav"] = True  # pages link to each other only when routed

pages = {
    "Explore": [
        st.Page("app_pages/search.py", title="Search", icon="🔎", url_path="search", default=True),
        st.Page("app_pages/paper.py", title="Papers", icon="📄", url_path="paper"),
        st.Page("app_pages/method.py", title="Methods", icon="🧩", url_path="method"),
        st.Page("app_pages/entity.py", title="Datasets, tasks, metrics", icon="🗂️", url_path="entity"),
        st.Page("app_pages/claims.py", title="Claims", icon="⚖️", url_path="claims"),
    ],
    "Tools": [
        st.Page("app_pages/query.py", title="Query console", icon="⌨️", url_path="query"),
        st.Page("app_pages/export.py", title="Export", icon="⬇️", url_path="export"),
    ],
}
st.navigation(pages).run()
