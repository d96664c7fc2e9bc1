"""Query console: read-only SPARQL over the embedded store (Cypher when a Bolt server answers)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # _ui, also when this page runs on its own

import _ui  # noqa: E402
import streamlit as st  # noqa: E402

from kg import explore  # noqa: E402

ROW_LIMIT, TIMEOUT_S = 1000, 10.0

loaded = _ui.setup("Query console", ":material/terminal:")
if loaded is not None:
    graph, index = loaded
    st.title("Query console")
    st.caption(f"Read-only · at most {ROW_LIMIT} rows · {TIMEOUT_S:g} s timeout. Pick an example or write your own.")
    examples = explore.example_queries("rq")
    tabs = ["SPARQL"]
    cypher = explore.cypher_console()
    if cypher is not None:
        tabs.append("Cypher")
    for tab, language in zip(st.tabs(tabs), tabs):
        with tab:
            lang_examples = examples if language == "SPARQL" else explore.example_queries("cypher")
            names = ["(custom)", *lang_examples]
            chosen = st.selectbox("Example", names, key=f"{language}_example",
                                  index=names.index(_ui.param("example")) if _ui.param("example") in names else 0)
            text = st.text_area("Query", value=lang_examples.get(chosen, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20"),
                                height=220, key=f"{language}_text_{chosen}")
            params = explore.query_parameters(text, chosen if text == lang_examples.get(chosen) else None)
            bindings = {}
            if params:
                cols = st.columns(len(params))
                for col, name in zip(cols, params):
                    bindings[name] = col.text_input(f"${name}" if language == "Cypher" else f"?{name}",
                                                    value=explore.DEFAULT_PARAMS.get(name, ""), key=f"{language}_{chosen}_{name}")
            if st.button("Run", type="primary", key=f"{language}_run", icon=":material/play_arrow:"):
                try:
                    if language == "SPARQL":
                        if not explore.is_read_only_sparql(text):
                            raise ValueError("updates are not allowed here: the console is read-only")
                        if text == lang_examples.get(chosen):  # an unedited example: the named query itself
                            def job():
                                return graph.named(chosen, **bindings)
                        else:
                            def job():
                                return graph.sparql(text, **{k: v for k, v in bindings.items() if v})
                        result = explore.run_bounded(job, limit=ROW_LIMIT, timeout=TIMEOUT_S)
                    else:
                        result = explore.run_bounded(lambda: cypher(text, **bindings), limit=ROW_LIMIT, timeout=TIMEOUT_S)
                except Exception as error:  # a bad query is the user's to fix: show it, keep the console up
                    st.error(f"{type(error).__name__}: {error}")
                else:
                    st.success(f"{len(result.frame)} row{'s' if len(result.frame) != 1 else ''} in {result.seconds * 1000:.0f} ms"
                               + (f" (first {ROW_LIMIT} shown)" if result.truncated else ""))
                    st.dataframe(result.frame, hide_index=True, width="stretch", key=f"{language}_result")
                    _ui.download_csv(result.frame, "query.csv", key=f"{language}_csv")
