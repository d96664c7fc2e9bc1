"""papers-kg explorer: the entry point (`streamlit run app/streamlit_app.py`).

A router over the pages in ``app_pages/``; the graph store comes from $KG_STORE
or the sidebar. Every page also runs on its own. Pages import their shared frame as ``_ui``
(``app_pages/_ui.py``): a page run on its own finds it beside itself, routed pages find it here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

PAGES_DIR = str(Path(__file__).resolve().parent / "app_pages")
if PAGES_DIR not in sys.path:
    sys.path.insert(0, PAGES_DIR)

st.set_page_config(page_title="papers-kg explorer", page_icon=":material/hub:", layout="wide")
st.session_state["_kg_nav"] = True  # pages link to each other only when routed

pages = {
    "Explore": [
        st.Page("app_pages/search.py", title="Search", icon=":material/search:", url_path="search", default=True),
        st.Page("app_pages/paper.py", title="Papers", icon=":material/article:", url_path="paper"),
        st.Page("app_pages/method.py", title="Methods", icon=":material/extension:", url_path="method"),
        st.Page("app_pages/entity.py", title="Datasets, tasks, metrics", icon=":material/dataset:", url_path="entity"),
        st.Page("app_pages/claims.py", title="Claims", icon=":material/balance:", url_path="claims"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page("app_pages/conflicts.py", title="Conflicts", icon=":material/error:", url_path="conflicts"),
    ],
    "Tools": [
        st.Page("app_pages/query.py", title="Query console", icon=":material/terminal:", url_path="query"),
        st.Page("app_pages/export.py", title="Export", icon=":material/download:", url_path="export"),
    ],
}
st.navigation(pages).run()
